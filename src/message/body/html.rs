//! HTML to the plain text a reply quotes (html2text with a mail-friendly
//! decorator; `<pre>` blocks such as patches kept exactly).

/// Width HTML is wrapped to: quoted with `> ` it stays within 78 columns.
const HTML_WIDTH: usize = 76;

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
