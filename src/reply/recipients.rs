//! Who the reply goes to.
//!
//! `PublicInbox` reproduces the "Reply instructions" of a public-inbox page
//! exactly (PublicInbox::Reply::mailto_arg_link, replyto = :all): addresses
//! from the first From, To, Cc and Reply-To headers in that order; To is the
//! first one, lower-cased; Cc is every other address, deduplicated
//! case-insensitively keeping the first spelling, sorted bytewise.
//!
//! `All` (the default) is a group reply as a careful human would do it:
//! - Mail-Followup-To, when present, names the recipients (all in To), as
//!   mutt does;
//! - otherwise a Reply-To set by the sender replaces From (B4 Relay mails come
//!   `From: devnull+…@kernel.org` with the author in Reply-To);
//! - replying to your own message goes to its original To and Cc;
//! - your own addresses and `devnull@kernel.org`-style relay addresses are
//!   dropped everywhere;
//! - Cc keeps the original header order (To, then Cc) instead of sorting.
//!
//! `Sender` replies to the author only (Reply-To, else From).

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
    for a in mail.from.iter().chain(&mail.to).chain(&mail.cc).chain(&mail.reply_to) {
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
        notes: Vec::new(),
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

fn author(mail: &Mail) -> &[Addr] {
    if !mail.reply_to.is_empty() {
        &mail.reply_to
    } else {
        &mail.from
    }
}

fn group_reply(mail: &Mail, me: &[String]) -> Recipients {
    let mut notes = Vec::new();
    let (to_src, cc_src): (Vec<&Addr>, Vec<&Addr>) = if !mail.mail_followup_to.is_empty() {
        notes.push("recipients taken from Mail-Followup-To".to_string());
        (mail.mail_followup_to.iter().collect(), Vec::new())
    } else if mail.from.iter().any(|a| is_me(&a.email, me)) {
        notes.push("replying to your own message: original To and Cc kept".to_string());
        (mail.to.iter().collect(), mail.cc.iter().collect())
    } else {
        if !mail.reply_to.is_empty() {
            notes.push("Reply-To used instead of From".to_string());
        }
        (author(mail).iter().collect(), mail.to.iter().chain(&mail.cc).collect())
    };
    finish(to_src, cc_src, me, notes)
}

fn sender_only(mail: &Mail, me: &[String]) -> Recipients {
    finish(author(mail).iter().collect(), Vec::new(), me, Vec::new())
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
    Recipients { to, cc, notes }
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
        Mail {
            from: from.iter().map(|s| a(s)).collect(),
            to: to.iter().map(|s| a(s)).collect(),
            cc: cc.iter().map(|s| a(s)).collect(),
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
    fn empty_to_promotes_first_cc() {
        let m = mail(&["me@x.org"], &[], &["b@x.org", "c@x.org"]);
        let r = compute(&m, Mode::All, &["me@x.org".into()]);
        assert_eq!(emails(&r.to), ["b@x.org"]);
        assert_eq!(emails(&r.cc), ["c@x.org"]);
    }
}
