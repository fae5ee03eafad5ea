//! HTML to the plain text a reply quotes (html2text with a mail-friendly
//! decorator; `<pre>` blocks such as patches kept exactly).
//!
//! html2text's cost and memory grow faster than its input (100,000 nested
//! `<ul>`, 400 KB, took 19.5 s; 13 MB with 400,000 links peaked at 1.35
//! GB), so what goes in is bounded: the first [`MAX_HTML`] bytes, nested at
//! most [`MAX_HTML_DEPTH`] elements deep (deeper tags are left out, their
//! text kept). A reply quotes far less than either.

use std::borrow::Cow;
use std::collections::HashMap;

/// Width HTML is wrapped to: quoted with `> ` it stays within 78 columns.
const HTML_WIDTH: usize = 76;

/// The most HTML converted; the rest is replaced by a marker line.
pub const MAX_HTML: usize = 512 * 1024;

/// The deepest element nesting handed to the converter.
pub const MAX_HTML_DEPTH: usize = 100;

/// HTML to readable plain text: no tags, no CSS or script text, entities
/// decoded, links kept as `text <URL>`, block quotes as `>` lines.
pub fn html_to_text(html: &str) -> String {
    let (html, left_out) = truncate_html(html, MAX_HTML);
    let html = limit_nesting(html, MAX_HTML_DEPTH);
    let mut text = convert(&html);
    if left_out > 0 {
        text.push_str(&format!(
            "[-- {} more of HTML not converted --]\n",
            crate::text::human_size(left_out as u64)
        ));
    }
    text
}

