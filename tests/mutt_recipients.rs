//! Recipients nobody should lose, and the mailto: link (issue 15).

use crate::harness::home::{data, ok_stdout, Home};
use crate::harness::mail::json_emails_lower as emails;

const ME: &str = "Test Sender <sender@example.org>";

/// `ksreply --json --print` on a message given as text.
fn json(home: &Home, args: &[&str], msg: &str) -> (serde_json::Value, String) {
    let mut all = vec!["--json", "--print"];
    all.extend_from_slice(args);
    all.push("-");
    let o = home.ksreply_stdin(&all, msg.as_bytes());
    let v = serde_json::from_str(&ok_stdout(&o)).unwrap();
    (v, String::from_utf8_lossy(&o.stderr).into_owned())
}

fn to_cc(v: &serde_json::Value) -> (Vec<String>, Vec<String>) {
    (emails(&v["to"]), emails(&v["cc"]))
}

/// The draft's To and Cc are these addresses, in this order.
fn assert_rcpt(v: &serde_json::Value, to: &[&str], cc: &[&str]) {
    assert_eq!(
        to_cc(v),
        (
            to.iter().map(|s| s.to_string()).collect(),
            cc.iter().map(|s| s.to_string()).collect()
        ),
        "{v}"
    );
}

fn message(headers: &str) -> String {
    format!("{headers}Subject: s\nMessage-ID: <m@example.org>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nhello\n")
}

#[test]
fn repeated_to_and_cc_headers_are_all_read() {
    // notmuch's test message: "Cc: Bob", then "cc: Charles".
    let home = Home::new("mutt-rcpt-cc", "");
    let file = data("tests/data/corpus/notmuch/broken/broken-cc.eml");
    let file = file.to_str().unwrap();
    let o = home.ksreply(&["--json", "--print", "--from", ME, file]);
    let v: serde_json::Value = serde_json::from_str(&ok_stdout(&o)).unwrap();
    assert_rcpt(
        &v,
        &["alice@example.org"],
        &["daniel@example.org", "bob@example.org", "charles@example.org"],
    );
    // public-inbox reads the first copy of each header: its page has no Charles.
    let o = home.ksreply(&["--recipients", "public-inbox", "--git-send-email", file]);
    let cmd = ok_stdout(&o);
    assert!(
        cmd.contains("--cc=bob@example.org") && !cmd.contains("charles"),
        "{cmd}"
    );
}

#[test]
fn own_message_keeps_its_reply_to() {
    let home = Home::new("mutt-rcpt-own", "");
    let msg =
        message("From: Test Sender <sender@example.org>\nTo: a@x.org\nCc: b@x.org\nReply-To: Team <team@x.org>\n");
    let (v, _) = json(&home, &["--from", ME], &msg);
    assert_rcpt(&v, &["team@x.org"], &["a@x.org", "b@x.org"]);
    assert!(v["notes"].to_string().contains("its Reply-To, To and Cc kept"), "{v}");
}

#[test]
fn list_munged_reply_to_keeps_the_author() {
    let home = Home::new("mutt-rcpt-munged", "");
    // The list set Reply-To to itself; it is also in To.
    let msg = message("From: Author <author@x.org>\nTo: List <list@x.org>\nCc: c@x.org\nReply-To: List <list@x.org>\n");
    let (v, _) = json(&home, &["--from", ME], &msg);
    assert_rcpt(&v, &["author@x.org"], &["list@x.org", "c@x.org"]);
    assert!(v["notes"].to_string().contains("the author stays in To"), "{v}");
    let (v, _) = json(&home, &["--from", ME, "--recipients", "sender"], &msg);
    assert_eq!(emails(&v["to"]), ["author@x.org"]);
    // Or it is the List-Post address.
    let msg =
        message("From: Author <author@x.org>\nTo: c@x.org\nReply-To: list@x.org\nList-Post: <mailto:list@x.org>\n");
    let (v, _) = json(&home, &["--from", ME], &msg);
    assert_rcpt(&v, &["author@x.org"], &["c@x.org", "list@x.org"]);
    // The author's own Reply-To still wins.
    let msg = message("From: Author <author@x.org>\nTo: list@x.org\nReply-To: Author <home@y.org>\n");
    let (v, _) = json(&home, &["--from", ME], &msg);
    assert_rcpt(&v, &["home@y.org"], &["list@x.org"]);
}

