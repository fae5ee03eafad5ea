//! The review features' side that touches files and the terminal: trimming
//! a draft file to what it answers (`--trim`, git config `ksreply.trim`, the
//! confirmation's "trim"). The trimming itself is [`crate::reply::trim`].

use crate::draft;
use crate::error::Result;
use crate::output;
use crate::reply::trim;
use std::path::Path;

/// Trim the body of the draft file at `path` (its `bytes`, LF) and write it
/// back when that changed anything; the file's bytes as they are now. The
/// header block is left as it is; a body that is not UTF-8 is not trimmed.
pub fn trim_file(path: &Path, bytes: Vec<u8>, prefix: &str) -> Result<Vec<u8>> {
    let Some(offset) = draft::body_offset(&bytes) else {
        return Ok(bytes);
    };
    let Ok(body) = std::str::from_utf8(&bytes[offset..]) else {
        output::warn("the draft's body is not UTF-8: not trimmed");
        return Ok(bytes);
    };
    let t = trim::trim(body, prefix);
    if t.top_post {
        output::warn(
            "the reply top-posts: trimming kept the first paragraph of the quote (answer below the lines you reply to)",
        );
    }
    if t.body == body {
        return Ok(bytes);
    }
    let mut out = bytes[..offset].to_vec();
    out.extend_from_slice(t.body.as_bytes());
    draft::write_atomic(path, &out)?;
    output::note(&format!("trimmed: {} quoted line(s) cut", t.cut));
    Ok(out)
}

/// The confirmation's "trim": trim the draft file and show its body as it
/// is now (on standard error, made safe for the terminal).
pub fn trim_and_show(path: &Path, prefix: &str) -> Result<()> {
    let bytes = std::fs::read(path)
        .map_err(|e| crate::error::Error::usage(format!("cannot read the draft {}: {e}", path.display())))?;
    let bytes = trim_file(path, bytes, prefix)?;
    let (_, body) = draft::split(&bytes);
    eprintln!();
    eprint!("{}", crate::text::for_terminal_lines(&String::from_utf8_lossy(body)));
    Ok(())
}
