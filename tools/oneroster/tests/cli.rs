//! The command line itself: its help, and how it fails before reaching a
//! server.

use std::process::Command;

fn tool() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_otmetka-oneroster"));
    for variable in [
        "OTMETKA_IMPORT_URL",
        "OTMETKA_IDENTITY_URL",
        "OTMETKA_CLIENT_ID",
        "OTMETKA_CLIENT_SECRET",
        "OTMETKA_TOKEN",
    ] {
        command.env_remove(variable);
    }
    command
}

#[test]
fn the_help_names_every_option_and_says_reloading_is_safe() {
    let output = tool().arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for option in [
        "--import-url",
        "--identity-url",
        "--client-id",
        "--client-secret",
        "OTMETKA_CLIENT_SECRET",
        "--token",
        "--school-id",
        "--rejects",
        "--state",
        "--dry-run",
        "--max-delete-share",
        "--confirm-deletions",
        "idempotent",
    ] {
        assert!(help.contains(option), "{option} is missing from:\n{help}");
    }
}

#[test]
fn credentials_or_a_token_are_required() {
    let output = tool()
        .args(["--import-url", "http://127.0.0.1:9", "set"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8(output.stderr).unwrap();
    assert!(error.contains("--client-id"), "{error}");
}

#[test]
fn a_set_without_a_manifest_fails_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("results.csv"), "sourcedId\n").unwrap();
    let output = tool()
        .args(["--import-url", "http://127.0.0.1:9", "--token", "t"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let error = String::from_utf8(output.stderr).unwrap();
    assert!(error.contains("manifest.csv"), "{error}");
}
