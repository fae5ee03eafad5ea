//! Mailbox addresses as the reply engine needs them: an optional display
//! name and the address itself, taken from mail-parser's parsed headers.

use mail_parser::{Address, MessageParser};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Addr {
    pub name: Option<String>,
    pub email: String,
}

impl Addr {
    pub fn new(name: Option<&str>, email: &str) -> Addr {
        Addr {
            name: name
                .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|n| !n.is_empty()),
            email: email.trim().to_string(),
        }
    }

    /// `Name <email>` (name quoted when it has specials), or the bare
    /// address. Used for display and JSON; the draft header is rendered by
    /// mail-builder, which does its own RFC 2047 encoding.
    pub fn display(&self) -> String {
        match &self.name {
            Some(n) if n.eq_ignore_ascii_case(&self.email) => self.email.clone(),
            Some(n) => {
                let needs_quotes = n.chars().any(|c| "()<>[]:;@\\,.\"".contains(c));
                if needs_quotes {
                    let escaped = n.replace('\\', "\\\\").replace('"', "\\\"");
                    format!("\"{escaped}\" <{}>", self.email)
                } else {
                    format!("{n} <{}>", self.email)
                }
            }
            None => self.email.clone(),
        }
    }

    /// Same mailbox, compared as public-inbox and most clients do: the
    /// whole address case-insensitively.
    pub fn same_mailbox(&self, email: &str) -> bool {
        self.email.eq_ignore_ascii_case(email)
    }

    /// A syntactically plausible mailbox: one `@` with text on both sides,
    /// no whitespace or control characters, nothing that would break a
    /// header or a command line argument in surprising ways.
    pub fn is_plausible(&self) -> bool {
        plausible_email(&self.email)
    }
}

pub fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || domain.is_empty() || email.chars().any(char::is_control) {
        return false;
    }
    plausible_local_part(local) && plausible_domain(domain)
}

/// RFC 5322 specials, which may not appear bare in an address: a `,` or `"`
/// there makes the address re-parse as something else once it is written
/// into a header (the draft round trip would change the recipients).
const SPECIALS: &[char] = &['(', ')', '<', '>', '[', ']', ':', ';', '@', '\\', ',', '"'];

fn bare_atom_text(s: &str) -> bool {
    !s.chars().any(|c| c.is_whitespace() || SPECIALS.contains(&c))
}

/// Dotted atoms (leniently: `..` and leading dots occur in real mail), or a
/// quoted string in which `"` and `\` only appear escaped.
fn plausible_local_part(local: &str) -> bool {
    let Some(inner) = local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) else {
        return bare_atom_text(local);
    };
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        let escaped_char_missing = c == '\\' && chars.next().is_none();
        if escaped_char_missing || matches!(c, '"' | '<' | '>') {
            return false;
        }
    }
    true
}

/// A host name, or an address literal such as `[192.0.2.1]`.
fn plausible_domain(domain: &str) -> bool {
    let inner = domain
        .strip_prefix('[')
        .and_then(|d| d.strip_suffix(']'))
        .unwrap_or(domain);
    bare_atom_text(inner)
}

/// Flatten mail-parser's address value (list or groups) into mailboxes.
/// Entries without an address (e.g. an empty group) are skipped.
pub fn from_parsed(addr: &Address) -> Vec<Addr> {
    let mut out = Vec::new();
    let mut push = |a: &mail_parser::Addr| {
        if let Some(email) = a.address.as_deref() {
            let email = email.trim();
            match a.name.as_deref() {
                // mail-parser reads `"a b"@x.example` as the name `a b` and
                // the address `@x.example`: put the quoted local part back.
                Some(local) if email.starts_with('@') && !local.is_empty() => {
                    let local = local.replace('\\', "\\\\").replace('"', "\\\"");
                    out.push(Addr::new(None, &format!("\"{local}\"{email}")));
                }
                _ if !email.is_empty() => out.push(Addr::new(a.name.as_deref(), email)),
                _ => {}
            }
        }
    };
    match addr {
        Address::List(list) => list.iter().for_each(&mut push),
        Address::Group(groups) => groups.iter().flat_map(|g| g.addresses.iter()).for_each(&mut push),
    }
    out
}

/// Parse one address as written in git config (`Name <a@b>` or `a@b`).
/// Returns (name, email).
pub fn parse_one(s: &str) -> Option<(Option<String>, String)> {
    parse_list(s).into_iter().next().map(|a| (a.name, a.email))
}

/// Parse an address list as written in a header value or on the command line.
pub fn parse_list(s: &str) -> Vec<Addr> {
    let s = s.replace(['\r', '\n'], " ");
    let raw = format!("To: {s}\n\n");
    let parsed = MessageParser::new().parse_headers(raw.as_bytes());
    parsed
        .as_ref()
        .and_then(|m| m.to())
        .map(from_parsed)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_quotes_specials() {
        assert_eq!(
            Addr::new(Some("Luck, Tony"), "tony.luck@intel.com").display(),
            "\"Luck, Tony\" <tony.luck@intel.com>"
        );
        assert_eq!(
            Addr::new(Some("Greg KH"), "greg@kroah.com").display(),
            "Greg KH <greg@kroah.com>"
        );
        assert_eq!(Addr::new(None, "a@b").display(), "a@b");
    }

    #[test]
    fn parse_list_handles_names_and_groups() {
        let l = parse_list("\"Luck, Tony\" <tony@x.org>, bare@y.org, undisclosed-recipients:;");
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].email, "tony@x.org");
        assert_eq!(l[0].name.as_deref(), Some("Luck, Tony"));
        assert_eq!(l[1].email, "bare@y.org");
        assert_eq!(
            parse_one("Me <me@example.org>"),
            Some((Some("Me".into()), "me@example.org".into()))
        );
    }

    #[test]
    fn quoted_local_part_is_kept() {
        let l = parse_list("\"a b\"@x.example, Name <\"c d\"@y.example>");
        assert_eq!(l[0].email, "\"a b\"@x.example");
        assert!(l[0].is_plausible());
    }

    #[test]
    fn plausibility() {
        assert!(plausible_email("a@b"));
        assert!(!plausible_email("a b@c"));
        assert!(!plausible_email("@c"));
        assert!(!plausible_email("abc"));
        assert!(!plausible_email("a@b\r\nBcc: x@y"));
        assert!(plausible_email("\"a b\"@x.example"));
        assert!(!plausible_email("\"a b\"@x example"));
        assert!(!plausible_email("touch pwned@x"));
        assert!(plausible_email("user@[192.0.2.1]"));
        assert!(plausible_email("\"a\\\"b\"@x.example"));
        for bad in [
            "a\"b@x",
            "a,b@x",
            "a;b@x",
            "a(b)@x",
            "a\\b@x",
            "a@b,c",
            "a@b\"",
            "\"a\"b\"@x",
            "\"a\\\"@x",
            "a:b@x",
        ] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
}
