//! Fuzzing the pure pipeline with mutated real messages:
//! `message::parse` → `reply::build` → `Draft::render` → `Draft::parse`.
//!
//! Every case runs in its own thread with a deadline and must:
//!
//! * not panic (a mail-parser panic is caught at `message::parse` and is
//!   an error there, which is fine) and not hang;
//! * when the message parses: give a draft that parses back, whose header
//!   block has only the headers ksreply generates, one line each (or
//!   folded continuation lines), no CR or NUL, and whose threading headers
//!   survive the round trip.
//!
//! Seeds: tests/data/fuzz-seeds/, tests/data/seed/ and tests/data/corpus/.
//! Mutations: byte flips, truncation, header duplication, giant headers,
//! deep multipart nesting, NUL bytes, invalid UTF-8, charset labels,
//! injected CR/LF/encoded words/brackets, splices of other seeds.
//!
//! `cargo test --test fuzz` runs a bounded number of cases (fixed RNG seed,
//! a few seconds); `scripts/fuzz` runs many more in an optimised build.
//!
//! This is the one integration-test binary besides tests/tests.rs, for two
//! reasons: it installs a process-wide panic hook that records the panics
//! of dependencies (which would also swallow those of unrelated tests
//! running beside it), and scripts/fuzz builds and runs it alone in the
//! optimised `fuzz` profile. It uses the same harness.
//! Knobs (environment): `KSREPLY_FUZZ_CASES` (default 192),
//! `KSREPLY_FUZZ_SEED` (a number, or `random`; default fixed),
//! `KSREPLY_FUZZ_DEADLINE` (seconds per case, default 60),
//! `KSREPLY_FUZZ_KEEP_GOING` (set: run every case, then list each kind of
//! failure once with its first case, instead of stopping and shrinking).

use ksreply::draft::Draft;
use ksreply::message;
use ksreply::reply;

#[path = "harness/mod.rs"]
mod harness;

use harness::{data, files_under, root, DRAFT_HEADERS};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, OnceLock};
use std::time::Duration;

/// Seeds larger than this are skipped (debug builds parse slowly).
const MAX_SEED: u64 = 256 * 1024;

fn seeds() -> &'static [(String, Vec<u8>)] {
    static SEEDS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = root();
        let mut files = Vec::new();
        for dir in ["fuzz-seeds", "seed", "corpus"] {
            files.extend(
                files_under(&data(dir), &[".eml", ".mbox"])
                    .into_iter()
                    .filter(|p| p.metadata().is_ok_and(|m| m.len() <= MAX_SEED)),
            );
        }
        files.sort();
        files.dedup();
        let mut out: Vec<(String, Vec<u8>)> = Vec::new();
        for f in files {
            if let Ok(data) = std::fs::read(&f) {
                // The seed is also in the corpus: keep one copy.
                if !data.is_empty() && !out.iter().any(|(_, d)| *d == data) {
                    out.push((f.strip_prefix(root).unwrap_or(&f).display().to_string(), data));
                }
            }
        }
        assert!(out.len() >= 6, "no fuzz seeds found");
        out
    })
}

/// A position in data of any length: `len * (self.0 / 2^64)`.
#[derive(Debug, Clone, Copy)]
struct At(u64);

impl At {
    fn index(self, len: usize) -> usize {
        ((len as u128 * self.0 as u128) >> 64) as usize
    }
}

fn at() -> impl Strategy<Value = At> {
    any::<u64>().prop_map(At)
}

#[derive(Debug, Clone)]
enum Mutation {
    FlipByte(At, u8),
    Truncate(At),
    /// Repeat one header line (with its continuation lines) n times.
    DuplicateHeader(At, usize),
    /// Prepend a giant header of a kind, n units long.
    GiantHeader(u8, usize),
    /// Wrap the message in n levels of multipart/mixed (closed or not);
    /// level i is a message/rfc822 instead when bit i % 8 of the mask is set.
    Nest(usize, bool, u8),
    InsertNul(At, usize),
    InvalidUtf8(At, u8),
    Charset(u8),
    Snippet(At, u8),
    /// Insert a piece of another seed.
    Splice(At, At, usize),
    TransferEncoding(u8),
}

