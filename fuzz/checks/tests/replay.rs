//! The fuzz targets' checks on stable Rust, bounded by a count of inputs,
//! never by time: every file of a target's seed corpus (`fuzz/corpus/`),
//! then deterministic pseudo-random mutations of the seeds (bit flips, byte
//! changes, inserts, deletes, copies, splices between seeds) and purely
//! random byte strings.
//!
//! The same commit always runs the same inputs. `OTMETKA_FUZZ_INPUTS` sets
//! how many generated inputs each target gets (`DEFAULT_INPUTS` by default),
//! `OTMETKA_FUZZ_SEED` the generator's seed. A failure names the target,
//! the input (hex and escaped) and how to replay it.
//!
//! This is no substitute for `.ci/fuzz`: nothing here is guided by coverage
//! or checked by a sanitizer. It keeps the targets' properties and seeds
//! true on every test run, and catches what a blind mutation reaches.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use otmetka_fuzz_checks::{Check, TARGETS};

/// Generated inputs per target unless `OTMETKA_FUZZ_INPUTS` says otherwise.
const DEFAULT_INPUTS: u64 = 3000;
/// The generator's seed unless `OTMETKA_FUZZ_SEED` says otherwise.
const DEFAULT_SEED: u64 = 0x07e7_ae7c_a5ee_d001;
/// libFuzzer's default `-max_len`.
const MAX_LEN: usize = 4096;
/// Bytes parsers tend to care about: bounds, line breaks, separators,
/// quotes, escapes, the OneRoster target's file separator, UTF-8 lead bytes.
const INTERESTING: &[u8] = &[
    0x00, 0x01, 0x1e, 0x7f, 0x80, 0xc3, 0xd0, 0xe2, 0xff, b'\n', b'\r', b'\t', b' ', b',', b';',
    b'"', b'\'', b'\\', b'%', b'=', b'&', b'+', b'-', b'.', b'0', b'9', b'{', b'}', b'[', b']',
    b':',
];

/// SplitMix64: tiny, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `bound` (which is not 0).
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn byte(&mut self) -> u8 {
        if self.below(2) == 0 {
            INTERESTING[self.below(INTERESTING.len())]
        } else {
            self.next() as u8
        }
    }

    /// A range of `data` (possibly empty) as start and length.
    fn range(&mut self, len: usize) -> (usize, usize) {
        let start = self.below(len + 1);
        let max = (len - start).min(64);
        (start, self.below(max + 1))
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => {
            let text = text.trim();
            let parsed = match text.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => text.parse(),
            };
            parsed.unwrap_or_else(|_| panic!("{name}={text:?} is not a number"))
        }
        Err(_) => default,
    }
}

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../corpus")
        .join(target)
}

