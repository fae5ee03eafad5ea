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
use mail_builder::headers::message_id::MessageId;
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

/// How header text is written. The draft file is for people: names and
/// subjects as plain UTF-8. On the wire non-ASCII text is RFC 2047-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Readable,
    Wire,
}

/// Text a MIME parser would decode as an encoded-word (`=?cs?b?...?=`). Such
/// text is hostile or at least ambiguous: written as it is, reading the
/// draft back would turn it into something else (control characters, other
/// addresses). It is always encoded, so it reads back as written.
fn looks_encoded(s: &str) -> bool {
    s.contains("=?")
}

/// RFC 2047 B encoded-words for `s` (UTF-8), each at most 75 characters,
/// split on character boundaries and separated by a folding `\n `.
fn encoded_words(s: &str) -> String {
    use base64::Engine;
    const MAX_BYTES: usize = 45; // 60 base64 characters + 12 of `=?UTF-8?B??=`
    let mut words = Vec::new();
    let mut start = 0;
    while start < s.len() {
        let mut end = (start + MAX_BYTES).min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let b64 = base64::engine::general_purpose::STANDARD.encode(&s.as_bytes()[start..end]);
        words.push(format!("=?UTF-8?B?{b64}?="));
        start = end;
    }
    words.join("\n ")
}

/// One mailbox as git send-email writes it (`Name <a@b>`, quoted only when
/// the name has specials), so its `--suppress-cc=self` recognises the
/// user's own From.
fn render_mailbox(a: &Addr, style: Style) -> String {
    // A name is message data: no control character may reach the header.
    let name = a.name.as_deref().map(crate::text::one_line);
    match name {
        // An encoded word may not sit inside a quoted string (RFC 2047
        // section 5), so the name is encoded as a phrase on its own. A name
        // that holds an address (`@`, `<`, `>`) is encoded even in the draft:
        // git send-email picks addresses out of quoted names by pattern.
        Some(n) if looks_encoded(&n) || n.contains(['@', '<', '>']) || (style == Style::Wire && !n.is_ascii()) => {
            format!("{} <{}>", encoded_words(&n).replace("\n ", " "), a.email)
        }
        n => Addr {
            name: n,
            email: a.email.clone(),
        }
        .display(),
    }
}

/// Header lines are folded before they would pass this column (RFC 5322's
/// recommended 78 characters).
const FOLD_COLUMN: usize = 78;

