//! Large inputs through the binary: a 20,000-message mbox (plain, gzip
//! with several members, on standard input) built from corpus messages with
//! renumbered Message-IDs, an id-less mbox, and the per-message size limit
//! (git config `ksreply.maxMessageSize`). Correctness only: peak memory
//! and speed are measured by scripts/bench (BENCHMARKS.md), never here.

use crate::harness::{corpus, data, files_under, Sandbox};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::OnceLock;

const MESSAGES: usize = 20_000;
/// The message whose Date is the newest (not the last one in the file).
const NEWEST: usize = 12_345;

/// The corpus messages the templates come from (with the fuzz seeds and
/// the seed): a fixed list, so that the big mbox does not change when the
/// corpus grows.
const CORPUS_TEMPLATES: &[&str] = &[
    "git/t4256/1/patch.eml",
    "git/t4258/mbox.eml",
    "lore-linux-hwmon/singles/no-subject-reply--59ba8cda148b.eml",
    "mail-parser/thirdparty/016.eml",
    "notmuch/html/attribute-text.eml",
    "notmuch/insert/mbox-attachment.eml",
    "notmuch/pkcs7/smime-onepart-signed.eml",
    "public-inbox/t/iso-2202-jp.eml",
    "public-inbox/t/plack-qp.eml",
    "public-inbox/t/x-unknown-alpine.eml",
];

/// One test, so that the big files are made once, in one sandbox that is
/// removed (a few dozen MB) at the end, passed or failed.
#[test]
fn large_inputs() {
    let sb = Sandbox::new("limits");
    let t = std::time::Instant::now();
    let big = big_mbox(&sb);
    let gz = big_mbox_gz(&sb, &big);
    big_mbox_msgid_latest_and_first(&sb, &big);
    big_gzip_mbox_in_several_members(&sb, &gz);
    big_mbox_on_standard_input(&sb, &big, &gz);
    id_less_mbox_latest(&sb);
    message_size_limit(&sb);
    eprintln!("large inputs: {:?}", t.elapsed());
}

/// Small single messages from the crate's own test data, with their
/// Message-ID and Date headers removed: (headers, body).
fn templates() -> &'static [(Vec<u8>, Vec<u8>)] {
    static T: OnceLock<Vec<(Vec<u8>, Vec<u8>)>> = OnceLock::new();
    T.get_or_init(|| {
        let mut files: Vec<PathBuf> = CORPUS_TEMPLATES.iter().map(|rel| corpus(rel)).collect();
        for d in ["fuzz-seeds", "seed"] {
            files.extend(files_under(&data(d), &[".eml"]));
        }
        files.sort();
        let mut out = Vec::new();
        for f in files {
            let Ok(data) = std::fs::read(&f) else { continue };
            if data.len() > 4 * 1024 || data.contains(&b'\r') {
                continue;
            }
            let data = if data.starts_with(b"From ") {
                data.splitn(2, |&b| b == b'\n').nth(1).unwrap_or_default().to_vec()
            } else {
                data
            };
            let Some(end) = find(&data, b"\n\n") else { continue };
            let (head, body) = data.split_at(end + 1);
            let head = drop_headers(head, &["message-id", "date"]);
            out.push((head, mboxrd_escape(body)));
        }
        assert!(out.len() >= 5, "no template messages");
        out
    })
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

/// The header block without the named fields (and their continuations).
fn drop_headers(head: &[u8], names: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut skipping = false;
    for line in head.split_inclusive(|&b| b == b'\n') {
        if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            if !skipping {
                out.extend_from_slice(line);
            }
            continue;
        }
        let name = line.split(|&b| b == b':').next().unwrap_or(b"");
        skipping = names.iter().any(|n| n.as_bytes().eq_ignore_ascii_case(name));
        if !skipping {
            out.extend_from_slice(line);
        }
    }
    out
}

