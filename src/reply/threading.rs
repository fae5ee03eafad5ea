//! In-Reply-To and References of the reply (RFC 5322 section 3.6.4).

use crate::message::{msgid, Mail};
use std::collections::HashSet;

/// The most ids a reply's References holds. RFC 5322 section 3.6.4 lets a
/// long chain be trimmed; like Usenet (RFC 5537 section 3.4.4) and mutt we
/// keep the first id (the thread's root) and the newest ones, the parent
/// last. Real threads stay far below this; a hostile message with 100,000
/// ids makes a reply with this many.
pub const MAX_REFERENCES: usize = 200;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Threading {
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// Ids that were dropped because they are malformed (for warnings).
    pub dropped: Vec<String>,
    /// How many ids were left out of the middle of References
    /// ([`MAX_REFERENCES`]).
    pub trimmed: usize,
}

/// In-Reply-To is the parent's id; References is the parent's References
/// (or, without them, its single In-Reply-To id) followed by the parent's
/// id. Every id is validated; invalid ones are dropped and reported, never
/// written. Repeated ids are kept once (first position). A chain longer than
/// [`MAX_REFERENCES`] keeps its first id and the newest ones.
pub fn compute(parent: &Mail) -> Threading {
    let mut t = Threading::default();
    let parent_id = parent.message_id.clone();
    match &parent_id {
        Some(id) if msgid::is_valid(id) => t.in_reply_to = Some(id.clone()),
        Some(id) => t.dropped.push(id.clone()),
        None => {}
    }
    let chain: Vec<String> = if !parent.references.is_empty() {
        parent.references.clone()
    } else if parent.in_reply_to.len() == 1 {
        parent.in_reply_to.clone()
    } else {
        Vec::new()
    };
    // Sets: a message can carry 100,000 ids, and checking each against
    // the list so far was quadratic (13.5 s).
    let mut seen: HashSet<String> = HashSet::new();
    let mut seen_dropped: HashSet<String> = HashSet::new();
    for id in chain.into_iter().chain(t.in_reply_to.clone()) {
        if !msgid::is_valid(&id) {
            if seen_dropped.insert(id.clone()) {
                t.dropped.push(id);
            }
        } else if seen.insert(id.clone()) {
            t.references.push(id);
        }
    }
    // The parent must be last even when it also appeared earlier (loops).
    if let Some(id) = &t.in_reply_to {
        t.references.retain(|r| r != id);
        t.references.push(id.clone());
    }
    let n = t.references.len();
    if n > MAX_REFERENCES {
        t.trimmed = n - MAX_REFERENCES;
        t.references.drain(1..1 + t.trimmed);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: Option<&str>, irt: &[&str], refs: &[&str]) -> Mail {
        Mail {
            message_id: id.map(String::from),
            in_reply_to: irt.iter().map(|s| s.to_string()).collect(),
            references: refs.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn references_chain() {
        let t = compute(&m(Some("c@x"), &["b@x"], &["a@x", "b@x"]));
        assert_eq!(t.in_reply_to.as_deref(), Some("c@x"));
        assert_eq!(t.references, ["a@x", "b@x", "c@x"]);
    }

    #[test]
    fn in_reply_to_when_no_references() {
        let t = compute(&m(Some("c@x"), &["b@x"], &[]));
        assert_eq!(t.references, ["b@x", "c@x"]);
        // Two In-Reply-To ids are ambiguous: not used.
        let t = compute(&m(Some("c@x"), &["a@x", "b@x"], &[]));
        assert_eq!(t.references, ["c@x"]);
    }

    #[test]
    fn invalid_ids_dropped() {
        // An id without @ is safe to write (unusual, warned about by the caller).
        let t = compute(&m(Some("c@x"), &["yes"], &["yes", "a@x>\r\nBcc: e@vil", "a b@x"]));
        assert_eq!(t.references, ["yes", "c@x"]);
        assert_eq!(t.dropped.len(), 2);
        let t = compute(&m(Some("bad id"), &[], &["a@x"]));
        assert_eq!(t.in_reply_to, None);
        assert_eq!(t.references, ["a@x"]);
        let t = compute(&m(None, &[], &[]));
        assert_eq!(t, Threading::default());
    }

    #[test]
    fn long_chains_keep_the_root_and_the_newest() {
        // 100,000 ids, some repeated and some invalid.
        let refs: Vec<String> = (0..100_000)
            .map(|i| match i % 1000 {
                7 => "not an id".to_string(),
                8 => "r1@x".to_string(),
                _ => format!("r{i}@x"),
            })
            .collect();
        let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
        let t = compute(&m(Some("parent@x"), &[], &refs));
        assert_eq!(t.references.len(), MAX_REFERENCES);
        assert_eq!(t.references[0], "r0@x");
        assert_eq!(t.references[MAX_REFERENCES - 1], "parent@x");
        assert_eq!(t.references[MAX_REFERENCES - 2], "r99999@x");
        assert_eq!(t.dropped, ["not an id"]);
        // 100,000 - 100 invalid - 100 repeats + the parent.
        assert_eq!(t.trimmed, 99_801 - MAX_REFERENCES);
        // At the limit nothing is trimmed.
        let refs: Vec<String> = (0..MAX_REFERENCES - 1).map(|i| format!("r{i}@x")).collect();
        let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
        let t = compute(&m(Some("parent@x"), &[], &refs));
        assert_eq!((t.references.len(), t.trimmed), (MAX_REFERENCES, 0));
    }

    #[test]
    fn loops_keep_parent_last() {
        let t = compute(&m(Some("c@x"), &[], &["c@x", "a@x", "a@x"]));
        assert_eq!(t.references, ["a@x", "c@x"]);
    }
}
