//! The netiquette check: each rule on a real-looking draft (the library),
//! then `ksreply --check` and the check before sending (the binary).

use crate::harness::{seed, OutputText, Sandbox};
use ksreply::reply::check::{check, Warning};
use std::path::PathBuf;

/// The message replied to in these drafts: a short patch.
const ORIGINAL: &str = "\
The driver reads the temperature twice when the sensor is busy,
which doubles the bus traffic on every poll.

Read it once and cache the value for one conversion period.

Signed-off-by: Jane Developer <jane@example.org>
---
 drivers/hwmon/foo.c | 4 ++--
 1 file changed, 2 insertions(+), 2 deletions(-)

diff --git a/drivers/hwmon/foo.c b/drivers/hwmon/foo.c
--- a/drivers/hwmon/foo.c
+++ b/drivers/hwmon/foo.c
@@ -10,7 +10,7 @@ static int foo_read(struct device *dev)
-\tret = i2c_smbus_read_word_data(client, REG_TEMP);
-\tret = i2c_smbus_read_word_data(client, REG_TEMP);
+\tif (time_after(jiffies, data->last_updated + HZ))
+\t\tret = i2c_smbus_read_word_data(client, REG_TEMP);
-- 
2.43.0
";

fn quoted(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What ksreply drafts: attribution and the quote without the signature.
fn generated() -> String {
    let sig = ORIGINAL.find("-- \n").unwrap();
    format!(
        "On Mon, Mar 04, 2024 at 10:12:01AM +0100, Jane Developer wrote:\n{}\n\n",
        quoted(ORIGINAL[..sig].trim_end())
    )
}

fn rules(w: &[Warning]) -> Vec<&'static str> {
    w.iter().map(|w| w.rule).collect()
}

/// A good interleaved reply, trimmed, short lines: no warning at all.
const GOOD: &str = "\
On Mon, Mar 04, 2024 at 10:12:01AM +0100, Jane Developer wrote:
> The driver reads the temperature twice when the sensor is busy,
> which doubles the bus traffic on every poll.

Good catch, thanks.

> -\tret = i2c_smbus_read_word_data(client, REG_TEMP);
> +\tif (time_after(jiffies, data->last_updated + HZ))

data->last_updated is never set anywhere, so this reads the register on
every call after the first second. Please update it after a successful
read.

Guenter
";

#[test]
fn a_good_reply_has_no_warning() {
    let w = check(GOOD, Some(&generated()), Some(ORIGINAL));
    assert!(w.is_empty(), "{w:?}");
    // Signature after the reply, a trailer below the quote: still fine.
    let with_sig = format!("{GOOD}-- \nGuenter Roeck <linux@roeck-us.net>\n");
    assert!(check(&with_sig, Some(&generated()), Some(ORIGINAL)).is_empty());
}

#[test]
fn top_posting() {
    let draft = format!(
        "Thanks, applied to hwmon-next.\n\nGuenter\n\n{}",
        "On Mon, Mar 04, 2024 at 10:12:01AM +0100, Jane Developer wrote:\n> The driver reads the temperature twice when the sensor is busy,\n> which doubles the bus traffic on every poll.\n"
    );
    let w = check(&draft, None, None);
    assert_eq!(rules(&w), ["top-posting"], "{w:?}");
    assert_eq!(w[0].line, Some(1));
    // New text above and below the quote is interleaving, not top-posting.
    let both = format!(
        "Hi Jane,\n\n{}\nThis looks fine.\n",
        GOOD.lines().take(3).collect::<Vec<_>>().join("\n")
    );
    assert!(!rules(&check(&both, None, None)).contains(&"top-posting"));
}

#[test]
fn untrimmed_quote() {
    // The whole patch quoted for one line of answer.
    let draft = format!("{}Reviewed-by: Guenter Roeck <linux@roeck-us.net>\n", generated());
    let w = check(&draft, Some(&generated()), Some(ORIGINAL));
    assert_eq!(rules(&w), ["untrimmed-quote"], "{w:?}");
    assert_eq!(w[0].line, Some(2));
    assert!(w[0].message.contains("100%"), "{}", w[0].message);
    // Without the original, the generated quote stands for it.
    assert_eq!(rules(&check(&draft, Some(&generated()), None)), ["untrimmed-quote"]);
    // Three new lines are an answer: no warning.
    let longer = format!(
        "{}Looks good.\nTested on a T480 as well.\nReviewed-by: Guenter Roeck <linux@roeck-us.net>\n",
        generated()
    );
    assert!(check(&longer, Some(&generated()), Some(ORIGINAL)).is_empty());
}

