//! The quote as mutt and neomutt write it (issue 15): the prefix in front of
//! every original line, whose bytes are kept; `compact` stacking as an
//! option.

use crate::harness::home::{data, ok_stdout, Home};

const SEED: &str = "tests/data/seed/YT26ebT6xXWsnVMw@unreal.eml";

fn seed() -> String {
    data(SEED).display().to_string()
}

/// A patch review with whitespace errors and a diff context line that is a
/// single space.
const PATCH: &str = concat!(
    "From: Dev <dev@example.org>\n",
    "To: list@example.org\n",
    "Subject: [PATCH] foo: add bar\n",
    "Message-ID: <patch-1@example.org>\n",
    "Date: Mon, 1 Jan 2024 10:00:00 +0000\n",
    "\n",
    "Add bar.\n",
    "\n",
    "> > earlier review\n",
    ">> compact one\n",
    "\n",
    "--- a/foo.c\n",
    "+++ b/foo.c\n",
    "@@ -1,3 +1,4 @@\n",
    " int foo;\n",
    " \n",
    "+int bar = 1;   \n",
    "+\tint baz;\t\n",
    " \n",
    "-- \n",
    "2.43.0\n",
);

fn body(out: &str) -> &str {
    out.split_once("\n\n").map(|(_, b)| b).unwrap()
}

#[test]
fn seed_is_quoted_as_mutt_quotes_it() {
    let home = Home::new("mutt-quote-seed", "");
    let out = ok_stdout(&home.ksreply(&["--from", "Me <me@example.org>", "--print", &seed()]));
    let b = body(&out);
    assert!(b.contains("\n> > > > Hi Leon,\n> > > > \n"), "{b}");
    // Every quoted line is "> " and the original line, byte for byte.
    let raw = std::fs::read_to_string(data(SEED)).unwrap();
    let original: Vec<&str> = raw.split_once("\n\n").unwrap().1.lines().collect();
    let quoted: Vec<&str> = b.lines().skip(1).take_while(|l| !l.is_empty()).collect();
    assert!(quoted.len() > 100, "{b}");
    for (q, o) in quoted.iter().zip(&original) {
        let want = if o.is_empty() {
            ">".to_string()
        } else {
            format!("> {o}")
        };
        assert_eq!(*q, want);
    }
}

#[test]
fn quoted_content_is_never_changed() {
    let home = Home::new("mutt-quote-bytes", "");
    let out = ok_stdout(&home.ksreply_stdin(&["--from", "me@example.org", "--body-only", "-"], PATCH.as_bytes()));
    assert_eq!(
        out,
        "On Mon, Jan 01, 2024 at 10:00:00AM +0000, Dev wrote:\n\
         > Add bar.\n\
         >\n\
         > > > earlier review\n\
         > >> compact one\n\
         >\n\
         > --- a/foo.c\n\
         > +++ b/foo.c\n\
         > @@ -1,3 +1,4 @@\n\
         >  int foo;\n\
         >  \n\
         > +int bar = 1;   \n\
         > +\tint baz;\t\n\
         >  \n\
         \n"
    );
}

