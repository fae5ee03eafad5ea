//! Choosing and decoding the text a reply quotes.
//!
//! The MIME tree comes from mail-parser, but the text of each quoted part is
//! decoded here again from the raw part bytes: our own transfer decoding
//! (quoted-printable, base64) and charset decoding with encoding_rs, so that
//! bogus or missing charset labels fall back to UTF-8 (when valid) or
//! windows-1252 instead of replacement characters, and UTF-7 is decoded
//! correctly. Each fallback is recorded in [`Body::notes`] (shown with `-v`).
//!
//! What is quoted: the first text/plain part that is not an attachment
//! (text/plain preferred inside multipart/alternative), inline text/x-patch
//! and text/x-diff parts, the HTML part converted to text when there is no
//! plain text, and forwarded messages (message/rfc822) as a short header
//! summary plus their own text. Signatures and keys (PGP, S/MIME) are left
//! out, with a note: they are not content, and every careful replier deletes
//! them. Every other part (attachments, images, binary data) becomes one
//! marker line; text and patch attachments keep their decoded text too when
//! asked ([`ExtractOptions`]).

mod decode;
mod flowed;
mod html;

pub use decode::{base64_decode, decode_charset, qp_decode, utf7_decode};
pub use flowed::unflow;
pub use html::html_to_text;

use mail_parser::{Encoding, Message, MessagePart, MimeHeaders, PartType};

