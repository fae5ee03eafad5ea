//! A thread (an mbox, a public-inbox `t.mbox.gz`) as a tree: who answered
//! whom, in the order a thread view shows it. Pure: bytes in, entries out.
//!
//! Each message's parent is the last id of its In-Reply-To, else the last
//! id of its References, that names a message of the thread; messages
//! without one are roots. Siblings are in Date order (then file order), as
//! public-inbox's thread view has them. Cost is linear in the thread.

use crate::message::address::{self, Addr};
use crate::message::{mbox, msgid};
use mail_parser::{HeaderName, MessageParser};
use std::collections::HashMap;

/// One message of a thread, in tree order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The Message-ID, without brackets.
    pub id: String,
    /// The parent message's id, when the parent is in the thread.
    pub parent: Option<String>,
    /// 0 for a root.
    pub depth: usize,
    pub from: Option<Addr>,
    /// Seconds since the epoch, from Date.
    pub date: Option<i64>,
    pub subject: String,
    /// The first line of new text (not quoted, not the attribution).
    pub first_line: String,
    /// A message of the thread from one of the user's addresses answers it.
    pub replied: bool,
    /// Position in the input (0-based).
    pub index: usize,
}

struct Parsed {
    id: Option<String>,
    refs: Vec<String>,
    from: Option<Addr>,
    date: Option<i64>,
    subject: String,
    first_line: String,
}

/// The messages of `data` (an mbox, or one message) as a tree. `me` are the
/// user's addresses, for [`Entry::replied`].
pub fn entries(data: &[u8], me: &[String]) -> Vec<Entry> {
    let messages: Vec<Parsed> = if mbox::looks_like_mbox(data) {
        mbox::split(data).map(|m| parse(&mbox::unescape(m))).collect()
    } else {
        vec![parse(data)]
    };
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, m) in messages.iter().enumerate() {
        if let Some(id) = &m.id {
            by_id.entry(id.as_str()).or_insert(i);
        }
    }
    let parent: Vec<Option<usize>> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            m.refs
                .iter()
                .rev()
                .filter_map(|r| by_id.get(r.as_str()).copied())
                .find(|&p| p != i)
        })
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); messages.len()];
    let mut roots = Vec::new();
    for (i, p) in parent.iter().enumerate() {
        match p {
            Some(p) => children[*p].push(i),
            None => roots.push(i),
        }
    }
    let key = |&i: &usize| (messages[i].date.unwrap_or(i64::MAX), i);
    roots.sort_by_key(key);
    for c in &mut children {
        c.sort_by_key(key);
    }
    // Depth-first, without recursion (a thread may be thousands deep). A
    // reference cycle leaves its messages unreached: they become roots.
    let mut order: Vec<(usize, usize)> = Vec::with_capacity(messages.len());
    let mut seen = vec![false; messages.len()];
    let starts: Vec<usize> = roots.iter().copied().chain(0..messages.len()).collect();
    for start in starts {
        let mut stack = vec![(start, 0)];
        while let Some((i, depth)) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            order.push((i, depth));
            stack.extend(children[i].iter().rev().map(|&c| (c, depth + 1)));
        }
    }
    let mine = |a: &Option<Addr>| {
        a.as_ref()
            .is_some_and(|a| me.iter().any(|m| m.eq_ignore_ascii_case(&a.email)))
    };
    order
        .into_iter()
        .map(|(i, depth)| {
            let m = &messages[i];
            Entry {
                id: m.id.clone().unwrap_or_default(),
                parent: parent[i].and_then(|p| messages[p].id.clone()),
                depth,
                from: m.from.clone(),
                date: m.date,
                subject: m.subject.clone(),
                first_line: m.first_line.clone(),
                replied: children[i].iter().any(|&c| mine(&messages[c].from)),
                index: i,
            }
        })
        .collect()
}

fn parse(raw: &[u8]) -> Parsed {
    let msg = crate::message::catch_parser_panic(|| MessageParser::default().parse_headers(raw))
        .ok()
        .flatten();
    let Some(msg) = msg else {
        return Parsed {
            id: mbox::quick_message_id(raw),
            refs: Vec::new(),
            from: None,
            date: None,
            subject: String::new(),
            first_line: String::new(),
        };
    };
    let raw_header = |name: HeaderName| {
        msg.headers()
            .iter()
            .find(|h| h.name == name)
            .map(|h| String::from_utf8_lossy(&raw[h.offset_start as usize..h.offset_end as usize]).into_owned())
    };
    // In-Reply-To's ids last: the parent is looked for from the end.
    let mut refs = raw_header(HeaderName::References)
        .map(|v| msgid::extract_all(&v))
        .unwrap_or_default();
    refs.extend(
        raw_header(HeaderName::InReplyTo)
            .map(|v| msgid::extract_all(&v))
            .unwrap_or_default(),
    );
    Parsed {
        id: msg
            .message_id()
            .map(str::to_string)
            .or_else(|| mbox::quick_message_id(raw)),
        refs,
        from: msg.from().and_then(|a| address::from_parsed(a).into_iter().next()),
        date: msg.date().map(|d| d.to_timestamp()),
        subject: msg
            .subject()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default(),
        first_line: first_new_line(raw),
    }
}

/// Bytes of a body [`first_new_line`] looks through, and the characters of
/// the line it keeps.
const FIRST_LINE_SCAN: usize = 8192;
const FIRST_LINE_CHARS: usize = 100;