fn convert(html: &str) -> String {
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

/// How far back from the cut [`truncate_html`] looks for the start of a tag.
const TAG_SEARCH: usize = 4096;

/// At most `max` bytes of `html`, cut before a tag where one starts in the
/// last 4 KiB (never inside a character), and how many bytes were left out.
fn truncate_html(html: &str, max: usize) -> (&str, usize) {
    if html.len() <= max {
        return (html, 0);
    }
    let mut end = max;
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    if let Some(lt) = html[end.saturating_sub(TAG_SEARCH)..end].rfind('<') {
        end = end.saturating_sub(TAG_SEARCH) + lt;
    }
    (&html[..end], html.len() - end)
}

/// Elements that hold nothing (no end tag).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source", "track",
    "wbr", "basefont", "bgsound", "frame", "image",
];
/// Elements whose end tag is optional and that the parser never nests in
/// one another without a counted element between (`<p><p>` and `<li><li>`
/// are siblings, `<td>` needs a `<table>`), so they are not counted.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "caption", "html", "head", "body",
];
/// Elements whose content the parser reads as text (raw text, RCDATA,
/// script data, plaintext), unless it ignores their start tag (in a
/// `<select>`, a `<frameset>`).
const TEXT_CONTENT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];
/// The parser's "special" elements: an end tag for another element does
/// not close past them.
const SPECIAL: &[&str] = &[
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "base",
    "basefont",
    "bgsound",
    "blockquote",
    "body",
    "br",
    "button",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dir",
    "div",
    "dl",
    "dt",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "iframe",
    "img",
    "input",
    "keygen",
    "li",
    "link",
    "listing",
    "main",
    "marquee",
    "menu",
    "meta",
    "nav",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "p",
    "param",
    "plaintext",
    "pre",
    "script",
    "search",
    "section",
    "select",
    "source",
    "style",
    "summary",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
    "wbr",
    "xmp",
];
/// Formatting elements: the parser re-opens them after another end tag
/// closed them, so only their own end tag ends them here.
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// `html` with its element nesting cut at `max`: start tags that would go
/// deeper are left out, and so are their end tags; text, comments and
/// everything else stay. One pass over the bytes, a stack of at most `max`
/// names: linear in the input.
///
/// The count must never fall below what the HTML parser (html5ever)
/// nests, or a hostile message gets its deep nesting through (the
/// parser's cost grows with the square of the depth). So:
///
/// * the scan tokenizes as the parser does (comments and their odd ends,
///   `>` inside quoted attribute values, script's escaped sections);
/// * `<svg>` and `<math>` tags are left out: no foreign content, whose
///   different rules (CDATA, self-closing tags) the scan would have to
///   follow;
/// * every start tag that may open an element is counted; an end tag
///   closes less than the parser would, never more: not past a special
///   element, not a formatting element closed by another's end tag (the
///   parser re-opens those), nothing inside text-like content;
/// * where the parser may read content in two ways (a `<style>` in a
///   `<select>` is ignored, its content then is markup), what is inside
///   counts, and a comment or tag that runs past the end of such content
///   puts the rest of the document in doubt: from there every `<` and a
///   letter counts as an element that never closes, and past the limit the
///   `<` is written `&lt;`, which is text in every reading.
///
/// The parser's tree is then at most a small multiple of `max` deep
/// (elements it adds itself: `<tbody>`, `<tr>`, `<li>`, `<p>`, ...).
fn limit_nesting(html: &str, max: usize) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut out = Rewriter::new(html);
    let mut n = Nesting {
        max,
        stack: Vec::new(),
        dropped: HashMap::new(),
        region: None,
    };
    let mut doubt_from: Option<usize> = None;
    let mut i = 0;
    while let Some(rel) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + rel;
        i = lt + 1;
        if doubt_from.is_some() {
            if n.in_doubt(html, lt) {
                out.replace(lt, lt + 1, "&lt;");
            }
            continue;
        }
        // The end of the text-like content: its end tag is trusted; the
        // element closes when nothing inside it is still counted.
        if let Some((name, end, before)) = n.region.take() {
            if lt >= end {
                if lt == end && n.stack.len() == before + 1 {
                    n.stack.pop();
                }
                i = tag_end(b, end + 2 + name.len()).map_or(b.len(), |g| g + 1);
                continue;
            }
            n.region = Some((name, end, before));
        }
        let limit = n.region.as_ref().map_or(b.len(), |r| r.1);
        // Unterminated: the parser makes the rest of the data part of it,
        // unless text-like content ends first.
        let (kind, gt) = match token(b, lt) {
            Some(t) => t,
            None if n.region.is_some() => (Token::Other, b.len()),
            None => break,
        };
        if gt >= limit {
            // Runs past the end of text-like content: two readings from here.
            doubt_from = Some(lt);
            i = limit;
            n.region = None;
            continue;
        }
        i = gt + 1;
        let Token::Tag { end_tag, name } = kind else { continue };
        if !n.keep(b, i, end_tag, html[name.0..name.1].to_ascii_lowercase()) {
            out.replace(lt, gt + 1, "");
        }
    }
    out.finish()
}

/// What [`limit_nesting`] counts.
struct Nesting {
    max: usize,
    /// The elements open (an empty name: one opened in doubt).
    stack: Vec<String>,
    /// Start tags left out, by name: their end tags go too.
    dropped: HashMap<String, usize>,
    /// Text-like content being scanned: its element, where it ends, and
    /// the stack size before its element.
    region: Option<(String, usize, usize)>,
}

