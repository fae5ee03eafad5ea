//! Who a reply reaches, compared with who should (issue 16): the checks a
//! careful replier makes before answering on a list. Pure: the original
//! message and ksreply's own draft in, warnings about the final draft out.
//!
//! - the group reply reaches the author and the lists of the original: a
//!   reply that leaves one out says so (unless Mail-Followup-To asked for
//!   that);
//! - a reply to list mail that reaches no list is private: "the list will
//!   not see it";
//! - an address that was on none of the original's From, To and Cc came
//!   from a header the sender controls (Reply-To, Mail-Followup-To): named,
//!   since it may have been put there to collect replies.

use super::check::Warning;
use super::recipients::{self, Mode};
use crate::message::address::Addr;
use crate::message::Mail;
use std::collections::HashSet;

/// What the original and ksreply's own draft say about the audience.
#[derive(Debug, Clone, Default)]
pub struct Audience {
    /// The original's author as the reply rules name them (lower-case).
    author: Option<String>,
    /// List addresses of the original (List-Post, well-known list hosts).
    lists: Vec<String>,
    /// The original asked where replies go (Mail-Followup-To).
    followup_to: bool,
    /// Addresses ksreply drafted that were not on the original, with the
    /// header they came from.
    injected: Vec<(String, &'static str)>,
}

fn key(a: &str) -> String {
    a.to_ascii_lowercase()
}

/// A mailing-list address: the original's List-Post, or a host that only
/// serves lists.
fn is_list(email: &str, list_post: Option<&str>) -> bool {
    let e = key(email);
    if list_post.is_some_and(|l| key(l) == e) {
        return true;
    }
    let domain = e.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
    domain == "vger.kernel.org"
        || domain == "googlegroups.com"
        || domain.starts_with("lists.")
        || domain.contains(".lists.")
        || (e.starts_with("linux-") && domain.ends_with("infradead.org"))
}

impl Audience {
    /// `drafted`: the To and Cc ksreply wrote; `me`: the user's addresses.
    pub fn new(mail: &Mail, drafted: &[Addr], me: &[String]) -> Audience {
        let list_post = mail.list_post.as_deref();
        let author = recipients::compute(mail, Mode::Sender, me)
            .to
            .first()
            .map(|a| key(&a.email));
        let mut lists: Vec<String> = Vec::new();
        for a in mail.to.iter().chain(&mail.cc).chain(&mail.from) {
            if is_list(&a.email, list_post) && !lists.contains(&key(&a.email)) {
                lists.push(key(&a.email));
            }
        }
        let original: HashSet<String> = mail
            .from
            .iter()
            .chain(&mail.to)
            .chain(&mail.cc)
            .chain(&mail.x_original_from)
            .map(|a| key(&a.email))
            .collect();
        // B4 Relay and similar: the author is in Reply-To by design.
        let relayed = mail.from.iter().any(|f| {
            f.email
                .split_once('@')
                .is_some_and(|(l, _)| l == "devnull" || l.starts_with("devnull+"))
        });
        let from_header = |e: &str| {
            let has = |v: &[Addr]| v.iter().any(|a| key(&a.email) == e);
            if has(&mail.mail_followup_to) {
                Some("Mail-Followup-To")
            } else if has(&mail.reply_to) && !relayed {
                Some("Reply-To")
            } else {
                None
            }
        };
        let injected = drafted
            .iter()
            .map(|a| key(&a.email))
            .filter(|e| !original.contains(e))
            .filter_map(|e| from_header(&e).map(|h| (e, h)))
            .collect();
        Audience {
            author: author.filter(|a| !me.iter().any(|m| key(m) == *a)),
            lists,
            followup_to: !mail.mail_followup_to.is_empty(),
            injected,
        }
    }