/// The seed corpus's files, in name order.
fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus_dir(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| {
            let path = entry.expect("a corpus entry").path();
            let name = path
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned();
            let bytes =
                std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
            (name, bytes)
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no seeds", dir.display());
    files
}

/// One generated input: a mutated seed, a splice of two, or random bytes.
fn generate(rng: &mut Rng, seeds: &[(String, Vec<u8>)]) -> Vec<u8> {
    if rng.below(16) == 0 {
        let longest = if rng.below(4) == 0 { 512 } else { 48 };
        let len = rng.below(longest);
        return (0..len).map(|_| rng.byte()).collect();
    }
    let mut data = seeds[rng.below(seeds.len())].1.clone();
    for _ in 0..=rng.below(4) {
        let other = &seeds[rng.below(seeds.len())].1;
        match rng.below(9) {
            // Flip one bit.
            0 if !data.is_empty() => {
                let at = rng.below(data.len());
                data[at] ^= 1 << rng.below(8);
            }
            // Change one byte.
            1 if !data.is_empty() => {
                let at = rng.below(data.len());
                data[at] = rng.byte();
            }
            // Insert a few bytes.
            2 => {
                let at = rng.below(data.len() + 1);
                let bytes: Vec<u8> = (0..=rng.below(4)).map(|_| rng.byte()).collect();
                data.splice(at..at, bytes);
            }
            // Delete a range.
            3 => {
                let (start, len) = rng.range(data.len());
                data.drain(start..start + len);
            }
            // Copy a range of the input elsewhere in it.
            4 => {
                let (start, len) = rng.range(data.len());
                let chunk = data[start..start + len].to_vec();
                let at = rng.below(data.len() + 1);
                data.splice(at..at, chunk);
            }
            // Insert a range of another seed.
            5 => {
                let (start, len) = rng.range(other.len());
                let at = rng.below(data.len() + 1);
                data.splice(at..at, other[start..start + len].iter().copied());
            }
            // Splice: this input's head, another seed's tail.
            6 => {
                data.truncate(rng.below(data.len() + 1));
                data.extend_from_slice(&other[rng.below(other.len() + 1)..]);
            }
            // Cut the input short.
            7 => data.truncate(rng.below(data.len() + 1)),
            // Overwrite the first bytes, which several targets read as
            // flags, a choice or a length.
            _ => {
                for at in 0..data.len().min(rng.below(5)) {
                    data[at] = rng.byte();
                }
            }
        }
    }
    data.truncate(MAX_LEN);
    data
}

fn hex(data: &[u8]) -> String {
    data.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// Runs `check` on the input; on a panic, says which input it was.
fn run(target: &str, check: Check, origin: &str, data: &[u8]) -> Result<(), String> {
    match panic::catch_unwind(AssertUnwindSafe(|| check(data))) {
        Ok(()) => Ok(()),
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(a panic without a message)");
            Err(format!(
                "fuzz target `{target}` failed on {origin}: {message}\n\
                 input ({len} bytes), hex: {hex}\n\
                 as a test: otmetka_fuzz_checks::{target}(b\"{escaped}\");\n\
                 on nightly: echo {hex} | xxd -r -p > input && cargo +nightly fuzz run {target} input",
                len = data.len(),
                hex = hex(data),
                escaped = data.escape_ascii(),
            ))
        }
    }
}

/// The seeds, then the generated inputs, through one target's checks.
fn replay(target: &str) {
    let check = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, check)| *check)
        .unwrap_or_else(|| panic!("no target {target}"));
    let inputs = env_number("OTMETKA_FUZZ_INPUTS", DEFAULT_INPUTS);
    let seed = env_number("OTMETKA_FUZZ_SEED", DEFAULT_SEED);
    let seeds = seeds(target);
    for (name, data) in &seeds {
        if let Err(report) = run(target, check, &format!("seed {name}"), data) {
            panic!("{report}");
        }
    }
    // Each target its own stream, so adding a target changes no other's.
    let mut rng = Rng(target.bytes().fold(seed, |state, byte| {
        (state ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    }));
    for index in 0..inputs {
        let data = generate(&mut rng, &seeds);
        let origin = format!("generated input {index} (OTMETKA_FUZZ_SEED={seed:#x})");
        if let Err(report) = run(target, check, &origin, &data) {
            panic!("{report}");
        }
    }
}

#[test]
fn mark_value() {
    replay("mark_value");
}

#[test]
fn roster_csv() {
    replay("roster_csv");
}

#[test]
fn oneroster() {
    replay("oneroster");
}

#[test]
fn vendor_record() {
    replay("vendor_record");
}

#[test]
fn page_token() {
    replay("page_token");
}

#[test]
fn session_cookie() {
    replay("session_cookie");
}

/// Every cargo-fuzz target (its file and its `[[bin]]`), every seed corpus,
/// `TARGETS` and the tests above name the same targets.
#[test]
fn every_target_is_replayed() {
    let names = |dir: &str, extension: Option<&str>| -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        std::fs::read_dir(&dir)
            .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
            .map(|entry| entry.expect("an entry").path())
            .filter(|path| extension.is_none_or(|ext| path.extension().is_some_and(|e| e == ext)))
            .map(|path| {
                path.file_stem()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    };
    let listed: BTreeSet<String> = TARGETS.iter().map(|(name, _)| (*name).to_owned()).collect();
    assert_eq!(
        names("../fuzz_targets", Some("rs")),
        listed,
        "fuzz/fuzz_targets/"
    );
    assert_eq!(names("../corpus", None), listed, "fuzz/corpus/");
    let source = include_str!("replay.rs");
    let fuzz_manifest = include_str!("../../Cargo.toml");
    for name in &listed {
        assert!(
            source.contains(&format!("replay(\"{name}\");")),
            "no replay test for {name}"
        );
        assert!(
            fuzz_manifest.contains(&format!(
                "name = \"{name}\"\npath = \"fuzz_targets/{name}.rs\""
            )),
            "no [[bin]] for {name} in fuzz/Cargo.toml"
        );
    }
}