#[test]
fn x_original_from_gives_the_author() {
    let home = Home::new("mutt-rcpt-xof", "");
    let msg = message(
        "From: 'Jane Doe' via kasan-dev <kasan-dev@googlegroups.com>\nTo: kasan-dev@googlegroups.com\n\
         Cc: c@x.org\nX-Original-From: Jane Doe <jane@x.org>\n",
    );
    let (v, _) = json(&home, &["--from", ME], &msg);
    assert_rcpt(&v, &["jane@x.org"], &["kasan-dev@googlegroups.com", "c@x.org"]);
    assert!(v["body"]
        .as_str()
        .unwrap()
        .starts_with("On Mon, Jan 01, 2024 at 10:00:00AM +0000, Jane Doe wrote:\n"));
    let (v, _) = json(&home, &["--from", ME, "--recipients", "sender"], &msg);
    assert_eq!(emails(&v["to"]), ["jane@x.org"]);
}

#[test]
fn mail_followup_to_is_honoured_with_a_warning() {
    let home = Home::new("mutt-rcpt-mft", "");
    let file = data("tests/data/corpus/lore-ksummit/singles/mail-followup-to--24a9ecc12a5d.eml");
    let o = home.ksreply(&["--print", "--from", ME, file.to_str().unwrap()]);
    let draft = ok_stdout(&o);
    assert!(
        draft.contains("\nTo: Leon Romanovsky <leon@kernel.org>, ksummit@lists.linux.dev,\n"),
        "{draft}"
    );
    assert!(!draft.contains("konstantin@"), "{draft}");
    // Said without -v, as a warning, one line.
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err,
        "ksreply: warning: Mail-Followup-To (honoured, as mutt does) leaves out the author \
         Konstantin Ryabitsev <konstantin@linuxfoundation.org>: add them back if they should get the reply\n"
    );
    let o = home.ksreply(&["--json", "--print", "--from", ME, file.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&ok_stdout(&o)).unwrap();
    assert!(
        v["warnings"][0].as_str().unwrap().contains("leaves out the author"),
        "{v}"
    );
    // A Cc left out is named too.
    let msg = message("From: A <a@x.org>\nTo: list@x.org\nCc: Bob <b@x.org>\nMail-Followup-To: list@x.org, a@x.org\n");
    let (v, err) = json(&home, &["--from", ME], &msg);
    assert_rcpt(&v, &["list@x.org", "a@x.org"], &[]);
    assert!(err.contains("leaves out To/Cc Bob <b@x.org>"), "{err}");
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match (b[i], s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// The To addresses and the Cc parameter of a mailto: link (RFC 6068).
fn mailto_recipients(link: &str) -> (Vec<String>, Vec<String>) {
    let rest = link.trim_end().strip_prefix("mailto:").unwrap();
    let (to, query) = rest.split_once('?').unwrap();
    // Literal commas separate the To addresses; the Cc value is escaped
    // whole, as public-inbox writes it.
    let to = to.split(',').map(percent_decode).collect();
    let cc = query
        .split('&')
        .find_map(|p| p.strip_prefix("Cc="))
        .map(|v| percent_decode(v).split(',').map(String::from).collect())
        .unwrap_or_default();
    (to, cc)
}

#[test]
fn mailto_carries_every_recipient() {
    let home = Home::new("mutt-rcpt-mailto", "");
    // The Rust-policy message: Mail-Followup-To names eight recipients.
    let file = data("tests/data/corpus/lore-ksummit/singles/mail-followup-to--c774b98b6f51.eml");
    let file = file.to_str().unwrap();
    for mode in ["all", "sender"] {
        let o = home.ksreply(&["--json", "--mailto", "--recipients", mode, "--from", ME, file]);
        let v: serde_json::Value = serde_json::from_str(&ok_stdout(&o)).unwrap();
        let (to, cc) = mailto_recipients(v["mailto"].as_str().unwrap());
        assert_eq!((to.clone(), cc), to_cc(&v), "{mode}: {}", v["mailto"]);
        if mode == "all" {
            assert_eq!(to.len(), 8, "{to:?}");
        }
        // The plain output is the same link.
        let plain = ok_stdout(&home.ksreply(&["--mailto", "--recipients", mode, "--from", ME, file]));
        assert_eq!(plain, format!("{}\n", v["mailto"].as_str().unwrap()));
    }
    // A To and a Cc list, as a group reply makes them.
    let seed = data("tests/data/seed/YT26ebT6xXWsnVMw@unreal.eml");
    let o = home.ksreply(&["--json", "--mailto", "--from", ME, seed.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&ok_stdout(&o)).unwrap();
    let (to, cc) = mailto_recipients(v["mailto"].as_str().unwrap());
    assert_eq!((to, cc.clone()), to_cc(&v));
    assert_eq!(cc.len(), 7, "{cc:?}");
    // public-inbox's own link, byte for byte.
    let o = home.ksreply(&["--recipients", "public-inbox", "--mailto", seed.to_str().unwrap()]);
    let want = std::fs::read_to_string(data("tests/data/seed/mailto.txt")).unwrap();
    assert_eq!(ok_stdout(&o), want);
}

#[test]
fn an_invalid_from_is_refused() {
    let home = Home::new("mutt-small-from", "");
    let seed = data("tests/data/seed/YT26ebT6xXWsnVMw@unreal.eml");
    for bad in ["Me <a b@example.org>", "Me", "a@x.org, b@x.org", ""] {
        let o = home.ksreply(&["--print", "--from", bad, seed.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{bad:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err, format!("ksreply: --from: not a valid address: {bad:?}\n"));
        assert!(o.stdout.is_empty());
    }
    let o = home.ksreply(&[
        "--print",
        "--from",
        "\"Me, Myself\" <me@example.org>",
        seed.to_str().unwrap(),
    ]);
    assert!(ok_stdout(&o).starts_with("From: \"Me, Myself\" <me@example.org>\n"));
}

#[test]
fn attribution_keeps_minus_zero_and_names_mailer_daemon() {
    let home = Home::new("mutt-small-attr", "");
    let msg = "From: MAILER-DAEMON <>\nTo: me@example.org\nSubject: bounce\nMessage-ID: <b1@x.org>\n\
               Date: Mon, 1 Jan 2024 10:00:00 -0000\n\nUndeliverable.\n";
    let o = home.ksreply_stdin(&["--body-only", "--from", "me@example.org", "-"], msg.as_bytes());
    assert_eq!(
        ok_stdout(&o),
        "On Mon, Jan 01, 2024 at 10:00:00AM -0000, MAILER-DAEMON wrote:\n> Undeliverable.\n\n"
    );
    let o = home.ksreply_stdin(
        &[
            "--body-only",
            "--from",
            "me@example.org",
            "--attribution",
            "%n <%e> %d:",
            "-",
        ],
        msg.as_bytes(),
    );
    assert!(ok_stdout(&o).starts_with("MAILER-DAEMON <> Mon, Jan 01, 2024 at 10:00:00AM -0000:\n"));
}

#[test]
fn all_your_addresses_count() {
    // --from, sendemail.from and user.email: none of them gets the reply.
    let home = Home::new(
        "mutt-small-me",
        "[user]\n\tname = U\n\temail = user@example.org\n[sendemail]\n\tfrom = S <send@example.org>\n",
    );
    let msg = message(
        "From: A <a@x.org>\nTo: list@x.org, send@example.org\nCc: user@example.org, Flag@Example.org, b@x.org\n",
    );
    let (v, _) = json(&home, &["--from", "F <flag@example.org>"], &msg);
    assert_rcpt(&v, &["a@x.org"], &["list@x.org", "b@x.org"]);
    // Without --from, sendemail.from is the From and user.email still counts.
    let (v, _) = json(&home, &[], &msg);
    assert_eq!(v["from"]["email"], "send@example.org");
    assert_eq!(emails(&v["cc"]), ["list@x.org", "flag@example.org", "b@x.org"]);
}

#[test]
fn a_message_id_without_at_is_used_with_a_warning() {
    let home = Home::new("mutt-small-msgid", "");
    let msg = "From: A <a@x.org>\nTo: b@x.org\nSubject: old\nMessage-ID: <xxxx>\nReferences: <yes> <p@x.org>\n\
               Date: Mon, 1 Jan 2024 10:00:00 +0000\n\nhello\n";
    let o = home.ksreply_stdin(&["--print", "--from", "me@example.org", "-"], msg.as_bytes());
    let draft = ok_stdout(&o);
    assert!(
        draft.contains("\nIn-Reply-To: <xxxx>\nReferences: <yes> <p@x.org> <xxxx>\n"),
        "{draft}"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err,
        "ksreply: warning: unusual Message-ID <xxxx> (not local@domain): used as it is to thread the reply\n\
         ksreply: warning: unusual id(s) <yes> (not local@domain) kept in References\n"
    );
    // public-inbox threads to it too.
    let o = home.ksreply_stdin(
        &["--recipients", "public-inbox", "--git-send-email", "-"],
        msg.as_bytes(),
    );
    assert!(
        ok_stdout(&o).contains("--in-reply-to=xxxx"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // Unsafe ids are still dropped, never written.
    let bad = msg.replace("<xxxx>", "<x y>");
    let o = home.ksreply_stdin(&["--print", "--from", "me@example.org", "-"], bad.as_bytes());
    let draft = ok_stdout(&o);
    assert!(!draft.contains("In-Reply-To") && !draft.contains("x y"), "{draft}");
}
