//! The quoted reply body of real messages, compared with reviewed golden
//! files, and every corpus message checked for decoding and HTML leftovers.
//!
//! Inputs are corpus messages (`tests/data/corpus/`). The golden output is
//! `tests/data/golden/<PATH without extension>.txt`: the body
//! `ksreply::reply::build` drafts (attribution, quote, attachment markers).
//! After a deliberate change, rewrite them with
//!
//!     KSREPLY_BLESS=1 cargo test --test tests quote_golden::
//!
//! and read every changed file before committing it.

use crate::harness::{corpus, corpus_files, root};
use ksreply::message;
use ksreply::message::address::Addr;
use ksreply::message::body::ExtractOptions;
use ksreply::reply::{self, quote::QuoteOptions, Options};
use ksreply::source::file::Pick;
use std::path::{Path, PathBuf};

/// Corpus messages and what each one covers.
const CASES: &[(&str, &str)] = &[
    // Legacy charsets.
    (
        "lore-linux-hwmon/singles/cs-iso-2022-jp--5ee8b41b90ee.eml",
        "ISO-2022-JP",
    ),
    ("public-inbox/t/iso-2202-jp.eml", "raw ISO-2022-JP without MIME headers"),
    (
        "lore-linux-hwmon/singles/cs-gb2312--b502955e7b8f.eml",
        "GB2312, Chinese Outlook headers",
    ),
    ("lore-linux-hwmon/singles/cs-gbk--80a7566abd19.eml", "GBK"),
    (
        "lore-linux-hwmon/singles/cs-big5--01b35353860c.eml",
        "Big5, RFC 2047 name",
    ),
    ("lore-linux-hwmon/singles/cs-koi8-r--3fa7c04a4c50.eml", "KOI8-R"),
    ("lore-linux-hwmon/singles/cs-iso-8859-2--397e3b2239cf.eml", "ISO-8859-2"),
    (
        "lore-linux-hwmon/singles/cs-iso-8859-15--ed51dc5f543a.eml",
        "ISO-8859-15",
    ),
    (
        "lore-ksummit/threads/03-maintainer-summit-enforcing-api-deprecation/004-7ecc9f4f9363.eml",
        "ISO-8859-7",
    ),
    (
        "lore-linux-hwmon/singles/cs-windows-1252--49bb30d4f1c8.eml",
        "windows-1252",
    ),
    (
        "lore-linux-hwmon/singles/cs-utf-7--673ebaa8a4fd.eml",
        "UTF-7 (QP), S/MIME signed",
    ),
    ("lore-linux-hwmon/singles/cs-label-utf8--71f8122369c9.eml", "label utf8"),
    // Bogus charset labels.
    (
        "lore-linux-hwmon/singles/bogus-charset-y--5f25064b2cc6.eml",
        "charset=y",
    ),
    (
        "lore-linux-hwmon/singles/bogus-charset-yes--09d1271cf9aa.eml",
        "charset=yes",
    ),
    (
        "lore-linux-hwmon/singles/bogus-charset-true--ed7c6243b637.eml",
        "charset=true, QP",
    ),
    ("public-inbox/t/x-unknown-alpine.eml", "charset=X-UNKNOWN"),
    // Transfer encodings.
    ("public-inbox/t/plack-qp.eml", "QP ending in a soft line break; no Date"),
    (
        "lore-linux-hwmon/threads/06-patch-0-7-hwmon-max31790-fixes-and-improvements/009-b7b0a857cbfe.eml",
        "QP patch review",
    ),
    ("git/t4258/mbox.eml", "base64 with CRLF inside"),
    ("git/t5100/quoted-cr.mbox", "base64 with a CR inside a line"),
    (
        "lore-linux-hwmon/singles/outlook-base64--08d59aa8dd76.eml",
        "Outlook base64",
    ),
    // format=flowed.
    ("git/t4256/1/patch.eml", "Thunderbird format=flowed patch"),
    ("notmuch/lkml/cur/1382298805.004551.eml", "format=flowed DelSp=yes"),
    (
        "lore-ksummit/threads/09-important-civs-opt-in-for-technical-advisory-board-voting/007-a939a5bbf1cd.eml",
        "format=flowed with quotes",
    ),
    // HTML.
    ("mail-parser/legacy/002.eml", "HTML only, QP ISO-8859-1"),
    ("mail-parser/legacy/039.eml", "HTML only, images"),
    ("mail-parser/thirdparty/016.eml", "HTML only with an inline PNG"),
    ("notmuch/html/attribute-text.eml", "HTML only, text in attributes"),
    (
        "lore-linux-hwmon/singles/html--3980334fa0d2.eml",
        "empty text and HTML alternatives, patch attachments",
    ),
    (
        "lore-ksummit/singles/bounce-dsn-gb2312-html--344e29857653.eml",
        "DSN in GB2312, forwarded message with HTML in text/plain",
    ),
    // multipart/alternative and attachments.
    (
        "lore-linux-hwmon/singles/alternative--d9bc386e6b9e.eml",
        "multipart/alternative, text/x-patch attachments",
    ),
    (
        "lore-linux-hwmon/singles/alternative--362c843b7d96.eml",
        "multipart/alternative, PGP signature",
    ),
    (
        "lore-linux-hwmon/singles/html-pdf-attachment--21db388d12c6.eml",
        "PDF and patch attachments",
    ),
    ("mail-parser/legacy/023.eml", "PNG attachments, 8-bit file name"),
    (
        "lore-linux-hwmon/singles/gzip-attachment-bot--02c9674b3dd1.eml",
        "gzip attachment (kbuild robot)",
    ),
    (
        "lore-linux-hwmon/singles/x-patch-attachment--f22a4a199cee.eml",
        "text/x-patch attachment",
    ),
    ("notmuch/insert/mbox-attachment.eml", "inline text/x-diff part"),
    // Signatures.
    (
        "lore-linux-hwmon/singles/smime-pkcs7--aef54cbe9097.eml",
        "S/MIME multipart/signed",
    ),
    ("notmuch/pkcs7/smime-onepart-signed.eml", "S/MIME opaque signed-data"),
    (
        "lore-ksummit/threads/09-important-civs-opt-in-for-technical-advisory-board-voting/009-24f861f4b9ee.eml",
        "PGP/MIME signed",
    ),
    // Forwarded messages.
    (
        "lore-linux-hwmon/singles/message-rfc822--44ea95533d32.eml",
        "message/rfc822 part",
    ),
    ("public-inbox/t/data/message_embed.eml", "nested message/rfc822"),
    // Headers.
    (
        "lore-linux-hwmon/singles/no-subject-reply--59ba8cda148b.eml",
        "no Subject",
    ),
    // Nested quotes.
    (
        "lore-ksummit/threads/07-the-nul-terminated-string-helper-desk-chair-rearrangement-wa/002-d03b15d63d61.eml",
        "nested quotes, stacked as mutt stacks them",
    ),
    (
        "mail-parser/malformed/020.eml",
        "malformed: boundary inside a text part",
    ),
];

