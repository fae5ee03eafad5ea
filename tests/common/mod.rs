#![allow(dead_code)]
pub mod home;
pub mod mail;
pub mod public_inbox;
pub mod smtp;
pub mod temp;

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The headers a draft may have: what `Draft::render` writes, written out
/// here independently of it.
pub const DRAFT_HEADERS: &[&str] = &[
    "From",
    "To",
    "Cc",
    "Bcc",
    "Subject",
    "In-Reply-To",
    "References",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
];

/// The keys every `--json` reply object has (README, "JSON for scripts").
pub const JSON_KEYS: &[&str] = &[
    "from",
    "to",
    "cc",
    "subject",
    "in_reply_to",
    "references",
    "draft_path",
    "body",
];

/// Run `c` with `input` on its standard input, collecting its output. A
/// writer thread feeds the input: the program may answer before it has
/// read everything.
pub fn run_with_stdin(c: &mut Command, input: &[u8]) -> Output {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut sin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let w = std::thread::spawn(move || {
        let _ = sin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    w.join().unwrap();
    out
}

/// Fail, naming the Debian package, when `program` is not on PATH: the
/// tests that drive real programs are never skipped.
pub fn require(program: &str, package: &str) {
    let found = std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()));
    assert!(
        found,
        "{program} is not installed (Debian package {package}); this test drives the real program"
    );
}
