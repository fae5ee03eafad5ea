//! Undoing RFC 3676 format=flowed before quoting.

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
