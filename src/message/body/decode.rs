//! Transfer and charset decoding of part bytes: lenient quoted-printable
//! and base64, encoding_rs with fallbacks for bogus labels, and UTF-7.

/// Quoted-printable, leniently: `=XX` (either case), soft line breaks
/// (`=` then optional blanks then a newline, or `=` at the very end), and
/// any other `=` kept as it is. Hand-written: mail-parser's decoder gives
/// up at the first bad `=`, the `quoted_printable` crate drops 8-bit bytes.
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
/// senders concatenate encoded blocks). Hand-written: the `base64` crate
/// rejects such input where mail readers decode it.
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
            flush_partial_group(&mut out, acc, n);
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
    flush_partial_group(&mut out, acc, n);
    out
}

/// The bytes of an incomplete base64 group of `n` sextets held in `acc`
/// (one sextet alone carries no whole byte).
fn flush_partial_group(out: &mut Vec<u8>, acc: u32, n: u32) {
    match n {
        2 => out.push((acc >> 4) as u8),
        3 => {
            out.push((acc >> 10) as u8);
            out.push((acc >> 2) as u8);
        }
        _ => {}
    }
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
        return decode_unlabelled(bytes, utf8);
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
        Some(enc) if enc == encoding_rs::UTF_8 => decode_labelled_utf8(bytes, utf8, label, &lower),
        Some(enc) => decode_labelled(bytes, utf8, enc, label, &lower),
    }
}

/// No charset declared: ISO-2022-JP when it has its escapes, UTF-8 when
/// valid, else windows-1252.
fn decode_unlabelled(bytes: &[u8], utf8: Option<&str>) -> (String, Option<String>) {
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
    (
        t.into_owned(),
        Some("no charset declared and not UTF-8: decoded as windows-1252".into()),
    )
}

/// A label encoding_rs reads as UTF-8 (`lower` is it in lower case).
fn decode_labelled_utf8(bytes: &[u8], utf8: Option<&str>, label: &str, lower: &str) -> (String, Option<String>) {
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

/// Any other label encoding_rs knows, as `enc`; ASCII or a single-byte
/// charset that is valid non-ASCII UTF-8 is read as UTF-8.
fn decode_labelled(
    bytes: &[u8],
    utf8: Option<&str>,
    enc: &'static encoding_rs::Encoding,
    label: &str,
    lower: &str,
) -> (String, Option<String>) {
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
    !bytes.is_ascii()
        && bytes
            .windows(2)
            .any(|w| (0xC2..=0xF4).contains(&w[0]) && (0x80..=0xBF).contains(&w[1]))
}

fn looks_like_iso_2022_jp(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b < 0x80)
        && (memchr::memmem::find(bytes, b"\x1b$B").is_some() || memchr::memmem::find(bytes, b"\x1b$@").is_some())
}

/// RFC 2152 UTF-7: `+` starts modified base64 (UTF-16 code units), ended by
/// any character outside the alphabet; a `-` right after it is absorbed;
/// `+-` is a plus sign. Hand-written: encoding_rs has no UTF-7 (the WHATWG
/// Encoding Standard leaves it out).
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
