//! Turning input bytes into a [`Mail`]: the facts about one message that the
//! reply engine needs, owned and already decoded, so the engine stays pure.

pub mod address;
pub mod body;
pub mod mbox;
pub mod msgid;
pub mod prune;
pub mod series;
pub mod thread;

use crate::error::{Error, Result};
use address::Addr;
use mail_parser::{HeaderName, HeaderValue, MessageParser};

/// Date and time as written in the message, in the sender's own zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailDate {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Offset east of UTC in minutes.
    pub offset_minutes: i16,
    /// The zone was written `-0000` (RFC 5322: the local zone is unknown);
    /// it is printed as written.
    pub unknown_zone: bool,
    /// 0 = Sunday.
    pub weekday: u8,
}

#[derive(Debug, Clone, Default)]
pub struct Mail {
    /// Addresses of the first From, Reply-To and Mail-Followup-To header.
    pub from: Vec<Addr>,
    /// Addresses of every To and Cc header, in header order (a message may
    /// repeat them, as mutt and notmuch read it).
    pub to: Vec<Addr>,
    pub cc: Vec<Addr>,
    /// The first To and the first Cc header alone, as public-inbox reads them.
    pub first_to: Vec<Addr>,
    pub first_cc: Vec<Addr>,
    pub reply_to: Vec<Addr>,
    pub mail_followup_to: Vec<Addr>,
    /// The author when a list rewrote From (Google Groups: `'Name' via list`).
    pub x_original_from: Vec<Addr>,
    /// The list's posting address (`List-Post: <mailto:ADDRESS>`).
    pub list_post: Option<String>,
    /// The display name of a From without address (`MAILER-DAEMON <>`), for
    /// the attribution line.
    pub from_name: Option<String>,
    /// Decoded (RFC 2047) and unfolded.
    pub subject: Option<String>,
    /// As found (without brackets), not yet validated.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub date: Option<MailDate>,
    /// The text to quote, already decoded; see [`body`].
    pub body: body::Body,
}

/// Parse one raw message (not an mbox; see [`mbox`]).
///
/// mail-parser can panic on malformed input; such a panic is caught here,
/// at the boundary, so a bad message never takes the program down (and,
/// with [`install_panic_hook`], prints nothing). The headers alone are
/// then parsed, so the reply still has its recipients and threading; the
/// body is not quoted (a note says so with `-v`).
///
/// Known upstream panic (found by tests/fuzz.rs; regression case
/// `nested_rfc822_in_multipart` there), reported here as one would report
/// it to stalwartlabs/mail-parser:
///
/// > mail-parser 0.11.9, `src/parsers/message.rs:485`:
/// > `debug_assert!(false, "Invalid part ID, could not find multipart.")`
/// > fires on a multipart whose part is a message/rfc822 that directly
/// > holds another message/rfc822, followed by the multipart's close
/// > delimiter:
/// >
/// > ```text
/// > Content-Type: multipart/mixed; boundary="a"
/// >
/// > --a
/// > Content-Type: message/rfc822
/// >
/// > Subject: inner
/// > Content-Type: message/rfc822
/// >
/// > Subject: inner2
/// >
/// > hello
/// > --a--
/// > ```
/// >
/// > Debug builds only: release builds skip the assertion and return both
/// > nested messages. About 0.7% of randomly generated nested MIME trees
/// > hit it; no message of the corpus does.
///
/// Large base64 attachments are not decoded at all (see [`prune`]): they
/// only show as a marker line with their size.
pub fn parse(raw: &[u8]) -> Result<Mail> {
    parse_with(raw, body::ExtractOptions::default())
}

/// [`parse`], with the body extracted as `opts` asks.
pub fn parse_with(raw: &[u8], opts: body::ExtractOptions) -> Result<Mail> {
    let raw = strip_leading_from_line(raw);
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::input("the input is empty"));
    }
    if let Some((pruned, cuts)) = prune::prune(raw) {
        if let Ok(Ok(Some(mail))) = catch_parser_panic(|| parse_inner(&pruned, &cuts, false, opts)) {
            return Ok(mail);
        }
        // A cut that did not come back as expected: parse it all.
    }
    match catch_parser_panic(|| parse_inner(raw, &[], false, opts)) {
        Ok(r) => r.and_then(|m| m.ok_or_else(|| Error::input("not an e-mail message"))),
        Err(_) => match catch_parser_panic(|| parse_inner(raw, &[], true, opts)) {
            Ok(Ok(Some(mut mail))) => {
                mail.body = body::Body::default();
                mail.body
                    .notes
                    .push("the MIME structure could not be parsed: the body is not quoted".into());
                Ok(mail)
            }
            _ => Err(Error::input(
                "the message could not be parsed (malformed MIME structure)",
            )),
        },
    }
}

