//! A hostile archive and the fetch cache (issue 14, point 3): what one
//! archive served is never answered for another (nor an http:// fetch for
//! https://), and a message whose Message-ID is not the one asked for is
//! refused, except public-inbox's renamed duplicates, which get a warning
//! naming both ids. Hostile mirrors are small HTTP servers on 127.0.0.1;
//! the renamed duplicate comes from a real public-inbox.

use crate::harness::http::{HttpServer, Reply};
use crate::harness::public_inbox::{message_id_of, split_mbox, PublicInbox};
use crate::harness::{data, Sandbox};
use std::process::Output;

const ID: &str = "YT26ebT6xXWsnVMw@unreal";

fn seed() -> Vec<u8> {
    std::fs::read(data(&format!("seed/{ID}.eml"))).unwrap()
}

/// The seed message with its To replaced: what a hostile mirror plants.
fn planted(id: &str) -> Vec<u8> {
    format!(
        "From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: Mallory <mallory@evil.example>\n\
         To: collector@evil.example\nSubject: Re: something\nMessage-ID: <{id}>\n\nplanted\n\n"
    )
    .into_bytes()
}

/// The sandbox, with an identity.
fn home(sb: &Sandbox) -> &Sandbox {
    sb.gitconfig("[user]\n\tname = Me\n\temail = me@example.org\n");
    sb
}

fn run(sb: &Sandbox, args: &[&str]) -> Output {
    sb.ksreply().args(["--json", "--print"]).args(args).output().unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn fails(o: &Output, code: i32, needle: &str) -> String {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(code), "{err}");
    let last = err.trim_end().lines().last().unwrap_or("");
    assert!(last.starts_with("ksreply: ") && last.contains(needle), "{err}");
    err
}

fn cache_entries(sb: &Sandbox) -> usize {
    ["raw", "thread"]
        .iter()
        .map(|k| std::fs::read_dir(sb.cache_dir().join(k)).map_or(0, |d| d.count()))
        .sum()
}

/// One visit to a hostile mirror used to plant its recipients for every
/// later `ksreply ID`. Now its entry belongs to it alone.
#[test]
fn a_hostile_mirror_cannot_poison_other_archives() {
    let t = Sandbox::new("poison");
    let h = home(&t);
    let evil = HttpServer::start(|p| match p {
        "/all/YT26ebT6xXWsnVMw@unreal/raw" => Reply::ok(planted(ID)),
        _ => Reply::not_found(),
    });
    let honest = HttpServer::start(|p| match p {
        "/all/YT26ebT6xXWsnVMw@unreal/raw" => Reply::ok(seed()),
        _ => Reply::not_found(),
    });
    let evil_base = format!("{}all/", evil.url(""));
    let honest_base = format!("{}all/", honest.url(""));

    let v = json(&run(&h, &["--base", &evil_base, ID]));
    assert_eq!(v["to"][0]["email"], "mallory@evil.example");
    assert_eq!(cache_entries(&h), 1);
    // Not for the default archive, not for another, not over https.
    fails(&run(&h, &["--offline", ID]), 3, "not in the cache");
    let https = evil_base.replacen("http://", "https://", 1);
    fails(&run(&h, &["--offline", "--base", &https, ID]), 3, "not in the cache");
    let v = json(&run(&h, &["--base", &honest_base, ID]));
    assert_eq!(v["to"][0]["email"], "leon@kernel.org");
    assert_eq!(honest.paths(), ["/all/YT26ebT6xXWsnVMw@unreal/raw"]);
    // Each archive keeps its own entry.
    let v = json(&run(&h, &["--offline", "--base", &honest_base, ID]));
    assert_eq!(v["to"][0]["email"], "leon@kernel.org");
    assert_eq!(cache_entries(&h), 2);
}

/// A message or thread that is not the one asked for is an error, and is
/// not cached.
#[test]
fn a_message_with_another_id_is_refused() {
    let t = Sandbox::new("mismatch");
    let h = home(&t);
    let thread = {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut e, &planted("other@evil.example")).unwrap();
        e.finish().unwrap()
    };
    let evil = HttpServer::start(move |p| match p {
        "/x/YT26ebT6xXWsnVMw@unreal/raw" => Reply::ok(planted("other@evil.example")),
        "/x/YT26ebT6xXWsnVMw@unreal/t.mbox.gz" => Reply::ok(thread.clone()),
        _ => Reply::not_found(),
    });
    let base = format!("{}x/", evil.url(""));
    let err = fails(
        &run(&h, &["--base", &base, ID]),
        3,
        "served the message <other@evil.example> for <YT26ebT6xXWsnVMw@unreal>",
    );
    assert!(err.contains(&format!("{base}{ID}/raw")), "{err}");
    fails(
        &run(&h, &["--thread", "--msgid", ID, "--base", &base, ID]),
        3,
        "the thread does not hold the message <YT26ebT6xXWsnVMw@unreal>",
    );
    assert_eq!(cache_entries(&h), 0);
}

