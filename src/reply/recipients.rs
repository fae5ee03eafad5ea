//! Who the reply goes to.
//!
//! `PublicInbox` reproduces the "Reply instructions" of a public-inbox page
//! exactly (PublicInbox::Reply::mailto_arg_link, replyto = :all): addresses
//! from the first From, To, Cc and Reply-To headers (only the first copy of
//! a repeated header) in that order; To is the
//! first one, lower-cased; Cc is every other address, deduplicated
//! case-insensitively keeping the first spelling, sorted bytewise.
//!
//! `All` (the default) is a group reply as a careful human would do it:
//! - every To and Cc header is read (a message may repeat them);
//! - Mail-Followup-To, when present, names the recipients (all in To), as
//!   mutt does; a warning says whom it leaves out of the original author
//!   and recipients;
//! - otherwise a Reply-To set by the sender replaces From (B4 Relay mails come
//!   `From: devnull+…@kernel.org` with the author in Reply-To), unless a
//!   list munged it to its own address (the one Reply-To address is also in
//!   To or Cc, or is the List-Post address, as notmuch detects it): then the
//!   author stays in To and the list in Cc;
//! - X-Original-From names the author when a list rewrote From (Google
//!   Groups: `'Name' via list <list@googlegroups.com>`); From stays in Cc;
//! - replying to your own message goes to its original To and Cc, and to
//!   its Reply-To when it has one (as neomutt and notmuch do);
//! - your own addresses and `devnull@kernel.org`-style relay addresses are
//!   dropped everywhere;
//! - Cc keeps the original header order (To, then Cc) instead of sorting.
//!
//! `Sender` replies to the author only (Reply-To unless list-munged, else
//! X-Original-From, else From).

use crate::message::address::Addr;
use crate::message::Mail;
use serde::Serialize;
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Group reply with the improvements described in the man page (default).
    #[default]
    All,
    /// Exactly the Reply instructions of a public-inbox (lore.kernel.org) page.
    PublicInbox,
    /// Only the author (Reply-To, else From).
    Sender,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recipients {
    pub to: Vec<Addr>,
    pub cc: Vec<Addr>,
    /// Notes for `-v` and the JSON output (what was dropped and why).
    pub notes: Vec<String>,
    /// What the user must know: someone left out of the reply.
    pub warnings: Vec<String>,
}

pub fn compute(mail: &Mail, mode: Mode, me: &[String]) -> Recipients {
    match mode {
        Mode::PublicInbox => public_inbox(mail),
        Mode::All => group_reply(mail, me),
        Mode::Sender => sender_only(mail, me),
    }
}

/// The key under which [`Addr::same_mailbox`] counts two addresses as one:
/// de-duplicating with a set keeps a message with 100,000 addresses linear.
fn mailbox_key(email: &str) -> String {
    email.to_ascii_lowercase()
}

fn public_inbox(mail: &Mail) -> Recipients {
    let mut seen: Vec<Addr> = Vec::new();
    let mut keys: HashSet<String> = HashSet::new();
    let mut to: Option<String> = None;
    for a in mail
        .from
        .iter()
        .chain(&mail.first_to)
        .chain(&mail.first_cc)
        .chain(&mail.reply_to)
    {
        if keys.insert(mailbox_key(&a.email)) {
            seen.push(a.clone());
        }
        if to.is_none() {
            to = Some(a.email.to_lowercase());
        }
    }
    let Some(to) = to else {
        return Recipients::default();
    };
    let to_name = seen.iter().find(|s| s.same_mailbox(&to)).and_then(|s| s.name.clone());
    let mut cc: Vec<Addr> = seen.into_iter().filter(|a| !a.same_mailbox(&to)).collect();
    cc.sort_by(|a, b| a.email.as_bytes().cmp(b.email.as_bytes()));
    Recipients {
        to: vec![Addr {
            name: to_name,
            email: to,
        }],
        cc,
        ..Recipients::default()
    }
}

/// Relay senders that must never get a reply (B4 Relay's envelope address).
fn is_relay_devnull(email: &str) -> bool {
    let lower = email.to_ascii_lowercase();
    match lower.rsplit_once('@') {
        Some((local, _)) => local == "devnull" || local.starts_with("devnull+"),
        None => false,
    }
}

fn is_me(email: &str, me: &[String]) -> bool {
    me.iter().any(|m| m.eq_ignore_ascii_case(email))
}