    /// The warnings for a reply going to `rcpts` (To, Cc and Bcc).
    pub fn check(&self, rcpts: &[Addr]) -> Vec<Warning> {
        let to: HashSet<String> = rcpts.iter().map(|a| key(&a.email)).collect();
        let warn = |rule, message: String| Warning {
            line: None,
            rule,
            message,
        };
        let mut out = Vec::new();
        if !self.followup_to {
            if let Some(a) = self.author.as_ref().filter(|a| !to.contains(*a)) {
                out.push(warn(
                    "audience",
                    format!("the reply leaves out the original's author <{a}>"),
                ));
            }
        }
        let lists_reached = self.lists.iter().filter(|l| to.contains(*l)).count();
        if !self.lists.is_empty() && lists_reached == 0 {
            out.push(warn(
                "private-reply",
                format!(
                    "private reply: the list will not see it (<{}> was on the original)",
                    self.lists.join(">, <")
                ),
            ));
        } else if !self.followup_to {
            for l in self.lists.iter().filter(|l| !to.contains(*l)) {
                out.push(warn(
                    "audience",
                    format!("the reply leaves out the list <{l}> that was on the original"),
                ));
            }
        }
        for (e, header) in self.injected.iter().filter(|(e, _)| to.contains(e)) {
            out.push(warn(
                "injected-recipient",
                format!("<{e}> was not on the original: it comes from its {header} header"),
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Addr {
        let (name, email) = crate::message::address::parse_one(s).unwrap();
        Addr { name, email }
    }

    fn mail(from: &str, to: &[&str], cc: &[&str]) -> Mail {
        Mail {
            from: vec![a(from)],
            to: to.iter().map(|s| a(s)).collect(),
            cc: cc.iter().map(|s| a(s)).collect(),
            ..Mail::default()
        }
    }

    fn rules(w: &[Warning]) -> Vec<&str> {
        w.iter().map(|w| w.rule).collect()
    }

    #[test]
    fn the_group_reply_passes_and_leaving_people_out_warns() {
        let m = mail("A <a@x.org>", &["linux-kernel@vger.kernel.org"], &["b@x.org"]);
        let group = [a("a@x.org"), a("linux-kernel@vger.kernel.org"), a("b@x.org")];
        let au = Audience::new(&m, &group, &[]);
        assert!(au.check(&group).is_empty());
        let w = au.check(&[a("linux-kernel@vger.kernel.org")]);
        assert_eq!(rules(&w), ["audience"], "{w:?}");
        assert!(w[0].message.contains("a@x.org"));
        // Only to the author: private.
        let w = au.check(&[a("a@x.org")]);
        assert_eq!(rules(&w), ["private-reply"]);
        assert!(w[0].message.contains("the list will not see it"));
    }

    #[test]
    fn mail_followup_to_may_leave_the_author_out() {
        let mut m = mail("A <a@x.org>", &["list@lists.x.org"], &[]);
        m.mail_followup_to = vec![a("list@lists.x.org")];
        let au = Audience::new(&m, &[a("list@lists.x.org")], &[]);
        assert!(au.check(&[a("list@lists.x.org")]).is_empty());
    }

    #[test]
    fn recipients_from_reply_to_are_named() {
        let mut m = mail("A <a@x.org>", &["list@lists.x.org"], &[]);
        m.reply_to = vec![a("collector@evil.example")];
        let drafted = [a("collector@evil.example"), a("list@lists.x.org")];
        let au = Audience::new(&m, &drafted, &[]);
        let w = au.check(&drafted);
        assert!(rules(&w).contains(&"injected-recipient"), "{w:?}");
        assert!(w.iter().any(|w| w.message.contains("Reply-To")));
        // A B4 Relay's Reply-To is the author: nothing to say about it.
        let mut m = mail(
            "J via B4 Relay <devnull+j.x.org@kernel.org>",
            &["list@lists.x.org"],
            &[],
        );
        m.reply_to = vec![a("J <j@x.org>")];
        let drafted = [a("j@x.org"), a("list@lists.x.org")];
        assert!(Audience::new(&m, &drafted, &[]).check(&drafted).is_empty());
    }
}