#[test]
fn quoted_signature() {
    let draft = "\
On Mon, Mar 04, 2024 at 10:12:01AM +0100, Jane Developer wrote:
> Read it once and cache the value for one conversion period.

Makes sense.

> --
> 2.43.0
";
    let w = check(draft, None, None);
    assert_eq!(rules(&w), ["quoted-signature"], "{w:?}");
    assert_eq!(w[0].line, Some(6));
    // A quoted "---" (the patch separator) is not a signature.
    let w = check("On X, Y wrote:\n> ---\n>  foo.c | 1 +\n\nOK\n", None, None);
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn long_new_lines() {
    let draft = "\
On Mon, Mar 04, 2024 at 10:12:01AM +0100, Jane Developer wrote:
> Read it once and cache the value for one conversion period.

This is a very long line of new text that goes on well past the seventy-eighth column of the draft.
Link: https://lore.kernel.org/linux-hwmon/20240304091201.12345-1-jane@example.org/T/#u
https://example.org/a/very/long/url/that/cannot/be/wrapped/at/all/so/it/is/left/alone/as/it/is
> a quoted line that is itself very long is not the replier's fault at all, so it is not flagged
";
    let w = check(draft, None, None);
    assert_eq!(rules(&w), ["long-line"], "{w:?}");
    assert_eq!(w[0].line, Some(4));
    assert!(w[0].message.starts_with("99 columns"), "{}", w[0].message);
    // Tabs count to the next multiple of 8; wide characters count twice.
    let tabs = format!(
        "On X, Y wrote:\n> a\n\n\t\t\t\t\t\t\t\t\t\tx y\n{}\n",
        "漢字 ".repeat(16)
    );
    let w = check(&tabs, None, None);
    assert_eq!(
        w.iter().map(|w| w.line).collect::<Vec<_>>(),
        [Some(4), Some(5)],
        "{w:?}"
    );
}

#[test]
fn line_over_998_bytes() {
    let long = "x".repeat(1200);
    let draft = format!("On X, Y wrote:\n> {long}\n\nWhat is this blob?\n");
    let w = check(&draft, None, None);
    assert_eq!(rules(&w), ["line-over-998"], "{w:?}");
    assert_eq!(w[0].line, Some(2));
}

#[test]
fn html_in_the_draft() {
    let draft = "\
On Mon, Mar 04, 2024 at 10:12:01AM +0100, Jane Developer wrote:
> Read it once and cache the value for one conversion period.

<div dir=\"ltr\">Makes sense to me.<br></div>
";
    let w = check(draft, None, None);
    assert_eq!(rules(&w), ["html"], "{w:?}");
    assert_eq!(w[0].line, Some(4));
    // Addresses, generics and comparisons are not HTML.
    let w = check(
        "On X, Y wrote:\n> a\n\nAsk Jane <jane@example.org> about Vec<u8> if a <b && c> d.\n",
        None,
        None,
    );
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn unchanged_draft() {
    let w = check(&generated(), Some(&generated()), Some(ORIGINAL));
    assert!(rules(&w).contains(&"unchanged"), "{w:?}");
    assert!(
        !rules(&w).contains(&"no-new-text"),
        "one warning for one problem: {w:?}"
    );
    assert_eq!(w.iter().find(|w| w.rule == "unchanged").unwrap().line, None);
}

#[test]
fn no_new_text() {
    // The quote trimmed, but nothing written.
    let draft = "\
On Mon, Mar 04, 2024 at 10:12:01AM +0100, Jane Developer wrote:
> Read it once and cache the value for one conversion period.

-- 
Guenter
";
    let w = check(draft, Some(&generated()), Some(ORIGINAL));
    assert_eq!(rules(&w), ["no-new-text"], "{w:?}");
}

#[test]
fn warnings_name_the_line() {
    let w = Warning {
        line: Some(3),
        rule: "long-line",
        message: "80 columns".into(),
    };
    assert_eq!(w.format("reply.eml", 5), "reply.eml:8: long-line: 80 columns");
    let w = Warning {
        line: None,
        rule: "unchanged",
        message: "x\ny".into(),
    };
    assert_eq!(w.format("reply.eml", 5), "reply.eml: unchanged: x y");
}

// ---------------------------------------------------------------------------
// The binary.

/// A private HOME, with ksreply's state in `~/state`.
fn sandbox(tag: &str) -> Sandbox {
    let mut sb = Sandbox::new(&format!("check-{tag}"));
    let state = sb.home().join("state");
    sb.set("XDG_STATE_HOME", state);
    sb
}

fn draft_file(sb: &Sandbox, body: &str) -> PathBuf {
    let p = sb.home().join("reply.eml");
    let text = format!("From: Me <me@example.org>\nTo: Jane Developer <jane@example.org>\nSubject: Re: [PATCH] hwmon: (foo) read once\n\n{body}");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn cli_check_prints_file_lines_and_exits_0() {
    let sb = sandbox("cli");
    let top = "Thanks, applied.\n\nOn X, Jane wrote:\n> The driver reads the temperature twice.\n";
    let p = draft_file(&sb, top);
    let o = sb.run(&["--check", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", o.stderr_text());
    let out = String::from_utf8(o.stdout).unwrap();
    // Four header lines and the empty line: body line 1 is file line 5.
    assert_eq!(out, format!("{}:5: top-posting: all the new text is above the quote: answer below the lines you reply to, and trim the rest\n", p.display()));

    let o = sb.run(&["--check", p.to_str().unwrap(), "--strict"]);
    assert_eq!(o.status.code(), Some(6));
    let err = o.stderr_text();
    assert!(
        err.starts_with("ksreply: ") && err.trim_end().lines().count() == 1,
        "{err}"
    );

    let o = sb.run(&["--check", p.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["warnings"][0]["rule"], "top-posting");
    assert_eq!(v["warnings"][0]["line"], 5);

    // A clean draft: nothing printed, exit 0 even with --strict.
    let p = draft_file(&sb, GOOD);
    let o = sb.run(&["--check", p.to_str().unwrap(), "--strict"]);
    assert_eq!(o.status.code(), Some(0), "{}", o.stdout_text());
    assert!(o.stdout.is_empty());
}

#[test]
fn cli_check_against_the_message_finds_an_untouched_draft() {
    let sb = sandbox("against");
    let seed = seed();
    let d = sb.home().join("draft.eml");
    let o = sb.run(&[
        "--from",
        "Me <me@example.org>",
        "--draft",
        d.to_str().unwrap(),
        "--no-edit",
        "--dry-run",
        seed.to_str().unwrap(),
    ]);
    assert!(d.is_file(), "{}", o.stderr_text());
    let o = sb.run(&["--check", d.to_str().unwrap(), seed.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", o.stderr_text());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"unchanged") && rules.contains(&"untrimmed-quote"),
        "{rules:?}"
    );
}

#[test]
fn strict_refuses_to_send_and_keeps_the_draft() {
    let sb = sandbox("strict");
    let seed = seed();
    let d = sb.home().join("draft.eml");
    let o = sb.run(&[
        "--from",
        "Me <me@example.org>",
        "--draft",
        d.to_str().unwrap(),
        "--no-edit",
        "--yes",
        "--strict",
        "--sendmail-cmd",
        "/bin/false",
        seed.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(6), "{}", o.stderr_text());
    let err = o.stderr_text();
    assert!(err.contains("warning: ") && err.contains(": unchanged: "), "{err}");
    assert!(err.contains("draft kept"), "{err}");
    assert!(d.is_file());
    // Without --strict the warnings are shown before going on (here a dry
    // run); a resumed draft has no original to compare with.
    let o = sb.run(&["--resume", d.to_str().unwrap(), "--no-edit", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", o.stderr_text());
    assert!(o.stderr_text().contains(": no-new-text: "));
    assert!(o.stdout_text().starts_with("Dry run: nothing sent."));
}
