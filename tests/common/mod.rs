#![allow(dead_code)]
pub mod http;
pub mod mail;
pub mod public_inbox;
pub mod smtp;
pub mod temp;

use std::io::Write;
use std::path::Path;
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

/// The ksreply binary with `home` as HOME (its `.gitconfig` is the whole git
/// configuration; drafts and cache go below it), git kept out of this
/// checkout, no prompts, no editor, no proxy, standard input closed.
pub fn ksreply_in(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ksreply"));
    c.current_dir(home)
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CEILING_DIRECTORIES", home.parent().unwrap_or(home))
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null());
    for v in [
        "XDG_STATE_HOME",
        "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME",
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
        "GIT_ASKPASS",
        "SSH_ASKPASS",
        "GIT_EDITOR",
        "VISUAL",
        "EDITOR",
        "http_proxy",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        c.env_remove(v);
    }
    c
}