impl Nesting {
    /// In doubt, a `<` at `lt` followed by a letter opens an element that
    /// never closes. True when that `<` is to be written `&lt;`.
    fn in_doubt(&mut self, html: &str, lt: usize) -> bool {
        let b = html.as_bytes();
        if !b.get(lt + 1).is_some_and(|c| c.is_ascii_alphabetic()) {
            return false;
        }
        let name = b[lt + 1..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        let foreign = matches!(
            html[lt + 1..lt + 1 + name].to_ascii_lowercase().as_str(),
            "svg" | "math"
        );
        if foreign || self.stack.len() >= self.max {
            return true;
        }
        self.stack.push(String::new());
        false
    }

    /// Count a start or end tag `name` (lower case) that ends before `i`;
    /// false when it is to be left out.
    fn keep(&mut self, b: &[u8], i: usize, end_tag: bool, name: String) -> bool {
        if name == "svg" || name == "math" {
            false
        } else if end_tag {
            match self.dropped.get_mut(&name) {
                Some(n) if *n > 0 && self.region.is_none() => {
                    *n -= 1;
                    false
                }
                _ => {
                    if self.region.is_none() {
                        close(&mut self.stack, &name);
                    }
                    true
                }
            }
        } else if VOID.contains(&name.as_str()) || OPTIONAL_END.contains(&name.as_str()) {
            true
        } else if self.stack.len() < self.max {
            if self.region.is_none() && TEXT_CONTENT.contains(&name.as_str()) {
                let end = text_content_end(b, i, &name);
                self.region = Some((name.clone(), end, self.stack.len()));
            }
            self.stack.push(name);
            true
        } else {
            if self.region.is_none() {
                *self.dropped.entry(name).or_insert(0) += 1;
            }
            false
        }
    }
}

/// A copy of a string with some ranges replaced, made only when needed.
struct Rewriter<'a> {
    src: &'a str,
    out: Option<String>,
    copied: usize,
}

impl<'a> Rewriter<'a> {
    fn new(src: &'a str) -> Self {
        Rewriter {
            src,
            out: None,
            copied: 0,
        }
    }

    fn replace(&mut self, from: usize, to: usize, with: &str) {
        let o = self.out.get_or_insert_with(|| String::with_capacity(self.src.len()));
        o.push_str(&self.src[self.copied..from]);
        o.push_str(with);
        self.copied = to;
    }

    fn finish(self) -> Cow<'a, str> {
        match self.out {
            None => Cow::Borrowed(self.src),
            Some(mut o) => {
                o.push_str(&self.src[self.copied..]);
                Cow::Owned(o)
            }
        }
    }
}

/// What starts at a `<`: a tag (the byte range of its name), or anything
/// else the parser skips as a whole (comment, doctype, bogus comment).
enum Token {
    Tag { end_tag: bool, name: (usize, usize) },
    Other,
}

/// The token at `lt` (a `<`) and the offset of its last byte; `None` when
/// it runs to the end of the data (the parser then drops it). Text is a
/// token of its own one byte long.
fn token(b: &[u8], lt: usize) -> Option<(Token, usize)> {
    let to_gt = |from: usize| memchr::memchr(b'>', &b[from..]).map(|e| from + e);
    match b.get(lt + 1) {
        Some(b'!') if b[lt..].starts_with(b"<!--") => {
            let end = comment_end(b, lt + 4)?;
            Some((Token::Other, end - 1))
        }
        // Doctype, bogus comments (`<![CDATA[` too: no foreign content).
        Some(b'!' | b'?') => Some((Token::Other, to_gt(lt)?)),
        Some(b'/') => match b.get(lt + 2) {
            Some(c) if c.is_ascii_alphabetic() => tag(b, lt + 2, true),
            Some(b'>') => Some((Token::Other, lt + 2)),
            Some(_) => Some((Token::Other, to_gt(lt)?)),
            None => Some((Token::Other, lt)),
        },
        Some(c) if c.is_ascii_alphabetic() => tag(b, lt + 1, false),
        _ => Some((Token::Other, lt)),
    }
}