const SNIPPETS: &[&[u8]] = &[
    b"\r",
    b"\n",
    b"\r\n",
    b"\n\n",
    b"=?utf-8?q?a=0D=0ABcc:_x@evil?=",
    b"=?utf-8?b?YQ0KQmNjOiB4QGV2aWw=?=",
    b"<",
    b">",
    b"<a@b>\r\nBcc: evil@example.org",
    b"\nFrom x\n",
    b"\n--",
    b"=?",
    b"?=",
    b"\t",
    b"\nContent-Transfer-Encoding: base64\n",
    b"\nContent-Type: multipart/mixed; boundary=\"\"\n",
    b"\nContent-Type: message/rfc822\n\n",
    b"$(touch /tmp/ksreply-fuzz-pwned)",
    b"\xef\xbb\xbf",
    b"\x1b[2J",
    b"\xe2\x80\xae",
];

const CHARSETS: &[&str] = &[
    "utf-7",
    "iso-2022-jp",
    "y",
    "unknown-8bit",
    "\"\"",
    "utf-16",
    "x-unknown",
    "gb18030",
    "=?utf-8?q?x?=",
    "iso-8859-1\u{0}",
    "utf-8\"; format=flowed; delsp=yes",
    "windows-1252",
];

const INVALID_UTF8: &[&[u8]] = &[
    b"\xff",
    b"\xc3\x28",
    b"\xe2\x82",
    b"\xf0\x28\x8c\x28",
    b"\xed\xa0\x80",
    b"\xc0\xaf",
    b"\xfe\xfe\xff\xff",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (at(), 1u8..=255).prop_map(|(i, x)| Mutation::FlipByte(i, x)),
        2 => at().prop_map(Mutation::Truncate),
        2 => (at(), 1usize..64).prop_map(|(i, n)| Mutation::DuplicateHeader(i, n)),
        1 => (0u8..5, 100usize..12_000).prop_map(|(k, n)| Mutation::GiantHeader(k, n)),
        1 => (1usize..200, any::<bool>()).prop_map(|(n, c)| Mutation::Nest(n, c, 0)),
        2 => (1usize..6, any::<bool>(), any::<u8>()).prop_map(|(n, c, m)| Mutation::Nest(n, c, m)),
        2 => (at(), 1usize..8).prop_map(|(i, n)| Mutation::InsertNul(i, n)),
        2 => (at(), any::<u8>()).prop_map(|(i, k)| Mutation::InvalidUtf8(i, k)),
        2 => any::<u8>().prop_map(Mutation::Charset),
        3 => (at(), any::<u8>()).prop_map(|(i, k)| Mutation::Snippet(i, k)),
        1 => (at(), at(), 1usize..4096).prop_map(|(a, b, n)| Mutation::Splice(a, b, n)),
        1 => any::<u8>().prop_map(Mutation::TransferEncoding),
    ]
}

fn header_block_len(data: &[u8]) -> usize {
    memchr::memmem::find(data, b"\n\n").map(|i| i + 1).unwrap_or(data.len())
}

