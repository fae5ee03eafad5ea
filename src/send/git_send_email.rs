//! The `git send-email` command line, in public-inbox's layout.
//!
//! public-inbox prints `--in-reply-to` shell-quoted only when needed and the
//! addresses raw; an address with `$(...)` or a backtick would then run in
//! the user's shell when pasted. ksreply quotes every argument with the same
//! rule, so for ordinary addresses the output is byte-identical to the page.

use std::fmt::Write;

/// public-inbox's `squote_maybe`: leave `[A-Za-z0-9_@./,%+-]` alone,
/// otherwise wrap in single quotes, writing `'` as `'\''` and `!` as `'\!'`
/// (for csh).
pub fn squote_maybe(val: &str) -> String {
    let plain = !val.is_empty() && val.chars().all(|c| c.is_ascii_alphanumeric() || "_@./,%+-".contains(c));
    if plain {
        return val.to_string();
    }
    let mut out = String::with_capacity(val.len() + 2);
    out.push('\'');
    for c in val.chars() {
        match c {
            '\'' => out.push_str("'\\''"),
            '!' => out.push_str("'\\!'"),
            // A newline inside quotes is legal shell but would break the
            // one-argument-per-line layout; ids and addresses never need it.
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The command, one argument per line:
/// ```text
/// git send-email \
///   --in-reply-to=ID \
///   --to=ADDR \
///   --cc=ADDR \
///   /path/to/draft
/// ```
pub fn command(in_reply_to: Option<&str>, to: &[String], cc: &[String], draft: &str) -> String {
    let mut out = String::from("git send-email \\\n");
    if let Some(id) = in_reply_to {
        let _ = writeln!(out, "  --in-reply-to={} \\", squote_maybe(id));
    }
    for t in to {
        let _ = writeln!(out, "  --to={} \\", squote_maybe(t));
    }
    for c in cc {
        let _ = writeln!(out, "  --cc={} \\", squote_maybe(c));
    }
    let _ = writeln!(out, "  {}", squote_maybe(draft));
    out
}

/// The command for a saved draft, to exactly its recipients: To, Cc and Bcc
/// as arguments, and `--suppress-cc=all` so that git send-email adds
/// nobody of its own (the From author, `Cc:` and `*-by:` lines of the body,
/// cc-cmd). The draft file must carry no Bcc header: git would transmit it.
pub fn command_for_draft(draft: &crate::draft::Draft, file: &str) -> String {
    let emails = |v: &[crate::message::address::Addr]| {
        v.iter()
            .filter(|a| a.is_plausible())
            .map(|a| a.email.clone())
            .collect::<Vec<_>>()
    };
    let mut out = command(
        draft.in_reply_to.as_deref(),
        &emails(&draft.to),
        &emails(&draft.cc),
        file,
    );
    let tail = out.rfind("  ").unwrap_or(out.len());
    let mut extra = String::new();
    for b in emails(&draft.bcc) {
        let _ = writeln!(extra, "  --bcc={} \\", squote_maybe(&b));
    }
    extra.push_str("  --suppress-cc=all \\\n");
    out.insert_str(tail, &extra);
    out
}

/// The same command as an argument vector (for running it).
pub fn argv(in_reply_to: Option<&str>, to: &[String], cc: &[String], draft: &str) -> Vec<String> {
    let mut v = vec!["send-email".to_string()];
    if let Some(id) = in_reply_to {
        v.push(format!("--in-reply-to={id}"));
    }
    v.extend(to.iter().map(|t| format!("--to={t}")));
    v.extend(cc.iter().map(|c| format!("--cc={c}")));
    v.push(draft.to_string());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_matches_public_inbox_and_is_safe() {
        assert_eq!(squote_maybe("YT26ebT6xXWsnVMw@unreal"), "YT26ebT6xXWsnVMw@unreal");
        assert_eq!(squote_maybe("a=b@c"), "'a=b@c'");
        assert_eq!(squote_maybe("it's@x"), "'it'\\''s@x'");
        assert_eq!(squote_maybe("$(rm -rf ~)@x"), "'$(rm -rf ~)@x'");
        assert_eq!(squote_maybe("`id`@x"), "'`id`@x'");
        assert_eq!(squote_maybe("bang!@x"), "'bang'\\!'@x'");
        assert_eq!(squote_maybe(""), "''");
    }

    #[test]
    fn layout() {
        let c = command(
            Some("id@x"),
            &["a@b".into()],
            &["c@d".into(), "e@f".into()],
            "/path/to/YOUR_REPLY",
        );
        assert_eq!(
            c,
            "git send-email \\\n  --in-reply-to=id@x \\\n  --to=a@b \\\n  --cc=c@d \\\n  --cc=e@f \\\n  /path/to/YOUR_REPLY\n"
        );
    }
}