/// The first line of the body that is the author's own: not quoted, not an
/// attribution, not blank. Only plain 7bit/8bit text is looked at (an
/// encoded body gives nothing: this is a hint for a list, not a quote).
fn first_new_line(raw: &[u8]) -> String {
    let Some(start) = memchr::memmem::find(raw, b"\n\n").map(|i| i + 2) else {
        return String::new();
    };
    let head = String::from_utf8_lossy(&raw[..start]).to_ascii_lowercase();
    if head.contains("content-transfer-encoding: base64") || head.contains("content-transfer-encoding: quoted") {
        return String::new();
    }
    String::from_utf8_lossy(&raw[start..raw.len().min(start + FIRST_LINE_SCAN)])
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('>') && !l.ends_with("wrote:") && !l.starts_with("On "))
        .map(|l| l.chars().take(FIRST_LINE_CHARS).collect())
        .unwrap_or_default()
}

/// What arrived in a thread since a reply to `answered` was started: the
/// entries not in `known` (the thread's ids then, when known), else dated
/// after `started` (seconds since the epoch).
pub fn arrived_since<'a>(
    entries: &'a [Entry],
    known: Option<&std::collections::HashSet<String>>,
    started: i64,
) -> Vec<&'a Entry> {
    entries
        .iter()
        .filter(|e| match known {
            Some(k) => !k.contains(&e.id),
            None => e.date.is_some_and(|d| d >= started),
        })
        .collect()
}

/// `(series subject, N)` of a `[PATCH vN M/K] subject` (v1 when no `vN`).
pub fn patch_revision(subject: &str) -> Option<(String, u32)> {
    let s = subject.trim_start();
    let s = s.strip_prefix("Re:").map(str::trim_start).unwrap_or(s);
    let inner = s.strip_prefix('[')?;
    let (tags, rest) = inner.split_once(']')?;
    if !tags
        .split_whitespace()
        .any(|t| t.eq_ignore_ascii_case("PATCH") || t.eq_ignore_ascii_case("RFC"))
    {
        return None;
    }
    let version = tags
        .split_whitespace()
        .find_map(|t| {
            t.strip_prefix('v')
                .or_else(|| t.strip_prefix('V'))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(1);
    Some((rest.trim().to_string(), version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: &str, irt: Option<&str>, from: &str, date: &str, subject: &str) -> String {
        let irt = irt
            .map(|p| format!("In-Reply-To: <{p}>\nReferences: <{p}>\n"))
            .unwrap_or_default();
        format!(
            "From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: {from}\nDate: {date}\nSubject: {subject}\nMessage-ID: <{id}>\n{irt}\nBody of {id}.\n\n"
        )
    }

    #[test]
    fn tree_order_depth_parents_and_replied() {
        let mbox = [
            msg("a@x", None, "A <a@x>", "Mon, 1 Jan 2024 10:00:00 +0000", "[PATCH] foo"),
            msg(
                "c@x",
                Some("a@x"),
                "Me <me@x>",
                "Mon, 1 Jan 2024 12:00:00 +0000",
                "Re: [PATCH] foo",
            ),
            msg(
                "b@x",
                Some("a@x"),
                "B <b@x>",
                "Mon, 1 Jan 2024 11:00:00 +0000",
                "Re: [PATCH] foo",
            ),
            msg(
                "d@x",
                Some("b@x"),
                "A <a@x>",
                "Mon, 1 Jan 2024 13:00:00 +0000",
                "Re: [PATCH] foo",
            ),
        ]
        .concat();
        let e = entries(mbox.as_bytes(), &["me@x".into()]);
        let ids: Vec<_> = e.iter().map(|e| (e.id.as_str(), e.depth)).collect();
        assert_eq!(ids, [("a@x", 0), ("b@x", 1), ("d@x", 2), ("c@x", 1)]);
        assert_eq!(e[2].parent.as_deref(), Some("b@x"));
        assert!(e[0].replied, "Me answered a@x");
        assert!(!e[1].replied);
        assert_eq!(e[1].first_line, "Body of b@x.");
    }

    #[test]
    fn arrivals_and_revisions() {
        let mbox = [
            msg(
                "a@x",
                None,
                "A <a@x>",
                "Mon, 1 Jan 2024 10:00:00 +0000",
                "[PATCH v2 1/2] foo: bar",
            ),
            msg(
                "b@x",
                Some("a@x"),
                "B <b@x>",
                "Mon, 1 Jan 2024 11:00:00 +0000",
                "Re: [PATCH v2 1/2] foo: bar",
            ),
        ]
        .concat();
        let e = entries(mbox.as_bytes(), &[]);
        let known: std::collections::HashSet<String> = ["a@x".to_string()].into();
        assert_eq!(arrived_since(&e, Some(&known), 0).len(), 1);
        assert_eq!(arrived_since(&e, None, 1_704_106_800).len(), 1); // 11:00
        assert_eq!(patch_revision("[PATCH v3 2/5] foo: bar"), Some(("foo: bar".into(), 3)));
        assert_eq!(patch_revision("Re: [PATCH 0/5] foo"), Some(("foo".into(), 1)));
        assert_eq!(patch_revision("Re: plain"), None);
    }

    #[test]
    fn cycles_and_missing_parents_still_list_every_message() {
        let mbox = [
            msg("a@x", Some("b@x"), "A <a@x>", "Mon, 1 Jan 2024 10:00:00 +0000", "x"),
            msg("b@x", Some("a@x"), "B <b@x>", "Mon, 1 Jan 2024 11:00:00 +0000", "y"),
            msg("c@x", Some("gone@x"), "C <c@x>", "Mon, 1 Jan 2024 09:00:00 +0000", "z"),
        ]
        .concat();
        let e = entries(mbox.as_bytes(), &[]);
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].id, "c@x");
        assert_eq!(e[0].parent, None);
    }
}
