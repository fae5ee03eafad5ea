//! The draft file: what the user edits and what is sent.
//!
//! Headers are rendered with mail-builder (RFC 2047 for non-ASCII names and
//! subjects, folding); the body is written as plain UTF-8 (8bit) so the
//! editor shows real text rather than quoted-printable. The file has LF line
//! endings and no Date or Message-ID: those are added at send time. git
//! send-email sends such a file as it is.

use crate::error::{Error, Result};
use crate::message::address::{self, Addr};
use crate::message::msgid;
use crate::reply::Reply;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::text::Text;
use mail_builder::headers::Header;
use mail_parser::{HeaderName, MessageParser};
use sha2::{Digest, Sha256};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub from: Option<Addr>,
    pub to: Vec<Addr>,
    pub cc: Vec<Addr>,
    pub bcc: Vec<Addr>,
    pub subject: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub body: String,
    /// The body is RFC 3676 format=flowed (`--flowed`).
    pub flowed: bool,
}

impl From<&Reply> for Draft {
    fn from(r: &Reply) -> Draft {
        Draft {
            from: r.from.clone(),
            to: r.to.clone(),
            cc: r.cc.clone(),
            bcc: Vec::new(),
            subject: r.subject.clone(),
            in_reply_to: r.in_reply_to.clone(),
            references: r.references.clone(),
            body: r.body.clone(),
            flowed: false,
        }
    }
}

/// One mailbox as git send-email writes it (`Name <a@b>`, quoted only when
/// the name has specials), so its `--suppress-cc=self` recognises the
/// user's own From. Non-ASCII names are RFC 2047-encoded by mail-builder.
fn render_mailbox(a: &Addr) -> String {
    // A name is message data: no control character may reach the header.
    let name = a.name.as_ref().map(|n| {
        n.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
    });
    match name {
        Some(n) if !n.is_ascii() => {
            // An encoded word may not sit inside a quoted string (RFC 2047
            // section 5), so the name is encoded as a phrase on its own.
            let mut buf = Vec::new();
            Text::new(n.as_str()).write_header(&mut buf, 0).expect("write to Vec");
            let encoded = String::from_utf8_lossy(&buf)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            format!("{encoded} <{}>", a.email)
        }
        n => Addr {
            name: n,
            email: a.email.clone(),
        }
        .display(),
    }
}

/// An address header, folded before an address that would pass 78 columns.
fn write_address_header(out: &mut String, name: &str, list: &[Addr]) {
    out.push_str(name);
    out.push(':');
    let mut col = name.len() + 1;
    for (i, a) in list.iter().enumerate() {
        let m = render_mailbox(a);
        if i > 0 {
            out.push(',');
            col += 1;
            if col + 1 + m.len() > 78 {
                out.push_str("\n\t");
                col = 8;
            } else {
                out.push(' ');
                col += 1;
            }
        } else {
            out.push(' ');
            col += 1;
        }
        out.push_str(&m);
        col += m.len();
    }
    out.push('\n');
}

fn write_header(out: &mut Vec<u8>, name: &str, value: &impl Header) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    // Writing to a Vec cannot fail.
    value.write_header(&mut *out, name.len() + 2).expect("write to Vec");
}

impl Draft {
    /// Render the draft file (LF line endings).
    pub fn render(&self) -> Vec<u8> {
        let mut text = String::new();
        // Addresses that could break a header are not written at all.
        let clean = |v: &[Addr]| v.iter().filter(|a| a.is_plausible()).cloned().collect::<Vec<_>>();
        if let Some(from) = self.from.as_ref().filter(|a| a.is_plausible()) {
            write_address_header(&mut text, "From", std::slice::from_ref(from));
        }
        for (name, list) in [
            ("To", clean(&self.to)),
            ("Cc", clean(&self.cc)),
            ("Bcc", clean(&self.bcc)),
        ] {
            if !list.is_empty() {
                write_address_header(&mut text, name, &list);
            }
        }
        let mut out: Vec<u8> = Vec::new();
        let subject: String = self
            .subject
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        write_header(&mut out, "Subject", &Text::new(subject.as_str()));
        // Ids were validated by the reply engine; check again because a
        // draft can be built from edited input too.
        if let Some(id) = self.in_reply_to.as_deref().filter(|id| msgid::is_valid(id)) {
            write_header(&mut out, "In-Reply-To", &MessageId::new(id));
        }
        let refs: Vec<&str> = self
            .references
            .iter()
            .map(|s| s.as_str())
            .filter(|id| msgid::is_valid(id))
            .collect();
        if !refs.is_empty() {
            write_header(&mut out, "References", &MessageId::from(refs.as_slice()));
        }
        if !self.body.is_ascii() || self.flowed {
            out.extend_from_slice(self.mime_headers().as_bytes());
        }
        // mail-builder writes CRLF; the draft file uses LF.
        for line in String::from_utf8_lossy(&out).split("\r\n").filter(|l| !l.is_empty()) {
            text.push_str(line.trim_end());
            text.push('\n');
        }
        text.push('\n');
        text.push_str(&self.body);
        text.into_bytes()
    }

