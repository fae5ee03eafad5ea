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
//! summary plus their own text. Every other part (attachments, signatures,
//! images, binary data) becomes one marker line.

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
}

/// Forwarded messages nested deeper than this are only marked.
const MAX_DEPTH: usize = 8;

/// Width HTML is wrapped to: quoted with `> ` it stays within 78 columns.
const HTML_WIDTH: usize = 76;

pub fn extract(msg: &Message) -> Body {
    let mut w = Walker {
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
            Segment::Attachment(_) => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    body.attachments = body
        .segments
        .iter()
        .filter_map(|s| match s {
            Segment::Attachment(a) => Some(a.clone()),
            Segment::Text(_) => None,
        })
        .collect();
    body
}

struct Walker {
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
        self.body
            .segments
            .push(Segment::Attachment(describe_attachment(msg, part)));
    }

    fn part(&mut self, msg: &Message, id: usize, depth: usize) {
        let Some(part) = msg.parts.get(id) else { return };
        let (ctype, sub) = mime_type(part);
        match &part.body {
            PartType::Multipart(children) => {
                let children: Vec<usize> = children.iter().map(|&c| c as usize).collect();
                match sub.as_str() {
                    "alternative" => {
                        if let Some(pick) = choose_alternative(msg, &children) {
                            let before = self.body.segments.len();
                            self.part(msg, pick, depth);
                            // An empty plain text alternative (Outlook sends
                            // them): take the next branch instead.
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
                    }
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
                        for c in children {
                            self.part(msg, c, depth);
                        }
                    }
                }
            }
            PartType::Message(nested) => {
                if depth >= MAX_DEPTH {
                    self.mark(msg, part);
                } else {
                    self.forwarded(nested, depth + 1);
                }
            }
            PartType::Text(_) | PartType::Html(_) => {
                let is_text = ctype == "text";
                let plain = is_text && (sub == "plain" || sub.is_empty() || is_patch_type(&sub));
                let html = is_text && sub == "html";
                if is_attachment(part) && id != 0 {
                    self.mark(msg, part);
                } else if plain {
                    let text = self.decode_text(msg, part);
                    let text = self.cut_at_boundary(text);
                    if sub == "plain" && self.has_text() && looks_like_list_footer(&text) {
                        self.note("a mailing list footer part was left out of the quote");
                    } else if sub == "plain" && looks_like_html(&text) {
                        self.note("a text/plain part holds HTML: it was converted to text");
                        self.push_text(html_to_text(&text));
                    } else if let Some((signed, sig_len)) = strip_inline_pgp(&text) {
                        self.note("inline PGP: the signed text is quoted (signature not verified)");
                        self.push_text(signed);
                        let marker = format!("signature (application/pgp-signature, {})", human_size(sig_len));
                        self.body.segments.push(Segment::Attachment(marker));
                    } else {
                        self.push_text(text);
                    }
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
            PartType::Binary(_) | PartType::InlineBinary(_) => {
                if ctype == "application" && matches!(sub.as_str(), "pkcs7-mime" | "x-pkcs7-mime") && depth < MAX_DEPTH
                {
                    // S/MIME opaque signed: the signed entity is inside the CMS blob.
                    if let Some(inner) = smime_signed_content(part.contents()) {
                        if let Some(m) = mail_parser::MessageParser::default().parse(&inner[..]) {
                            self.note("S/MIME signed-data: quoting the signed content (signature not verified)");
                            self.part(&m, 0, depth + 1);
                            self.mark(msg, part);
                            return;
                        }
                    }
                }
                self.mark(msg, part);
            }
        }
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
        if depth > 16 {
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

/// Quoted-printable, leniently: `=XX` (either case), soft line breaks
/// (`=` then optional blanks then a newline, or `=` at the very end), and
/// any other `=` kept as it is.
pub fn qp_decode(data: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if b != b'=' {
            out.push(b);
            i += 1;
            continue;
        }
        if let (Some(h), Some(l)) = (
            data.get(i + 1).and_then(|&c| hex(c)),
            data.get(i + 2).and_then(|&c| hex(c)),
        ) {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        // Soft line break: `=` [blanks] (CRLF | LF | end).
        let mut j = i + 1;
        while j < data.len() && (data[j] == b' ' || data[j] == b'\t') {
            j += 1;
        }
        if j >= data.len() {
            i = j;
        } else if data[j] == b'\n' {
            i = j + 1;
        } else if data[j] == b'\r' && data.get(j + 1) == Some(&b'\n') {
            i = j + 2;
        } else if data[j] == b'\r' && j + 1 == data.len() {
            i = j + 1;
        } else {
            out.push(b'=');
            i += 1;
        }
    }
    out
}

/// Base64, leniently: characters outside the alphabet (line breaks, spaces)
/// are skipped, `=` padding ends a group, and decoding goes on after it (some
/// senders concatenate encoded blocks).
pub fn base64_decode(data: &[u8]) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let mut acc = 0u32;
    let mut n = 0;
    for &c in data {
        if c == b'=' {
            // Padding: flush what the group holds.
            match n {
                2 => out.push((acc >> 4) as u8),
                3 => {
                    out.push((acc >> 10) as u8);
                    out.push((acc >> 2) as u8);
                }
                _ => {}
            }
            acc = 0;
            n = 0;
            continue;
        }
        let Some(v) = val(c) else { continue };
        acc = (acc << 6) | v;
        n += 1;
        if n == 4 {
            out.push((acc >> 16) as u8);
            out.push((acc >> 8) as u8);
            out.push(acc as u8);
            acc = 0;
            n = 0;
        }
    }
    match n {
        2 => out.push((acc >> 4) as u8),
        3 => {
            out.push((acc >> 10) as u8);
            out.push((acc >> 2) as u8);
        }
        _ => {}
    }
    out
}

/// Decode `bytes` declared as `label` (the charset parameter, if any).
/// Returns the text and, when a guess was made, a note saying which.
///
/// * no label: UTF-8 when valid, ISO-2022-JP when it has its escapes,
///   else windows-1252;
/// * a label encoding_rs knows: that encoding, except that text declared
///   ASCII or a single-byte charset that is valid non-ASCII UTF-8 is read
///   as UTF-8 (mislabelled by the sender), and invalid "UTF-8" with no valid
///   multi-byte sequence at all is read as windows-1252;
/// * UTF-7: our own decoder;
/// * a bogus label (`y`, `yes`, `true`, `X-UNKNOWN`, `unknown-8bit`...): UTF-8
///   when valid, else windows-1252.
pub fn decode_charset(bytes: &[u8], label: Option<&str>) -> (String, Option<String>) {
    let label = label
        .map(|l| l.trim().trim_matches(|c| c == '"' || c == '\'').trim())
        .filter(|l| !l.is_empty());
    let utf8 = std::str::from_utf8(bytes).ok();
    let Some(label) = label else {
        if looks_like_iso_2022_jp(bytes) {
            let (t, _, _) = encoding_rs::ISO_2022_JP.decode(bytes);
            return (
                t.into_owned(),
                Some("no charset declared: decoded as ISO-2022-JP (it has its escapes)".into()),
            );
        }
        if let Some(s) = utf8 {
            return (s.to_string(), None);
        }
        let (t, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
        return (
            t.into_owned(),
            Some("no charset declared and not UTF-8: decoded as windows-1252".into()),
        );
    };
    let lower = label.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "utf-7" | "utf7" | "unicode-1-1-utf-7" | "csunicode11utf7" | "x-utf-7"
    ) {
        return (utf7_decode(bytes), None);
    }
    let known = encoding_rs::Encoding::for_label(label.as_bytes()).filter(|e| *e != encoding_rs::REPLACEMENT);
    match known {
        None => fallback(bytes, utf8, &format!("unknown charset \"{label}\"")),
        Some(enc) if enc == encoding_rs::UTF_8 => {
            let nonstandard = lower != "utf-8";
            match utf8 {
                Some(s) => {
                    let note = (nonstandard && lower != "unicode-1-1-utf-8" && lower != "x-unicode20utf8")
                        .then(|| format!("non-standard charset label \"{label}\": decoded as UTF-8"));
                    (s.to_string(), note)
                }
                None if !has_utf8_multibyte(bytes) => {
                    let (t, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
                    (
                        t.into_owned(),
                        Some(format!("declared \"{label}\" but not UTF-8: decoded as windows-1252")),
                    )
                }
                None => {
                    let (t, _, _) = encoding_rs::UTF_8.decode(bytes);
                    (
                        t.into_owned(),
                        Some(format!(
                            "declared \"{label}\" but has invalid UTF-8 bytes (shown as U+FFFD)"
                        )),
                    )
                }
            }
        }
        Some(enc) => {
            if enc.is_single_byte() || lower.contains("ascii") {
                if let Some(s) = utf8.filter(|_| has_utf8_multibyte(bytes)) {
                    return (
                        s.to_string(),
                        Some(format!("declared \"{label}\" but is UTF-8: decoded as UTF-8")),
                    );
                }
            }
            let (t, used, errors) = enc.decode(bytes);
            let note = if errors {
                Some(format!("invalid bytes for charset \"{label}\" (shown as U+FFFD)"))
            } else if used != enc {
                Some(format!(
                    "declared \"{label}\" but a byte-order mark says {}",
                    used.name()
                ))
            } else {
                None
            };
            (t.into_owned(), note)
        }
    }
}

fn fallback(bytes: &[u8], utf8: Option<&str>, why: &str) -> (String, Option<String>) {
    match utf8 {
        Some(s) => (s.to_string(), Some(format!("{why}: decoded as UTF-8"))),
        None => {
            let (t, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (
                t.into_owned(),
                Some(format!("{why}: not UTF-8, decoded as windows-1252")),
            )
        }
    }
}

fn has_utf8_multibyte(bytes: &[u8]) -> bool {
    // Any lead byte followed by a continuation byte.
    bytes
        .windows(2)
        .any(|w| (0xC2..=0xF4).contains(&w[0]) && (0x80..=0xBF).contains(&w[1]))
}

fn looks_like_iso_2022_jp(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b < 0x80)
        && (memchr::memmem::find(bytes, b"\x1b$B").is_some() || memchr::memmem::find(bytes, b"\x1b$@").is_some())
}

/// RFC 2152 UTF-7: `+` starts modified base64 (UTF-16 code units), ended by
/// any character outside the alphabet; a `-` right after it is absorbed;
/// `+-` is a plus sign.
pub fn utf7_decode(bytes: &[u8]) -> String {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = String::with_capacity(bytes.len());
    let mut units: Vec<u16> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b != b'+' {
            // Bytes above 0x7f are not UTF-7; keep them as Latin-1 rather than lose them.
            out.push(b as char);
            i += 1;
            continue;
        }
        i += 1;
        if bytes.get(i) == Some(&b'-') {
            out.push('+');
            i += 1;
            continue;
        }
        let mut acc = 0u32;
        let mut bits = 0;
        units.clear();
        while i < bytes.len() {
            let Some(v) = val(bytes[i]) else { break };
            acc = (acc << 6) | v;
            bits += 6;
            if bits >= 16 {
                bits -= 16;
                units.push((acc >> bits) as u16);
                acc &= (1 << bits) - 1;
            }
            i += 1;
        }
        out.extend(char::decode_utf16(units.iter().copied()).map(|r| r.unwrap_or('\u{FFFD}')));
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
    }
    out
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
        .map(|n| {
            n.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect::<String>()
        })
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "unnamed".to_string());
    let size = match &part.body {
        // The decoded size, not mail-parser's charset-converted text.
        PartType::Text(_) | PartType::Html(_) => part_bytes(msg, part).len(),
        _ => part.len(),
    };
    format!("{name} ({ctype}, {})", human_size(size))
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

fn human_size(n: usize) -> String {
    if n < 1024 {
        format!("{n} bytes")
    } else if n < 1024 * 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
    }
}

/// LF line endings: CRLF → LF, and CR alone → LF when the text has no LF
/// at all (old Mac mail). Other control characters a draft may not carry
/// (NUL, a CR inside a line, ESC...) are shown in caret notation (`^@`,
/// `^M`, `^[`), as an editor shows them; tab and form feed stay.
pub fn normalize_newlines(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    let s = if s.contains('\n') { s } else { s.replace('\r', "\n") };
    if !s
        .chars()
        .any(|c| (c.is_control() && !matches!(c, '\n' | '\t' | '\x0c')) || c == '\u{FEFF}')
    {
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

/// HTML to readable plain text: no tags, no CSS or script text, entities
/// decoded, links kept as `text <URL>`, block quotes as `>` lines.
pub fn html_to_text(html: &str) -> String {
    // <pre> blocks (a patch pasted into HTML mail) are kept exactly: taken
    // out before the conversion, which would wrap them and expand tabs.
    let (html, pre) = extract_pre(html);
    let rendered = html2text::config::with_decorator(MailDecorator::default())
        .raw_mode(true)
        .no_link_wrapping()
        .allow_width_overflow()
        .string_from_read(html.as_bytes(), HTML_WIDTH)
        .unwrap_or_else(|_| mail_parser::decoders::html::html_to_text(&html));
    let mut out = String::with_capacity(rendered.len());
    for line in rendered.lines() {
        let line = tidy_html_line(line);
        let (depth, rest) = (
            line.bytes().take_while(|&b| b == b'>').count(),
            line.trim_start_matches('>').trim(),
        );
        let block = rest
            .strip_prefix("KSREPLYPRE")
            .and_then(|r| r.strip_suffix('X'))
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| pre.get(n));
        match block {
            Some(b) => {
                for l in b.lines() {
                    if depth > 0 {
                        out.push_str(&">".repeat(depth));
                        if !l.is_empty() {
                            out.push(' ');
                        }
                    }
                    out.push_str(l.trim_end());
                    out.push('\n');
                }
            }
            None => {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    // No runs of blank lines.
    let mut tidy = String::with_capacity(out.len());
    let mut blank = 0;
    for line in out.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
            tidy.push('\n');
        } else {
            blank = 0;
            tidy.push_str(line);
            tidy.push('\n');
        }
    }
    tidy
}

/// Take the `<pre>` blocks out of `html`, leaving a `KSREPLYPREnX`
/// paragraph for block n; the blocks as text (tags dropped, entities
/// decoded, tabs and long lines kept).
fn extract_pre(html: &str) -> (String, Vec<String>) {
    let lower = html.to_ascii_lowercase(); // same byte offsets
    let mut out = String::with_capacity(html.len());
    let mut blocks = Vec::new();
    let mut i = 0;
    while let Some(rel) = lower[i..].find("<pre") {
        let start = i + rel;
        let after = start + 4;
        if !matches!(lower.as_bytes().get(after), Some(b'>' | b' ' | b'\t' | b'\n' | b'\r')) {
            out.push_str(&html[i..after]);
            i = after;
            continue;
        }
        let Some(gt) = lower[after..].find('>') else { break };
        let content_start = after + gt + 1;
        let Some(end_rel) = lower[content_start..].find("</pre") else {
            break;
        };
        let content_end = content_start + end_rel;
        let close_end = lower[content_end..]
            .find('>')
            .map(|g| content_end + g + 1)
            .unwrap_or(lower.len());
        out.push_str(&html[i..start]);
        out.push_str(&format!("<p>KSREPLYPRE{}X</p>", blocks.len()));
        blocks.push(pre_text(&html[content_start..content_end]));
        i = close_end;
    }
    out.push_str(&html[i..]);
    (out, blocks)
}

/// The text of a `<pre>` block: `<br>` is a line break, other tags go,
/// entities are decoded; a newline right after `<pre>` is not content.
fn pre_text(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner
        .strip_prefix("\r\n")
        .or_else(|| inner.strip_prefix('\n'))
        .unwrap_or(inner);
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        let Some(gt) = rest[lt..].find('>') else {
            out.push_str(&decode_entities(&rest[lt..]));
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim().to_ascii_lowercase();
        if tag == "br" || tag.starts_with("br ") || tag.starts_with("br/") {
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(&decode_entities(rest));
    out.replace("\r\n", "\n")
}

/// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&nbsp;` and numeric references.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `> > x` (html2text's nested block quotes) → `>> x`; `URL <URL>` → `URL`;
/// trailing blanks and non-breaking spaces.
fn tidy_html_line(line: &str) -> String {
    let line = line.replace('\u{a0}', " ");
    let mut depth = 0;
    let mut rest = line.as_str();
    while let Some(r) = rest
        .strip_prefix("> ")
        .or_else(|| if rest == ">" { Some("") } else { None })
    {
        depth += 1;
        rest = r;
    }
    let mut s = String::new();
    if depth > 0 {
        s.push_str(&">".repeat(depth));
        if !rest.is_empty() {
            s.push(' ');
        }
    }
    s.push_str(&dedupe_links(rest));
    s.trim_end().to_string()
}

/// `X <X>` (a link whose text is its URL) → `X`; `a@b <mailto:a@b>` → `a@b`.
fn dedupe_links(s: &str) -> String {
    let mut out = s.to_string();
    let mut from = 0;
    while let Some(rel) = out[from..].find(" <") {
        let open = from + rel;
        let Some(close_rel) = out[open + 2..].find('>') else {
            break;
        };
        let close = open + 2 + close_rel;
        let url = out[open + 2..close].to_string();
        let target = url.strip_prefix("mailto:").unwrap_or(&url);
        let before = &out[..open];
        if before.ends_with(target) || before.ends_with(url.as_str()) {
            out.replace_range(open..=close, "");
            from = open;
        } else if url.starts_with("mailto:") {
            out.replace_range(open + 2..open + 2 + "mailto:".len(), "");
            from = open + 2;
        } else {
            from = close;
        }
    }
    out
}

/// html2text decorator for mail: plain text, links as `text <URL>`.
#[derive(Clone, Debug, Default)]
struct MailDecorator {
    links: Vec<String>,
}

impl html2text::render::TextDecorator for MailDecorator {
    type Annotation = ();

    fn decorate_link_start(&mut self, url: &str) -> (String, ()) {
        self.links.push(url.to_string());
        (String::new(), ())
    }
    fn decorate_link_end(&mut self) -> String {
        match self.links.pop() {
            Some(url) if url.starts_with("http") || url.starts_with("mailto:") || url.starts_with("ftp") => {
                format!(" <{url}>")
            }
            _ => String::new(),
        }
    }
    fn decorate_em_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_em_end(&self) -> String {
        String::new()
    }
    fn decorate_strong_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_strong_end(&self) -> String {
        String::new()
    }
    fn decorate_strikeout_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_strikeout_end(&self) -> String {
        String::new()
    }
    fn decorate_code_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_code_end(&self) -> String {
        String::new()
    }
    fn decorate_preformat_first(&self) {}
    fn decorate_preformat_cont(&self) {}
    fn decorate_image(&mut self, _src: &str, title: &str) -> (String, ()) {
        let t = title.trim().to_ascii_lowercase();
        let file_name = [".png", ".gif", ".jpg", ".jpeg", ".bmp", ".webp"]
            .iter()
            .any(|e| t.ends_with(e));
        if t.is_empty() || file_name {
            (String::new(), ())
        } else {
            (format!("[{}]", title.trim()), ())
        }
    }
    fn header_prefix(&self, _level: usize) -> String {
        String::new()
    }
    fn quote_prefix(&self) -> String {
        "> ".to_string()
    }
    fn unordered_item_prefix(&self) -> String {
        "- ".to_string()
    }
    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }
    fn make_subblock_decorator(&self) -> Self {
        MailDecorator::default()
    }
    fn finalise(&mut self, _urls: Vec<String>) -> Vec<html2text::render::TaggedLine<()>> {
        Vec::new()
    }
}

/// Minimal DER walk of an S/MIME `application/pkcs7-mime` blob: when it is
/// signed-data with the content inside (opaque signing), return that content
/// (a MIME entity). Enveloped (encrypted) data gives None.
pub fn smime_signed_content(der: &[u8]) -> Option<Vec<u8>> {
    // (tag, content, rest)
    fn tlv(d: &[u8]) -> Option<(u8, &[u8], &[u8])> {
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
    const SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
    // ContentInfo ::= SEQUENCE { contentType OID, [0] EXPLICIT content }
    let (t, ci, _) = tlv(der)?;
    if t != 0x30 {
        return None;
    }
    let (t, oid, rest) = tlv(ci)?;
    if t != 0x06 || oid != SIGNED_DATA {
        return None;
    }
    let (t, explicit, _) = tlv(rest)?;
    if t != 0xa0 {
        return None;
    }
    // SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo SEQUENCE, ... }
    let (t, sd, _) = tlv(explicit)?;
    if t != 0x30 {
        return None;
    }
    let (_, _, rest) = tlv(sd)?; // version
    let (_, _, rest) = tlv(rest)?; // digestAlgorithms
    let (t, eci, _) = tlv(rest)?;
    if t != 0x30 {
        return None;
    }
    let (_, _, rest) = tlv(eci)?; // eContentType
    let (t, explicit, _) = tlv(rest)?;
    if t != 0xa0 {
        return None;
    }
    // eContent OCTET STRING, possibly constructed (BER) — only the primitive form.
    let (t, content, _) = tlv(explicit)?;
    if t != 0x04 {
        return None;
    }
    Some(content.to_vec())
}

/// Undo RFC 3676 format=flowed: a line ending in a space continues on the
/// next line of the same quote depth; a leading space was added by
/// space-stuffing; `-- ` (the signature separator) is never flowed.
pub fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut para: Option<(usize, String)> = None; // (quote depth, text so far)
    for line in text.split('\n') {
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let mut content = &line[depth..];
        if content.starts_with(' ') {
            content = &content[1..];
        }
        let is_sig = content == "-- ";
        let soft = content.ends_with(' ') && !is_sig;
        let piece = if soft && delsp {
            &content[..content.len() - 1]
        } else {
            content
        };

        match &mut para {
            Some((d, acc)) if *d == depth => acc.push_str(piece),
            Some(_) => {
                let (d, acc) = para.take().unwrap();
                push_line(&mut out, d, &acc);
                para = Some((depth, piece.to_string()));
            }
            None => para = Some((depth, piece.to_string())),
        }
        if !soft {
            let (d, acc) = para.take().unwrap();
            push_line(&mut out, d, &acc);
        }
    }
    if let Some((d, acc)) = para {
        push_line(&mut out, d, &acc);
    }
    // split('\n') sees an empty last piece after a final newline.
    if (text.ends_with('\n') && out.ends_with("\n\n")) || (!text.ends_with('\n') && out.ends_with('\n')) {
        out.pop();
    }
    out
}

fn push_line(out: &mut String, depth: usize, text: &str) {
    for _ in 0..depth {
        out.push('>');
    }
    if depth > 0 && !text.is_empty() {
        out.push(' ');
    }
    out.push_str(text);
    out.push('\n');
}

#[cfg(test)]
mod tests {
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
