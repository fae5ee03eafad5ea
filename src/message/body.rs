//! Choosing and decoding the text a reply quotes.
//!
//! mail-parser has already undone the transfer encoding and the charset;
//! here we pick the part (the first inline text body, HTML converted to text
//! when there is nothing else), undo format=flowed, normalise line endings
//! and list what is not quoted (attachments).

use mail_parser::{Message, MessagePart, MimeHeaders, PartType};

#[derive(Debug, Clone, Default)]
pub struct Body {
    /// The text to quote, LF line endings, format=flowed already undone.
    pub text: String,
    /// The text came from an HTML part (converted).
    pub from_html: bool,
    /// One line per part that is not quoted: `NAME (TYPE, SIZE)`.
    pub attachments: Vec<String>,
}

pub fn extract(msg: &Message) -> Body {
    let mut body = Body::default();
    if let Some(part) = msg.text_body.first().and_then(|&i| msg.parts.get(i as usize)) {
        match &part.body {
            PartType::Text(t) => {
                body.text = normalize_newlines(t);
                if let Some((delsp, true)) = flowed_params(part) {
                    body.text = unflow(&body.text, delsp);
                }
            }
            PartType::Html(h) => {
                body.text = normalize_newlines(&mail_parser::decoders::html::html_to_text(h));
                body.from_html = true;
            }
            _ => {}
        }
    }
    for part in msg.attachments() {
        body.attachments.push(describe_attachment(part));
    }
    body
}

fn describe_attachment(part: &MessagePart) -> String {
    let ctype = part
        .content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_string(),
        })
        .unwrap_or_else(|| "application/octet-stream".to_string())
        .to_ascii_lowercase();
    let name = part
        .attachment_name()
        .map(|n| n.chars().filter(|c| !c.is_control()).collect::<String>())
        .unwrap_or_else(|| "unnamed".to_string());
    format!("{name} ({ctype}, {})", human_size(part.len()))
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

/// `Some((delsp, is_flowed))` from the part's Content-Type parameters.
fn flowed_params(part: &MessagePart) -> Option<(bool, bool)> {
    let ct = part.content_type()?;
    let flowed = ct.attribute("format").is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
    let delsp = ct.attribute("delsp").is_some_and(|d| d.eq_ignore_ascii_case("yes"));
    Some((delsp, flowed))
}

fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
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
        let piece = if soft && delsp { &content[..content.len() - 1] } else { content };

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
    if text.ends_with('\n') && out.ends_with("\n\n") {
        out.pop();
    } else if !text.ends_with('\n') && out.ends_with('\n') {
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
        assert_eq!(unflow(t, false), "This is a long paragraph that was flowed.\n\n> quoted more\n-- \nsig\n");
    }

    #[test]
    fn unflow_delsp_and_stuffing() {
        assert_eq!(unflow("abc \ndef\n From x\n", true), "abcdef\nFrom x\n");
    }
}