thread_local! {
    /// Inside [`catch_parser_panic`]: a panic there is caught.
    static IN_PARSER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f`, which parses untrusted data with mail-parser, and catch a
/// panic in it. With [`install_panic_hook`], a panic raised inside a
/// dependency here prints nothing (it becomes an error); a panic in
/// ksreply's own code is still reported, as a bug.
pub fn catch_parser_panic<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    let was = IN_PARSER.with(|c| c.replace(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_PARSER.with(|c| c.set(was));
    r
}

/// Install a panic hook (in the binary's `main`) that stays silent for
/// panics of dependencies (mail-parser) caught by [`catch_parser_panic`]
/// and hands every other panic to the previous (default) hook.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let caught = IN_PARSER.with(|c| c.get());
        // Our own sources have crate-relative paths; dependencies' are
        // absolute (the cargo registry).
        let ours = info
            .location()
            .is_some_and(|l| l.file().starts_with("src/") || l.file().starts_with("src\\"));
        if !caught || ours {
            previous(info);
        }
    }));
}

/// An `.eml` saved from an mbox may keep its `From ` separator line.
fn strip_leading_from_line(raw: &[u8]) -> &[u8] {
    if raw.starts_with(b"From ") {
        match memchr::memchr(b'\n', raw) {
            Some(i) => &raw[i + 1..],
            None => &raw[raw.len()..],
        }
    } else {
        raw
    }
}

/// `None` when the `cuts` made by [`prune::prune`] cannot be restored.
/// `headers_only`: the top-level headers, no body.
fn parse_inner(
    raw: &[u8],
    cuts: &[prune::Cut],
    headers_only: bool,
    opts: body::ExtractOptions,
) -> Result<Option<Mail>> {
    let parser = MessageParser::default();
    let mut msg = if headers_only {
        parser.parse_headers(raw)
    } else {
        parser.parse(raw)
    }
    .ok_or_else(|| Error::input("not an e-mail message"))?;
    if !cuts.is_empty() && !prune::restore(&mut msg, cuts) {
        return Ok(None);
    }
    let too_deep = limit_depth(&mut msg, 0);
    let h = Headers {
        raw,
        headers: msg.headers(),
    };
    if h.headers.is_empty() {
        return Err(Error::input("not an e-mail message (no headers)"));
    }
    let looks_like_mail = h.headers.iter().any(|h| {
        matches!(
            h.name,
            HeaderName::From | HeaderName::To | HeaderName::Subject | HeaderName::MessageId | HeaderName::Date
        )
    });
    if !looks_like_mail {
        return Err(Error::input(
            "not an e-mail message (none of From, To, Subject, Message-ID, Date)",
        ));
    }
    Ok(Some(Mail {
        from: h.addrs(HeaderName::From),
        to: h.all_addrs(HeaderName::To),
        cc: h.all_addrs(HeaderName::Cc),
        first_to: h.addrs(HeaderName::To),
        first_cc: h.addrs(HeaderName::Cc),
        reply_to: h.addrs(HeaderName::ReplyTo),
        mail_followup_to: h.raw_addrs("Mail-Followup-To"),
        x_original_from: h.raw_addrs("X-Original-From"),
        list_post: h.raw_value("List-Post").and_then(|v| list_post_address(&v)),
        from_name: h.bare_from_name(),
        subject: h.subject(),
        message_id: h.raw_value("Message-ID").and_then(|v| msgid::extract_first(&v)),
        in_reply_to: h.raw_ids("In-Reply-To"),
        references: h.raw_ids("References"),
        date: h.date(),
        body: {
            let mut b = body::extract(&msg, opts);
            if too_deep {
                b.notes.push(format!(
                    "MIME parts nested deeper than {MAX_MIME_DEPTH} levels were left out"
                ));
            }
            b
        },
    }))
}

/// The top-level header fields of a message, read as public-inbox reads
/// them: the first copy of a header (mail-parser's own accessors return the
/// last copy), some of them from their raw bytes.
struct Headers<'a> {
    raw: &'a [u8],
    headers: &'a [mail_parser::Header<'a>],
}

impl Headers<'_> {
    fn first(&self, name: HeaderName) -> Option<&mail_parser::Header<'_>> {
        self.headers.iter().find(|h| h.name == name)
    }

    /// The addresses of the first copy.
    fn addrs(&self, name: HeaderName) -> Vec<Addr> {
        self.first(name)
            .and_then(|h| h.value.as_address())
            .map(address::from_parsed)
            .unwrap_or_default()
    }

    /// The addresses of every copy, in header order.
    fn all_addrs(&self, name: HeaderName) -> Vec<Addr> {
        self.headers
            .iter()
            .filter(|h| h.name == name)
            .filter_map(|h| h.value.as_address())
            .flat_map(address::from_parsed)
            .collect()
    }

    /// The raw value of the first copy (any case of `name`).
    fn raw_value(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|h| h.name.as_str().eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(&self.raw[h.offset_start as usize..h.offset_end as usize]).into_owned())
    }

    /// The addresses of the first copy, parsed by [`address::parse_list`].
    fn raw_addrs(&self, name: &str) -> Vec<Addr> {
        self.raw_value(name)
            .map(|v| address::parse_list(&v))
            .unwrap_or_default()
    }

    /// Every Message-ID of the first copy.
    fn raw_ids(&self, name: &str) -> Vec<String> {
        self.raw_value(name).map(|v| msgid::extract_all(&v)).unwrap_or_default()
    }

    /// Decoded and unfolded.
    fn subject(&self) -> Option<String> {
        self.first(HeaderName::Subject).map(|h| match &h.value {
            HeaderValue::Text(t) => unfold(t),
            HeaderValue::TextList(l) => unfold(&l.join(" ")),
            _ => String::new(),
        })
    }

    /// The display name of a From without address, on one line.
    fn bare_from_name(&self) -> Option<String> {
        self.first(HeaderName::From)
            .and_then(|h| h.value.as_address())
            .and_then(|a| a.first())
            .filter(|a| a.address.as_deref().map_or(true, |e| e.trim().is_empty()))
            .and_then(|a| a.name.as_deref())
            .map(crate::text::one_line)
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
    }

    /// The first Date, when its fields are in range.
    fn date(&self) -> Option<MailDate> {
        let d = self.first(HeaderName::Date)?.value.as_datetime()?;
        if d.month == 0 || d.month > 12 || d.day == 0 || d.day > 31 || d.hour > 23 || d.minute > 59 || d.second > 60 {
            return None;
        }
        let offset = (d.tz_hour as i16) * 60 + d.tz_minute as i16;
        Some(MailDate {
            year: d.year,
            month: d.month,
            day: d.day,
            hour: d.hour,
            minute: d.minute,
            second: d.second,
            offset_minutes: if d.tz_before_gmt { -offset } else { offset },
            unknown_zone: d.tz_before_gmt && offset == 0,
            weekday: weekday(d.year as i64, d.month as i64, d.day as i64),
        })
    }
}

/// Multipart levels kept. [`body::extract`] walks the MIME tree
/// recursively: hostile mail nesting multiparts 20,000 deep overflowed
/// the stack (an abort, which `catch_unwind` cannot catch).
const MAX_MIME_DEPTH: usize = 64;

/// Levels of messages nested in messages (message/rfc822) that
/// [`limit_depth`] looks into; deeper ones are left as they are (the body
/// walk marks forwarded messages past its own, smaller, limit anyway).
const MAX_NESTED_MESSAGES: usize = 16;

/// Replace multiparts nested deeper than [`MAX_MIME_DEPTH`] by empty
/// parts (they show as one attachment marker). True when any was cut.
fn limit_depth(msg: &mut mail_parser::Message<'_>, level: usize) -> bool {
    use mail_parser::PartType;
    if level > MAX_NESTED_MESSAGES {
        return false;
    }
    let mut cut = false;
    let mut seen = vec![false; msg.parts.len()];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((id, depth)) = stack.pop() {
        if id >= msg.parts.len() || std::mem::replace(&mut seen[id], true) {
            continue;
        }
        let children: Vec<usize> = match &mut msg.parts[id].body {
            PartType::Multipart(children) => children.iter().map(|&c| c as usize).collect(),
            PartType::Message(nested) => {
                cut |= limit_depth(nested, level + 1);
                continue;
            }
            _ => continue,
        };
        if depth >= MAX_MIME_DEPTH {
            msg.parts[id].body = PartType::Binary(std::borrow::Cow::Borrowed(&[]));
            cut = true;
        } else {
            stack.extend(children.into_iter().map(|c| (c, depth + 1)));
        }
    }
    cut
}

/// The address of a `List-Post: <mailto:list@example.org>` value (RFC 2369);
/// None for `NO` or a URL that is not mailto:.
fn list_post_address(raw: &str) -> Option<String> {
    msgid::extract_all(raw).into_iter().find_map(|url| {
        let rest = url
            .get(..7)
            .filter(|p| p.eq_ignore_ascii_case("mailto:"))
            .map(|_| &url[7..])?;
        let addr = rest.split('?').next()?.trim();
        address::plausible_email(addr).then(|| addr.to_string())
    })
}

/// Collapse folding whitespace (CR, LF, tabs after a fold) into single
/// spaces and trim, as public-inbox and mail clients display a Subject.
fn unfold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' || c == '\n' {
            while chars.peek().is_some_and(|c| matches!(c, '\r' | '\n' | ' ' | '\t')) {
                chars.next();
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}

/// Day of week (0 = Sunday) of a proleptic Gregorian date.
fn weekday(y: i64, m: i64, d: i64) -> u8 {
    // Sakamoto's method.
    const T: [i64; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    ((y + y / 4 - y / 100 + y / 400 + T[(m - 1) as usize] + d).rem_euclid(7)) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_known_dates() {
        assert_eq!(weekday(2021, 9, 12), 0); // Sunday
        assert_eq!(weekday(1970, 1, 1), 4); // Thursday
        assert_eq!(weekday(2000, 2, 29), 2); // Tuesday
    }

    #[test]
    fn unfold_subject() {
        assert_eq!(unfold("a\n b"), "a b");
        assert_eq!(unfold("a\r\n\tb "), "a b");
    }

    #[test]
    fn list_post() {
        assert_eq!(
            list_post_address("<mailto:ksummit@lists.linux.dev>"),
            Some("ksummit@lists.linux.dev".into())
        );
        assert_eq!(
            list_post_address(" <MAILTO:l@x.org?subject=x> (comment)"),
            Some("l@x.org".into())
        );
        assert_eq!(list_post_address("NO"), None);
        assert_eq!(list_post_address("<https://x.org/post>"), None);
    }

    #[test]
    fn repeated_headers_and_odd_from() {
        let m = parse(
            b"From: MAILER-DAEMON <>\nTo: a@x.org\nCc: b@x.org\ncc: c@x.org, d@x.org\nTo: e@x.org\n\
              Date: Mon, 1 Jan 2024 10:00:00 -0000\nSubject: s\n\nbody\n",
        )
        .unwrap();
        let emails = |v: &[Addr]| v.iter().map(|a| a.email.clone()).collect::<Vec<_>>();
        assert_eq!(emails(&m.to), ["a@x.org", "e@x.org"]);
        assert_eq!(emails(&m.cc), ["b@x.org", "c@x.org", "d@x.org"]);
        assert_eq!(emails(&m.first_to), ["a@x.org"]);
        assert_eq!(emails(&m.first_cc), ["b@x.org"]);
        assert!(m.from.is_empty());
        assert_eq!(m.from_name.as_deref(), Some("MAILER-DAEMON"));
        let d = m.date.unwrap();
        assert!(d.unknown_zone && d.offset_minutes == 0);
        let m = parse(b"From: A <a@x.org>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nbody\n").unwrap();
        assert_eq!(m.from_name, None);
        assert!(!m.date.unwrap().unknown_zone);
    }

    #[test]
    fn empty_and_garbage_are_errors() {
        assert!(parse(b"").is_err());
        assert!(parse(b"\n\n").is_err());
        assert!(parse(b"\x89PNG\r\n\x1a\nbinary").is_err());
    }
}
