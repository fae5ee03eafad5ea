//! The one test harness of ksreply's integration tests (`tests/tests.rs`,
//! and `tests/fuzz.rs`, which includes it too).
//!
//! * Where things are: [`root`], [`data`], [`corpus`], [`corpus_files`],
//!   [`seed`], [`support`]. Every file a test reads is in the repository
//!   (`tests/data/`, `tests/support/`); a missing one fails the test with one
//!   line saying so ([`data`]).
//! * Programs the tests drive: [`require`] fails a test with one line naming
//!   the Debian package when a program is missing. Nothing is ever skipped.
//! * Running ksreply (and anything else): a [`Sandbox`] is a temporary
//!   directory with a private HOME, XDG directories and git configuration;
//!   [`Sandbox::ksreply`] and [`Sandbox::command`] are the only way tests
//!   start programs, with nothing of the caller's environment but PATH.
//! * A real patch series, made with `git format-patch` in a temporary
//!   repository: [`patches::format_patch`].
//! * Real servers, each started in exactly one place:
//!   [`public_inbox::PublicInbox::start`] (public-inbox-httpd),
//!   [`smtp::SmtpSink::start`] (aiosmtpd) and [`tmux::Tmux::start`] (mail
//!   clients and terminals). Tests that use them live in modules named
//!   `server`, so that `scripts/test --quick` can leave them out.

#![allow(dead_code)]

pub mod home;
pub mod http;
pub mod mail;
pub mod patches;
pub mod public_inbox;
pub mod sandbox;
pub mod smtp;
pub mod tmux;

pub use sandbox::{Sandbox, TempDir};

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test.
pub const KSREPLY: &str = env!("CARGO_BIN_EXE_ksreply");

/// The Message-ID of the seed message, [`seed`].
pub const SEED_ID: &str = "YT26ebT6xXWsnVMw@unreal";

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

/// The checkout (the crate's directory).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/data/REL`, which must exist: a missing file fails the test with
/// one line (the data is part of the repository, never fetched).
#[track_caller]
pub fn data(rel: &str) -> PathBuf {
    let p = root().join("tests/data").join(rel);
    assert!(
        p.exists(),
        "tests/data/{rel} is missing: it is part of the repository (restore it with `git checkout -- tests/data`)"
    );
    p
}

/// A file of the message corpus, `tests/data/corpus/REL` (provenance in
/// tests/data/corpus/README.md).
#[track_caller]
pub fn corpus(rel: &str) -> PathBuf {
    data(&format!("corpus/{rel}"))
}

/// Every file of the corpus, in the order of its INDEX.tsv:
/// (path relative to the corpus, absolute path).
pub fn corpus_files() -> Vec<(String, PathBuf)> {
    let index = std::fs::read_to_string(corpus("INDEX.tsv")).unwrap();
    let files: Vec<(String, PathBuf)> = index
        .lines()
        .filter_map(|l| l.split('\t').next())
        .map(|rel| (rel.to_string(), corpus(rel)))
        .collect();
    assert!(
        files.len() > 1000,
        "tests/data/corpus/INDEX.tsv lists only {} files",
        files.len()
    );
    files
}

/// The seed message `<YT26ebT6xXWsnVMw@unreal>` (tests/data/seed/).
pub fn seed() -> PathBuf {
    data(&format!("seed/{SEED_ID}.eml"))
}

/// The draft path public-inbox prints in its Reply instructions.
pub const PAGE_DRAFT: &str = "/path/to/YOUR_REPLY";

/// The `git send-email \` block of the seed's lore page (the reference for
/// `ksreply --recipients public-inbox --git-send-email`), without the
/// page's two-space margin.
pub fn seed_page_block() -> String {
    let page = std::fs::read_to_string(data("seed/000_ceda174d66c32f6f.txt")).unwrap();
    let mut block = String::new();
    let mut lines = page.lines().skip_while(|l| l.trim() != "git send-email \\");
    for line in lines.by_ref() {
        block.push_str(line.strip_prefix("  ").unwrap_or(line));
        block.push('\n');
        if line.trim() == PAGE_DRAFT {
            return block;
        }
    }
    panic!("no complete `git send-email` block in tests/data/seed/000_ceda174d66c32f6f.txt");
}

/// The text of `tests/support/NAME` (the mail client recipes).
pub fn support(name: &str) -> String {
    let p = root().join("tests/support").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| {
        panic!("tests/support/{name}: {e} (it is part of the repository: `git checkout -- tests/support`)")
    })
}

/// The file `program` on PATH, if any.
pub fn find_in_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// Fails the test, in one line, when `program` is not on PATH: it comes
/// with Debian's `package`, which scripts/test installs.
#[track_caller]
pub fn require(program: &str, package: &str) {
    assert!(
        find_in_path(program).is_some(),
        "{program} is not installed: run scripts/test as root (it installs the Debian package {package}), \
         or `apt-get install {package}`; this test drives the real program and is never skipped"
    );
}

/// Fails the test, in one line, when `git send-email` is missing.
#[track_caller]
pub fn require_git_send_email() {
    require("git", "git");
    let exec = Command::new("git").arg("--exec-path").output().unwrap();
    let dir = String::from_utf8_lossy(&exec.stdout).trim().to_string();
    assert!(
        Path::new(&dir).join("git-send-email").is_file(),
        "git send-email is not installed: run scripts/test as root (it installs the Debian package git-email), \
         or `apt-get install git-email`"
    );
}

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

/// Standard output and error as text.
pub trait OutputText {
    fn stdout_text(&self) -> String;
    fn stderr_text(&self) -> String;
}

impl OutputText for Output {
    fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// Write an executable `#!/bin/sh` script.
pub fn script(path: &Path, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_path_buf()
}

/// Single-quote for sh.
pub fn sq(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// All files under `dir` (recursively) whose name ends with one of
/// `suffixes`, sorted by path. Panics if `dir` cannot be read.
pub fn files_under(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, suffixes: &[&str], out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
                .path();
            if path.is_dir() {
                walk(&path, suffixes, out);
            } else if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                if suffixes.iter().any(|s| name.ends_with(s)) {
                    out.push(path);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, suffixes, &mut out);
    out.sort();
    out
}