/// The author a reply goes to, and how it was chosen (notes): Reply-To
/// unless a list munged it, else X-Original-From, else From.
fn author(mail: &Mail) -> (&[Addr], Vec<String>) {
    let mut notes = Vec::new();
    if list_munged_reply_to(mail) {
        notes.push(format!(
            "Reply-To {} is the list's own address (set by the list): the author stays in To",
            mail.reply_to[0].email
        ));
    } else if !mail.reply_to.is_empty() {
        return (&mail.reply_to, vec!["Reply-To used instead of From".to_string()]);
    }
    if list_rewrote_from(mail) {
        notes.push("X-Original-From names the author (the list rewrote From)".to_string());
        return (&mail.x_original_from, notes);
    }
    (&mail.from, notes)
}

/// The author comes from X-Original-From (no Reply-To of the author's).
fn list_rewrote_from(mail: &Mail) -> bool {
    !mail.x_original_from.is_empty() && (mail.reply_to.is_empty() || list_munged_reply_to(mail))
}

/// A Reply-To that a list set to its own address: one address that is also
/// a recipient (To or Cc) or the List-Post address (notmuch's heuristic).
/// Never when Reply-To is the sender itself or the sender is a relay.
fn list_munged_reply_to(mail: &Mail) -> bool {
    let [rt] = mail.reply_to.as_slice() else {
        return false;
    };
    if mail
        .from
        .iter()
        .any(|f| f.same_mailbox(&rt.email) || is_relay_devnull(&f.email))
    {
        return false;
    }
    mail.to.iter().chain(&mail.cc).any(|a| a.same_mailbox(&rt.email))
        || mail.list_post.as_deref().is_some_and(|l| rt.same_mailbox(l))
}

fn group_reply(mail: &Mail, me: &[String]) -> Recipients {
    let mut notes = Vec::new();
    let mut warnings = Vec::new();
    let own = mail
        .from
        .iter()
        .chain(&mail.x_original_from)
        .any(|a| is_me(&a.email, me));
    let (to_src, cc_src): (Vec<&Addr>, Vec<&Addr>) = if !mail.mail_followup_to.is_empty() {
        notes.push("recipients taken from Mail-Followup-To".to_string());
        warnings.extend(followup_to_leaves_out(mail, me));
        (mail.mail_followup_to.iter().collect(), Vec::new())
    } else if own && mail.reply_to.iter().any(|a| !is_me(&a.email, me)) {
        notes.push("replying to your own message: its Reply-To, To and Cc kept".to_string());
        (mail.reply_to.iter().collect(), mail.to.iter().chain(&mail.cc).collect())
    } else if own {
        notes.push("replying to your own message: original To and Cc kept".to_string());
        (mail.to.iter().collect(), mail.cc.iter().collect())
    } else {
        let (who, how) = author(mail);
        notes.extend(how);
        let mut cc: Vec<&Addr> = mail.to.iter().chain(&mail.cc).collect();
        if list_rewrote_from(mail) {
            // The list that From names stays a recipient.
            cc.extend(&mail.from);
        }
        if list_munged_reply_to(mail) {
            // The list, also when it was only in Reply-To (List-Post).
            cc.extend(&mail.reply_to);
        }
        (who.iter().collect(), cc)
    };
    let mut r = finish(to_src, cc_src, me, notes);
    r.warnings = warnings;
    r
}

/// The warning when Mail-Followup-To drops the author or someone the
/// message was sent to (your own and relay addresses aside).
fn followup_to_leaves_out(mail: &Mail, me: &[String]) -> Option<String> {
    let kept = |a: &Addr| {
        is_me(&a.email, me)
            || is_relay_devnull(&a.email)
            || mail.mail_followup_to.iter().any(|m| m.same_mailbox(&a.email))
    };
    let authors = author(mail).0;
    let mut out_author: Vec<String> = Vec::new();
    let mut out_others: Vec<String> = Vec::new();
    for a in authors.iter().filter(|a| !kept(a)) {
        if !out_author.contains(&a.display()) {
            out_author.push(a.display());
        }
    }
    for a in mail.to.iter().chain(&mail.cc).filter(|a| !kept(a)) {
        if authors.iter().any(|x| x.same_mailbox(&a.email)) {
            continue;
        }
        if !out_others.contains(&a.display()) {
            out_others.push(a.display());
        }
    }
    let mut parts = Vec::new();
    if !out_author.is_empty() {
        parts.push(format!("the author {}", out_author.join(", ")));
    }
    if !out_others.is_empty() {
        parts.push(format!("To/Cc {}", out_others.join(", ")));
    }
    (!parts.is_empty()).then(|| {
        format!(
            "Mail-Followup-To (honoured, as mutt does) leaves out {}: add them back if they should get the reply",
            parts.join(" and ")
        )
    })
}