fn apply(data: &mut Vec<u8>, m: &Mutation) {
    let pos = |i: &At, len: usize| i.index(len + 1);
    match m {
        Mutation::FlipByte(i, x) => {
            if !data.is_empty() {
                let at = i.index(data.len());
                data[at] ^= x;
            }
        }
        Mutation::Truncate(i) => {
            let at = pos(i, data.len());
            data.truncate(at);
        }
        Mutation::DuplicateHeader(i, n) => {
            let head = &data[..header_block_len(data)];
            // Header fields: a line not starting with a blank, plus its
            // continuation lines.
            let mut fields: Vec<(usize, usize)> = Vec::new();
            let mut at = 0;
            for line in head.split_inclusive(|&b| b == b'\n') {
                if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
                    if let Some(f) = fields.last_mut() {
                        f.1 = at + line.len();
                    }
                } else {
                    fields.push((at, at + line.len()));
                }
                at += line.len();
            }
            if !fields.is_empty() {
                let (s, e) = fields[i.index(fields.len())];
                let field = data[s..e].to_vec();
                let copies: Vec<u8> = field.iter().copied().cycle().take(field.len() * n).collect();
                data.splice(e..e, copies);
            }
        }
        Mutation::GiantHeader(kind, n) => {
            let mut h = Vec::new();
            match kind {
                0 => {
                    h.extend_from_slice(b"Subject: ");
                    for _ in 0..*n {
                        h.extend_from_slice(b"x ");
                    }
                }
                1 => {
                    h.extend_from_slice(b"References:");
                    for i in 0..*n {
                        h.extend_from_slice(format!(" <giant{i}@example.org>").as_bytes());
                    }
                }
                2 => {
                    h.extend_from_slice(b"To: ");
                    for i in 0..*n {
                        h.extend_from_slice(format!("\"N{i}, X\" <a{i}@example.org>,\n ").as_bytes());
                    }
                    h.extend_from_slice(b"last@example.org");
                }
                3 => {
                    h.extend_from_slice(b"Message-ID: <");
                    h.extend(std::iter::repeat(b'm').take(*n));
                    h.extend_from_slice(b"@example.org>");
                }
                _ => h.extend(std::iter::repeat(b'h').take(*n)),
            }
            h.push(b'\n');
            data.splice(0..0, h);
        }
        Mutation::Nest(depth, closed, mask) => {
            let mut out = Vec::new();
            out.extend_from_slice(
                b"From: Nest <nest@example.org>\nTo: list@example.org\nSubject: nested\nMessage-ID: <nest@example.org>\nMIME-Version: 1.0\n",
            );
            // The boundaries of the multiparts opened so far.
            let mut open: Vec<usize> = Vec::new();
            for i in 0..*depth {
                if mask >> (i % 8) & 1 == 1 {
                    out.extend_from_slice(b"Content-Type: message/rfc822\n\nSubject: inner\n");
                } else {
                    out.extend_from_slice(
                        format!("Content-Type: multipart/mixed; boundary=\"n{i}\"\n\n--n{i}\n").as_bytes(),
                    );
                    open.push(i);
                }
            }
            out.extend_from_slice(data);
            if *closed {
                for i in open.into_iter().rev() {
                    out.extend_from_slice(format!("\n--n{i}--\n").as_bytes());
                }
            }
            *data = out;
        }
        Mutation::InsertNul(i, n) => {
            let at = pos(i, data.len());
            data.splice(at..at, std::iter::repeat(0u8).take(*n));
        }
        Mutation::InvalidUtf8(i, k) => {
            let at = pos(i, data.len());
            let b = INVALID_UTF8[*k as usize % INVALID_UTF8.len()];
            data.splice(at..at, b.iter().copied());
        }
        Mutation::Charset(k) => {
            let label = CHARSETS[*k as usize % CHARSETS.len()].as_bytes();
            match memchr::memmem::find(data, b"charset=") {
                Some(i) => {
                    let start = i + 8;
                    let end = data[start..]
                        .iter()
                        .position(|b| matches!(b, b';' | b'\n' | b'\r' | b' '))
                        .map(|e| start + e)
                        .unwrap_or(data.len());
                    data.splice(start..end, label.iter().copied());
                }
                None => {
                    let mut h = b"Content-Type: text/plain; charset=".to_vec();
                    h.extend_from_slice(label);
                    h.push(b'\n');
                    data.splice(0..0, h);
                }
            }
        }
        Mutation::Snippet(i, k) => {
            let at = pos(i, data.len());
            let s = SNIPPETS[*k as usize % SNIPPETS.len()];
            data.splice(at..at, s.iter().copied());
        }
        Mutation::Splice(which, from, n) => {
            let seeds = seeds();
            let other = &seeds[which.index(seeds.len())].1;
            let start = from.index(other.len());
            let piece = other[start..other.len().min(start + n)].to_vec();
            let at = pos(from, data.len());
            data.splice(at..at, piece);
        }
        Mutation::TransferEncoding(k) => {
            const CTE: &[&[u8]] = &[
                b"base64",
                b"quoted-printable",
                b"8bit",
                b"x-uuencode",
                b"binary",
                b"BASE64 (c)",
            ];
            let v = CTE[*k as usize % CTE.len()];
            let lower = data.to_ascii_lowercase();
            match memchr::memmem::find(&lower, b"content-transfer-encoding:") {
                Some(i) => {
                    let start = i + 26;
                    let end = memchr::memchr(b'\n', &data[start..])
                        .map(|e| start + e)
                        .unwrap_or(data.len());
                    let mut val = b" ".to_vec();
                    val.extend_from_slice(v);
                    data.splice(start..end, val);
                }
                None => {
                    let mut h = b"Content-Transfer-Encoding: ".to_vec();
                    h.extend_from_slice(v);
                    h.push(b'\n');
                    data.splice(0..0, h);
                }
            }
        }
    }
}