    /// MIME-Version, Content-Type and Content-Transfer-Encoding for the
    /// plain-text body (CRLF, as mail-builder writes headers).
    fn mime_headers(&self) -> String {
        let (charset, cte) = if self.body.is_ascii() {
            ("us-ascii", "7bit")
        } else {
            ("UTF-8", "8bit")
        };
        let flowed = if self.flowed { "; format=flowed" } else { "" };
        format!("MIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}{flowed}\r\nContent-Transfer-Encoding: {cte}\r\n")
    }

    /// Everyone the message goes to (To, Cc, Bcc), each once: the SMTP
    /// envelope. Nothing else is added.
    pub fn envelope_recipients(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        // A set: linear for a draft with 100,000 recipients.
        let mut seen = std::collections::HashSet::new();
        for a in self
            .to
            .iter()
            .chain(&self.cc)
            .chain(&self.bcc)
            .filter(|a| a.is_plausible())
        {
            if seen.insert(a.email.to_ascii_lowercase()) {
                out.push(a.email.clone());
            }
        }
        out
    }

    /// The message as it is sent: the draft's headers without Bcc, plus
    /// Date, Message-ID and the MIME headers, LF line endings (the
    /// transport makes them CRLF on the wire).
    pub fn render_for_sending(&self, message_id: &str, unix_time: i64) -> Vec<u8> {
        let without_bcc = Draft {
            bcc: Vec::new(),
            ..self.clone()
        };
        let rendered = without_bcc.render();
        let split = body_offset(&rendered).unwrap_or(rendered.len());
        let (head, body) = rendered.split_at(split);
        let mut out = Vec::with_capacity(rendered.len() + 200);
        let mut extra = Vec::new();
        write_header(&mut extra, "Date", &mail_builder::headers::date::Date::new(unix_time));
        if msgid::is_valid(message_id) {
            write_header(&mut extra, "Message-ID", &MessageId::new(message_id));
        }
        if self.body.is_ascii() && !self.flowed {
            extra.extend_from_slice(self.mime_headers().as_bytes());
        }
        extra.extend_from_slice(format!("User-Agent: ksreply/{}\r\n", env!("CARGO_PKG_VERSION")).as_bytes());
        // head ends with the blank line; put the new headers before it.
        out.extend_from_slice(&head[..head.len() - 1]);
        out.extend_from_slice(String::from_utf8_lossy(&extra).replace("\r\n", "\n").as_bytes());
        out.push(b'\n');
        out.extend_from_slice(body);
        out
    }

    /// Parse a (possibly edited) draft back.
    pub fn parse(data: &[u8]) -> Result<Draft> {
        let msg = crate::message::catch_parser_panic(|| MessageParser::default().parse(data).map(|m| m.into_owned()))
            .ok()
            .flatten()
            .ok_or_else(|| Error::input("the draft is not a message"))?;
        let headers = msg.headers();
        let addrs = |name: HeaderName| {
            headers
                .iter()
                .filter(|h| h.name == name)
                .filter_map(|h| h.value.as_address())
                .flat_map(address::from_parsed)
                .collect::<Vec<_>>()
        };
        let raw = |name: &str| {
            headers
                .iter()
                .find(|h| h.name.as_str().eq_ignore_ascii_case(name))
                .map(|h| String::from_utf8_lossy(&data[h.offset_start as usize..h.offset_end as usize]).into_owned())
        };
        let body = match body_offset(data) {
            Some(off) => {
                let bytes = &data[off..];
                match msg.body_text(0) {
                    // Trust mail-parser when the draft declares an encoding.
                    Some(t) if raw("Content-Transfer-Encoding").is_some() => t.replace("\r\n", "\n"),
                    _ => String::from_utf8_lossy(bytes).replace("\r\n", "\n"),
                }
            }
            None => String::new(),
        };
        Ok(Draft {
            from: addrs(HeaderName::From).into_iter().next(),
            to: addrs(HeaderName::To),
            cc: addrs(HeaderName::Cc),
            bcc: addrs(HeaderName::Bcc),
            subject: msg
                .subject()
                .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default(),
            in_reply_to: raw("In-Reply-To").and_then(|v| msgid::extract_all(&v).into_iter().next()),
            references: raw("References").map(|v| msgid::extract_all(&v)).unwrap_or_default(),
            flowed: raw("Content-Type")
                .is_some_and(|ct| ct.to_ascii_lowercase().replace(' ', "").contains("format=flowed")),
            body,
        })
    }
}

