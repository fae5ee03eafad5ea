//! End-to-end tests of the ksreply binary on the seed message.

use crate::harness::mail::json_emails;
use crate::harness::{corpus, data, seed, seed_page_block, OutputText, Sandbox, JSON_KEYS};
use std::path::{Path, PathBuf};
use std::process::Output;

/// A private HOME with no git identity, so the user's config never leaks in.
fn sandbox(tag: &str) -> Sandbox {
    Sandbox::new(&format!("cli-{tag}"))
}

/// The seed message's path, as an argument.
fn seed_arg() -> String {
    seed().display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn seed_git_send_email_block_is_byte_identical_to_the_page() {
    let sb = sandbox("gse");
    let o = sb.run(&[
        "--recipients",
        "public-inbox",
        "--git-send-email",
        "--draft",
        "/path/to/YOUR_REPLY",
        &seed_arg(),
    ]);
    assert!(o.status.success(), "{}", o.stderr_text());
    let block = seed_page_block();
    assert!(
        block.contains("/path/to/YOUR_REPLY"),
        "block not found in the seed page"
    );
    assert_eq!(stdout(&o), block);
    assert!(!Path::new("/path/to/YOUR_REPLY").exists());
}

#[test]
fn seed_mailto_is_identical_to_public_inbox() {
    let sb = sandbox("mailto");
    let o = sb.run(&["--recipients", "public-inbox", "--mailto", &seed_arg()]);
    assert!(o.status.success());
    let want = std::fs::read_to_string(data("seed/mailto.txt")).unwrap();
    assert_eq!(stdout(&o).trim_end(), want.trim_end());
}

#[test]
fn print_draft_of_seed() {
    let sb = sandbox("print");
    let o = sb.run(&["--from", "Me <me@example.org>", "--print", &seed_arg()]);
    assert!(o.status.success());
    let d = stdout(&o);
    let (headers, body) = d.split_once("\n\n").unwrap();
    assert!(
        headers.starts_with(
            "From: Me <me@example.org>\nTo: Leon Romanovsky <leon@kernel.org>\nCc: Greg KH <greg@kroah.com>,"
        ),
        "{headers}"
    );
    // Long headers are folded at 78 columns (issue 18): compare unfolded.
    let unfolded = headers.replace("\n ", " ");
    assert!(unfolded.contains("\nSubject: Re: [MAINTAINER SUMMIT] User-space requirements for accelerator drivers\n"));
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
    assert!(!sb.home().join(".local/state/ksreply/drafts").exists());
}

#[test]
fn stdin_filter_gives_the_same_draft() {
    let sb = sandbox("stdin");
    let raw = std::fs::read(seed()).unwrap();
    let a = sb.run_stdin(&["--from", "me@example.org", "--print", "-"], &raw);
    let b = sb.run(&["--from", "me@example.org", "--print", &seed_arg()]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    // With an mbox "From " line and CRLF line endings too.
    let mut mboxed = b"From mboxrd@z Thu Jan  1 00:00:00 1970\r\n".to_vec();
    mboxed.extend(String::from_utf8_lossy(&raw).replace('\n', "\r\n").into_bytes());
    let c = sb.run_stdin(&["--from", "me@example.org", "--print", "-"], &mboxed);
    assert!(c.status.success(), "{}", c.stderr_text());
    assert_eq!(c.stdout, b.stdout);
}

#[test]
fn default_removes_own_address_from_git_config() {
    let sb = sandbox("own");
    sb.gitconfig("[user]\n\tname = Greg KH\n\temail = greg@kroah.com\n");
    let o = sb.run(&["--json", "--print", &seed_arg()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["from"]["email"], "greg@kroah.com");
    let cc = json_emails(&v["cc"]);
    assert!(!cc.contains(&"greg@kroah.com"), "{cc:?}");
    assert_eq!(v["to"][0]["email"], "leon@kernel.org");
    // public-inbox mode keeps it, as the page does.
    let o = sb.run(&["--json", "--print", "--recipients", "public-inbox", &seed_arg()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["cc"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["email"] == "greg@kroah.com"));
}

#[test]
fn json_has_the_documented_keys_and_writes_the_draft() {
    let sb = sandbox("json");
    let o = sb.run(&["--from", "me@example.org", "--json", &seed_arg()]);
    assert!(o.status.success(), "{}", o.stderr_text());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in JSON_KEYS {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["in_reply_to"], "YT26ebT6xXWsnVMw@unreal");
    assert_eq!(v["references"].as_array().unwrap().len(), 11);
    let path = PathBuf::from(v["draft_path"].as_str().unwrap());
    assert!(
        path.starts_with(sb.home().join(".local/state/ksreply/drafts")),
        "{path:?}"
    );
    let draft = std::fs::read_to_string(&path).unwrap();
    assert!(draft.contains("In-Reply-To: <YT26ebT6xXWsnVMw@unreal>"));
    // A second run makes no second draft of the same reply (issue 18): the
    // one still as generated is used again; an edited one is left alone.
    let o2 = sb.run(&["--from", "me@example.org", "--json", &seed_arg()]);
    let v2: serde_json::Value = serde_json::from_slice(&o2.stdout).unwrap();
    assert_eq!(v2["draft_path"], v["draft_path"]);
    std::fs::write(&path, format!("{draft}\nMy words.\n")).unwrap();
    let o3 = sb.run(&["--from", "me@example.org", "--json", &seed_arg()]);
    let v3: serde_json::Value = serde_json::from_slice(&o3.stdout).unwrap();
    assert_eq!(v3["draft_path"], v["draft_path"]);
    assert!(String::from_utf8_lossy(&o3.stderr).contains("left as it is"));
    assert!(std::fs::read_to_string(&path).unwrap().ends_with("\nMy words.\n"));
    assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    // --new starts a fresh one.
    let o4 = sb.run(&["--from", "me@example.org", "--json", "--new", &seed_arg()]);
    let v4: serde_json::Value = serde_json::from_slice(&o4.stdout).unwrap();
    assert_ne!(v4["draft_path"], v["draft_path"]);
}

#[test]
fn git_send_email_without_draft_path_writes_a_draft_and_names_it() {
    let sb = sandbox("gse-default");
    let o = sb.run(&["--from", "me@example.org", "--git-send-email", &seed_arg()]);
    assert!(o.status.success());
    let out = stdout(&o);
    let last = out.lines().last().unwrap().trim();
    assert!(Path::new(last).is_file(), "{out}");
}

#[test]
fn errors_are_one_line_with_documented_exit_codes() {
    let sb = sandbox("errors");
    let seed = seed_arg();
    let seed = seed.as_str();
    /// Arguments, standard input, expected exit status.
    type Case<'a> = (&'a [&'a str], Option<&'a [u8]>, i32);
    let cases: &[Case] = &[
        (&["--print", "/nonexistent/file.eml"], None, 2),
        (&["--print", "-"], Some(b""), 2),
        (&["--print", "-"], Some(b"\x89PNG\r\n\x1a\n\x00\x00binary"), 2),
        (&["--print", "--msgid", "nope@nowhere", seed], None, 2),
        (&["--print", "tests"], None, 2),
        (&["--recipients", "bogus", seed], None, 1),
        (&["--no-such-flag", seed], None, 1),
        (&["--print", "--from", "not an address", seed], None, 1),
        // Not cached, and --offline forbids the network: exit 3.
        (&["--print", "--offline", "<someid@example.org>"], None, 3),
    ];
    for (args, stdin, code) in cases {
        let o = match stdin {
            Some(input) => sb.run_stdin(args, input),
            None => sb.run(args),
        };
        let err = o.stderr_text();
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
    let sb = sandbox("mbox");
    let mbox = corpus("lore-ksummit/seed-thread/thread.mbox.gz");
    let mbox = mbox.to_str().unwrap();
    let o = sb.run(&["--json", "--print", "--msgid", "<YT26ebT6xXWsnVMw@unreal>", mbox]);
    assert!(o.status.success(), "{}", o.stderr_text());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["in_reply_to"], "YT26ebT6xXWsnVMw@unreal");
    let o = sb.run(&["--json", "--print", "--latest", mbox]);
    assert!(o.status.success());
    let o = sb.run(&["--json", "--print", mbox]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["references"].as_array().unwrap().len() == 1,
        "first message of the thread starts it"
    );
}

#[test]
fn quote_attachments_from_the_flag_or_git_config() {
    let sb = sandbox("quote-attachments");
    let msg = corpus("lore-linux-hwmon/singles/x-patch-attachment--f22a4a199cee.eml");
    let msg = msg.to_str().unwrap();
    let quoted = |o: &Output| {
        assert!(o.status.success(), "{}", o.stderr_text());
        String::from_utf8_lossy(&o.stdout).contains("\n> diff --git a/drivers/hwmon/nct6775.c")
    };
    assert!(!quoted(&sb.run(&["--print", msg])));
    assert!(quoted(&sb.run(&["--print", "--quote-attachments", msg])));
    sb.gitconfig("[ksreply]\n\tquoteAttachments = true\n");
    assert!(quoted(&sb.run(&["--print", msg])));
    sb.gitconfig("[ksreply]\n\tquoteAttachments = sometimes\n");
    let o = sb.run(&["--print", msg]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stderr_text().contains("ksreply.quoteAttachments"));
}

/// Flag combinations that mean nothing are refused with one line and exit
/// 1 before anything is written: no draft appears.
#[test]
fn meaningless_flag_combinations_fail_before_any_draft() {
    let sb = sandbox("combos");
    let seed = seed_arg();
    let s = seed.as_str();
    let cases: &[&[&str]] = &[
        &["--smtp-encryption", "foo", "--from", "me@example.org", s],
        &["--print", "--thread", s],
        &["--resume", s, s],
        &["--body-only", "--json", s],
        &["--headers-only", "--json", s],
        &["--print", "--yes", s],
        &["--git-send-email", "--dry-run", s],
        &["--print", "--mailto", s],
        &["--mailto", "--git-send-email", s],
        &["--strict", "--print", s],
        &["--json", "--no-edit", s],
        &["--plain-text", "--json", s],
        // No identity: known before the editor would open.
        &["--no-edit", s],
    ];
    for args in cases {
        let o = sb.run(args);
        let err = o.stderr_text();
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
        assert!(err.starts_with("ksreply: "), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(!sb.drafts_dir().exists(), "{args:?} wrote a draft");
    }
}

/// A closed pipe on stdout is success: `ksreply --dry-run … | head -1`.
#[test]
fn closed_stdout_pipe_is_success() {
    let sb = sandbox("pipe");
    let seed = seed_arg();
    for args in [
        &["--dry-run", "--no-edit", "--from", "me@example.org", &seed][..],
        &["--print", &seed][..],
    ] {
        let o = sb
            .command("bash")
            .arg("-c")
            .arg("\"$0\" \"$@\" | head -c 1 >/dev/null; exit ${PIPESTATUS[0]}")
            .arg(env!("CARGO_BIN_EXE_ksreply"))
            .args(args)
            .output()
            .unwrap();
        let err = o.stderr_text();
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
    let sb = sandbox("generate");
    for (what, file) in [
        ("man", "man/ksreply.1"),
        ("bash", "completions/ksreply.bash"),
        ("zsh", "completions/_ksreply"),
        ("fish", "completions/ksreply.fish"),
    ] {
        let o = sb.run(&["--generate", what]);
        assert_eq!(o.status.code(), Some(0));
        let committed = std::fs::read(crate::harness::root().join(file)).unwrap();
        assert!(o.stdout == committed, "--generate {what} differs from {file}");
        assert!(!stdout(&o).contains("insecure"), "{file}");
    }
    let help = sb.run(&["--help"]);
    assert!(!stdout(&help).contains("insecure"));
    let o = sb.run(&["--insecure-skip-tls-verify-for-testing", &seed_arg()]);
    assert_eq!(o.status.code(), Some(1));
}

/// `--drafts` lists the unsent drafts, as text and JSON (issue 18, point 8).
#[test]
fn drafts_lists_unsent_drafts() {
    let sb = sandbox("drafts");
    let o = sb.run(&["--drafts"]);
    assert!(o.status.success() && o.stdout.is_empty());
    let o = sb.run(&["--from", "me@example.org", "--json", &seed_arg()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let path = v["draft_path"].as_str().unwrap().to_string();
    let o = sb.run(&["--drafts", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["path"], path.as_str());
    assert!(list[0]["subject"]
        .as_str()
        .unwrap()
        .starts_with("Re: [MAINTAINER SUMMIT]"));
    assert_eq!(list[0]["to"].as_array().unwrap().len(), 8);
    let o = sb.run(&["--drafts"]);
    let text = stdout(&o);
    assert!(text.contains("leon@kernel.org +7") && text.contains(&path), "{text}");
}

/// A mistyped file name that contains `@` is "no such file", not a fetch
/// from lore that fails with a DNS error (issue 18, point 9).
#[test]
fn missing_files_that_look_like_ids_are_no_such_file() {
    let sb = sandbox("nofile");
    std::fs::create_dir(sb.work().join("dir")).unwrap();
    for arg in ["missing@unreal.eml", "dir/x@y", "./x@y", "thread@x.mbox.gz"] {
        let o = sb.run(&["--print", "--offline", arg]);
        let err = o.stderr_text();
        assert_eq!(o.status.code(), Some(2), "{arg}: {err}");
        assert!(
            err.contains("no such file") && err.contains(&format!("id:{arg}")),
            "{err}"
        );
    }
    // Written as an id, it is one (here: not in the empty cache, exit 3).
    let o = sb.run(&["--print", "--offline", "id:missing@unreal.eml"]);
    assert_eq!(o.status.code(), Some(3), "{}", o.stderr_text());
}

/// `--list --json` on the seed thread's t.mbox.gz (issue 16): 77 entries,
/// each parent the In-Reply-To of its message, one root; and "replied" for
/// the messages a user answered (here: Leon, as the user).
#[test]
fn list_the_seed_thread() {
    let sb = sandbox("list");
    let gz = corpus("lore-ksummit/seed-thread/thread.mbox.gz");
    let o = sb.run(&["--list", "--json", "--from", "leon@kernel.org", gz.to_str().unwrap()]);
    assert!(o.status.success(), "{}", o.stderr_text());
    let list: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(list.len(), 77);
    assert_eq!(list.iter().filter(|e| e["depth"] == 0).count(), 1);
    let plain = std::fs::read(corpus("lore-ksummit/seed-thread/thread.mbox")).unwrap();
    for m in crate::harness::public_inbox::split_mbox(&plain) {
        let id = crate::harness::public_inbox::message_id_of(&m).unwrap();
        let e = list.iter().find(|e| e["id"] == id.as_str()).unwrap();
        let irt = crate::harness::public_inbox::header_values(&m, "In-Reply-To")
            .first()
            .map(|v| String::from_utf8_lossy(v).trim().trim_matches(['<', '>']).to_string());
        if let Some(parent) = e["in_reply_to"].as_str() {
            assert_eq!(irt.as_deref(), Some(parent), "{id}");
        }
    }
    // Leon wrote in the thread: the messages he answered say so.
    let replied = list.iter().filter(|e| e["replied"] == true).count();
    assert!(replied > 0);
    let text = sb.run(&["--list", gz.to_str().unwrap()]);
    assert_eq!(stdout(&text).lines().count(), 77);
}