/// The pipeline on one input; Err describes a broken property.
fn pipeline(input: &[u8]) -> Result<(), String> {
    let Ok(mail) = message::parse(input) else { return Ok(()) };
    let reply = reply::build(&mail, &reply::Options::default());
    let rendered = Draft::from(&reply).render();
    let back = Draft::parse(&rendered).map_err(|e| format!("the draft does not parse back: {e}"))?;

    let head_len = header_block_len(&rendered);
    let head = &rendered[..head_len];
    if head.contains(&b'\r') || head.contains(&0) {
        return Err("CR or NUL in the draft's header block".into());
    }
    let mut seen: Vec<&str> = Vec::new();
    for line in head.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        if line[0] == b' ' || line[0] == b'\t' {
            if seen.is_empty() {
                return Err("the draft starts with a continuation line".into());
            }
            continue;
        }
        let name = line.split(|&b| b == b':').next().unwrap_or(b"");
        let Some(known) = DRAFT_HEADERS.iter().find(|g| g.as_bytes().eq_ignore_ascii_case(name)) else {
            return Err(format!(
                "a header the draft must not have: {:?}",
                String::from_utf8_lossy(line)
            ));
        };
        if seen.contains(known) {
            return Err(format!("{known} twice in the draft"));
        }
        seen.push(known);
    }
    if !seen.contains(&"Subject") {
        return Err("no Subject in the draft".into());
    }
    // Threading survives the round trip.
    if back.in_reply_to != reply.in_reply_to {
        return Err(format!(
            "In-Reply-To {:?} came back as {:?}",
            reply.in_reply_to, back.in_reply_to
        ));
    }
    if back.references != reply.references {
        return Err(format!(
            "References ({}) did not come back ({})",
            reply.references.len(),
            back.references.len()
        ));
    }
    let plausible = |v: &[ksreply::message::address::Addr]| v.iter().filter(|a| a.is_plausible()).count();
    if back.to.len() != plausible(&reply.to) || back.cc.len() != plausible(&reply.cc) {
        return Err(format!(
            "recipients changed: To {} -> {}, Cc {} -> {}",
            plausible(&reply.to),
            back.to.len(),
            plausible(&reply.cc),
            back.cc.len()
        ));
    }
    Ok(())
}

/// Write a failing input under target/tmp/fuzz-failures/ (named by a hash
/// of its bytes) and return the path.
fn save_failure(input: &[u8]) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    input.hash(&mut h);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{:016x}.eml", h.finish()));
    let _ = std::fs::write(&path, input);
    path
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Run the pipeline in a thread with a deadline: a hang fails the case
/// (the thread is left behind; the test process ends soon after).
fn run_case(input: Vec<u8>) -> Result<(), String> {
    run_case_named(input, String::new())
}

fn run_case_named(input: Vec<u8>, case: String) -> Result<(), String> {
    let deadline = Duration::from_secs(env_u64("KSREPLY_FUZZ_DEADLINE").unwrap_or(60));
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new()
        // The binary's main thread has 8 MiB.
        .stack_size(8 << 20)
        .spawn(move || {
            CURRENT_CASE.with(|c| *c.borrow_mut() = case);
            let _ = tx.send(pipeline(&input));
        })
        .map_err(|e| e.to_string())?;
    match rx.recv_timeout(deadline) {
        Ok(r) => {
            let _ = worker.join();
            r
        }
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("no result within {deadline:?} (hang)")),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let payload = worker.join().err();
            let msg = payload
                .as_ref()
                .and_then(|p| {
                    p.downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                })
                .unwrap_or_default();
            Err(format!("panic: {msg}"))
        }
    }
}