fn golden_path(case: &str) -> PathBuf {
    let stem = case.rsplit_once('.').map(|(s, _)| s).unwrap_or(case);
    root().join("tests/data/golden").join(format!("{stem}.txt"))
}

fn options() -> Options {
    Options {
        from: Some(Addr::new(Some("Me Reviewer"), "me@example.org")),
        me: vec!["me@example.org".into()],
        quote: QuoteOptions::default(),
        ..Default::default()
    }
}

/// One message from a file: an .eml as it is (message::parse drops a
/// leading `From ` line), the first message of an .mbox.
fn load(path: &Path) -> Vec<u8> {
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "eml") {
        return data;
    }
    ksreply::source::file::pick(&data, &Pick::First).unwrap_or(data)
}

fn body_of(path: &Path, opts: &Options) -> (String, Vec<String>) {
    let mail = message::parse(&load(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (reply::build(&mail, opts).draft.body, mail.body.notes.clone())
}

#[test]
fn golden_reply_bodies() {
    let bless = std::env::var_os("KSREPLY_BLESS").is_some();
    let mut failures = Vec::new();
    for (case, what) in CASES {
        let input = corpus(case);
        let (body, _) = body_of(&input, &options());
        let golden = golden_path(case);
        if bless {
            std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
            std::fs::write(&golden, &body).unwrap();
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Ok(want) if want == body => {}
            Ok(want) => {
                let first = want
                    .lines()
                    .zip(body.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(want.lines().count().min(body.lines().count()));
                failures.push(format!(
                    "{case} ({what}): differs from {} at line {}:\n  want: {:?}\n  have: {:?}",
                    golden.display(),
                    first + 1,
                    want.lines().nth(first).unwrap_or("<end>"),
                    body.lines().nth(first).unwrap_or("<end>")
                ));
            }
            Err(e) => failures.push(format!("{case}: {}: {e}", golden.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(if the change is intended: KSREPLY_BLESS=1 cargo test --test tests quote_golden::, then read the files)",
        failures.join("\n")
    );
}

#[test]
fn the_copies_are_the_corpus_files() {
    // The golden inputs are corpus files, each as INDEX.tsv lists it (its
    // size there is the size of the upstream blob).
    let index = std::fs::read_to_string(corpus("INDEX.tsv")).unwrap();
    let sizes: std::collections::HashMap<&str, u64> = index
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?, f.next()?.parse().ok()?))
        })
        .collect();
    for (case, _) in CASES {
        let mine = std::fs::read(corpus(case)).unwrap();
        let theirs = sizes.get(case).copied();
        assert!(
            theirs == Some(mine.len() as u64),
            "tests/data/corpus/{case} differs from the corpus (INDEX.tsv: {theirs:?} bytes, file: {})",
            mine.len()
        );
    }
}

#[test]
fn bogus_charsets_say_how_they_were_read() {
    for (case, want) in [
        (
            "lore-linux-hwmon/singles/bogus-charset-y--5f25064b2cc6.eml",
            "unknown charset \"y\"",
        ),
        (
            "lore-linux-hwmon/singles/bogus-charset-yes--09d1271cf9aa.eml",
            "unknown charset \"yes\"",
        ),
        (
            "lore-linux-hwmon/singles/bogus-charset-true--ed7c6243b637.eml",
            "unknown charset \"true\"",
        ),
        ("public-inbox/t/x-unknown-alpine.eml", "unknown charset \"X-UNKNOWN\""),
        ("lore-linux-hwmon/singles/cs-label-utf8--71f8122369c9.eml", "\"utf8\""),
    ] {
        let (_, notes) = body_of(&corpus(case), &options());
        assert!(
            notes.iter().any(|n| n.contains(want)),
            "{case}: no note with {want:?} in {notes:?}"
        );
    }
}

#[test]
fn html_only_mail_is_readable_text() {
    let (body, notes) = body_of(&corpus("mail-parser/legacy/002.eml"), &options());
    assert!(
        !body.contains('<') && !body.contains("&nbsp;") && !body.contains("&amp;"),
        "{body}"
    );
    assert!(body.contains("> Die Hasen und die Frösche"), "{body}");
    assert!(notes.iter().any(|n| n.contains("HTML")), "{notes:?}");
}

#[test]
fn patches_stay_intact() {
    // The flowed patch is unflowed and no quoted line is rewrapped: every
    // line of the decoded text is in the quote, whole.
    let path = corpus("git/t4256/1/patch.eml");
    let (body, _) = body_of(&path, &options());
    assert!(body.contains(
        "> @@ -237,11 +237,22 @@ static int slurp_attr(const char *line, const char *name, struct strbuf *attr)\n"
    ));
    assert!(body.contains("> +static int has_attr_value(const char *line, const char *name, const char *value)\n"));
    let mail = message::parse(&load(&path)).unwrap();
    for l in reply::quote::cut_signature(&mail.body.text)
        .lines()
        .filter(|l| !l.is_empty())
    {
        assert!(body.contains(&format!("> {l}\n")), "line not quoted whole: {l:?}");
    }
}

#[test]
fn text_attachments_are_quoted_on_request() {
    let patch = corpus("lore-linux-hwmon/singles/x-patch-attachment--f22a4a199cee.eml");
    let marker = "> [-- attachment: nct6775.patch (text/x-patch, 1.7 KiB) --]\n";
    let (plain, _) = body_of(&patch, &options());
    // The quote, then an empty line to write in.
    let plain = plain.strip_suffix('\n').unwrap();
    assert!(plain.ends_with(marker), "{plain}");

    let with_attachments = |path: &Path| {
        let extract = ExtractOptions {
            text_attachments: true,
            ..Default::default()
        };
        let mail = message::parse_with(&load(path), extract).unwrap();
        reply::build(&mail, &options()).draft.body
    };
    let body = with_attachments(&patch);
    assert!(body.starts_with(plain), "the message text is quoted as before");
    let rest = &body[plain.len()..];
    assert!(
        rest.starts_with("> diff --git a/drivers/hwmon/nct6775.c b/drivers/hwmon/nct6775.c\n"),
        "{rest}"
    );
    assert!(rest.contains("\n> -static const u16 scale_in[15] = {\n> +static const u16 scale_in[16] = {\n"));
    assert!(
        rest.ends_with(">  \t\t\t\t data->kind == nct6798) ? 7 : 6;\n\n"),
        "{rest}"
    );

    // Other attachments stay markers.
    let gz = corpus("lore-linux-hwmon/singles/gzip-attachment-bot--02c9674b3dd1.eml");
    assert_eq!(with_attachments(&gz), body_of(&gz, &options()).0);
}

#[test]
fn options_change_the_quote() {
    let path = corpus("lore-linux-hwmon/singles/cs-koi8-r--3fa7c04a4c50.eml");
    let mut opts = options();
    opts.quote.attribution = Some("%n <%e> wrote on %d (%i):".into());
    let (body, _) = body_of(&path, &opts);
    let first = body.lines().next().unwrap();
    assert!(
        first.starts_with("Michael Shigorin <mike@altlinux.ru> wrote on Thu, Oct 24, 2024 at 12:53:39PM +0300 (<"),
        "{first}"
    );

    let mut opts = options();
    opts.quote.stacking = reply::quote::Stacking::Compact;
    let (body, _) = body_of(&path, &opts);
    assert!(
        body.contains("\n>> It's entirely clear why the change was done\n"),
        "{body}"
    );

    let mut opts = options();
    opts.quote.no_quote = true;
    opts.trailers = vec![reply::Trailer::Acked, reply::Trailer::Acked];
    let (body, _) = body_of(&path, &opts);
    assert_eq!(body, "Acked-by: Me Reviewer <me@example.org>\n");

    let mut opts = options();
    opts.quote.lines = Some("1..1".parse().unwrap());
    opts.trailers = vec![reply::Trailer::Reviewed, reply::Trailer::Tested];
    let (body, _) = body_of(&path, &opts);
    assert_eq!(
        body,
        "On Thu, Oct 24, 2024 at 12:53:39PM +0300, Michael Shigorin wrote:\n\
         > как хорошо, что по-русски можно писать то, что думаешь\n\n\
         Reviewed-by: Me Reviewer <me@example.org>\nTested-by: Me Reviewer <me@example.org>\n"
    );

    let mut opts = options();
    opts.quote.flowed = true;
    let (body, _) = body_of(&corpus("mail-parser/legacy/047.eml"), &opts);
    assert!(body.lines().all(|l| l.len() <= 80), "{body}");
    assert!(
        body.lines().any(|l| l.ends_with(' ')),
        "flowed lines end in a space: {body}"
    );
}

// ---------------------------------------------------------------------------
// Every corpus message.

/// Whether the text parts of a message decode without error in their
/// declared charset (or, for a missing or unknown label, the UTF-8 then
/// windows-1252 fallback), checked here independently of ksreply's
/// decoder: mail-parser's transfer decoding and encoding_rs.
fn decodable(raw: &[u8]) -> bool {
    use mail_parser::{Encoding, MimeHeaders, PartType};
    fn walk(msg: &mail_parser::Message, depth: usize) -> bool {
        if depth > 8 {
            return true;
        }
        msg.parts.iter().all(|p| match &p.body {
            PartType::Message(m) => walk(m, depth + 1),
            PartType::Text(_) | PartType::Html(_) => {
                let raw = &msg.raw_message[(p.offset_body as usize).min(msg.raw_message.len())
                    ..(p.offset_end as usize)
                        .min(msg.raw_message.len())
                        .max((p.offset_body as usize).min(msg.raw_message.len()))];
                let bytes = match p.encoding {
                    Encoding::QuotedPrintable => mail_parser::decoders::quoted_printable::quoted_printable_decode(raw),
                    Encoding::Base64 => mail_parser::decoders::base64::base64_decode(raw),
                    Encoding::None => Some(raw.to_vec()),
                };
                let Some(bytes) = bytes else { return false };
                let label = p.content_type().and_then(|ct| ct.attribute("charset")).unwrap_or("");
                match encoding_rs::Encoding::for_label(label.trim().as_bytes()) {
                    Some(enc) if enc != encoding_rs::REPLACEMENT => {
                        let (text, _, errors) = enc.decode(&bytes);
                        !errors && !text.contains('\u{FFFD}')
                    }
                    // UTF-7 and unknown labels: the fallback (UTF-8, else
                    // windows-1252) always decodes; a U+FFFD already in the
                    // source text is not ksreply's.
                    _ => std::str::from_utf8(&bytes)
                        .map(|s| !s.contains('\u{FFFD}'))
                        .unwrap_or(true),
                }
            }
            _ => true,
        })
    }
    match mail_parser::MessageParser::default().parse(raw) {
        Some(m) => walk(&m, 0),
        None => false,
    }
}

#[test]
fn every_corpus_message_quotes_cleanly() {
    // Panics inside the parser's catch_unwind would hide as parse errors:
    // count them through the hook.
    // Other tests run in other threads: keep only this thread's panics.
    static PANICS: std::sync::Mutex<Vec<(std::thread::ThreadId, String)>> = std::sync::Mutex::new(Vec::new());
    let me = std::thread::current().id();
    let default_hook = std::sync::Arc::new(std::panic::take_hook());
    let chained = default_hook.clone();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == me {
            PANICS
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((me, info.to_string()));
        } else {
            chained(info);
        }
    }));
    let mut failures: Vec<String> = Vec::new();
    let mut messages = 0;
    for (rel, path) in corpus_files() {
        let data = ksreply::source::file::read_path(&path).unwrap();
        let raws: Vec<Vec<u8>> = if ksreply::message::mbox::looks_like_mbox(&data) {
            ksreply::message::mbox::split(&data)
                .map(|m| ksreply::message::mbox::unescape(ksreply::message::mbox::trim_separator_newline(m)).to_vec())
                .collect()
        } else {
            vec![data]
        };
        for (i, raw) in raws.iter().enumerate() {
            messages += 1;
            let name = if raws.len() > 1 {
                format!("{rel} (message {})", i + 1)
            } else {
                rel.to_string()
            };
            PANICS
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|(t, _)| *t != me);
            let result = std::panic::catch_unwind(|| {
                let mail = message::parse(raw).ok()?;
                Some(reply::build(&mail, &options()).draft.body)
            });
            let panics: Vec<String> = PANICS
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .filter(|(t, _)| *t == me)
                .map(|(_, m)| m.clone())
                .collect();
            if !panics.is_empty() || result.is_err() {
                failures.push(format!("{name}: panic: {}", panics.join("; ")));
                continue;
            }
            let Ok(Some(body)) = result else { continue };
            // The attribution comes from headers; the quote is the rest.
            let quote: String = body.lines().skip(1).collect::<Vec<_>>().join("\n");
            if quote.contains('\u{FFFD}') && decodable(raw) {
                let line = quote.lines().find(|l| l.contains('\u{FFFD}')).unwrap_or("");
                failures.push(format!("{name}: U+FFFD in the quote of a decodable message: {line:?}"));
            }
            // Tags, not addresses like <html-junker@example.com>.
            let is_tag = |l: &str| {
                let l = l.to_ascii_lowercase();
                l.contains("<p>")
                    || ["<html", "<div"].iter().any(|t| {
                        l.match_indices(t).any(|(i, _)| {
                            matches!(l.as_bytes().get(i + t.len()), Some(b'>' | b' ' | b'\t' | b'/') | None)
                        })
                    })
            };
            if let Some(line) = quote.lines().find(|l| is_tag(l)) {
                failures.push(format!("{name}: HTML tag in the quote: {line:?}"));
            }
        }
    }
    std::panic::set_hook(Box::new(move |info| default_hook(info)));
    assert!(messages > 1000, "only {messages} messages");
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
