//! Every message of ../shared/corpus through ksreply: no panic, a clean
//! error or a draft that parses back with the headers ksreply writes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn shared_dir() -> Option<PathBuf> {
    let d = match std::env::var_os("KSREPLY_SHARED") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    };
    if d.join("corpus/INDEX.tsv").exists() {
        Some(d)
    } else {
        assert!(std::env::var_os("CI").is_none(), "{} is missing in CI", d.display());
        None
    }
}

fn corpus_files(shared: &Path) -> Vec<PathBuf> {
    let index = std::fs::read_to_string(shared.join("corpus/INDEX.tsv")).unwrap();
    index
        .lines()
        .filter_map(|l| l.split('\t').next())
        .map(|p| shared.join("corpus").join(p))
        .collect()
}

const ALLOWED_HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
];

/// Header names of a rendered draft (continuation lines skipped).
fn header_names(draft: &str) -> Vec<String> {
    let head = draft.split("\n\n").next().unwrap_or("");
    head.lines()
        .filter(|l| !l.starts_with([' ', '\t']))
        .map(|l| l.split(':').next().unwrap_or("").to_ascii_lowercase())
        .collect()
}

#[test]
fn every_corpus_file_prints_a_draft_or_a_clean_error() {
    let Some(shared) = shared_dir() else { return };
    let home = std::env::temp_dir().join(format!("ksreply-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut failures = Vec::new();
    let mut drafted = 0;
    let files = corpus_files(&shared);
    assert!(files.len() > 1000);
    for f in &files {
        let o = Command::new(env!("CARGO_BIN_EXE_ksreply"))
            .args(["--print", "--from", "Me <me@example.org>"])
            .arg(f)
            .env("HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .current_dir(&home)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        let name = f.strip_prefix(&shared).unwrap_or(f).display().to_string();
        match o.status.code() {
            Some(0) => {
                drafted += 1;
                let out = String::from_utf8_lossy(&o.stdout);
                let bad: Vec<String> = header_names(&out)
                    .into_iter()
                    .filter(|h| !ALLOWED_HEADERS.contains(&h.as_str()))
                    .collect();
                if !bad.is_empty() {
                    failures.push(format!("{name}: unexpected headers {bad:?}"));
                }
                if let Err(e) = ksreply::draft::Draft::parse(&o.stdout) {
                    failures.push(format!("{name}: draft does not parse back: {e}"));
                }
            }
            Some(2) if err.trim_end().lines().count() == 1 && !err.contains("panicked") => {}
            other => failures.push(format!("{name}: exit {other:?}: {}", err.trim_end())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    assert!(
        drafted * 100 / files.len() >= 95,
        "only {drafted} of {} drafted",
        files.len()
    );
}

/// Every message inside every mbox, through the library (parse, reply,
/// render, parse back).
#[test]
fn every_message_of_every_mbox_round_trips() {
    let Some(shared) = shared_dir() else { return };
    let mut failures = Vec::new();
    let mut count = 0;
    for f in corpus_files(&shared) {
        let data = ksreply::source::file::read_path(&f).unwrap();
        if !ksreply::message::mbox::looks_like_mbox(&data) {
            continue;
        }
        for raw in ksreply::message::mbox::split(&data) {
            count += 1;
            let raw = ksreply::message::mbox::unescape(ksreply::message::mbox::trim_separator_newline(raw));
            let Ok(mail) = ksreply::message::parse(&raw) else {
                continue;
            };
            let reply = ksreply::reply::build(&mail, &ksreply::reply::Options::default());
            let draft = ksreply::draft::Draft::from(&reply);
            let rendered = draft.render();
            match ksreply::draft::Draft::parse(&rendered) {
                Ok(back) => {
                    if back.in_reply_to != reply.in_reply_to || back.references != reply.references {
                        failures.push(format!("{}: threading changed on parse-back", f.display()));
                    }
                }
                Err(e) => failures.push(format!("{}: {e}", f.display())),
            }
        }
    }
    assert!(count > 100, "{count}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
