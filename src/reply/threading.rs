//! In-Reply-To and References of the reply (RFC 5322 section 3.6.4).

use crate::message::{msgid, Mail};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Threading {
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// Ids that were dropped because they are malformed (for warnings).
    pub dropped: Vec<String>,
}

/// In-Reply-To is the parent's id; References is the parent's References
/// (or, without them, its single In-Reply-To id) followed by the parent's
/// id. Every id is validated; invalid ones are dropped and reported, never
/// written. Repeated ids are kept once (first position).
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
    for id in chain.into_iter().chain(t.in_reply_to.clone()) {
        if !msgid::is_valid(&id) {
            if !t.dropped.contains(&id) {
                t.dropped.push(id);
            }
        } else if !t.references.contains(&id) {
            t.references.push(id);
        }
    }
    // The parent must be last even when it also appeared earlier (loops).
    if let Some(id) = &t.in_reply_to {
        t.references.retain(|r| r != id);
        t.references.push(id.clone());
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
    fn loops_keep_parent_last() {
        let t = compute(&m(Some("c@x"), &[], &["c@x", "a@x", "a@x"]));
        assert_eq!(t.references, ["a@x", "c@x"]);
    }
}
