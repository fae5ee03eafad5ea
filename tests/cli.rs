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
    assert!(headers.contains("\nSubject: Re: [MAINTAINER SUMMIT] User-space requirements for accelerator drivers\n"));
    assert!(headers.contains("\nIn-Reply-To: <YT26ebT6xXWsnVMw@unreal>\n"));
    // Full chain: ten ids of the parent's References plus the parent.
    let refs = headers.split("References:").nth(1).unwrap();
    assert_eq!(refs.matches('<').count(), 11, "{refs}");
    assert!(refs.trim_end().ends_with("<YT26ebT6xXWsnVMw@unreal>"));
    assert!(body.starts_with("On Sun, Sep 12, 2021 at 11:29:45AM +0300, Leon Romanovsky wrote:\n> On Sun, Sep 12, 2021 at 09:26:57AM +0200, Greg KH wrote:\n>> On Sun"));
    for line in body.lines() {
        assert!(line == line.trim_end(), "trailing whitespace: {line:?}");
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
    // A second run never overwrites the first draft.
    let o2 = sb.run(&["--from", "me@example.org", "--json", &seed_arg()]);
    let v2: serde_json::Value = serde_json::from_slice(&o2.stdout).unwrap();
    assert_ne!(v2["draft_path"], v["draft_path"]);
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