#[derive(Debug, Clone, Default)]
pub struct Body {
    /// All the quotable text (the [`Segment::Text`] segments joined), LF line
    /// endings, format=flowed already undone, signatures not yet cut.
    pub text: String,
    /// The text came from an HTML part (converted).
    pub from_html: bool,
    /// One line per part that is not quoted: `NAME (TYPE, SIZE)`.
    pub attachments: Vec<String>,
    /// The body in message order: text to quote and attachment markers.
    pub segments: Vec<Segment>,
    /// How the body was decoded when that needed a guess (charset fallbacks,
    /// invalid bytes, HTML conversion); printed with `-v`.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text to quote: LF line endings, ends with a newline.
    Text(String),
    /// A part that is not quoted: `NAME (TYPE, SIZE)`.
    Attachment(String),
    /// A plain text or patch part sent as an attachment, with its text:
    /// marked and quoted, as mutt quotes them (only with
    /// [`ExtractOptions::text_attachments`]).
    TextAttachment { marker: String, text: String },
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ExtractOptions {
    /// Decode text and patch attachments into [`Segment::TextAttachment`]
    /// (`--quote-attachments`). Off, they are only marked and never decoded:
    /// a 10 MB log attachment costs nothing.
    pub text_attachments: bool,
    /// Decode patch attachments (text/x-patch, text/x-diff) into
    /// [`Segment::TextAttachment`]: a review reply (`--trailer`) reads the
    /// commit message of a patch sent as an attachment.
    pub patch_attachments: bool,
}

/// Forwarded messages nested deeper than this are only marked.
const MAX_DEPTH: usize = 8;

/// Multipart levels [`choose_alternative`] looks down into for a plain
/// text or HTML part.
const MAX_ALTERNATIVE_DEPTH: usize = 16;

pub fn extract(msg: &Message, opts: ExtractOptions) -> Body {
    let mut w = Walker {
        opts,
        body: Body::default(),
        scope_start: 0,
        boundaries: Vec::new(),
    };
    collect_boundaries(msg, &mut w.boundaries, 0);
    if !msg.parts.is_empty() {
        w.part(msg, 0, 0);
    }
    let mut body = w.body;
    body.text = body
        .segments
        .iter()
        .filter_map(|s| match s {
            Segment::Text(t) => Some(t.as_str()),
            Segment::Attachment(_) | Segment::TextAttachment { .. } => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    body.attachments = body
        .segments
        .iter()
        .filter_map(|s| match s {
            Segment::Attachment(a) | Segment::TextAttachment { marker: a, .. } => Some(a.clone()),
            Segment::Text(_) => None,
        })
        .collect();
    body
}

struct Walker {
    opts: ExtractOptions,
    body: Body,
    /// Index of the first segment of the message being walked (a forwarded
    /// message starts its own scope: its HTML is converted when it has no
    /// plain text of its own).
    scope_start: usize,
    /// Every MIME boundary declared in the message, to cut a text part of a
    /// malformed message where the next part starts.
    boundaries: Vec<String>,
}

/// All `boundary=` parameters of all Content-Type headers (every copy).
fn collect_boundaries(msg: &Message, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for p in &msg.parts {
        for h in &p.headers {
            if let Some(b) = h.value.as_content_type().and_then(|ct| ct.attribute("boundary")) {
                if !b.is_empty() && !out.iter().any(|x| x == b) {
                    out.push(b.to_string());
                }
            }
        }
        if let PartType::Message(m) = &p.body {
            collect_boundaries(m, out, depth + 1);
        }
    }
}

/// `(type, subtype)` lower-cased; text/plain when there is no Content-Type.
fn mime_type(part: &MessagePart) -> (String, String) {
    match part.content_type() {
        Some(ct) => (
            ct.ctype().trim().to_ascii_lowercase(),
            ct.subtype().unwrap_or("").trim().to_ascii_lowercase(),
        ),
        None => ("text".into(), "plain".into()),
    }
}

fn is_attachment(part: &MessagePart) -> bool {
    part.content_disposition()
        .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"))
}

/// Signatures and public keys: never quoted, never marked.
fn is_signature_or_key(ctype: &str, sub: &str) -> bool {
    ctype == "application"
        && matches!(
            sub,
            "pgp-signature" | "pkcs7-signature" | "x-pkcs7-signature" | "pgp-keys"
        )
}

/// Text subtypes that are quoted like text/plain (patches sent inline).
fn is_patch_type(sub: &str) -> bool {
    matches!(sub, "x-patch" | "x-diff" | "patch" | "diff")
}

impl Walker {
    /// The current message already has quoted text.
    fn has_text(&self) -> bool {
        self.body.segments[self.scope_start.min(self.body.segments.len())..]
            .iter()
            .any(|s| matches!(s, Segment::Text(_)))
    }

    fn push_text(&mut self, text: String) {
        if text.trim().is_empty() {
            return;
        }
        let mut text = text;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        self.body.segments.push(Segment::Text(text));
    }

    fn mark(&mut self, msg: &Message, part: &MessagePart) {
        let marker = describe_attachment(msg, part);
        let (ctype, sub) = mime_type(part);
        if is_signature_or_key(&ctype, &sub) {
            self.note(&format!(
                "{marker} left out of the quote (a signature or key is not content)"
            ));
            return;
        }
        self.body.segments.push(Segment::Attachment(marker));
    }

    fn part(&mut self, msg: &Message, id: usize, depth: usize) {
        let Some(part) = msg.parts.get(id) else { return };
        let (ctype, sub) = mime_type(part);
        if ctype == "multipart" && !matches!(&part.body, PartType::Multipart(c) if !c.is_empty()) {
            self.broken_multipart(msg, part, &sub);
            return;
        }
        match &part.body {
            PartType::Multipart(children) => {
                let children: Vec<usize> = children.iter().map(|&c| c as usize).collect();
                self.multipart(msg, &sub, &children, depth);
            }
            PartType::Message(nested) => {
                if depth >= MAX_DEPTH {
                    self.mark(msg, part);
                } else {
                    self.forwarded(nested, depth + 1);
                }
            }
            PartType::Text(_) | PartType::Html(_) => self.text_part(msg, id, part, &ctype, &sub),
            PartType::Binary(_) | PartType::InlineBinary(_) => {
                if ctype == "application" && matches!(sub.as_str(), "pkcs7-mime" | "x-pkcs7-mime") && depth < MAX_DEPTH
                {
                    // S/MIME opaque signed: the signed entity is inside the CMS blob.
                    if self.smime_signed(msg, part, depth) {
                        return;
                    }
                }
                self.mark(msg, part);
            }
        }
    }

    /// A multipart/`sub` with these parts.
    fn multipart(&mut self, msg: &Message, sub: &str, children: &[usize], depth: usize) {
        match sub {
            "alternative" => self.alternative(msg, children, depth),
            "signed" => {
                // The signed content, then the signature part(s) as markers.
                for (i, &c) in children.iter().enumerate() {
                    if i == 0 {
                        self.part(msg, c, depth);
                    } else if let Some(p) = msg.parts.get(c) {
                        self.mark(msg, p);
                    }
                }
            }
            _ => {
                for &c in children {
                    self.part(msg, c, depth);
                }
            }
        }
    }

    /// multipart/alternative: one branch (see [`choose_alternative`]).
    fn alternative(&mut self, msg: &Message, children: &[usize], depth: usize) {
        let Some(pick) = choose_alternative(msg, children) else {
            return;
        };
        let before = self.body.segments.len();
        self.part(msg, pick, depth);
        // An empty plain text alternative (Outlook sends them): take the
        // next branch instead.
        if !self.body.segments[before..]
            .iter()
            .any(|s| matches!(s, Segment::Text(_)))
        {
            let rest: Vec<usize> = children.iter().copied().filter(|&c| c != pick).collect();
            if let Some(next) = choose_alternative(msg, &rest).filter(|_| !rest.is_empty()) {
                self.body.segments.truncate(before);
                self.part(msg, next, depth);
            }
        }
    }

    /// A text part (`ctype`/`sub`): quoted, converted from HTML, marked, or
    /// quoted as an attachment.
    fn text_part(&mut self, msg: &Message, id: usize, part: &MessagePart, ctype: &str, sub: &str) {
        let is_text = ctype == "text";
        let plain = is_text && (sub == "plain" || sub.is_empty() || is_patch_type(sub));
        let html = is_text && sub == "html";
        if is_attachment(part) && id != 0 {
            if plain && (self.opts.text_attachments || (self.opts.patch_attachments && is_patch_type(sub))) {
                let marker = describe_attachment(msg, part);
                let text = self.decode_text(msg, part);
                let mut text = self.cut_at_boundary(text);
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                self.body.segments.push(Segment::TextAttachment { marker, text });
            } else {
                self.mark(msg, part);
            }
        } else if plain {
            let text = self.decode_text(msg, part);
            let text = self.cut_at_boundary(text);
            self.plain_text(text, sub == "plain");
        } else if html && !self.has_text() {
            let text = self.decode_text(msg, part);
            let converted = html_to_text(&text);
            if !converted.trim().is_empty() {
                self.body.from_html = true;
                self.note("the message has no plain text: its HTML part was converted to text");
            }
            self.push_text(converted);
        } else {
            self.mark(msg, part);
        }
    }

    /// The decoded text of a plain text (or patch) part: a list footer is
    /// left out, HTML converted, an inline PGP signature cut.
    fn plain_text(&mut self, text: String, text_plain: bool) {
        if text_plain && self.has_text() && looks_like_list_footer(&text) {
            self.note("a mailing list footer part was left out of the quote");
        } else if text_plain && looks_like_html(&text) {
            self.note("a text/plain part holds HTML: it was converted to text");
            self.push_text(html_to_text(&text));
        } else if let Some((signed, sig_len)) = strip_inline_pgp(&text) {
            self.note(&format!(
                "inline PGP: the signed text is quoted (signature not verified), its {} signature left out",
                crate::text::human_size(sig_len as u64)
            ));
            self.push_text(signed);
        } else {
            self.push_text(text);
        }
    }

    /// S/MIME opaque signed-data: the signed content, walked as a message.
    /// False when the blob is not signed-data that parses.
    fn smime_signed(&mut self, msg: &Message, part: &MessagePart, depth: usize) -> bool {
        let Some(inner) = smime_signed_content(part.contents()) else {
            return false;
        };
        let Some(m) = mail_parser::MessageParser::default().parse(&inner[..]) else {
            return false;
        };
        self.note(&format!(
            "S/MIME signed-data: the signed content is quoted (signature not verified), {} left out",
            describe_attachment(msg, part)
        ));
        self.part(&m, 0, depth + 1);
        true
    }

    /// A multipart without parts: no boundary parameter, or a boundary that
    /// never occurs. Its body is quoted as text, undecoded, as neomutt
    /// shows it (the nested part headers and boundary lines included).
    fn broken_multipart(&mut self, msg: &Message, part: &MessagePart, sub: &str) {
        let why = match part.content_type().and_then(|ct| ct.attribute("boundary")) {
            None => "has no boundary parameter".to_string(),
            Some(b) => format!("never uses its boundary {:?}", crate::text::one_line(b)),
        };
        self.note(&format!(
            "malformed MIME: the multipart/{sub} part {why}: its body is quoted as undecoded text"
        ));
        let text = self.decode_text(msg, part);
        self.push_text(text);
    }

    /// A forwarded message: From, Date and Subject, then its own body.
    fn forwarded(&mut self, nested: &Message, depth: usize) {
        let mut head = String::from("-------- Forwarded Message --------\n");
        let text_of = |name: &str| {
            nested
                .parts
                .first()
                .and_then(|p| p.headers.iter().find(|h| h.name.as_str().eq_ignore_ascii_case(name)))
        };
        if let Some(h) = text_of("From") {
            let from = match h.value.as_address() {
                Some(a) => a
                    .iter()
                    .map(|a| match (a.name(), a.address()) {
                        (Some(n), Some(e)) => format!("{n} <{e}>"),
                        (None, Some(e)) => e.to_string(),
                        (Some(n), None) => n.to_string(),
                        (None, None) => String::new(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                None => raw_header(nested, h),
            };
            head.push_str(&format!("From: {}\n", one_line(&from)));
        }
        if let Some(h) = text_of("Date") {
            head.push_str(&format!("Date: {}\n", one_line(&raw_header(nested, h))));
        }
        if let Some(h) = text_of("Subject") {
            let s = match h.value.as_text() {
                Some(t) => t.to_string(),
                None => raw_header(nested, h),
            };
            head.push_str(&format!("Subject: {}\n", one_line(&s)));
        }
        self.body.segments.push(Segment::Text(head + "\n"));
        let before = self.body.segments.len();
        let outer_scope = std::mem::replace(&mut self.scope_start, before);
        if !nested.parts.is_empty() {
            self.part(nested, 0, depth);
        }
        self.scope_start = outer_scope;
        if self.body.segments.len() == before {
            self.body.segments.push(Segment::Text("(no text)\n".into()));
        }
    }

    /// A malformed message can leave the next part's boundary and headers
    /// inside a text part: the text ends at the first boundary line.
    fn cut_at_boundary(&mut self, text: String) -> String {
        if self.boundaries.is_empty() {
            return text;
        }
        let mut pos = 0;
        for line in text.split_inclusive('\n') {
            let l = line.trim_end();
            if let Some(rest) = l.strip_prefix("--") {
                let rest = rest.strip_suffix("--").unwrap_or(rest);
                if !rest.is_empty() && self.boundaries.iter().any(|b| b == rest || b.trim_end() == rest) {
                    self.note("a MIME boundary was found inside a text part (malformed message): the text ends there");
                    let mut t = text;
                    t.truncate(pos);
                    return t;
                }
            }
            pos += line.len();
        }
        text
    }

    fn note(&mut self, n: &str) {
        if !self.body.notes.iter().any(|x| x == n) {
            self.body.notes.push(n.to_string());
        }
    }

    /// The part's text, decoded from its raw bytes: transfer encoding,
    /// charset (with fallbacks), line endings, format=flowed.
    fn decode_text(&mut self, msg: &Message, part: &MessagePart) -> String {
        let bytes = part_bytes(msg, part);
        let label = part
            .content_type()
            .and_then(|ct| ct.attribute("charset"))
            .map(|s| s.to_string());
        let (text, note) = decode_charset(&bytes, label.as_deref());
        if let Some(n) = note {
            self.note(&n);
        }
        let mut text = normalize_newlines(&text);
        if let Some(ct) = part.content_type() {
            if ct
                .attribute("format")
                .is_some_and(|f| f.trim().eq_ignore_ascii_case("flowed"))
            {
                let delsp = ct
                    .attribute("delsp")
                    .is_some_and(|d| d.trim().eq_ignore_ascii_case("yes"));
                text = unflow(&text, delsp);
            }
        }
        text
    }
}

/// In multipart/alternative: the branch with a text/plain part, else the one
/// with HTML, else the first.
fn choose_alternative(msg: &Message, children: &[usize]) -> Option<usize> {
    fn contains(msg: &Message, id: usize, want: &str, depth: usize) -> bool {
        let Some(p) = msg.parts.get(id) else { return false };
        if depth > MAX_ALTERNATIVE_DEPTH {
            return false;
        }
        match &p.body {
            PartType::Multipart(c) => c.iter().any(|&c| contains(msg, c as usize, want, depth + 1)),
            PartType::Text(_) | PartType::Html(_) => {
                let (t, s) = mime_type(p);
                t == "text" && s == want && !is_attachment(p)
            }
            _ => false,
        }
    }
    children
        .iter()
        .copied()
        .find(|&c| contains(msg, c, "plain", 0))
        .or_else(|| children.iter().copied().find(|&c| contains(msg, c, "html", 0)))
        .or_else(|| children.first().copied())
}

fn raw_header(msg: &Message, h: &mail_parser::Header) -> String {
    let raw = &msg.raw_message[..];
    raw.get(h.offset_start as usize..h.offset_end as usize)
        .map(|b| String::from_utf8_lossy(b).trim().to_string())
        .unwrap_or_default()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The part's body after undoing the transfer encoding, from the raw bytes.
fn part_bytes(msg: &Message, part: &MessagePart) -> Vec<u8> {
    let raw = &msg.raw_message[..];
    let start = (part.offset_body as usize).min(raw.len());
    let end = (part.offset_end as usize).clamp(start, raw.len());
    let body = &raw[start..end];
    match part.encoding {
        Encoding::QuotedPrintable => qp_decode(body),
        Encoding::Base64 => base64_decode(body),
        Encoding::None => body.to_vec(),
    }
}

fn describe_attachment(msg: &Message, part: &MessagePart) -> String {
    let ctype = part
        .content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_string(),
        })
        .unwrap_or_else(|| "text/plain".to_string())
        .to_ascii_lowercase();
    // A type that is not MIME token characters is garbage (fuzzed mail).
    let valid = ctype.split_once('/').is_some_and(|(t, s)| {
        let token = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c));
        token(t) && token(s)
    });
    let ctype = if valid {
        ctype
    } else {
        "application/octet-stream".to_string()
    };
    let name = part
        .attachment_name()
        .map(|n| {
            if n.contains('\u{FFFD}') {
                raw_attachment_name(msg, part).unwrap_or_else(|| n.to_string())
            } else {
                n.to_string()
            }
        })
        .map(|n| crate::text::one_line(&n))
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "unnamed".to_string());
    let size = match &part.body {
        // The decoded size, not mail-parser's charset-converted text.
        PartType::Text(_) | PartType::Html(_) => part_bytes(msg, part).len(),
        _ => part.len(),
    };
    format!("{name} ({ctype}, {})", crate::text::human_size(size as u64))
}

/// A file name written with raw 8-bit bytes (no RFC 2231/2047), decoded
/// like an undeclared body: UTF-8 when valid, else windows-1252.
fn raw_attachment_name(msg: &Message, part: &MessagePart) -> Option<String> {
    for h in &part.headers {
        let n = h.name.as_str();
        if !(n.eq_ignore_ascii_case("Content-Disposition") || n.eq_ignore_ascii_case("Content-Type")) {
            continue;
        }
        let raw = msg.raw_message.get(h.offset_start as usize..h.offset_end as usize)?;
        let (value, _) = decode_charset(raw, None);
        let lower = value.to_ascii_lowercase();
        for key in ["filename=", "name="] {
            let mut from = 0;
            while let Some(i) = lower[from..].find(key) {
                let at = from + i;
                // Whole parameter names only (not "filename=" inside "xfilename=").
                let ok = at == 0 || matches!(lower.as_bytes()[at - 1], b';' | b' ' | b'\t' | b'\n');
                if ok {
                    let v = value[at + key.len()..].trim_start();
                    let v = match v.strip_prefix('"') {
                        Some(q) => q.split('"').next().unwrap_or(""),
                        None => v.split([';', '\r', '\n']).next().unwrap_or("").trim(),
                    };
                    if !v.is_empty() {
                        return Some(v.to_string());
                    }
                }
                from = at + key.len();
            }
        }
    }
    None
}

/// Inline PGP (RFC 4880 cleartext signature): the signed text without the
/// armor lines and dash-escaping, and the size of the signature block; None
/// when the text is not cleartext-signed.
fn strip_inline_pgp(text: &str) -> Option<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let begin = lines
        .iter()
        .position(|l| l.trim_end() == "-----BEGIN PGP SIGNED MESSAGE-----")?;
    let sig = begin
        + lines[begin..]
            .iter()
            .position(|l| l.trim_end() == "-----BEGIN PGP SIGNATURE-----")?;
    let end = sig
        + lines[sig..]
            .iter()
            .position(|l| l.trim_end() == "-----END PGP SIGNATURE-----")?;
    // Armor headers ("Hash: SHA256") up to the first empty line.
    let mut body_start = begin + 1;
    while body_start < sig && !lines[body_start].trim().is_empty() {
        body_start += 1;
    }
    let mut out = String::new();
    for l in lines[..begin].iter() {
        out.push_str(l);
        out.push('\n');
    }
    for l in &lines[(body_start + 1).min(sig)..sig] {
        out.push_str(l.strip_prefix("- ").unwrap_or(l));
        out.push('\n');
    }
    for l in &lines[end + 1..] {
        out.push_str(l);
        out.push('\n');
    }
    let sig_len = lines[sig..=end].iter().map(|l| l.len() + 1).sum();
    Some((out, sig_len))
}

/// A short last text part with a mailing list's subscription blurb.
fn looks_like_list_footer(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let lower = text.to_ascii_lowercase();
    !lines.is_empty()
        && lines.len() <= 8
        && (lower.contains("/listinfo") || lower.contains("mailing list") || lower.contains("unsubscribe"))
        && lines
            .iter()
            .any(|l| l.starts_with("___") || l.contains("://") || l.contains('@'))
}

/// text/plain that is really HTML (a broken sender), and not a patch.
fn looks_like_html(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if lower.contains("\ndiff ") || lower.contains("\n+++ ") || lower.contains("\n@@ ") || lower.starts_with("diff ") {
        return false;
    }
    let start = lower.trim_start();
    start.starts_with("<html") || start.starts_with("<!doctype html") || lower.matches("<br").count() >= 3
}

/// LF line endings: CRLF → LF, and CR alone → LF when the text has no LF
/// at all (old Mac mail). Other control characters a draft may not carry
/// (NUL, a CR inside a line, ESC...) are shown in caret notation (`^@`,
/// `^M`, `^[`), as an editor shows them; tab and form feed stay.
pub fn normalize_newlines(s: &str) -> String {
    let s = match memchr::memchr(b'\r', s.as_bytes()) {
        None => s.to_string(),
        Some(_) => {
            let s = s.replace("\r\n", "\n");
            if s.contains('\n') {
                s
            } else {
                s.replace('\r', "\n")
            }
        }
    };
    if !needs_cleaning(&s) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.char_indices() {
        match c {
            '\n' | '\t' | '\x0c' => out.push(c),
            // A byte-order mark at the start is not text.
            '\u{FEFF}' if i == 0 => {}
            '\r' if s[i + 1..].starts_with('\n') || i + 1 == s.len() => {}
            c if (c as u32) < 0x20 => {
                out.push('^');
                out.push(char::from(b'@' + c as u8));
            }
            '\x7f' => out.push_str("^?"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `s` has a character [`normalize_newlines`] changes: a control character
/// other than newline, tab and form feed, or U+FEFF. A byte scan: this runs
/// over every quoted text.
fn needs_cleaning(s: &str) -> bool {
    let b = s.as_bytes();
    let ascii_control = |c: u8| (c < 0x20 && !matches!(c, b'\n' | b'\t' | 0x0c)) || c == 0x7f;
    // No early exit inside a chunk: the compiler vectorises the fold.
    if b.chunks(64)
        .any(|ch| ch.iter().fold(false, |acc, &c| acc | ascii_control(c)))
    {
        return true;
    }
    // In UTF-8, C1 controls (U+0080..U+009F) are C2 80..C2 9F and U+FEFF is
    // EF BB BF; C2 and EF are always lead bytes.
    let mut at = 0;
    while let Some(i) = memchr::memchr2(0xC2, 0xEF, &b[at..]) {
        let i = at + i;
        let rest = &b[i + 1..];
        match b[i] {
            0xC2 if rest.first().is_some_and(|c| (0x80..=0x9F).contains(c)) => return true,
            0xEF if rest.starts_with(&[0xBB, 0xBF]) => return true,
            _ => {}
        }
        at = i + 1;
    }
    false
}

/// Minimal DER walk of an S/MIME `application/pkcs7-mime` blob: when it is
/// signed-data with the content inside (opaque signing), return that content
/// (a MIME entity). Enveloped (encrypted) data gives None.
pub fn smime_signed_content(der: &[u8]) -> Option<Vec<u8>> {
    const SEQUENCE: u8 = 0x30;
    const OID: u8 = 0x06;
    const EXPLICIT_0: u8 = 0xa0;
    const OCTET_STRING: u8 = 0x04;
    const SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
    // ContentInfo ::= SEQUENCE { contentType OID, [0] EXPLICIT content }
    let (ci, _) = der_tagged(der, SEQUENCE)?;
    let (oid, rest) = der_tagged(ci, OID)?;
    if oid != SIGNED_DATA {
        return None;
    }
    let (explicit, _) = der_tagged(rest, EXPLICIT_0)?;
    // SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo SEQUENCE, ... }
    let (sd, _) = der_tagged(explicit, SEQUENCE)?;
    let (_, _, rest) = der_tlv(sd)?; // version
    let (_, _, rest) = der_tlv(rest)?; // digestAlgorithms
    let (eci, _) = der_tagged(rest, SEQUENCE)?;
    let (_, _, rest) = der_tlv(eci)?; // eContentType
    let (explicit, _) = der_tagged(rest, EXPLICIT_0)?;
    // eContent OCTET STRING, possibly constructed (BER) — only the primitive form.
    let (content, _) = der_tagged(explicit, OCTET_STRING)?;
    Some(content.to_vec())
}

/// One DER element at the start of `d`: (tag, content, rest).
fn der_tlv(d: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *d.first()?;
    let first = *d.get(1)? as usize;
    let (len, hdr) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *d.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let content = d.get(hdr..hdr.checked_add(len)?)?;
    Some((tag, content, &d[hdr + len..]))
}

/// [`der_tlv`] of an element that must have this tag: (content, rest).
fn der_tagged(d: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (t, content, rest) = der_tlv(d)?;
    (t == tag).then_some((content, rest))
}

#[cfg(test)]
mod tests {
    use super::html::decode_entities;
    use super::*;

    #[test]
    fn unflow_joins_soft_breaks() {
        let t = "This is a long \nparagraph that \nwas flowed.\n\n> quoted \n> more\n-- \nsig\n";
        assert_eq!(
            unflow(t, false),
            "This is a long paragraph that was flowed.\n\n> quoted more\n-- \nsig\n"
        );
    }

    #[test]
    fn unflow_delsp_and_stuffing() {
        assert_eq!(unflow("abc \ndef\n From x\n", true), "abcdef\nFrom x\n");
    }

    #[test]
    fn qp_soft_breaks_and_bad_escapes() {
        assert_eq!(qp_decode(b"a=3Db=\r\nc=\nd =3d=ZZ="), b"a=bcd ==ZZ");
        assert_eq!(qp_decode(b"end=  \r\nx"), b"endx");
    }

    #[test]
    fn base64_with_crlf_inside_and_concatenated_blocks() {
        assert_eq!(base64_decode(b"aGVs\r\nbG8=\r\nIQ=="), b"hello!");
        assert_eq!(base64_decode(b"YQ"), b"a");
    }

    #[test]
    fn utf7_rfc2152_examples() {
        assert_eq!(utf7_decode(b"Hi Mom -+Jjo--!"), "Hi Mom -\u{263a}-!");
        assert_eq!(utf7_decode(b"A+ImIDkQ."), "A\u{2262}\u{391}.");
        assert_eq!(utf7_decode(b"1 +- 1"), "1 + 1");
        assert_eq!(utf7_decode(b"+ACo-right+ACo there"), "*right* there");
    }

    #[test]
    fn charset_fallbacks() {
        assert_eq!(decode_charset("é".as_bytes(), Some("y")).0, "é");
        assert!(decode_charset("é".as_bytes(), Some("y")).1.unwrap().contains("UTF-8"));
        assert_eq!(decode_charset(b"\xe9", Some("yes")).0, "é");
        assert!(decode_charset(b"\xe9", Some("X-UNKNOWN"))
            .1
            .unwrap()
            .contains("windows-1252"));
        assert_eq!(decode_charset(b"\xe9", None).0, "é");
        assert_eq!(decode_charset("é".as_bytes(), Some("utf8")).0, "é");
        assert_eq!(decode_charset(b"\xe9", Some("utf-8")).0, "é");
        assert_eq!(decode_charset("é".as_bytes(), Some("us-ascii")).0, "é");
        assert_eq!(decode_charset(b"\xa4", Some("iso-8859-15")).0, "€");
        assert_eq!(decode_charset(b"\xc1\xc2", Some("koi8-r")).0, "аб");
        assert_eq!(decode_charset(b"\x1b$B$3$s\x1b(B", None).0, "こん");
        assert_eq!(
            decode_charset(b"\x1b$B$3$s\x1b(B", Some("iso-2022-jp")),
            ("こん".to_string(), None)
        );
    }

    #[test]
    fn control_characters_in_caret_notation() {
        assert_eq!(
            normalize_newlines("a\r\nb\rc\0d\x1b[1m\te\x0c\r\n"),
            "a\nb^Mc^@d^[[1m\te\x0c\n"
        );
        assert_eq!(normalize_newlines("mac\rlines\r"), "mac\nlines\n");
        assert_eq!(normalize_newlines("\u{feff}bom"), "bom");
    }

    #[test]
    fn html_conversion() {
        let t = html_to_text(
            "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>\
             <p>Hello &amp; <b>welcome</b>, see <a href=\"https://example.org/x\">the page</a>.</p>\
             <blockquote><p>quoted</p><blockquote>older</blockquote></blockquote></body></html>",
        );
        assert!(!t.contains('<') || t.contains("<https://example.org/x>"), "{t}");
        assert!(
            t.contains("Hello & welcome, see the page <https://example.org/x>."),
            "{t}"
        );
        assert!(!t.contains("color") && !t.contains("alert"), "{t}");
        assert!(t.contains("> quoted") && t.contains(">> older"), "{t}");
    }

    #[test]
    fn inline_pgp_armor_is_removed() {
        let t = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nHello,\n- -- \nsig\n-----BEGIN PGP SIGNATURE-----\n\niQIz\n=abcd\n-----END PGP SIGNATURE-----\n";
        let (text, len) = strip_inline_pgp(t).unwrap();
        assert_eq!(text, "Hello,\n-- \nsig\n");
        assert_eq!(len, 70);
        assert!(strip_inline_pgp("no armor\n").is_none());
    }

    #[test]
    fn html_pre_blocks_stay_intact() {
        let long = "+static int has_attr_value(const char *line, const char *name, const char *value, int more)";
        let t = html_to_text(&format!(
            "<p>Patch:</p><PRE>\n{long}\n-\told(&amp;x, &lt;y&gt;);<br>+\t<b>new</b>();\n</PRE>\
             <blockquote><pre>quoted\tpre</pre></blockquote><table><tr><td>a</td><td>b</td></tr></table>"
        ));
        assert!(t.contains(&format!("\n{long}\n-\told(&x, <y>);\n+\tnew();\n")), "{t}");
        assert!(t.contains("> quoted\tpre\n"), "{t}");
        assert!(!t.contains('─') && !t.contains('│'), "no table borders: {t}");
        assert_eq!(decode_entities("a&amp;b &#x41;&#66; &bogus; & c"), "a&b AB &bogus; & c");
    }
}