fn tag(b: &[u8], name_start: usize, end_tag: bool) -> Option<(Token, usize)> {
    let name_len = b[name_start..]
        .iter()
        .take_while(|c| !matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'))
        .count();
    let gt = tag_end(b, name_start + name_len)?;
    Some((
        Token::Tag {
            end_tag,
            name: (name_start, name_start + name_len),
        },
        gt,
    ))
}

/// The end tag `name` closes the innermost open `name` when no special
/// element is above it; formatting elements above it stay counted.
fn close(stack: &mut Vec<String>, name: &str) {
    for k in (0..stack.len()).rev() {
        if stack[k] == name {
            let above: Vec<String> = stack
                .drain(k..)
                .skip(1)
                .filter(|e| FORMATTING.contains(&e.as_str()))
                .collect();
            stack.extend(above);
            return;
        }
        if SPECIAL.contains(&stack[k].as_str()) {
            return;
        }
    }
}

/// Where a comment whose `<!--` ends before `from` ends (after `-->`,
/// `--!>`, or the abrupt `<!-->` and `<!--->`); `None`: at the end of the data.
fn comment_end(b: &[u8], from: usize) -> Option<usize> {
    if b[from..].starts_with(b">") {
        return Some(from + 1);
    }
    if b[from..].starts_with(b"->") {
        return Some(from + 2);
    }
    let close = memchr::memmem::find(&b[from..], b"-->").map(|e| from + e + 3);
    let bang = memchr::memmem::find(&b[from..], b"--!>").map(|e| from + e + 4);
    match (close, bang) {
        (Some(c), Some(x)) => Some(c.min(x)),
        (c, x) => c.or(x),
    }
}

/// The end of the text-like content of `name` that starts at `from`: its
/// end tag (`</name` then a delimiter), past script's escaped sections
/// (`<!--<script>...</script>-->` does not end a script); the end of the
/// data for `plaintext`.
fn text_content_end(b: &[u8], from: usize, name: &str) -> usize {
    if name == "plaintext" {
        return b.len();
    }
    let end_tag = |at: usize| tag_named(b, at, b"</", name.as_bytes());
    if name != "script" {
        let mut at = from;
        while let Some(rel) = memchr::memmem::find(&b[at..], b"</") {
            let k = at + rel;
            if end_tag(k) {
                return k;
            }
            at = k + 1;
        }
        return b.len();
    }
    // Script data, escaped (`<!--`), double escaped (`<!--<script>`).
    #[derive(PartialEq)]
    enum S {
        Data,
        Escaped,
        Double,
    }
    let mut state = S::Data;
    let mut at = from;
    while at < b.len() {
        let Some(rel) = memchr::memchr2(b'<', b'-', &b[at..]) else {
            break;
        };
        let k = at + rel;
        at = k + 1;
        match state {
            S::Data if b[k..].starts_with(b"<!--") => {
                state = S::Escaped;
                at = k + 2; // the dashes may end it at once: `<!-->`
            }
            S::Data | S::Escaped if end_tag(k) => return k,
            S::Escaped | S::Double if b[k..].starts_with(b"-->") => {
                state = S::Data;
                at = k + 3;
            }
            S::Escaped if tag_named(b, k, b"<", b"script") => state = S::Double,
            S::Double if end_tag(k) => state = S::Escaped,
            _ => {}
        }
    }
    b.len()
}

/// `prefix` + `name` (ignoring ASCII case) at `at`, then a tag delimiter.
fn tag_named(b: &[u8], at: usize, prefix: &[u8], name: &[u8]) -> bool {
    let n = at + prefix.len();
    b[at..].starts_with(prefix)
        && b.len() > n + name.len()
        && b[n..n + name.len()].eq_ignore_ascii_case(name)
        && matches!(b[n + name.len()], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')
}

/// The `>` that ends a tag whose name ends at `from`, following the HTML
/// tokenizer's attribute states: only a quote that starts a value quotes.
fn tag_end(b: &[u8], from: usize) -> Option<usize> {
    #[derive(Clone, Copy)]
    enum A {
        BeforeName,
        Name,
        AfterName,
        BeforeValue,
        Quoted(u8),
        Unquoted,
    }
    let ws = |c: u8| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
    let mut st = A::BeforeName;
    for (k, &c) in b.iter().enumerate().skip(from) {
        st = match (st, c) {
            (A::Quoted(q), c) if c == q => A::BeforeName,
            (A::Quoted(q), _) => A::Quoted(q),
            (_, b'>') => return Some(k),
            (A::BeforeName | A::AfterName, c) if ws(c) || c == b'/' => st,
            (A::AfterName, b'=') | (A::Name, b'=') => A::BeforeValue,
            (A::Name, c) if ws(c) => A::AfterName,
            (A::Name, b'/') => A::BeforeName,
            (A::BeforeName | A::AfterName | A::Name, _) => A::Name,
            (A::BeforeValue, c) if ws(c) => A::BeforeValue,
            (A::BeforeValue, b'"' | b'\'') => A::Quoted(c),
            (A::BeforeValue | A::Unquoted, c) if ws(c) => A::BeforeName,
            (A::BeforeValue | A::Unquoted, _) => A::Unquoted,
        };
    }
    None
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
pub(super) fn decode_entities(s: &str) -> String {
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
/// Built front to back: a line can hold thousands of links.
fn dedupe_links(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find(" <") {
        let after = &rest[open + 2..];
        let Some(close) = after.find('>') else {
            break;
        };
        let url = &after[..close];
        let target = url.strip_prefix("mailto:").unwrap_or(url);
        out.push_str(&rest[..open]);
        if out.ends_with(target) || out.ends_with(url) {
            rest = &after[close + 1..];
        } else if url.starts_with("mailto:") {
            out.push_str(" <");
            rest = &after["mailto:".len()..];
        } else {
            out.push_str(" <");
            out.push_str(url);
            out.push('>');
            rest = &after[close + 1..];
        }
    }
    out.push_str(rest);
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The depth of the tree html5ever builds (as html2text parses).
    fn parsed_depth(html: &str) -> usize {
        let dom = html2text::config::plain().parse_html(html.as_bytes()).unwrap();
        let mut max = 0;
        let mut todo = vec![(dom.document.clone(), 0usize)];
        while let Some((node, d)) = todo.pop() {
            max = max.max(d);
            todo.extend(node.children.borrow().iter().map(|c| (c.clone(), d + 1)));
        }
        // Dropping a deep Rc tree recurses: flatten it first.
        let mut all = vec![dom.document.clone()];
        while let Some(n) = all.pop() {
            all.extend(n.children.borrow_mut().drain(..));
        }
        max
    }

    /// What the converter may be handed: `max` counted elements, each with
    /// the few the parser adds by itself, and html/body.
    const BOUND: usize = 6 * MAX_HTML_DEPTH + 8;

    fn bounded(html: &str) -> usize {
        let limited = limit_nesting(html, MAX_HTML_DEPTH);
        let d = parsed_depth(&limited);
        assert!(d <= BOUND, "depth {d} for {:?}...", &html[..html.len().min(80)]);
        d
    }

    #[test]
    fn hostile_nesting_is_cut() {
        let n = 5_000;
        let cases = [
            "<ul><li>x".repeat(n),
            "<div>".repeat(n),
            "<span><div></span>".repeat(n),
            "<div><b id=1></div>x".repeat(n),
            "<optgroup>".repeat(n),
            "<rt>".repeat(n),
            "<form><div></form>".repeat(n),
            "<table><td>".repeat(n),
            "<p><button>".repeat(n),
            "<svg><style><g title=\"</style>\">".repeat(n),
            "<svg><style><div></style>".repeat(n),
            "<svg><g/>".repeat(n),
            format!("<select><xmp>{}</xmp>", "<template><div>".repeat(n)),
            format!("<xmp><!--</xmp>{}-->", "<div>".repeat(n)),
            format!("<script><!--<script></script>{}</script>", "</div>".repeat(n)) + &"<div>".repeat(n),
            format!("<div title='>'>{}", "<a title=\"<\"><div>".repeat(n)),
            "<frameset><xmp><template><div></xmp>".repeat(n),
            "<select><style><template><span></style>".repeat(n),
        ];
        for html in &cases {
            bounded(html);
        }
    }

    #[test]
    fn ordinary_html_is_untouched() {
        let mail = "<html><head><style><!-- p {color: red} --></style></head><body>\
            <div><p>Hello <b>there</b><br>see <a href=\"https://x/?a=1&b=2\">this</a></p>\
            <blockquote><div>quoted<blockquote>older</blockquote></div></blockquote>\
            <table><tr><td>a</td><td>b</td></tr></table><ul><li>one<li>two</ul></div></body></html>";
        assert!(matches!(limit_nesting(mail, MAX_HTML_DEPTH), Cow::Borrowed(_)));
        // Deep, but within the limit, and closed: nothing dropped.
        let deep = format!("{}x{}", "<div>".repeat(MAX_HTML_DEPTH), "</div>".repeat(MAX_HTML_DEPTH)).repeat(50);
        assert!(matches!(limit_nesting(&deep, MAX_HTML_DEPTH), Cow::Borrowed(_)));
        // Past it: the deeper tags go, the text stays.
        let too_deep = format!("{}x{}", "<div>".repeat(500), "</div>".repeat(500));
        let cut = limit_nesting(&too_deep, MAX_HTML_DEPTH);
        assert_eq!(cut.matches("<div>").count(), MAX_HTML_DEPTH);
        assert_eq!(cut.matches("</div>").count(), MAX_HTML_DEPTH);
        assert!(cut.contains(">x<"));
    }

    #[test]
    fn big_html_is_truncated_with_a_marker() {
        // 13 MB with 400,000 links: the first MAX_HTML bytes are converted.
        let link = "<a href=\"https://example.org/some/long/path/0123456789\">link text</a> ";
        let html = link.repeat(13_000_000 / link.len());
        let t = html_to_text(&html);
        assert!(t.len() < 2 * MAX_HTML, "{}", t.len());
        assert!(
            t.trim_end().ends_with("MiB more of HTML not converted --]"),
            "{}",
            &t[t.len() - 100..]
        );
        assert!(
            t.starts_with("link text <https://example.org/some/long/path/0123456789>"),
            "{}",
            &t[..100]
        );
        // 100,000 nested lists: converted, with the nesting cut.
        let t = html_to_text(&"<ul><li>x".repeat(100_000));
        assert!(t.contains("- x"), "{}", &t[..200]);
    }

    #[test]
    fn link_dedupe_keeps_its_rules() {
        assert_eq!(
            dedupe_links("https://x/ <https://x/> and y <https://y/>"),
            "https://x/ and y <https://y/>"
        );
        assert_eq!(dedupe_links("a@b <mailto:a@b>, c <mailto:d@e>"), "a@b, c <d@e>");
        assert_eq!(dedupe_links("open <x"), "open <x");
        let many = "t <https://e/> ".repeat(100_000);
        assert_eq!(dedupe_links(&many), many);
    }

    fn soup() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "<div>",
            "</div>",
            "<span>",
            "</span>",
            "<b>",
            "</b>",
            "<a href='x'>",
            "</a>",
            "<ul>",
            "<li>",
            "</ul>",
            "<table>",
            "<td>",
            "</table>",
            "<select>",
            "</select>",
            "<optgroup>",
            "<template>",
            "</template>",
            "<style>",
            "</style>",
            "<script>",
            "</script>",
            "<xmp>",
            "</xmp>",
            "<textarea>",
            "</textarea>",
            "<title>",
            "</title>",
            "<svg>",
            "</svg>",
            "<math>",
            "<g>",
            "<g/>",
            "<![CDATA[",
            "]]>",
            "<!--",
            "-->",
            "--!>",
            "<!-->",
            "<!",
            "<?",
            ">",
            "\"",
            "'",
            "=",
            " title=",
            "<p>",
            "</p>",
            "<form>",
            "</form>",
            "<frameset>",
            "<button>",
            "</button>",
            "<object>",
            "<font>",
            "<rt>",
            "<plaintext>",
            "</",
            "<",
            "x",
            "<noscript>",
            "</noscript>",
            "<iframe>",
            "<h1>",
            "</h2>",
        ]);
        prop::collection::vec(piece, 0..600).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]
        /// Random tag soup, repeated to get deep: the parsed tree stays
        /// within the bound whatever the scan made of it.
        #[test]
        fn tag_soup_stays_shallow(s in soup(), times in 1usize..40) {
            bounded(&s.repeat(times));
        }
    }
}
