//! Every message of the corpus (tests/data/corpus) through ksreply: no
//! panic, a clean error or a draft that parses back with the headers
//! ksreply writes.

use crate::harness::{corpus_files, Sandbox, DRAFT_HEADERS};

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
    let sb = Sandbox::new("corpus");
    let mut failures = Vec::new();
    let mut drafted = 0;
    let files = corpus_files();
    assert!(files.len() > 1000);
    for (name, f) in &files {
        let o = sb
            .ksreply()
            .args(["--print", "--from", "Me <me@example.org>"])
            .arg(f)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        match o.status.code() {
            Some(0) => {
                drafted += 1;
                let out = String::from_utf8_lossy(&o.stdout);
                let bad: Vec<String> = header_names(&out)
                    .into_iter()
                    .filter(|h| !DRAFT_HEADERS.iter().any(|a| a.eq_ignore_ascii_case(h)))
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
    let mut failures = Vec::new();
    let mut count = 0;
    for (_, f) in corpus_files() {
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
