//! End-to-end tests of the ksreply binary on the seed message (shipped in
//! tests/data/seed, so these run without ../shared).

mod common;

use common::temp::TempDir;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const SEED: &str = "tests/data/seed/YT26ebT6xXWsnVMw@unreal.eml";

fn data(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// A private HOME with no git identity, so the user's config never leaks in.
fn temp_home(tag: &str) -> TempDir {
    TempDir::new(&format!("cli-{tag}"))
}

fn ksreply(home: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ksreply"));
    // The temp dir is inside the checkout (target/tmp), whose .git/config
    // may name a user: stop git's discovery at HOME. Repository-relative
    // paths are made absolute.
    let args = args.iter().map(|a| {
        if a.starts_with("tests/") || a.starts_with("../shared") {
            data(a).display().to_string()
        } else {
            a.to_string()
        }
    });
    cmd.args(args)
        .current_dir(home)
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CEILING_DIRECTORIES", home.parent().unwrap())
        .env_remove("XDG_STATE_HOME")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("GIT_CONFIG_GLOBAL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut sin = child.stdin.take().unwrap();
    if let Some(input) = stdin {
        sin.write_all(input).unwrap();
    }
    drop(sin);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The `git send-email \` block of the seed page, without its two-space margin.
fn seed_page_block() -> String {
    let page = std::fs::read_to_string(data("tests/data/seed/000_ceda174d66c32f6f.txt")).unwrap();
    let mut out = String::new();
    let mut inside = false;
    for line in page.lines() {
        if line.trim_start().starts_with("git send-email \\") {
            inside = true;
        }
        if inside {
            out.push_str(line.strip_prefix("  ").unwrap_or(line));
            out.push('\n');
            if !line.ends_with('\\') {
                break;
            }
        }
    }
    assert!(out.contains("/path/to/YOUR_REPLY"), "block not found in the seed page");
    out
}

#[test]
fn seed_git_send_email_block_is_byte_identical_to_the_page() {
    let tmp = temp_home("gse");
    let home = tmp.path();
    let o = ksreply(
        home,
        &[
            "--recipients",
            "public-inbox",
            "--git-send-email",
            "--draft",
            "/path/to/YOUR_REPLY",
            SEED,
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(stdout(&o), seed_page_block());
    assert!(!Path::new("/path/to/YOUR_REPLY").exists());
}

#[test]
fn seed_mailto_is_identical_to_public_inbox() {
    let tmp = temp_home("mailto");
    let home = tmp.path();
    let o = ksreply(home, &["--recipients", "public-inbox", "--mailto", SEED], None);
    assert!(o.status.success());
    let want = std::fs::read_to_string(data("tests/data/seed/mailto.txt")).unwrap();
    assert_eq!(stdout(&o).trim_end(), want.trim_end());
}

#[test]
fn print_draft_of_seed() {
    let tmp = temp_home("print");
    let home = tmp.path();
    let o = ksreply(home, &["--from", "Me <me@example.org>", "--print", SEED], None);
    assert!(o.status.success());
    let d = stdout(&o);
    let (headers, body) = d.split_once("\n\n").unwrap();
    assert!(
        headers.starts_with(
            "From: Me <me@example.org>\nTo: Leon Romanovsky <leon@kernel.org>\nCc: Greg KH <greg@kroah.com>,"
        ),
        "{headers}"
    );
    assert!(headers.contains("\nSubject: Re: [MAINTAINER SUMMIT] User-space requirements for accelerator drivers\n"));
    assert!(headers.contains("\nIn-Reply-To: <YT26ebT6xXWsnVMw@unreal>\n"));
    // Full chain: ten ids of the parent's References plus the parent.
    let refs = headers.split("References:").nth(1).unwrap();
    assert_eq!(refs.matches('<').count(), 11, "{refs}");
    assert!(refs.trim_end().ends_with("<YT26ebT6xXWsnVMw@unreal>"));
    assert!(body.starts_with("On Sun, Sep 12, 2021 at 11:29:45AM +0300, Leon Romanovsky wrote:\n> On Sun, Sep 12, 2021 at 09:26:57AM +0200, Greg KH wrote:\n> > On Sun"));
    // Quoted as mutt quotes: the prefix, then the original line untouched
    // (other people's markers, trailing blanks); an empty line is `>`.
    assert!(body.contains("\n> > > > Hi Leon,\n> > > > \n"), "{body}");
    assert!(body.contains("\n> > > > > > > > >> have been very bad, as it would prevent several videoconferencing \n"));
    for line in body.lines().skip(1).filter(|l| !l.is_empty()) {
        assert!(line == ">" || line.starts_with("> "), "{line:?}");
    }
    // Nothing written to disk with --print alone.
    assert!(!home.join(".local/state/ksreply/drafts").exists());
}

#[test]
fn stdin_filter_gives_the_same_draft() {
    let tmp = temp_home("stdin");
    let home = tmp.path();
    let raw = std::fs::read(data(SEED)).unwrap();
    let a = ksreply(home, &["--from", "me@example.org", "--print", "-"], Some(&raw));
    let b = ksreply(home, &["--from", "me@example.org", "--print", SEED], None);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    // With an mbox "From " line and CRLF line endings too.
    let mut mboxed = b"From mboxrd@z Thu Jan  1 00:00:00 1970\r\n".to_vec();
    mboxed.extend(String::from_utf8_lossy(&raw).replace('\n', "\r\n").into_bytes());
    let c = ksreply(home, &["--from", "me@example.org", "--print", "-"], Some(&mboxed));
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    assert_eq!(c.stdout, b.stdout);
}

#[test]
fn default_removes_own_address_from_git_config() {
    let tmp = temp_home("own");
    let home = tmp.path();
    std::fs::write(
        home.join(".gitconfig"),
        "[user]\n\tname = Greg KH\n\temail = greg@kroah.com\n",
    )
    .unwrap();
    let o = ksreply(home, &["--json", "--print", SEED], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["from"]["email"], "greg@kroah.com");
    let cc: Vec<&str> = v["cc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["email"].as_str().unwrap())
        .collect();
    assert!(!cc.contains(&"greg@kroah.com"), "{cc:?}");
    assert_eq!(v["to"][0]["email"], "leon@kernel.org");
    // public-inbox mode keeps it, as the page does.
    let o = ksreply(home, &["--json", "--print", "--recipients", "public-inbox", SEED], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["cc"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["email"] == "greg@kroah.com"));
}

#[test]
fn json_has_the_documented_keys_and_writes_the_draft() {
    let tmp = temp_home("json");
    let home = tmp.path();
    let o = ksreply(home, &["--from", "me@example.org", "--json", SEED], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in common::JSON_KEYS {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["in_reply_to"], "YT26ebT6xXWsnVMw@unreal");
    assert_eq!(v["references"].as_array().unwrap().len(), 11);
    let path = PathBuf::from(v["draft_path"].as_str().unwrap());
    assert!(path.starts_with(home.join(".local/state/ksreply/drafts")), "{path:?}");
    let draft = std::fs::read_to_string(&path).unwrap();
    assert!(draft.contains("In-Reply-To: <YT26ebT6xXWsnVMw@unreal>"));
    // A second run never overwrites the first draft.
    let o2 = ksreply(home, &["--from", "me@example.org", "--json", SEED], None);
    let v2: serde_json::Value = serde_json::from_slice(&o2.stdout).unwrap();
    assert_ne!(v2["draft_path"], v["draft_path"]);
}

#[test]
fn git_send_email_without_draft_path_writes_a_draft_and_names_it() {
    let tmp = temp_home("gse-default");
    let home = tmp.path();
    let o = ksreply(home, &["--from", "me@example.org", "--git-send-email", SEED], None);
    assert!(o.status.success());
    let out = stdout(&o);
    let last = out.lines().last().unwrap().trim();
    assert!(Path::new(last).is_file(), "{out}");
}

#[test]
fn errors_are_one_line_with_documented_exit_codes() {
    let tmp = temp_home("errors");
    let home = tmp.path();
    /// Arguments, standard input, expected exit status.
    type Case<'a> = (&'a [&'a str], Option<&'a [u8]>, i32);
    let cases: &[Case] = &[
        (&["--print", "/nonexistent/file.eml"], None, 2),
        (&["--print", "-"], Some(b""), 2),
        (&["--print", "-"], Some(b"\x89PNG\r\n\x1a\n\x00\x00binary"), 2),
        (&["--print", "--msgid", "nope@nowhere", SEED], None, 2),
        (&["--print", "tests"], None, 2),
        (&["--recipients", "bogus", SEED], None, 1),
        (&["--no-such-flag", SEED], None, 1),
        (&["--print", "--from", "not an address", SEED], None, 1),
        // Not cached, and --offline forbids the network: exit 3.
        (&["--print", "--offline", "<someid@example.org>"], None, 3),
    ];
    for (args, stdin, code) in cases {
        let o = ksreply(home, args, *stdin);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(*code), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        if *code == 2 {
            assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
            assert!(err.starts_with("ksreply: "), "{err}");
        }
    }
}

#[test]
fn mbox_pick_by_msgid_and_latest() {
    let tmp = temp_home("mbox");
    let home = tmp.path();
    let mbox = "../shared/corpus/lore-ksummit/seed-thread/thread.mbox.gz";
    if !data(mbox).exists() {
        // The crate also tests on its own; this one needs ../shared.
        assert!(std::env::var_os("CI").is_none(), "../shared is missing in CI");
        return;
    }
    let o = ksreply(
        home,
        &["--json", "--print", "--msgid", "<YT26ebT6xXWsnVMw@unreal>", mbox],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["in_reply_to"], "YT26ebT6xXWsnVMw@unreal");
    let o = ksreply(home, &["--json", "--print", "--latest", mbox], None);
    assert!(o.status.success());
    let o = ksreply(home, &["--json", "--print", mbox], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["references"].as_array().unwrap().len() == 1,
        "first message of the thread starts it"
    );
}

#[test]
fn quote_attachments_from_the_flag_or_git_config() {
    let tmp = temp_home("quote-attachments");
    let home = tmp.path();
    let msg = "tests/data/corpus/lore-linux-hwmon/singles/x-patch-attachment--f22a4a199cee.eml";
    let quoted = |o: &Output| {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).contains("\n> diff --git a/drivers/hwmon/nct6775.c")
    };
    assert!(!quoted(&ksreply(home, &["--print", msg], None)));
    assert!(quoted(&ksreply(home, &["--print", "--quote-attachments", msg], None)));
    std::fs::write(home.join(".gitconfig"), "[ksreply]\n\tquoteAttachments = true\n").unwrap();
    assert!(quoted(&ksreply(home, &["--print", msg], None)));
    std::fs::write(home.join(".gitconfig"), "[ksreply]\n\tquoteAttachments = sometimes\n").unwrap();
    let o = ksreply(home, &["--print", msg], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ksreply.quoteAttachments"));
}

/// Flag combinations that mean nothing are refused with one line and exit
/// 1 before anything is written: no draft appears.
#[test]
fn meaningless_flag_combinations_fail_before_any_draft() {
    let home = temp_home("combos");
    let h = home.path();
    let cases: &[&[&str]] = &[
        &["--smtp-encryption", "foo", "--from", "me@example.org", SEED],
        &["--print", "--thread", SEED],
        &["--resume", SEED, SEED],
        &["--body-only", "--json", SEED],
        &["--headers-only", "--json", SEED],
        &["--print", "--yes", SEED],
        &["--git-send-email", "--dry-run", SEED],
        &["--print", "--mailto", SEED],
        &["--mailto", "--git-send-email", SEED],
        &["--strict", "--print", SEED],
        &["--json", "--no-edit", SEED],
        &["--plain-text", "--json", SEED],
        // No identity: known before the editor would open.
        &["--no-edit", SEED],
    ];
    for args in cases {
        let o = ksreply(h, args, None);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
        assert!(err.starts_with("ksreply: "), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(!h.join(".local/state/ksreply").exists(), "{args:?} wrote a draft");
    }
}

/// A closed pipe on stdout is success: `ksreply --dry-run … | head -1`.
#[test]
fn closed_stdout_pipe_is_success() {
    let home = temp_home("pipe");
    for args in [
        &["--dry-run", "--no-edit", "--from", "me@example.org", SEED][..],
        &["--print", SEED][..],
    ] {
        let o = Command::new("bash")
            .arg("-c")
            .arg("\"$0\" \"$@\" | head -c 1 >/dev/null; exit ${PIPESTATUS[0]}")
            .arg(env!("CARGO_BIN_EXE_ksreply"))
            .args(args.iter().map(|a| {
                if a.starts_with("tests/") {
                    data(a).display().to_string()
                } else {
                    a.to_string()
                }
            }))
            .current_dir(home.path())
            .env("HOME", home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CEILING_DIRECTORIES", home.path().parent().unwrap())
            .env_remove("XDG_STATE_HOME")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
    }
}

/// `--generate` prints exactly the committed man page and completions, and
/// the test-only TLS override is not a flag anywhere.
#[test]
fn generate_prints_the_committed_files_without_test_flags() {
    let home = temp_home("generate");
    for (what, file) in [
        ("man", "man/ksreply.1"),
        ("bash", "completions/ksreply.bash"),
        ("zsh", "completions/_ksreply"),
        ("fish", "completions/ksreply.fish"),
    ] {
        let o = ksreply(home.path(), &["--generate", what], None);
        assert_eq!(o.status.code(), Some(0));
        let committed = std::fs::read(data(file)).unwrap();
        assert!(o.stdout == committed, "--generate {what} differs from {file}");
        assert!(!stdout(&o).contains("insecure"), "{file}");
    }
    let help = ksreply(home.path(), &["--help"], None);
    assert!(!stdout(&help).contains("insecure"));
    let o = ksreply(home.path(), &["--insecure-skip-tls-verify-for-testing", SEED], None);
    assert_eq!(o.status.code(), Some(1));
}
