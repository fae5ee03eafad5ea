//! Hostile sizes through the binary (issue 14, point 6): cost must grow
//! linearly and memory stay bounded. The inputs are generated here; the
//! tests check what comes out (limits hit, results right), never how long
//! it took: timings and peak memory are in scripts/bench (BENCHMARKS.md).

use crate::harness::http::{HttpServer, Reply};
use crate::harness::Sandbox;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

const HEADER: &str = "From: A U Thor <author@example.org>\nTo: list@example.org\nSubject: big\n\
                      Date: Mon, 13 Sep 2021 10:00:00 +0000\n";

/// A sandbox with an identity, where test inputs are written.
struct Limits {
    sb: Sandbox,
}

impl Limits {
    fn new(label: &str) -> Limits {
        let sb = Sandbox::new(label);
        sb.gitconfig("[user]\n\tname = Me\n\temail = me@example.org\n");
        Limits { sb }
    }

    fn file(&self, name: &str, data: &[u8]) -> PathBuf {
        let p = self.sb.path().join(name);
        std::fs::write(&p, data).unwrap();
        p
    }

    fn run(&self, args: &[&str], file: Option<&Path>) -> Output {
        let mut c = self.sb.ksreply();
        c.args(args);
        if let Some(f) = file {
            c.arg(f);
        }
        c.output().unwrap()
    }
}

fn ok_json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn fails(o: &Output, code: i32, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "{err}");
    let last = err.trim_end().lines().last().unwrap_or("");
    assert!(last.starts_with("ksreply: ") && last.contains(needle), "{err}");
}

/// HTML nested 100,000 lists deep (html5ever's cost is quadratic in the
/// depth), and 13 MB of HTML with 400,000 links: converted, cut to size.
#[test]
fn html_bombs() {
    let sb = Limits::new("html-bombs");
    let nested = format!(
        "{HEADER}Message-ID: <nested@example.org>\nContent-Type: text/html\n\n<html><body>{}</body></html>\n",
        "<ul>".repeat(100_000) + "deep text"
    );
    let v = ok_json(&sb.run(&["--json", "--print"], Some(&sb.file("nested.eml", nested.as_bytes()))));
    let body = v["body"].as_str().unwrap();
    // One list marker a level, as deep as the nesting limit lets it go.
    let depth = body.matches("- ").count();
    assert!((50..=200).contains(&depth), "{depth}: {body}");
    assert!(body.contains("dee"), "{body}");

    let mut links = format!("{HEADER}Message-ID: <links@example.org>\nContent-Type: text/html\n\n<html><body>");
    for i in 0..400_000 {
        links.push_str(&format!("<a href=https://e.org/{i}>{i}</a>\n"));
    }
    assert!(links.len() > 13_000_000);
    let v = ok_json(&sb.run(&["--json", "--print"], Some(&sb.file("links.eml", links.as_bytes()))));
    let body = v["body"].as_str().unwrap();
    assert!(body.contains("> 0 <https://e.org/0>"), "{}", &body[..200]);
    assert!(
        body.contains("MiB more of HTML not converted --]"),
        "{}",
        &body[body.len() - 200..]
    );
    assert!(body.len() < 1 << 20, "{}", body.len());
}

/// 100,000 To addresses (each twice, in another case) and 100,000
/// References: de-duplicated with a set, References trimmed to the root
/// and the newest ids.
#[test]
fn huge_headers() {
    let sb = Limits::new("huge-headers");
    let n = 100_000;
    let mut to = String::from("To: ");
    for i in 0..n {
        to.push_str(&format!("User {i} <user{i}@example.org>,\n USER{i}@EXAMPLE.org,\n "));
    }
    to.push_str("last@example.org\n");
    let msg = format!("From: A <a@example.org>\n{to}Subject: many\nMessage-ID: <to@example.org>\n\nbody\n");
    let v = ok_json(&sb.run(&["--json", "--print"], Some(&sb.file("to.eml", msg.as_bytes()))));
    assert_eq!(v["to"].as_array().unwrap().len(), 1);
    let cc = v["cc"].as_array().unwrap();
    assert_eq!(cc.len(), n + 1);
    assert_eq!(cc[n - 1]["email"], format!("user{}@example.org", n - 1));

    let mut refs = String::from("References:");
    for i in 0..n {
        refs.push_str(&format!("\n <ref{i}@example.org>"));
    }
    let msg = format!(
        "From: A <a@example.org>\nTo: b@example.org\nSubject: refs\nMessage-ID: <parent@example.org>\n{refs}\n\nbody\n"
    );
    let v = ok_json(&sb.run(&["--json", "--print"], Some(&sb.file("refs.eml", msg.as_bytes()))));
    let r: Vec<&str> = v["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert_eq!(r.len(), 200);
    assert_eq!(r[0], "ref0@example.org");
    assert_eq!(r[198], format!("ref{}@example.org", n - 1));
    assert_eq!(r[199], "parent@example.org");
    assert!(v["notes"].to_string().contains("References trimmed"), "{}", v["notes"]);
}

/// About 2 MB of gzip that un-gzips to 2 GiB (a message header, then
/// zeros; gzip members, which every reader here follows): refused at the
/// 64 MiB message limit from a file, standard input, `--plain-text` and an
/// archive, as raw message or as thread.
#[test]
fn gzip_bomb() {
    let sb = Limits::new("gzip-bomb");
    let member = |data: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    };
    let zeros = member(&vec![0u8; 16 << 20]);
    let bomb = |head: &str| {
        let mut b = member(head.as_bytes());
        for _ in 0..128 {
            b.extend_from_slice(&zeros);
        }
        b
    };
    let raw = bomb(&format!("{HEADER}Message-ID: <bomb@example.org>\n\n"));
    assert!(raw.len() < 3 << 20, "{}", raw.len());
    let file = sb.file("bomb.eml.gz", &raw);
    fails(&sb.run(&["--print"], Some(&file)), 2, "message larger than 64 MiB");
    fails(
        &sb.run(&["--plain-text"], Some(&file)),
        2,
        "input larger than 64 MiB un-gzipped",
    );
    let o = sb
        .sb
        .ksreply()
        .args(["--print", "-"])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    fails(&o, 2, "message larger than 64 MiB");

    let thread = bomb(&format!(
        "From mboxrd@z Thu Jan  1 00:00:00 1970\n{HEADER}Message-ID: <bomb@example.org>\n\n"
    ));
    let server = HttpServer::start(move |path| match path {
        "/bomb@example.org/raw" => Reply::ok(raw.clone()),
        "/bomb@example.org/t.mbox.gz" => Reply::ok(thread.clone()),
        _ => Reply::not_found(),
    });
    let base = server.url("");
    fails(
        &sb.run(&["--print", "--base", &base, "bomb@example.org"], None),
        3,
        "input larger than 64 MiB un-gzipped",
    );
    fails(
        &sb.run(
            &[
                "--print",
                "--thread",
                "--msgid",
                "bomb@example.org",
                "--base",
                &base,
                "bomb@example.org",
            ],
            None,
        ),
        2,
        "message larger than 64 MiB",
    );
}