/// public-inbox stores a second message with a Message-ID it already has
/// (other content) under an id of its own making, added as a second
/// Message-ID field; the page of the original id shows both. Asked for by
/// the made-up id, the message is used with a warning naming both ids;
/// asked for by the original id, the original is used.
#[test]
fn a_renamed_duplicate_is_named() {
    let t = Sandbox::new("renamed");
    let first = t.path().join("first.eml");
    let second = t.path().join("second.eml");
    let msg = |body: &str| {
        format!(
            "From: A U Thor <author@example.org>\nTo: list@example.org\nSubject: dup\n\
             Date: Mon, 13 Sep 2021 10:00:00 +0000\nMessage-ID: <dup@example.org>\n\n{body}\n"
        )
    };
    std::fs::write(&first, msg("the first")).unwrap();
    std::fs::write(&second, msg("another text under the same id")).unwrap();
    let pi = PublicInbox::start("dups", "dups@example.org", &[first, second]);
    let raw = pi.raw("dup@example.org").expect("the original id is served");
    let copies = split_mbox(&raw);
    assert_eq!(copies.len(), 2, "public-inbox shows both under the original id");
    let ids = crate::harness::public_inbox::header_values(&copies[1], "Message-ID");
    assert_eq!(ids.len(), 2, "the second copy has two Message-IDs");
    let made_up = String::from_utf8_lossy(&ids[1])
        .trim()
        .trim_matches(['<', '>'])
        .to_string();
    assert_eq!(message_id_of(&copies[1]).as_deref(), Some("dup@example.org"));

    let h = home(&t);
    let o = run(&h, &["--base", &pi.base_url(), &made_up]);
    let v = json(&o);
    assert_eq!(v["in_reply_to"], "dup@example.org");
    assert!(v["body"].as_str().unwrap().contains("> another text"), "{}", v["body"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!(
            "warning: <{made_up}> is the archive's name for a message whose own Message-ID is <dup@example.org>"
        )),
        "{err}"
    );
    let o = run(&h, &["--base", &pi.base_url(), "dup@example.org"]);
    let v = json(&o);
    assert!(v["body"].as_str().unwrap().contains("> the first"), "{}", v["body"]);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("warning"));
    // The thread of the made-up id holds it too.
    let o = run(
        &h,
        &["--thread", "--msgid", &made_up, "--base", &pi.base_url(), &made_up],
    );
    assert_eq!(json(&o)["in_reply_to"], "dup@example.org");
}

/// A sender chooses its Date: a reply dated 2099 in a thread would always
/// be "the newest". `--thread --latest` takes the newest by Date not later
/// than now.
#[test]
fn thread_latest_ignores_dates_in_the_future() {
    let t = Sandbox::new("future");
    let h = home(&t);
    let msg = |id: &str, date: &str, from: &str| {
        format!(
            "From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: {from}\nTo: list@example.org\nSubject: Re: x\n\
             Date: {date}\nMessage-ID: <{id}>\nReferences: <root@example.org>\n\nbody\n\n"
        )
    };
    let mbox = [
        msg(
            "root@example.org",
            "Mon, 13 Sep 2021 10:00:00 +0000",
            "A <a@example.org>",
        ),
        msg(
            "future@evil.example",
            "Thu, 01 Jan 2099 00:00:00 +0000",
            "M <mallory@evil.example>",
        ),
        msg(
            "newest@example.org",
            "Mon, 13 Sep 2021 12:00:00 +0000",
            "B <b@example.org>",
        ),
    ]
    .concat();
    let thread = {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut e, mbox.as_bytes()).unwrap();
        e.finish().unwrap()
    };
    let server = HttpServer::start(move |p| match p {
        "/l/root@example.org/t.mbox.gz" => Reply::ok(thread.clone()),
        _ => Reply::not_found(),
    });
    let v = json(&run(
        &h,
        &[
            "--thread",
            "--latest",
            "--base",
            &format!("{}l/", server.url("")),
            "root@example.org",
        ],
    ));
    assert_eq!(v["in_reply_to"], "newest@example.org");
}