fn config() -> Config {
    let seed = match std::env::var("KSREPLY_FUZZ_SEED").ok().as_deref().map(str::trim) {
        Some("random") => RngSeed::Random,
        Some(n) => RngSeed::Fixed(n.parse().expect("KSREPLY_FUZZ_SEED: a number or `random`")),
        None => RngSeed::Fixed(0x006b_7372_6570_6c79), // "ksreply"
    };
    Config {
        cases: env_u64("KSREPLY_FUZZ_CASES").unwrap_or(192) as u32,
        rng_seed: seed,
        // Inputs are big; shrinking them takes long and the case is printed
        // (as a seed name and mutation list) anyway.
        max_shrink_iters: 200,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Panics raised in dependencies (mail-parser) and caught at the parse
/// boundary: where, what, how often, and the first case that raised it.
type CaughtPanics = std::collections::BTreeMap<String, (usize, String)>;

fn caught_panics() -> &'static std::sync::Mutex<CaughtPanics> {
    static CAUGHT: OnceLock<std::sync::Mutex<CaughtPanics>> = OnceLock::new();
    CAUGHT.get_or_init(Default::default)
}

thread_local! {
    static CURRENT_CASE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Like the binary's hook, but dependency panics are recorded (and listed
/// at the end of the run) instead of dropped; our own still print.
fn install_recording_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Dependencies' sources have absolute paths (the cargo
            // registry); ours (src/, tests/) are relative.
            let Some(loc) = info.location().filter(|l| Path::new(l.file()).is_absolute()) else {
                return previous(info);
            };
            let what = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let key = format!("{}:{}: {what}", loc.file(), loc.line());
            let case = CURRENT_CASE.with(|c| c.borrow().clone());
            let mut map = caught_panics().lock().unwrap_or_else(|e| e.into_inner());
            let entry = map.entry(key).or_insert((0, String::new()));
            entry.0 += 1;
            // Keep the first fuzz case (regression tests have no name).
            if entry.1.is_empty() {
                entry.1 = case;
            }
        }));
    });
}

#[test]
fn mutated_messages_never_break_the_pipeline() {
    install_recording_hook();
    let seeds = seeds();
    let strategy = (at(), prop::collection::vec(mutation(), 0..4));
    let mut runner = TestRunner::new(config());
    // scripts/fuzz: run every case and list the distinct failures.
    let keep_going = std::env::var_os("KSREPLY_FUZZ_KEEP_GOING").is_some();
    let failures: std::sync::Mutex<CaughtPanics> = Default::default();
    let result = runner.run(&strategy, |(seed, mutations)| {
        let (name, data) = &seeds[seed.index(seeds.len())];
        let mut input = data.clone();
        for m in &mutations {
            apply(&mut input, m);
        }
        let case = format!("{name} with {mutations:?}");
        let saved = input.clone();
        match run_case_named(input, case.clone()) {
            Ok(()) => Ok(()),
            Err(e) => {
                // The input, to replay with the binary or message::parse.
                let file = save_failure(&saved);
                let e = format!("{case}: {e} (input: {})", file.display());
                if !keep_going {
                    return Err(TestCaseError::fail(e));
                }
                // Group failures by their message without numbers.
                let kind: String = e
                    .split(": ")
                    .nth(1)
                    .unwrap_or("")
                    .chars()
                    .filter(|c| !c.is_ascii_digit())
                    .take(120)
                    .collect();
                let mut map = failures.lock().unwrap_or_else(|e| e.into_inner());
                map.entry(kind).or_insert((0, e)).0 += 1;
                Ok(())
            }
        }
    });
    let failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    for (kind, (n, first)) in &failures {
        eprintln!(
            "FAILED {n}x: {kind}\n     first: {}",
            first.chars().take(600).collect::<String>()
        );
    }
    {
        let caught = caught_panics().lock().unwrap_or_else(|e| e.into_inner());
        if !caught.is_empty() {
            eprintln!("dependency panics caught at the parse boundary (not failures):");
            for (at, (n, case)) in caught.iter() {
                eprintln!(
                    "  {n}x {at}\n     first: {}",
                    case.chars().take(400).collect::<String>()
                );
            }
        }
    }
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        failures.is_empty(),
        "{} kinds of failure (listed above)",
        failures.len()
    );
}

