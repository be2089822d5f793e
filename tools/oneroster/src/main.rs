//! otmetka-oneroster: loads a OneRoster 1.2 CSV set into Otmetka as a vendor.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use otmetka_oneroster::{Auth, ClientTls, Options, Summary, load};

/// Loads a OneRoster 1.2 CSV set (a directory or a zip with manifest.csv)
/// into Otmetka through the vendor API, as the vendor whose credentials are
/// given.
///
/// Roster files (orgs, academicSessions, courses, classes, users, roles,
/// enrollments) never change the platform's roster: a row with the platform
/// id in the extension column metadata.otmetka.id maps its sourcedId to it,
/// any other row's sourcedId must already be mapped. Each results row
/// becomes a mark of the student in the subject of its line item's class
/// (through the class's course), dated by the line item's dueDate, keyed by
/// its sourcedId, with its dateLastModified as the revision: loading a file
/// again changes nothing, and a newer edit wins. Rows with status
/// tobedeleted withdraw their mark; a bulk results file also withdraws this
/// vendor's marks dated within its academic sessions that it no longer
/// lists. categories are only checked; scoreScales must use one of the
/// platform's scales.
///
/// Rows that cannot be loaded go to the rejects report (file, line, field,
/// code, message, sourcedId); a bad row never stops the good ones. A load
/// can be interrupted at any time: run the same command again and it goes
/// on from the last acknowledged rows. Sending a row twice is always safe,
/// since pushes are idempotent. When the platform asks the load to slow
/// down, or a server goes away for a moment, it waits and goes on itself.
///
/// Exit status: 0 when everything loaded, 3 when some rows were rejected
/// or the load stopped early (see the report), 1 when the load failed or
/// was refused, 2 for a usage error.
#[derive(Debug, Parser)]
#[command(name = "otmetka-oneroster", version)]
struct Args {
    /// The OneRoster set: a directory of CSV files or a .zip of them.
    input: PathBuf,
    /// The import service (vendor API), e.g. https://import.otmetka.example.
    #[arg(long, env = "OTMETKA_IMPORT_URL")]
    import_url: String,
    /// Identity, where client credentials are exchanged for a token.
    #[arg(long, env = "OTMETKA_IDENTITY_URL", required_unless_present = "token")]
    identity_url: Option<String>,
    /// The vendor's client id.
    #[arg(long, env = "OTMETKA_CLIENT_ID", required_unless_present = "token")]
    client_id: Option<String>,
    /// The vendor's client secret.
    #[arg(
        long,
        env = "OTMETKA_CLIENT_SECRET",
        hide_env_values = true,
        required_unless_present = "token"
    )]
    client_secret: Option<String>,
    /// A vendor access token, instead of client credentials.
    #[arg(long, env = "OTMETKA_TOKEN", hide_env_values = true, conflicts_with_all = ["client_id", "client_secret"])]
    token: Option<String>,
    /// A CA certificate (PEM) to trust besides the public ones, e.g. the
    /// city's.
    #[arg(long, env = "OTMETKA_TLS_CA_FILE")]
    tls_ca_file: Option<PathBuf>,
    /// The vendor's client certificate (PEM), where the city requires
    /// mutual TLS.
    #[arg(long, env = "OTMETKA_TLS_CERT_FILE", requires = "tls_key_file")]
    tls_cert_file: Option<PathBuf>,
    /// The key of that certificate (PEM).
    #[arg(long, env = "OTMETKA_TLS_KEY_FILE", requires = "tls_cert_file")]
    tls_key_file: Option<PathBuf>,
    /// The school's platform id; by default the one school in orgs.csv with
    /// a platform id in metadata.otmetka.id.
    #[arg(long)]
    school_id: Option<String>,
    /// The rejects report [default: <input>.rejects.csv, or
    /// <input>.dry-run.rejects.csv for a dry run].
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// The checkpoint that lets an interrupted load go on
    /// [default: <input>.otmetka-state.json]. It is removed when a load
    /// completes; a different input starts afresh.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Check everything and report what would happen; write nothing to the
    /// platform (no marks, no mappings).
    #[arg(long)]
    dry_run: bool,
    /// Refuse, before sending anything, a load that would withdraw more
    /// than this share of the vendor's live marks in the school.
    #[arg(long, default_value_t = 0.2, value_parser = share)]
    max_delete_share: f64,
    /// Withdraw even more than --max-delete-share (and confirm the
    /// platform's own limit on mass deletions).
    #[arg(long)]
    confirm_deletions: bool,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

fn share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(share) if (0.0..=1.0).contains(&share) => Ok(share),
        _ => Err("must be a number from 0 to 1".into()),
    }
}

fn print(summary: &Summary) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "school {}", summary.school_id)?;
    if summary.resumed_rows > 0 {
        writeln!(
            out,
            "resumed: {} rows were acknowledged before",
            summary.resumed_rows
        )?;
    }
    writeln!(
        out,
        "id mappings: {} created, {} updated, {} unchanged",
        summary.mappings_created, summary.mappings_updated, summary.mappings_unchanged
    )?;
    writeln!(
        out,
        "marks: {} written, {} withdrawn, {} unchanged, {} stale",
        summary.accepted, summary.deleted, summary.unchanged, summary.stale
    )?;
    writeln!(
        out,
        "rejected: {} (report: {})",
        summary.rejected,
        summary.rejects_path.display()
    )?;
    for note in &summary.notes {
        writeln!(out, "note: {note}")?;
    }
    if summary.interrupted {
        writeln!(out, "stopped before the end; run again to go on")?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let auth = match (
        args.token,
        args.identity_url,
        args.client_id,
        args.client_secret,
    ) {
        (Some(token), ..) => Auth::Token(token),
        (None, Some(identity_url), Some(client_id), Some(client_secret)) => Auth::Client {
            identity_url,
            client_id,
            client_secret,
        },
        _ => unreachable!("clap requires credentials or a token"),
    };
    let read = |path: &PathBuf| {
        std::fs::read(path).map_err(|error| format!("{}: {error}", path.display()))
    };
    let tls = (|| -> Result<ClientTls, String> {
        Ok(ClientTls {
            ca: args.tls_ca_file.as_ref().map(read).transpose()?,
            certificate_and_key: match (&args.tls_cert_file, &args.tls_key_file) {
                (Some(certificate), Some(key)) => Some((read(certificate)?, read(key)?)),
                _ => None,
            },
        })
    })();
    let tls = match tls {
        Ok(tls) => tls,
        Err(error) => {
            eprintln!("otmetka-oneroster: {error}");
            return ExitCode::FAILURE;
        }
    };
    let options = Options {
        tls,
        school_id: args.school_id,
        rejects: args.rejects,
        state: args.state,
        dry_run: args.dry_run,
        max_delete_share: args.max_delete_share,
        confirm_deletions: args.confirm_deletions,
        progress: !args.quiet && std::io::stderr().is_terminal(),
        ..Options::new(args.input, args.import_url, auth)
    };
    match load(&options).await {
        Ok(summary) => {
            if print(&summary).is_err() {
                return ExitCode::FAILURE;
            }
            if summary.complete() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(3)
            }
        }
        Err(error) => {
            eprintln!("otmetka-oneroster: {error:#}");
            ExitCode::FAILURE
        }
    }
}