/// Offset of the body: after the first empty line.
fn body_offset(data: &[u8]) -> Option<usize> {
    let lf = memchr::memmem::find(data, b"\n\n").map(|i| i + 2);
    let crlf = memchr::memmem::find(data, b"\r\n\r\n").map(|i| i + 4);
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The default drafts directory: `$XDG_STATE_HOME/ksreply/drafts`.
pub fn default_dir() -> Result<PathBuf> {
    crate::config::state_dir()
        .map(|d| d.join("drafts"))
        .ok_or_else(|| Error::usage("cannot find a drafts directory: set HOME or XDG_STATE_HOME, or use --draft PATH"))
}

/// A file name for the reply to `id` that cannot escape the directory: only
/// `[A-Za-z0-9._-]` from the id (no leading dot), at most 60 of them, plus a
/// hash of the whole id so different ids never share a name.
pub fn file_name_for(id: Option<&str>) -> String {
    let id = id.unwrap_or("no-message-id");
    let mut safe = String::new();
    for c in id.chars().take(60) {
        let keep = c.is_ascii_alphanumeric() || c == '-' || c == '_' || (c == '.' && !safe.ends_with('.'));
        safe.push(if keep { c } else { '_' });
    }
    let safe = safe.trim_start_matches('.');
    let hash = Sha256::digest(id.as_bytes());
    let hex: String = hash[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("re-{safe}-{hex}.eml")
}

/// Write a new draft file in `dir` without overwriting an existing one:
/// `NAME.eml`, then `NAME-2.eml`, ... Created with mode 0600: a draft is
/// private until sent.
pub fn write_new(dir: &Path, name: &str, data: &[u8]) -> Result<PathBuf> {
    fs::create_dir_all(dir).map_err(|e| Error::usage(format!("cannot create {}: {e}", dir.display())))?;
    let stem = name.strip_suffix(".eml").unwrap_or(name);
    for n in 1..1000 {
        let candidate = if n == 1 {
            format!("{stem}.eml")
        } else {
            format!("{stem}-{n}.eml")
        };
        let path = dir.join(candidate);
        match open_new(&path) {
            Ok(mut f) => {
                f.write_all(data)
                    .map_err(|e| Error::usage(format!("cannot write {}: {e}", path.display())))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::usage(format!("cannot create {}: {e}", path.display()))),
        }
    }
    Err(Error::usage(format!(
        "too many drafts named {stem} in {}",
        dir.display()
    )))
}

fn open_new(path: &Path) -> std::io::Result<fs::File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Write (or replace) the draft at an explicit path.
pub fn write_at(path: &Path, data: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| Error::usage(format!("cannot create {}: {e}", parent.display())))?;
    }
    fs::write(path, data).map_err(|e| Error::usage(format!("cannot write draft {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Draft {
        Draft {
            from: Some(Addr::new(Some("Me Myself"), "me@example.org")),
            to: vec![Addr::new(Some("Leon Romanovsky"), "leon@kernel.org")],
            cc: vec![
                Addr::new(Some("Luck, Tony"), "tony.luck@intel.com"),
                Addr::new(None, "ksummit@lists.linux.dev"),
            ],
            bcc: vec![],
            subject: "Re: [MAINTAINER SUMMIT] User-space requirements for accelerator drivers".into(),
            in_reply_to: Some("YT26ebT6xXWsnVMw@unreal".into()),
            references: vec!["877dfop2lx.fsf@meer.lwn.net".into(), "YT26ebT6xXWsnVMw@unreal".into()],
            body: "On x, y wrote:\n> quoted\n\nmy answer\n".into(),
            flowed: false,
        }
    }

    #[test]
    fn render_and_parse_back() {
        let d = sample();
        let text = String::from_utf8(d.render()).unwrap();
        assert!(text.starts_with("From: "), "{text}");
        assert!(!text.contains('\r'));
        assert!(text.contains("In-Reply-To: <YT26ebT6xXWsnVMw@unreal>\n"));
        assert!(!text.contains("Date:") && !text.contains("Message-ID:"));
        assert_eq!(Draft::parse(text.as_bytes()).unwrap(), d);
    }

    #[test]
    fn non_ascii_round_trip() {
        let mut d = sample();
        d.subject = "Re: Grüße aus Zürich 回复".into();
        d.to = vec![Addr::new(Some("Jürgen Groß"), "jgross@suse.com")];
        d.body = "Jürgen schrieb:\n> ä\n".into();
        let bytes = d.render();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("Content-Type: text/plain; charset=UTF-8"));
        assert!(text.contains("Jürgen schrieb:"), "body stays readable");
        assert_eq!(Draft::parse(&bytes).unwrap(), d);
    }

    #[test]
    fn hostile_values_never_add_headers() {
        let mut d = sample();
        d.subject = "Re: x\r\nBcc: evil@example.org".into();
        d.in_reply_to = Some("a@b>\r\nBcc: evil@example.org".into());
        d.references = vec!["a@b>\nBcc: evil@example.org".into(), "ok@x".into()];
        d.to.push(Addr {
            name: None,
            email: "x@y\r\nBcc: evil@example.org".into(),
        });
        d.to.push(Addr {
            name: Some("Evil\r\nBcc: evil@example.org".into()),
            email: "n@x".into(),
        });
        let text = String::from_utf8(d.render()).unwrap();
        let header_block = text.split("\n\n").next().unwrap();
        for line in header_block.lines() {
            assert!(!line.to_ascii_lowercase().starts_with("bcc"), "{text}");
        }
        assert!(!text.contains("In-Reply-To"));
        assert!(text.contains("References: <ok@x>"));
    }

    #[test]
    fn sending_form_strips_bcc_and_adds_ids() {
        let mut d = sample();
        d.bcc = vec![Addr::new(None, "secret@example.org")];
        let text = String::from_utf8(d.render()).unwrap();
        assert!(
            text.contains("\nBcc: secret@example.org\n"),
            "the draft shows Bcc to the user"
        );
        let sent = String::from_utf8(d.render_for_sending("abc.123@example.org", 1631435385)).unwrap();
        let (head, body) = sent.split_once("\n\n").unwrap();
        assert!(!head.to_ascii_lowercase().contains("bcc"), "{head}");
        assert!(head.contains("\nMessage-ID: <abc.123@example.org>"));
        assert!(head.contains("\nDate: Sun, 12 Sep 2021 08:29:45 +0000"), "{head}");
        assert_eq!(body, d.body);
        assert_eq!(
            d.envelope_recipients(),
            [
                "leon@kernel.org",
                "tony.luck@intel.com",
                "ksummit@lists.linux.dev",
                "secret@example.org"
            ]
        );
    }

    #[test]
    fn flowed_is_declared_and_read_back() {
        let mut d = sample();
        d.flowed = true;
        let text = String::from_utf8(d.render()).unwrap();
        assert!(
            text.contains("Content-Type: text/plain; charset=us-ascii; format=flowed\n"),
            "{text}"
        );
        assert_eq!(Draft::parse(text.as_bytes()).unwrap(), d);
        let sent = String::from_utf8(d.render_for_sending("a@b", 0)).unwrap();
        assert_eq!(sent.matches("Content-Type:").count(), 1, "{sent}");
    }

    #[test]
    fn safe_file_names() {
        for id in ["../../etc/passwd", "a/b@c", ".hidden@x", "\u{0}\n@x", "x@y"] {
            let n = file_name_for(Some(id));
            assert!(n.starts_with("re-") && n.ends_with(".eml"));
            assert!(
                !n.contains('/') && !n.contains("..") && !n.chars().any(|c| c.is_control()),
                "{n}"
            );
        }
        assert_ne!(file_name_for(Some("a/b@c")), file_name_for(Some("a_b@c")));
    }

    #[test]
    fn write_new_never_overwrites() {
        let dir = std::env::temp_dir().join(format!("ksreply-draft-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let a = write_new(&dir, "re-x.eml", b"1").unwrap();
        let b = write_new(&dir, "re-x.eml", b"2").unwrap();
        assert_ne!(a, b);
        assert_eq!(fs::read(&a).unwrap(), b"1");
        let _ = fs::remove_dir_all(&dir);
    }
}