#[test]
fn compact_stacking_is_an_option() {
    let compact = Home::new("mutt-quote-compact", "[ksreply]\n\tquoteStacking = compact\n");
    let out = ok_stdout(&compact.ksreply_stdin(&["--from", "me@example.org", "--body-only", "-"], PATCH.as_bytes()));
    assert!(out.contains("\n>>> earlier review\n>>> compact one\n"), "{out}");
    // Only the markers change: content and trailing blanks stay.
    assert!(out.contains("\n>  \n> +int bar = 1;   \n"), "{out}");
    let out = ok_stdout(&compact.ksreply(&["--from", "me@example.org", "--print", &seed()]));
    assert!(out.contains("\n>>>> Hi Leon,\n>>>> \n"), "{out}");
    // --plain-text (aerc's template) follows the same setting.
    let out = ok_stdout(&compact.ksreply_stdin(&["--plain-text", "-"], b"a\n> > b\n"));
    assert_eq!(out, "> a\n>>> b\n");

    // `mutt` is the default; `spaced`, its earlier name, is the same.
    for value in ["mutt", "spaced", "Spaced"] {
        let home = Home::new("mutt-quote-spaced", &format!("[ksreply]\n\tquoteStacking = {value}\n"));
        let out = ok_stdout(&home.ksreply_stdin(&["--plain-text", "-"], b"a\n> > b\n"));
        assert_eq!(out, "> a\n> > > b\n", "{value}");
    }
    let bad = Home::new("mutt-quote-bad", "[ksreply]\n\tquoteStacking = tight\n");
    let o = bad.ksreply(&["--print", &seed()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("ksreply: ksreply.quoteStacking: \"tight\" is not mutt, spaced or compact"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn flowed_output_counts_quote_depth() {
    // format=flowed has no spaced markers: RFC 3676 depth, no trailing blank.
    let home = Home::new("mutt-quote-flowed", "");
    let out = ok_stdout(&home.ksreply_stdin(
        &["--from", "me@example.org", "--flowed", "--body-only", "-"],
        PATCH.as_bytes(),
    ));
    assert!(out.contains("\n>>> earlier review\n>>> compact one\n"), "{out}");
    assert!(out.contains("\n> +int bar = 1;\n"), "{out}");
}

/// `ksreply -v --print` on a repository file: the draft and the notes.
fn verbose_print(home: &Home, rel: &str) -> (String, String) {
    let path = data(rel).display().to_string();
    let o = home.ksreply(&["-v", "--from", "me@example.org", "--print", &path]);
    let out = ok_stdout(&o);
    (out, String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn signatures_and_keys_are_not_quoted() {
    let home = Home::new("mutt-quote-sig", "");
    for (rel, parts) in [
        (
            "tests/data/corpus/lore-linux-hwmon/singles/pgp-keys-attached--c1b0a6aa5188.eml",
            &[
                "OpenPGP_0xC5DA1F3046F40BEE.asc (application/pgp-keys, 632 bytes)",
                "OpenPGP_signature.asc (application/pgp-signature, 236 bytes)",
            ][..],
        ),
        (
            "tests/data/corpus/lore-linux-hwmon/singles/alternative--362c843b7d96.eml",
            &["signature.asc (application/pgp-signature, 833 bytes)"],
        ),
        (
            "tests/data/corpus/lore-linux-hwmon/singles/smime-pkcs7--aef54cbe9097.eml",
            &["smime.p7s (application/pkcs7-signature, 7.6 KiB)"],
        ),
        (
            "tests/data/corpus/lore-linux-hwmon/singles/cs-utf-7--673ebaa8a4fd.eml",
            &["smime.p7s (application/x-pkcs7-signature, 5.1 KiB)"],
        ),
    ] {
        let (out, err) = verbose_print(&home, rel);
        assert!(!out.contains("[-- attachment:"), "{rel}: {out}");
        assert!(
            body(&out).lines().nth(1).is_some_and(|l| l.starts_with("> ")),
            "{rel}: {out}"
        );
        for p in parts {
            assert!(
                err.contains(&format!(
                    "ksreply: {p} left out of the quote (a signature or key is not content)\n"
                )),
                "{rel}: {err}"
            );
        }
        // Without -v, nothing is said.
        let quiet = home.ksreply(&["--from", "me@example.org", "--print", &data(rel).display().to_string()]);
        assert!(
            quiet.stderr.is_empty(),
            "{rel}: {}",
            String::from_utf8_lossy(&quiet.stderr)
        );
    }
    // Inline PGP: the armor and the signature go, the text stays.
    let inline = concat!(
        "From: A <a@example.org>\nTo: l@example.org\nSubject: s\nMessage-ID: <pgp@example.org>\n\n",
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nSigned text.\n",
        "-----BEGIN PGP SIGNATURE-----\n\niQIz\n-----END PGP SIGNATURE-----\n"
    );
    let o = home.ksreply_stdin(
        &["-v", "--from", "me@example.org", "--body-only", "-"],
        inline.as_bytes(),
    );
    assert_eq!(ok_stdout(&o), "A wrote:\n> Signed text.\n\n");
    assert!(String::from_utf8_lossy(&o.stderr).contains("signature left out"));
}

#[test]
fn broken_mime_quotes_the_undecoded_text() {
    // As neomutt: a multipart whose parts cannot be found is shown as text.
    let home = Home::new("mutt-quote-mime", "");
    let head =
        "From: A <a@example.org>\nTo: l@example.org\nSubject: s\nMessage-ID: <mime@example.org>\nMIME-Version: 1.0\n";
    let inner = "--zz\nContent-Type: text/plain\n\nHello there\n--zz--\n";
    for (content_type, why) in [
        ("multipart/mixed", "the multipart/mixed part has no boundary parameter"),
        (
            "multipart/mixed; boundary=\"abc\"",
            "the multipart/mixed part never uses its boundary \"abc\"",
        ),
    ] {
        let msg = format!("{head}Content-Type: {content_type}\n\n{inner}");
        let o = home.ksreply_stdin(&["-v", "--from", "me@example.org", "--body-only", "-"], msg.as_bytes());
        assert_eq!(
            ok_stdout(&o),
            "A wrote:\n> --zz\n> Content-Type: text/plain\n>\n> Hello there\n> --zz--\n\n",
            "{content_type}"
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!(
                "ksreply: malformed MIME: {why}: its body is quoted as undecoded text\n"
            )),
            "{err}"
        );
    }
    let msg = format!("{head}Content-Type: multipart/alternative; boundary=\"abc\"\n\nJust text.\n");
    let o = home.ksreply_stdin(&["--from", "me@example.org", "--body-only", "-"], msg.as_bytes());
    assert_eq!(ok_stdout(&o), "A wrote:\n> Just text.\n\n");
    assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
}
