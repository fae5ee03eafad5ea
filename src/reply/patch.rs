//! Patches as mail carries them (`git format-patch`, `git send-email`, a
//! diff pasted into a message): where the commit message ends, where its
//! trailer block is, where the diff starts; and the line shapes the review
//! features share (diff headers, trailers). Pure.

/// Where the parts of a patch are in the lines of a text (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// The commit message to quote is `lines[..message_end]`: down to and
    /// including its last trailer block (`Signed-off-by:` ...), or all of it
    /// without trailing blank lines when it has none.
    pub message_end: usize,
    /// The first line after the commit message: git's `---` separator (notes
    /// and diffstat follow) or the diff's first header.
    pub diff_start: usize,
}

/// The parts of `text` when it carries a diff (a `diff --git` line, an
/// `Index:` header, or `--- `, `+++ `, `@@ ` lines in a row); None otherwise.
/// Quoted lines (`> diff --git`) are not a diff of this text.
pub fn shape(text: &str) -> Option<Shape> {
    let lines: Vec<&str> = text.lines().collect();
    let first_diff = (0..lines.len()).find(|&i| is_diff_header(&lines, i))?;
    // git am takes the message up to the first `---` line.
    let diff_start = lines[..first_diff]
        .iter()
        .position(|l| l.trim_end() == "---")
        .unwrap_or(first_diff);
    let end = lines[..diff_start]
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(0, |i| i + 1);
    let message_end = last_trailer_block_end(&lines[..end]).unwrap_or(end);
    Some(Shape {
        message_end,
        diff_start,
    })
}

/// `lines[i]` starts a diff: `diff --git`, `Index: x` over `=====`, or a
/// unified diff's `--- ` / `+++ ` / `@@ ` header.
pub fn is_diff_header(lines: &[&str], i: usize) -> bool {
    let at = |k: usize| lines.get(i + k).copied().unwrap_or("");
    let l = at(0);
    l.starts_with("diff --git ")
        || (l.starts_with("Index: ") && at(1).starts_with("===="))
        || (l.starts_with("--- ") && at(1).starts_with("+++ ") && is_hunk_header(at(2)))
}

/// `@@ -1,5 +1,6 @@ ...`
pub fn is_hunk_header(line: &str) -> bool {
    hunk_counts(line).is_some()
}

/// The old and new line counts of a hunk header (`@@ -a,b +c,d @@`; a
/// missing count is 1).
pub fn hunk_counts(line: &str) -> Option<(usize, usize)> {
    let rest = line.strip_prefix("@@ -")?;
    let (ranges, _) = rest.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let count = |r: &str| -> Option<usize> {
        match r.split_once(',') {
            Some((start, n)) => start.parse::<usize>().ok().and(n.parse().ok()),
            None => r.parse::<usize>().ok().map(|_| 1),
        }
    };
    Some((count(old)?, count(new)?))
}

/// The end (exclusive) of the last paragraph of `lines` that is a trailer
/// block: every line a trailer (`Tag: value`), a continuation (indented) or
/// a `[note]`, and at least one a well-known trailer.
fn last_trailer_block_end(lines: &[&str]) -> Option<usize> {
    let mut end = lines.len();
    while end > 0 {
        let start = lines[..end]
            .iter()
            .rposition(|l| l.trim().is_empty())
            .map_or(0, |i| i + 1);
        let para = &lines[start..end];
        let shaped = para.iter().all(|l| {
            trailer_parts(l).is_some() || l.starts_with([' ', '\t']) || (l.starts_with('[') && l.ends_with(']'))
        });
        if shaped && para.iter().any(|l| is_trailer(l)) {
            return Some(end);
        }
        // The blank lines above this paragraph.
        end = lines[..start]
            .iter()
            .rposition(|l| !l.trim().is_empty())
            .map_or(0, |i| i + 1);
    }
    None
}

/// `Tag: value` with a tag of letters, digits and `-`: (tag, value).
pub fn trailer_parts(line: &str) -> Option<(&str, &str)> {
    let (tag, value) = line.split_once(':')?;
    let ok = !tag.is_empty()
        && tag.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    ok.then_some((tag, value.trim()))
}

/// A well-known trailer line: any `*-by:` (Signed-off-by, Reviewed-by,
/// Acked-by, Tested-by, Reported-by, ...), `Fixes:`, `Link:`, `Closes:`,
/// `Cc:`.
pub fn is_trailer(line: &str) -> bool {
    trailer_parts(line).is_some_and(|(tag, value)| {
        let tag = tag.to_ascii_lowercase();
        !value.is_empty() && (tag.ends_with("-by") || matches!(tag.as_str(), "fixes" | "link" | "closes" | "cc"))
    })
}

/// The trailers a reviewer gives for themselves (`--trailer`): Reviewed-by,
/// Acked-by, Tested-by; the tag as written.
pub fn review_tag(line: &str) -> Option<&str> {
    let (tag, _) = trailer_parts(line)?;
    ["Reviewed-by", "Acked-by", "Tested-by"]
        .iter()
        .any(|t| t.eq_ignore_ascii_case(tag))
        .then_some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH: &str = "\
The foo driver leaks the bar.

Fixes: 0123456789ab (\"foo: add bar\")
Signed-off-by: Alice <alice@example.org>
---
v2: spelling

 drivers/foo.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/drivers/foo.c b/drivers/foo.c
index 1111111..2222222 100644
--- a/drivers/foo.c
+++ b/drivers/foo.c
@@ -1,3 +1,3 @@
 a
-b
+c
-- 
2.39.2
";

    #[test]
    fn commit_message_trailers_and_diff() {
        let s = shape(PATCH).unwrap();
        assert_eq!(
            s,
            Shape {
                message_end: 4,
                diff_start: 4
            }
        );
        // Without a `---` separator the diff header starts the cut; the
        // trailing blank lines are not part of the message.
        let s = shape("Try this:\n\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n").unwrap();
        assert_eq!(
            s,
            Shape {
                message_end: 1,
                diff_start: 2
            }
        );
        // Prose after the trailers (before ---) is left out of the quote.
        let t = "Fix.\n\nSigned-off-by: A <a@b>\n\nA note.\n---\ndiff --git a/x b/x\n";
        assert_eq!(shape(t).unwrap().message_end, 3);
        // A quoted diff is not this message's diff; no diff, no shape.
        assert_eq!(shape("> diff --git a/x b/x\n> @@ -1 +1 @@\n"), None);
        assert_eq!(shape("Hi,\nNote: this is --- not a patch\n"), None);
    }

    #[test]
    fn trailer_lines() {
        assert!(is_trailer("Signed-off-by: A <a@b>"));
        assert!(is_trailer("Cc: stable@vger.kernel.org # 6.1"));
        assert!(!is_trailer("Note: this"));
        assert!(!is_trailer("Reviewed-by:"));
        assert_eq!(review_tag("reviewed-by: x"), Some("reviewed-by"));
        assert_eq!(review_tag("Signed-off-by: x"), None);
        assert_eq!(hunk_counts("@@ -1,5 +1,6 @@ int foo(void)"), Some((5, 6)));
        assert_eq!(hunk_counts("@@ -3 +3 @@"), Some((1, 1)));
        assert_eq!(hunk_counts("@@ nonsense @@"), None);
    }
}