fn sender_only(mail: &Mail, me: &[String]) -> Recipients {
    let (who, how) = author(mail);
    finish(who.iter().collect(), Vec::new(), me, how)
}

/// Notes kept about dropped relay addresses (a hostile message can name
/// thousands).
const MAX_NOTES: usize = 20;

/// Dedupe (first spelling wins, To before Cc), drop own and relay
/// addresses, and make sure To is not empty while Cc has someone.
fn finish(to_src: Vec<&Addr>, cc_src: Vec<&Addr>, me: &[String], mut notes: Vec<String>) -> Recipients {
    let mut to: Vec<Addr> = Vec::new();
    let mut cc: Vec<Addr> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (dst_is_to, a) in to_src
        .iter()
        .map(|a| (true, *a))
        .chain(cc_src.iter().map(|a| (false, *a)))
    {
        if is_me(&a.email, me) {
            if !notes.iter().any(|n| n.starts_with("your own address")) {
                notes.push("your own address removed".to_string());
            }
            continue;
        }
        if is_relay_devnull(&a.email) {
            if notes.len() < MAX_NOTES {
                notes.push(format!("relay address {} dropped", a.email));
            }
            continue;
        }
        if !seen.insert(mailbox_key(&a.email)) {
            continue;
        }
        if dst_is_to {
            to.push(a.clone());
        } else {
            cc.push(a.clone());
        }
    }
    if to.is_empty() && !cc.is_empty() {
        to.push(cc.remove(0));
    }
    Recipients {
        to,
        cc,
        notes,
        ..Recipients::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Addr {
        match s.split_once(" <") {
            Some((n, e)) => Addr::new(Some(n), e.trim_end_matches('>')),
            None => Addr::new(None, s),
        }
    }
    fn emails(v: &[Addr]) -> Vec<&str> {
        v.iter().map(|a| a.email.as_str()).collect()
    }
    fn mail(from: &[&str], to: &[&str], cc: &[&str]) -> Mail {
        let to: Vec<Addr> = to.iter().map(|s| a(s)).collect();
        let cc: Vec<Addr> = cc.iter().map(|s| a(s)).collect();
        Mail {
            from: from.iter().map(|s| a(s)).collect(),
            first_to: to.clone(),
            first_cc: cc.clone(),
            to,
            cc,
            ..Default::default()
        }
    }

    #[test]
    fn public_inbox_rules() {
        let mut m = mail(
            &["Leon <Leon@Kernel.org>"],
            &["Greg <greg@kroah.com>"],
            &["z@x.org", "B@y.org", "leon@kernel.org", "b@Y.org"],
        );
        m.reply_to = vec![a("rt@x.org")];
        let r = compute(&m, Mode::PublicInbox, &["greg@kroah.com".into()]);
        assert_eq!(emails(&r.to), ["leon@kernel.org"]);
        // sorted bytewise (uppercase first), first spelling kept, own address NOT removed
        assert_eq!(emails(&r.cc), ["B@y.org", "greg@kroah.com", "rt@x.org", "z@x.org"]);
    }

    #[test]
    fn repeated_headers_all_count_except_for_public_inbox() {
        // notmuch's broken-cc.eml: Cc: Bob, then cc: Charles.
        let mut m = mail(
            &["Alice <alice@x.org>"],
            &["daniel@x.org"],
            &["bob@x.org", "charles@x.org"],
        );
        m.first_cc.truncate(1);
        let r = compute(&m, Mode::All, &[]);
        assert_eq!(emails(&r.cc), ["daniel@x.org", "bob@x.org", "charles@x.org"]);
        // public-inbox reads the first copy of each header.
        let r = compute(&m, Mode::PublicInbox, &[]);
        assert_eq!(emails(&r.cc), ["bob@x.org", "daniel@x.org"]);
    }

    #[test]
    fn public_inbox_without_from_uses_first_address() {
        let m = mail(&[], &["List <list@x.org>"], &["c@x.org"]);
        let r = compute(&m, Mode::PublicInbox, &[]);
        assert_eq!(emails(&r.to), ["list@x.org"]);
        assert_eq!(emails(&r.cc), ["c@x.org"]);
    }

    #[test]
    fn default_drops_own_address_and_keeps_order() {
        let m = mail(
            &["Leon <leon@kernel.org>"],
            &["greg@kroah.com"],
            &["z@x.org", "ME@example.org", "a@x.org"],
        );
        let r = compute(&m, Mode::All, &["me@example.org".into()]);
        assert_eq!(emails(&r.to), ["leon@kernel.org"]);
        assert_eq!(emails(&r.cc), ["greg@kroah.com", "z@x.org", "a@x.org"]);
        assert!(r.notes.iter().any(|n| n.contains("own address")));
    }

    #[test]
    fn default_honours_reply_to_and_b4_relay() {
        let mut m = mail(
            &["Jane via B4 Relay <devnull+jane.example.com@kernel.org>"],
            &["linux-hwmon@vger.kernel.org"],
            &["Guenter <linux@roeck-us.net>"],
        );
        m.reply_to = vec![a("Jane <jane@example.com>")];
        let r = compute(&m, Mode::All, &[]);
        assert_eq!(emails(&r.to), ["jane@example.com"]);
        assert_eq!(emails(&r.cc), ["linux-hwmon@vger.kernel.org", "linux@roeck-us.net"]);
        // Even without Reply-To a devnull relay address never gets a reply.
        m.reply_to.clear();
        let r = compute(&m, Mode::All, &[]);
        assert!(!emails(&r.to)
            .iter()
            .chain(emails(&r.cc).iter())
            .any(|e| e.starts_with("devnull")));
    }

    #[test]
    fn default_honours_mail_followup_to() {
        let mut m = mail(&["a@x.org"], &["list@x.org"], &["b@x.org"]);
        m.mail_followup_to = vec![a("list@x.org"), a("a@x.org"), a("me@x.org")];
        let r = compute(&m, Mode::All, &["me@x.org".into()]);
        assert_eq!(emails(&r.to), ["list@x.org", "a@x.org"]);
        assert!(r.cc.is_empty());
    }

    #[test]
    fn reply_to_own_message_goes_to_original_recipients() {
        let m = mail(&["Me <me@x.org>"], &["list@x.org"], &["b@x.org", "me@x.org"]);
        let r = compute(&m, Mode::All, &["me@x.org".into()]);
        assert_eq!(emails(&r.to), ["list@x.org"]);
        assert_eq!(emails(&r.cc), ["b@x.org"]);
    }

    #[test]
    fn sender_only() {
        let mut m = mail(&["a@x.org"], &["list@x.org"], &["b@x.org"]);
        assert_eq!(emails(&compute(&m, Mode::Sender, &[]).to), ["a@x.org"]);
        m.reply_to = vec![a("r@x.org")];
        let r = compute(&m, Mode::Sender, &[]);
        assert_eq!(emails(&r.to), ["r@x.org"]);
        assert!(r.cc.is_empty());
    }

    #[test]
    fn many_addresses_deduplicated_in_linear_time() {
        // 100,000 addresses, each twice in another case: a quadratic
        // de-duplication took 12 s here. The result is what matters.
        let n = 100_000;
        let to: Vec<String> = (0..n).map(|i| format!("user{i}@example.org")).collect();
        let cc: Vec<String> = (0..n).map(|i| format!("USER{i}@Example.org")).collect();
        let m = mail(
            &["a@x.org"],
            &to.iter().map(String::as_str).collect::<Vec<_>>(),
            &cc.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let r = compute(&m, Mode::All, &[]);
        assert_eq!(r.to.len(), 1);
        assert_eq!(r.cc.len(), n);
        assert_eq!(r.cc[n - 1].email, format!("user{}@example.org", n - 1));
        let r = compute(&m, Mode::PublicInbox, &[]);
        assert_eq!(r.cc.len(), n);
    }

    #[test]
    fn own_message_keeps_its_reply_to() {
        let mut m = mail(&["Me <me@x.org>"], &["a@x.org"], &["b@x.org"]);
        m.reply_to = vec![a("Team <team@x.org>"), a("me@x.org")];
        let r = compute(&m, Mode::All, &["me@x.org".into()]);
        assert_eq!(emails(&r.to), ["team@x.org"]);
        assert_eq!(emails(&r.cc), ["a@x.org", "b@x.org"]);
        // A Reply-To that is only me changes nothing.
        m.reply_to = vec![a("me@x.org")];
        let r = compute(&m, Mode::All, &["me@x.org".into()]);
        assert_eq!((emails(&r.to), emails(&r.cc)), (vec!["a@x.org"], vec!["b@x.org"]));
    }

    #[test]
    fn list_munged_reply_to_keeps_the_author() {
        // The Reply-To address is also a recipient.
        let mut m = mail(&["Author <author@x.org>"], &["List <list@x.org>"], &["c@x.org"]);
        m.reply_to = vec![a("list@X.org")];
        let r = compute(&m, Mode::All, &[]);
        assert_eq!(emails(&r.to), ["author@x.org"]);
        assert_eq!(emails(&r.cc), ["list@x.org", "c@x.org"]);
        assert!(
            r.notes.iter().any(|n| n.contains("list's own address")),
            "{:?}",
            r.notes
        );
        assert_eq!(emails(&compute(&m, Mode::Sender, &[]).to), ["author@x.org"]);
        // ... or the List-Post address, even when the list is not in To/Cc.
        let mut m = mail(&["Author <author@x.org>"], &["c@x.org"], &[]);
        m.reply_to = vec![a("list@x.org")];
        m.list_post = Some("list@x.org".into());
        let r = compute(&m, Mode::All, &[]);
        assert_eq!(
            (emails(&r.to), emails(&r.cc)),
            (vec!["author@x.org"], vec!["c@x.org", "list@x.org"])
        );
        // An author's own Reply-To is honoured, also one that is a recipient
        // among others or when the sender is a relay.
        let mut m = mail(&["A <a@x.org>"], &["list@x.org"], &["r@x.org"]);
        m.reply_to = vec![a("r@x.org"), a("s@x.org")];
        assert_eq!(emails(&compute(&m, Mode::All, &[]).to), ["r@x.org", "s@x.org"]);
        let mut m = mail(
            &["J via B4 Relay <devnull+j.x.org@kernel.org>"],
            &["list@x.org"],
            &["j@x.org"],
        );
        m.reply_to = vec![a("J <j@x.org>")];
        assert_eq!(emails(&compute(&m, Mode::All, &[]).to), ["j@x.org"]);
    }

    #[test]
    fn x_original_from_names_the_author() {
        let mut m = mail(
            &["'Jane Doe' via kasan-dev <kasan-dev@googlegroups.com>"],
            &["kasan-dev@googlegroups.com"],
            &["c@x.org"],
        );
        m.x_original_from = vec![a("Jane Doe <jane@x.org>")];
        let r = compute(&m, Mode::All, &[]);
        assert_eq!(emails(&r.to), ["jane@x.org"]);
        assert_eq!(emails(&r.cc), ["kasan-dev@googlegroups.com", "c@x.org"]);
        assert_eq!(emails(&compute(&m, Mode::Sender, &[]).to), ["jane@x.org"]);
        // The list stays even when it is only in From.
        m.to.clear();
        assert_eq!(
            emails(&compute(&m, Mode::All, &[]).cc),
            ["c@x.org", "kasan-dev@googlegroups.com"]
        );
        // My own message, relayed by the list: its original recipients.
        let r = compute(&m, Mode::All, &["jane@x.org".into()]);
        assert_eq!(emails(&r.to), ["c@x.org"]);
    }

    #[test]
    fn mail_followup_to_warns_whom_it_leaves_out() {
        let mut m = mail(&["A <a@x.org>"], &["list@x.org"], &["b@x.org", "me@x.org"]);
        m.mail_followup_to = vec![a("list@x.org")];
        let r = compute(&m, Mode::All, &["me@x.org".into()]);
        assert_eq!(emails(&r.to), ["list@x.org"]);
        assert_eq!(
            r.warnings,
            ["Mail-Followup-To (honoured, as mutt does) leaves out the author A <a@x.org> and To/Cc b@x.org: add them back if they should get the reply"]
        );
        m.mail_followup_to = vec![a("list@x.org"), a("a@x.org"), a("b@x.org")];
        assert!(compute(&m, Mode::All, &["me@x.org".into()]).warnings.is_empty());
    }

    #[test]
    fn empty_to_promotes_first_cc() {
        let m = mail(&["me@x.org"], &[], &["b@x.org", "c@x.org"]);
        let r = compute(&m, Mode::All, &["me@x.org".into()]);
        assert_eq!(emails(&r.to), ["b@x.org"]);
        assert_eq!(emails(&r.cc), ["c@x.org"]);
    }
}