/// An address header, folded before an address that would pass 78 columns.
fn write_address_header(out: &mut String, name: &str, list: &[Addr], style: Style) {
    out.push_str(name);
    out.push(':');
    let mut col = name.len() + 1;
    for (i, a) in list.iter().enumerate() {
        let m = render_mailbox(a, style);
        let width = m.chars().count();
        if i > 0 {
            out.push(',');
            col += 1;
            if col + 1 + width > FOLD_COLUMN {
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
        col += width;
    }
    out.push('\n');
}

/// `Subject:` folded at spaces before column 78 (as mutt and git fold; a
/// long ASCII subject is never encoded), or encoded-words where needed.
fn write_subject(out: &mut String, subject: &str, style: Style) {
    let subject = crate::text::one_line(subject);
    out.push_str("Subject:");
    if looks_encoded(&subject) || (style == Style::Wire && !subject.is_ascii()) {
        out.push(' ');
        out.push_str(&encoded_words(&subject));
        out.push('\n');
        return;
    }
    let mut col = "Subject:".len();
    for (i, word) in subject.split(' ').enumerate() {
        let width = word.chars().count();
        // Fold before the space, never at the first word: unfolding gives
        // the subject back exactly.
        if i > 0 && col + 1 + width > FOLD_COLUMN && col > "Subject:".len() + 1 {
            out.push('\n');
            col = 0;
        }
        out.push(' ');
        out.push_str(word);
        col += 1 + width;
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
    /// Render the draft file (LF line endings): headers a person reads and
    /// edits as plain UTF-8 text.
    pub fn render(&self) -> Vec<u8> {
        self.render_in(Style::Readable)
    }

    fn render_in(&self, style: Style) -> Vec<u8> {
        let mut text = String::new();
        // Addresses that could break a header are not written at all.
        let clean = |v: &[Addr]| v.iter().filter(|a| a.is_plausible()).cloned().collect::<Vec<_>>();
        if let Some(from) = self.from.as_ref().filter(|a| a.is_plausible()) {
            write_address_header(&mut text, "From", std::slice::from_ref(from), style);
        }
        for (name, list) in [
            ("To", clean(&self.to)),
            ("Cc", clean(&self.cc)),
            ("Bcc", clean(&self.bcc)),
        ] {
            if !list.is_empty() {
                write_address_header(&mut text, name, &list, style);
            }
        }
        write_subject(&mut text, &self.subject, style);
        let mut out: Vec<u8> = Vec::new();
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
        let rendered = without_bcc.render_in(Style::Wire);
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
/// Where the body of a draft file starts: after the first empty line (LF or
/// CRLF). The one place a draft is split into header and body.
pub fn body_offset(data: &[u8]) -> Option<usize> {
    let lf = memchr::memmem::find(data, b"\n\n").map(|i| i + 2);
    let crlf = memchr::memmem::find(data, b"\r\n\r\n").map(|i| i + 4);
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The header block and the body of a draft file (the header without the
/// empty line that ends it; no body when there is no empty line).
pub fn split(data: &[u8]) -> (&[u8], &[u8]) {
    match body_offset(data) {
        Some(off) => (
            &data[..off - if data[..off].ends_with(b"\r\n\r\n") { 2 } else { 1 }],
            &data[off..],
        ),
        None => (data, &[]),
    }
}

/// How many lines of the file come before the body, to give warnings the
/// line numbers of the file.
pub fn body_line_offset(data: &[u8]) -> usize {
    let off = body_offset(data).unwrap_or(0);
    data[..off].iter().filter(|&&b| b == b'\n').count()
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
    let hex = crate::text::hex(&hash[..4]);
    format!("re-{safe}-{hex}.eml")
}

/// The drafts in `dir` of the reply `name` (as [`file_name_for`] made it,
/// with the `-2`, `-3` ... of [`write_new`]), newest first.
pub fn existing_for(dir: &Path, name: &str) -> Vec<PathBuf> {
    let stem = name.strip_suffix(".eml").unwrap_or(name);
    let numbered = |rest: &str| {
        rest.is_empty()
            || rest
                .strip_prefix('-')
                .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
    };
    list_dir(dir)
        .into_iter()
        .map(|(_, p)| p)
        .filter(|p| {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            n.strip_prefix(stem)
                .and_then(|rest| rest.strip_suffix(".eml"))
                .is_some_and(numbered)
        })
        .collect()
}

/// Where the checksum of what ksreply generated for the draft at `path` is
/// kept, so a draft the user has not touched can be told from one they
/// edited: `generated/NAME` beside the `drafts/` directory.
fn generated_mark(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    Some(path.parent()?.parent()?.join("generated").join(name))
}

/// Remember that `data` is what ksreply generated for the draft at `path`.
pub fn mark_generated(path: &Path, data: &[u8]) {
    if let Some(mark) = generated_mark(path) {
        let _ = write_atomic(&mark, crate::text::hex(&Sha256::digest(data)).as_bytes());
    }
}

/// The draft at `path` is still exactly what ksreply generated for it.
pub fn is_as_generated(path: &Path) -> bool {
    let (Some(mark), Ok(data)) = (generated_mark(path), fs::read(path)) else {
        return false;
    };
    fs::read(mark).is_ok_and(|m| m == crate::text::hex(&Sha256::digest(&data)).as_bytes())
}

/// Forget the mark of a draft that was sent or discarded.
pub fn forget_generated(path: &Path) {
    if let Some(mark) = generated_mark(path) {
        let _ = fs::remove_file(mark);
    }
}

/// Every draft file in `dir` (`*.eml`, not the temporary files of
/// [`write_atomic`]), newest first, with its modification time.
pub fn list_dir(dir: &Path) -> Vec<(std::time::SystemTime, PathBuf)> {
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.ends_with(".eml") && !n.starts_with('.')
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0));
    found
}

/// Write a new draft file in `dir` without overwriting an existing one:
/// `NAME.eml`, then `NAME-2.eml`, ... Created with mode 0600: a draft is
/// private until sent.
pub fn write_new(dir: &Path, name: &str, data: &[u8]) -> Result<PathBuf> {
    create_private_dir(dir)?;
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
                // A full disk must not leave a truncated draft behind.
                if let Err(e) = f.write_all(data).and_then(|_| f.sync_all()) {
                    drop(f);
                    let _ = fs::remove_file(&path);
                    return Err(Error::usage(format!("cannot write {}: {e}", path.display())));
                }
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

/// Write the draft at an explicit path: never over an existing file (the
/// user's reply, or a symlink planted there) unless `replace`.
pub fn write_at(path: &Path, data: &[u8], replace: bool) -> Result<()> {
    if !replace && fs::symlink_metadata(path).is_ok() {
        return Err(Error::usage(format!(
            "{} exists: not overwritten (use --force to replace it)",
            path.display()
        )));
    }
    write_atomic(path, data)
}

/// Replace `path` with `data` all at once: a new 0600 file beside it,
/// written and synced, then renamed over it. A full disk or a crash leaves
/// the old file whole, and a symlink at `path` is replaced, not followed.
pub fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    let dir = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    create_private_dir(&dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let fail = |e: std::io::Error| Error::usage(format!("cannot write {}: {e}", path.display()));
    for n in 0..100 {
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        let mut f = match open_new(&tmp) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(fail(e)),
        };
        let written = f.write_all(data).and_then(|_| f.sync_all());
        drop(f);
        if let Err(e) = written.and_then(|_| fs::rename(&tmp, path)) {
            let _ = fs::remove_file(&tmp);
            return Err(fail(e));
        }
        return Ok(());
    }
    Err(Error::usage(format!(
        "cannot write {}: no free temporary name",
        path.display()
    )))
}

/// Create `dir` (and its parents) private to the user: 0700 whatever the
/// umask, for the directories ksreply creates.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
        .map_err(|e| Error::usage(format!("cannot create {}: {e}", dir.display())))
}

/// The draft file with its From header (and continuation lines) replaced by
/// `from`, put first; the rest of the file byte for byte.
pub fn with_from(data: &[u8], from: &Addr) -> Vec<u8> {
    let mut out = String::new();
    write_address_header(&mut out, "From", std::slice::from_ref(from), Style::Readable);
    let mut out = out.into_bytes();
    out.extend_from_slice(&without_header(data, "from"));
    out
}

/// The draft file without its Bcc header: what git send-email may be given.
pub fn without_bcc(data: &[u8]) -> Vec<u8> {
    without_header(data, "bcc")
}

/// `data` without the header field `name` (lower-case) and its folded
/// continuation lines; the body untouched.
fn without_header(data: &[u8], name: &str) -> Vec<u8> {
    let (head, _) = split(data);
    let body_start = body_offset(data).unwrap_or(data.len());
    let mut out = Vec::with_capacity(data.len());
    let mut dropping = false;
    for line in head.split_inclusive(|&b| b == b'\n') {
        let continuation = line.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        if !continuation {
            let field = line.split(|&b| b == b':').next().unwrap_or(b"");
            dropping = line.contains(&b':') && field.trim_ascii().eq_ignore_ascii_case(name.as_bytes());
        }
        if !dropping {
            out.extend_from_slice(line);
        }
    }
    out.extend_from_slice(&data[head.len()..body_start.max(head.len())]);
    out.extend_from_slice(&data[body_start.min(data.len())..]);
    out
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

    /// Issue 18: names and subjects are plain UTF-8 in the draft, folded
    /// when long, and read back exactly; on the wire non-ASCII is encoded
    /// and a long ASCII subject is folded, never encoded.
    #[test]
    fn readable_headers_in_the_draft_encoded_on_the_wire() {
        let long = "Re: [PATCH v3 07/12] drm/amdgpu: a subject that is long enough to need folding here";
        let d = Draft {
            to: vec![Addr::new(Some("Jürgen Groß"), "jgross@suse.com")],
            subject: long.into(),
            body: "x\n".into(),
            ..sample()
        };
        let text = String::from_utf8(d.render()).unwrap();
        assert!(text.contains("To: Jürgen Groß <jgross@suse.com>\n"), "{text}");
        assert!(!text.contains("=?"), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 78), "{text}");
        let back = Draft::parse(text.as_bytes()).unwrap();
        assert_eq!(back.subject, long);
        assert_eq!(back.to, d.to);
        let wire = String::from_utf8(d.render_for_sending("a@b", 0)).unwrap();
        assert!(wire.contains("To: =?UTF-8?B?"), "{wire}");
        assert!(!wire.to_ascii_lowercase().contains("us-ascii?q"), "{wire}");
        assert!(wire.contains("Subject: Re: [PATCH v3 07/12]"), "{wire}");
        let sent = Draft::parse(wire.as_bytes()).unwrap();
        assert_eq!(sent.subject, long);
        assert_eq!(sent.to, d.to);
    }

    /// Issue 14: text that is itself an encoded-word (a hostile subject or
    /// name encoded twice) is never written bare: reading the draft back
    /// gives the literal text, never the control characters inside it.
    #[test]
    fn literal_encoded_words_read_back_as_written() {
        let inner = "=?utf-8?b?G10wO293bmVkBw==?="; // ESC ] 0 ; owned BEL
        let d = Draft {
            cc: vec![Addr::new(Some(&format!("{inner} x@evil.example")), "list@example.org")],
            subject: format!("Re: {inner}"),
            body: "x\n".into(),
            ..sample()
        };
        for bytes in [d.render(), d.render_for_sending("a@b", 0)] {
            let back = Draft::parse(&bytes).unwrap();
            assert_eq!(back.subject, d.subject, "{}", String::from_utf8_lossy(&bytes));
            assert_eq!(back.cc, d.cc);
            assert!(!back.subject.chars().any(char::is_control));
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