/// mboxrd: a body line `>*From ` gets one more `>`.
fn mboxrd_escape(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 16);
    for line in body.split_inclusive(|&b| b == b'\n') {
        let gts = line.iter().take_while(|&&b| b == b'>').count();
        if line[gts..].starts_with(b"From ") {
            out.push(b'>');
        }
        out.extend_from_slice(line);
    }
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    out
}

fn id(i: usize) -> String {
    format!("limits-{i}@ksreply.example")
}

/// Dates one second apart on 1 January 2015, except [`NEWEST`], a day later.
fn date(i: usize) -> String {
    if i == NEWEST {
        return "Fri, 2 Jan 2015 00:00:00 +0000".into();
    }
    format!("Thu, 1 Jan 2015 {:02}:{:02}:{:02} +0000", i / 3600, i / 60 % 60, i % 60)
}

/// One mboxrd message: `From ` line, our Message-ID (unless id-less),
/// Date and Subject, the template's other headers and body, a blank line.
fn write_message(out: &mut Vec<u8>, i: usize, with_id: bool) {
    let t = templates();
    let (head, body) = &t[i % t.len()];
    out.extend_from_slice(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n");
    if with_id {
        out.extend_from_slice(format!("Message-ID: <{}>\n", id(i)).as_bytes());
    }
    out.extend_from_slice(format!("Date: {}\nX-Number: {i}\n", date(i)).as_bytes());
    out.extend_from_slice(&drop_headers(head, &["subject"]));
    out.extend_from_slice(format!("Subject: message {i}\n").as_bytes());
    out.extend_from_slice(body);
    out.push(b'\n');
}

fn big_mbox(sb: &Sandbox) -> PathBuf {
    let mut data = Vec::with_capacity(64 << 20);
    for i in 0..MESSAGES {
        write_message(&mut data, i, true);
    }
    let p = sb.path().join("big.mbox");
    std::fs::write(&p, &data).unwrap();
    eprintln!("{}: {} messages, {} bytes", p.display(), MESSAGES, data.len());
    p
}

/// The same mbox gzipped in three members, as public-inbox's t.mbox.gz
/// can be.
fn big_mbox_gz(sb: &Sandbox, big: &Path) -> PathBuf {
    let data = std::fs::read(big).unwrap();
    let mut out = Vec::new();
    let third = data.len() / 3;
    for piece in [&data[..third], &data[third..2 * third], &data[2 * third..]] {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(piece).unwrap();
        out.extend_from_slice(&gz.finish().unwrap());
    }
    let p = sb.path().join("big.mbox.gz");
    std::fs::write(&p, &out).unwrap();
    p
}

/// ksreply with `config` given as GIT_CONFIG_COUNT/KEY/VALUE (always set,
/// so the configuration is read through git).
fn ksreply(sb: &Sandbox, args: &[&str], stdin: Option<&Path>, config: &[(&str, &str)]) -> Output {
    let mut cmd = sb.ksreply();
    cmd.args(args)
        .env("GIT_CONFIG_COUNT", config.len().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (i, (k, v)) in config.iter().enumerate() {
        cmd.env(format!("GIT_CONFIG_KEY_{i}"), k)
            .env(format!("GIT_CONFIG_VALUE_{i}"), v);
    }
    match stdin {
        Some(p) => cmd.stdin(std::fs::File::open(p).unwrap()),
        None => cmd.stdin(Stdio::null()),
    };
    cmd.output().unwrap()
}

fn header(o: &Output, name: &str) -> Option<String> {
    let out = String::from_utf8_lossy(&o.stdout);
    let head = out.split("\n\n").next().unwrap_or("");
    let prefix = format!("{name}: ");
    head.lines().find_map(|l| l.strip_prefix(&prefix)).map(String::from)
}

#[track_caller]
fn assert_replied_to(o: &Output, i: usize) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(header(o, "In-Reply-To"), Some(format!("<{}>", id(i))), "{err}");
    assert_eq!(header(o, "Subject"), Some(format!("Re: message {i}")));
}

fn big_mbox_msgid_latest_and_first(sb: &Sandbox, big: &Path) {
    let mbox = big.to_str().unwrap();
    let near_end = MESSAGES - 10;
    assert_replied_to(
        &ksreply(sb, &["--print", "--msgid", &id(near_end), mbox], None, &[]),
        near_end,
    );
    assert_replied_to(
        &ksreply(sb, &["--print", "--msgid", &format!("<{}>", id(1)), mbox], None, &[]),
        1,
    );
    assert_replied_to(&ksreply(sb, &["--print", "--latest", mbox], None, &[]), NEWEST);
    assert_replied_to(&ksreply(sb, &["--print", mbox], None, &[]), 0);

    let o = ksreply(sb, &["--print", "--msgid", "nowhere@ksreply.example", mbox], None, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no message with Message-ID <nowhere@ksreply.example>"),
        "{err}"
    );
}

fn big_gzip_mbox_in_several_members(sb: &Sandbox, gz: &Path) {
    let gz = gz.to_str().unwrap();
    let near_end = MESSAGES - 3;
    assert_replied_to(
        &ksreply(sb, &["--print", "--msgid", &id(near_end), gz], None, &[]),
        near_end,
    );
    assert_replied_to(&ksreply(sb, &["--print", "--latest", gz], None, &[]), NEWEST);
}

fn big_mbox_on_standard_input(sb: &Sandbox, big: &Path, gz: &Path) {
    let near_end = MESSAGES - 1;
    assert_replied_to(
        &ksreply(sb, &["--print", "--msgid", &id(near_end), "-"], Some(big), &[]),
        near_end,
    );
    assert_replied_to(&ksreply(sb, &["--print", "-"], Some(gz), &[]), 0);
}

fn id_less_mbox_latest(sb: &Sandbox) {
    let mut data = Vec::new();
    for i in 0..2_000 {
        write_message(&mut data, i + NEWEST - 1_000, false);
    }
    let p = sb.path().join("idless.mbox");
    std::fs::write(&p, &data).unwrap();
    let o = ksreply(sb, &["--print", "--latest", p.to_str().unwrap()], None, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(header(&o, "Subject"), Some(format!("Re: message {NEWEST}")));
    assert_eq!(header(&o, "In-Reply-To"), None);
}

fn message_size_limit(sb: &Sandbox) {
    let limit = [("ksreply.maxMessageSize", "64k")];
    let big_body = "x".repeat(100 * 1024) + "\n";
    // One message over the limit: a clear error.
    let single = sb.path().join("single-big.eml");
    std::fs::write(
        &single,
        format!("From: a@example.org\nSubject: big\nMessage-ID: <big@x>\n\n{big_body}"),
    )
    .unwrap();
    let o = ksreply(sb, &["--print", single.to_str().unwrap()], None, &limit);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("message larger than 64 KiB") && err.trim_end().lines().count() == 1,
        "{err}"
    );
    // Without the setting, the default limit (64 MiB) lets it through.
    assert_eq!(
        ksreply(sb, &["--print", single.to_str().unwrap()], None, &[])
            .status
            .code(),
        Some(0)
    );

    // In an mbox, a message over the limit is skipped unless it is the one
    // asked for.
    let mut data = Vec::new();
    write_message(&mut data, 1, true);
    data.extend_from_slice(
        format!(
            "From x\nMessage-ID: <{}>\nDate: {}\nSubject: huge\n\n{big_body}\n",
            id(2),
            date(2)
        )
        .as_bytes(),
    );
    write_message(&mut data, 3, true);
    let mbox = sb.path().join("one-big.mbox");
    std::fs::write(&mbox, &data).unwrap();
    let mbox = mbox.to_str().unwrap();
    assert_replied_to(&ksreply(sb, &["--print", "--msgid", &id(3), mbox], None, &limit), 3);
    assert_replied_to(&ksreply(sb, &["--print", "--latest", mbox], None, &limit), 3);
    let o = ksreply(sb, &["--print", "--msgid", &id(2), mbox], None, &limit);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("message larger than 64 KiB"));

    let o = ksreply(sb, &["--print", mbox], None, &[("ksreply.maxMessageSize", "lots")]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
}
