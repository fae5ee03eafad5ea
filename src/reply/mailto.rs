//! The `mailto:` link of a public-inbox page (RFC 6068), built the same way:
//! `mailto:TO?In-Reply-To=%3CID%3E&Cc=A%40B%2CC%40D&Subject=...`. Several To
//! addresses are separated by commas (RFC 6068 `to`), so the link names
//! every recipient of the draft.

use crate::message::msgid;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// URI::Escape's `uri_escape_utf8` default: everything but
/// `A-Za-z0-9-._~` is percent-encoded (UTF-8 bytes).
const URI_ESCAPE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// An address: `@` stays literal, as public-inbox keeps it.
const ADDRESS: &AsciiSet = &URI_ESCAPE.remove(b'@');

/// An id: public-inbox's `mid_escape` set, `&` escaped too (see [`escape_msgid`]).
const MSGID: &AsciiSet = &msgid::MID_ESCAPE.add(b'&');

fn escape(s: &str, set: &'static AsciiSet) -> String {
    utf8_percent_encode(s, set).to_string()
}

/// public-inbox's `mid_href` escaping for ids (RFC 3986 sub-delims, `:` and
/// `@` kept). Unlike public-inbox 1.9, `&` is escaped too: a raw `&` would
/// end the In-Reply-To parameter early.
pub fn escape_msgid(id: &str) -> String {
    escape(id, MSGID)
}

pub fn link(to: &[String], in_reply_to: Option<&str>, cc: &[String], subject: &str) -> String {
    // `@` stays literal in the address part, as public-inbox keeps it; the
    // commas between addresses too.
    let to: Vec<String> = to.iter().map(|a| escape(a, ADDRESS)).collect();
    let mut out = format!("mailto:{}?", to.join(","));
    if let Some(id) = in_reply_to {
        out.push_str(&format!("In-Reply-To={}&", escape_msgid(&format!("<{id}>"))));
    }
    if !cc.is_empty() {
        out.push_str(&format!("Cc={}&", escape(&cc.join(","), URI_ESCAPE)));
    }
    out.push_str(&format!("Subject={}", escape(subject, URI_ESCAPE)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_link() {
        let l = link(
            &["leon@kernel.org".into()],
            Some("YT26ebT6xXWsnVMw@unreal"),
            &["corbet@lwn.net".into(), "greg@kroah.com".into()],
            "Re: [X] a b",
        );
        assert_eq!(
            l,
            "mailto:leon@kernel.org?In-Reply-To=%3CYT26ebT6xXWsnVMw@unreal%3E&Cc=corbet%40lwn.net%2Cgreg%40kroah.com&Subject=Re%3A%20%5BX%5D%20a%20b"
        );
        assert_eq!(escape_msgid("<a&b/c@d>"), "%3Ca%26b%2Fc@d%3E");
        // Several To: comma-separated, each escaped; Cc as before.
        assert_eq!(
            link(&["a@x.org".into(), "b,c\"@y.org".into()], None, &["d@z".into()], "s"),
            "mailto:a@x.org,b%2Cc%22@y.org?Cc=d%40z&Subject=s"
        );
    }
}