#[test]
fn seeds_parse_as_they_are() {
    // The unmutated seeds of our own set make real drafts.
    for (name, data) in seeds().iter().filter(|(n, _)| n.contains("fuzz-seeds")) {
        message::parse(data).unwrap_or_else(|e| panic!("{name}: {e}"));
        run_case(data.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn hostile_shapes() {
    // Shapes found by fuzzing or known to hurt, kept as regression cases.
    let deep = {
        let mut d = b"Content-Type: text/plain\n\nhello\n".to_vec();
        apply(&mut d, &Mutation::Nest(20_000, true, 0));
        d
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        // 20,000 nested multiparts overflowed the stack in the body walker.
        ("deep multipart", deep),
        (
            "CRLF in an encoded Subject",
            b"From: a@b.c\nSubject: =?utf-8?q?a=0D=0ABcc:_x@evil?=\nMessage-ID: <a@b>\n\nx\n".to_vec(),
        ),
        (
            "NUL header",
            b"From: a@b.c\nSubject: \0\0\nMessage-ID: <a\0@b>\n\n\0".to_vec(),
        ),
        (
            // Found by fuzzing: specials outside a quoted local part made
            // the draft's recipients re-parse differently.
            "specials in addresses",
            b"From: a@b.c\nTo: <x\"y@example.org>, <p\"q@example.org>, <p,q@example.org>, \"r s\"@example.org\nCc: u;v@example.org, <w(x)@example.org>, \"t\\\"u\"@example.org, n@[192.0.2.1]\nMessage-ID: <s@b>\n\nx\n".to_vec(),
        ),
        (
            "only a boundary",
            b"Content-Type: multipart/mixed; boundary=x\nFrom: a@b.c\n\n--x\n--x--\n".to_vec(),
        ),
    ];
    install_recording_hook();
    for (name, data) in cases {
        run_case(data).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn nested_rfc822_in_multipart() {
    // mail-parser 0.11.9 debug_assert!s on this shape (message.rs:485, see
    // the comment at message::parse); debug builds then fall back to the
    // headers, release builds parse it all. Either way: a reply.
    install_recording_hook();
    let raw = b"From: A <a@example.org>\nTo: list@example.org\nSubject: s\nMessage-ID: <nested@example.org>\n\
        Content-Type: multipart/mixed; boundary=\"a\"\n\n--a\nContent-Type: message/rfc822\n\n\
        Subject: inner\nContent-Type: message/rfc822\n\nSubject: inner2\n\nhello\n--a--\n";
    let mail = message::parse(raw).expect("a reply despite the parser's panic");
    assert_eq!(mail.message_id.as_deref(), Some("nested@example.org"));
    assert_eq!(mail.to.len(), 1);
    if cfg!(debug_assertions) {
        assert!(
            mail.body.notes.iter().any(|n| n.contains("could not be parsed")),
            "{:?}",
            mail.body.notes
        );
    }
    run_case(raw.to_vec()).unwrap();
}

/// The forms of a MESSAGE argument (and of the URLs an archive redirects
/// to): `ID`, `<ID>`, `id:`/`mid:` prefixes, public-inbox URLs, with any
/// Unicode, percent-escapes cut short and characters where a prefix ends.
fn message_id_argument() -> impl Strategy<Value = String> {
    let text = prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9.%/+_<>:-]{0,12}@[a-z0-9.%-]{0,10}",
        "\\PC{0,8}@?\\PC{0,8}",
        "[\\x00-\\x7f]{0,16}",
    ];
    let prefix = prop::sample::select(vec![
        "",
        "id:",
        "mid:",
        "MID:",
        "<",
        " <",
        "i",
        "mi",
        "https://lore.kernel.org/all/",
        "http://127.0.0.1:1/x/",
        "https://msgid.link/",
        "HTTPS://Host/",
        "https://lore.kernel.org/r/",
        "http://",
        "https:///",
    ]);
    let suffix = prop::sample::select(vec![
        "",
        ">",
        "/",
        "/raw",
        "/T/#u",
        "/t.mbox.gz",
        "?x=1",
        "%",
        "%4",
        "%40",
        "%E2%82",
        "%C3",
    ]);
    (prefix, text, suffix).prop_map(|(p, t, s)| format!("{p}{t}{s}"))
}

/// Everything a MESSAGE argument goes through before the network: no
/// panic, a fetch URL that stays one well-formed URL, ids that survive
/// public-inbox's escaping, draft names that stay in their directory.
#[test]
fn message_id_arguments_never_panic() {
    use ksreply::source::{self, remote, Input};
    let mut runner = TestRunner::new(config());
    runner
        .run(&message_id_argument(), |arg| {
            let _ = message::msgid::normalize_arg(&arg);
            let _ = source::split_url(&arg);
            let _ = remote::normalize_base(&arg);
            let (id, url) = match source::classify(&arg) {
                Input::MessageId { id, url } => (id, url),
                _ => return Ok(()),
            };
            let _ = message::msgid::is_valid(&id);
            prop_assert_eq!(source::percent_decode(&source::escape_id(&id)), id.clone());
            let opts = remote::RemoteOptions {
                url,
                ..Default::default()
            };
            let target = remote::resolve(&id, &opts).map_err(|e| TestCaseError::fail(e.msg))?;
            // The path (the host is the user's own text).
            let u = target.url();
            let path = u
                .split_once("://")
                .and_then(|(_, r)| r.split_once('/'))
                .map_or("", |(_, p)| p);
            prop_assert!(
                path.is_ascii() && !path.contains(|c: char| c.is_ascii_whitespace() || c.is_ascii_control()),
                "{u:?}"
            );
            let name = ksreply::draft::file_name_for(Some(&id));
            prop_assert!(
                !name.starts_with('.') && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)),
                "{name:?}"
            );
            Ok(())
        })
        .unwrap();
}

/// A rendered draft, as the user's editor may leave it: the drafts of the
/// seeds, mutated. Parsing it back must not panic, and what it parses to
/// must render to a draft that parses back to the same recipients and
/// threading (what is sent is what the draft says).
#[test]
fn edited_drafts_parse_back() {
    install_recording_hook();
    let seeds = seeds();
    let strategy = (at(), prop::collection::vec(mutation(), 0..4));
    let mut runner = TestRunner::new(config());
    runner
        .run(&strategy, |(which, mutations)| {
            let (_, data) = &seeds[which.index(seeds.len())];
            let Ok(mail) = message::parse(data) else { return Ok(()) };
            let mut input = Draft::from(&reply::build(&mail, &reply::Options::default())).render();
            for m in &mutations {
                apply(&mut input, m);
            }
            let Ok(first) = Draft::parse(&input) else { return Ok(()) };
            let rendered = first.render();
            let again = Draft::parse(&rendered).map_err(|e| {
                TestCaseError::fail(format!("{mutations:?}: the re-rendered draft does not parse: {e}"))
            })?;
            let emails = |v: &[ksreply::message::address::Addr]| {
                v.iter()
                    .filter(|a| a.is_plausible())
                    .map(|a| a.email.clone())
                    .collect::<Vec<_>>()
            };
            prop_assert_eq!(emails(&again.to), emails(&first.to), "To, {:?}", mutations);
            prop_assert_eq!(emails(&again.cc), emails(&first.cc), "Cc, {:?}", mutations);
            prop_assert_eq!(emails(&again.bcc), emails(&first.bcc), "Bcc, {:?}", mutations);
            let valid = |v: &[String]| {
                v.iter()
                    .filter(|i| message::msgid::is_valid(i))
                    .cloned()
                    .collect::<Vec<_>>()
            };
            prop_assert_eq!(valid(&again.references), valid(&first.references));
            prop_assert_eq!(
                again.in_reply_to.clone().filter(|i| message::msgid::is_valid(i)),
                first.in_reply_to.clone().filter(|i| message::msgid::is_valid(i))
            );
            prop_assert_eq!(again.envelope_recipients(), first.envelope_recipients());
            Ok(())
        })
        .unwrap();
}
