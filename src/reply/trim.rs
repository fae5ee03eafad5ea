//! Trimming a reply to what it answers (`--trim`): after editing, every
//! quoted run the user did not answer is cut, and each comment keeps the
//! quote right above it. For a diff that is the file's `diff --git` line,
//! the hunk's `@@` header and the hunk's lines down to the comment; for
//! prose, the quoted paragraph above. Each cut run becomes one `> [...]`
//! line (never two in a row); the attribution and every line of new text
//! stay as they are. A reply with no answer inside the quote (a top-post, or
//! only trailers below it) keeps the quote's first paragraph. Pure.
//!
//! [`Layout`] is the reading of a reply body this rests on; the review
//! summary ([`super::review`]) reads replies with it too.

use super::patch;
use super::trailer::{cut_marker, is_cut_marker, WHOLE_SERIES};

/// Where a quoted line stands in a quoted diff (line indexes, 0-based).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiffPlace {
    /// The file's header: its `diff --git` line, or the `--- ` line of a
    /// unified diff without one.
    pub file: Option<usize>,
    /// The hunk's `@@` line, when the line is in a hunk (or is its header).
    pub hunk: Option<usize>,
}

/// A run of new text below a quoted line: one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Its first and past-its-last non-blank line.
    pub start: usize,
    pub end: usize,
    /// The quoted line right above it (cut markers and quoted blank lines
    /// passed over), if any.
    pub anchor: Option<usize>,
    /// Only trailers (`Reviewed-by: ...`, and the trailer reply's "For the
    /// whole series:"): an answer to the whole message, not to a line.
    pub trailers_only: bool,
}

/// A reply body, read line by line: what is quoted, where quoted lines
/// stand in a diff, and the comments.
#[derive(Debug)]
pub struct Layout<'a> {
    pub lines: Vec<&'a str>,
    /// The quoted lines' text without the prefix (None for other lines).
    pub contents: Vec<Option<&'a str>>,
    pub diff: Vec<DiffPlace>,
    pub first_quoted: Option<usize>,
    /// Below the first quoted line, before the user's signature.
    pub comments: Vec<Comment>,
    /// New text above the first quoted line besides the attribution.
    pub top_text: bool,
}

impl<'a> Layout<'a> {
    /// Read `body`, whose quoted lines start with `prefix` (`> `).
    pub fn new(body: &'a str, prefix: &str) -> Layout<'a> {
        let bare = match prefix.trim_end() {
            "" => ">",
            b => b,
        };
        let lines: Vec<&str> = body.lines().collect();
        let contents: Vec<Option<&str>> = lines
            .iter()
            .map(|l| {
                let rest = l.strip_prefix(bare)?;
                Some(
                    rest.strip_prefix(' ')
                        .filter(|_| prefix.len() > bare.len())
                        .unwrap_or(rest),
                )
            })
            .collect();
        let first_quoted = contents.iter().position(Option::is_some);
        let mut layout = Layout {
            diff: diff_places(&contents),
            lines,
            contents,
            first_quoted,
            comments: Vec::new(),
            top_text: false,
        };
        layout.comments = layout.find_comments();
        layout.top_text = layout.has_top_text();
        layout
    }

    pub fn is_quoted(&self, i: usize) -> bool {
        self.contents[i].is_some()
    }

    /// A quoted line with nothing but quote markers and blanks.
    fn is_quoted_blank(&self, i: usize) -> bool {
        self.contents[i].is_some_and(|c| c.trim_start_matches(['>', ' ', '\t']).is_empty())
    }

    fn is_marker(&self, i: usize) -> bool {
        self.is_quoted(i) && is_cut_marker(self.lines[i])
    }

    fn find_comments(&self) -> Vec<Comment> {
        let Some(fq) = self.first_quoted else {
            return Vec::new();
        };
        let last_quoted = self.contents.iter().rposition(Option::is_some).unwrap_or(fq);
        // The user's signature below the last quote is no answer.
        let end = (last_quoted..self.lines.len())
            .find(|&i| self.lines[i] == "-- ")
            .unwrap_or(self.lines.len());
        let mut out = Vec::new();
        let mut i = fq;
        while i < end {
            if self.is_quoted(i) || self.lines[i].trim().is_empty() {
                i += 1;
                continue;
            }
            let start = i;
            while i < end && !self.is_quoted(i) {
                i += 1;
            }
            let stop = (start..i)
                .rev()
                .find(|&k| !self.lines[k].trim().is_empty())
                .map_or(i, |k| k + 1);
            let trailers_only = self.lines[start..stop]
                .iter()
                .all(|l| l.trim().is_empty() || patch::is_trailer(l) || l.trim() == WHOLE_SERIES);
            out.push(Comment {
                start,
                end: stop,
                anchor: self.anchor_above(start),
                trailers_only,
            });
        }
        out
    }

    /// The quoted line a comment starting at `start` answers.
    fn anchor_above(&self, start: usize) -> Option<usize> {
        let fq = self.first_quoted?;
        for j in (fq..start).rev() {
            if !self.is_quoted(j) {
                if self.lines[j].trim().is_empty() {
                    continue;
                }
                return None;
            }
            if self.is_marker(j) || (self.is_quoted_blank(j) && self.diff[j].hunk.is_none()) {
                continue;
            }
            return Some(j);
        }
        None
    }

    /// New text above the quote, the attribution (its last line ends in
    /// `:`, and may be wrapped from an `On ...` line) left out.
    fn has_top_text(&self) -> bool {
        let Some(fq) = self.first_quoted else {
            return false;
        };
        let mut text: Vec<usize> = (0..fq).filter(|&i| !self.lines[i].trim().is_empty()).collect();
        if text
            .last()
            .is_some_and(|&i| i + 1 == fq && self.lines[i].trim_end().ends_with(':'))
        {
            let last = text.pop().unwrap_or_default();
            if !self.lines[last].starts_with("On ") && text.last().is_some_and(|&i| self.lines[i].starts_with("On ")) {
                text.pop();
            }
        }
        !text.is_empty()
    }

    /// The answers: comments that are not trailers alone.
    pub fn answers(&self) -> impl Iterator<Item = &Comment> {
        self.comments.iter().filter(|c| !c.trailers_only)
    }
}

/// Each quoted line's place in a quoted diff. A hunk ends when its header's
/// line counts are used up or at a line that cannot be in a hunk; a file's
/// header stands until a line that is neither a hunk nor a header (a cut
/// marker is neither: the place goes on across it).
fn diff_places(contents: &[Option<&str>]) -> Vec<DiffPlace> {
    let quoted: Vec<(usize, &str)> = contents
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, (*c)?)))
        .collect();
    let mut out = vec![DiffPlace::default(); contents.len()];
    let (mut file, mut hunk, mut file_has_hunk) = (None, None, false);
    let mut left = (0usize, 0usize);
    for (k, &(i, c)) in quoted.iter().enumerate() {
        let next = |d: usize| quoted.get(k + d).map_or("", |q| q.1);
        // What was cut leaves the place as it was.
        if c.trim() == "[...]" {
            out[i] = DiffPlace { file, hunk };
            continue;
        }
        if hunk.is_some() && left != (0, 0) && is_hunk_line(c) {
            match c.as_bytes().first() {
                Some(b'+') => left.1 = left.1.saturating_sub(1),
                Some(b'-') => left.0 = left.0.saturating_sub(1),
                Some(b'\\') => {}
                _ => left = (left.0.saturating_sub(1), left.1.saturating_sub(1)),
            }
            out[i] = DiffPlace { file, hunk };
            if left == (0, 0) {
                hunk = None;
            }
            continue;
        }
        hunk = None;
        let plain_file = c.starts_with("--- ") && (file.is_none() || file_has_hunk) && next(1).starts_with("+++ ");
        if c.starts_with("diff --git ") || plain_file {
            (file, file_has_hunk) = (Some(i), false);
        } else if let Some(counts) = patch::hunk_counts(c) {
            (hunk, left, file_has_hunk) = (Some(i), counts, true);
        } else if !(file.is_some() && is_file_header_line(c)) {
            file = None;
        }
        out[i] = DiffPlace { file, hunk };
    }
    out
}

fn is_hunk_line(c: &str) -> bool {
    c.is_empty() || c.starts_with([' ', '+', '-', '\\'])
}

/// The lines git writes between `diff --git` and the first `@@`.
fn is_file_header_line(c: &str) -> bool {
    [
        "index ",
        "--- ",
        "+++ ",
        "new file mode",
        "deleted file mode",
        "old mode",
        "new mode",
        "similarity index",
        "dissimilarity index",
        "rename from",
        "rename to",
        "copy from",
        "copy to",
        "Binary files",
        "GIT binary patch",
    ]
    .iter()
    .any(|p| c.starts_with(p))
}

/// A trimmed reply body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trimmed {
    pub body: String,
    /// Quoted lines cut.
    pub cut: usize,
    /// New text only above the quote: the reply top-posts.
    pub top_post: bool,
}

/// Trim `body` (quoted with `prefix`) to the quote its comments answer.
pub fn trim(body: &str, prefix: &str) -> Trimmed {
    let l = Layout::new(body, prefix);
    let Some(fq) = l.first_quoted else {
        return Trimmed {
            body: body.to_string(),
            cut: 0,
            top_post: false,
        };
    };
    let mut keep = vec![false; l.lines.len()];
    let mut answered = false;
    for a in l.answers().filter_map(|c| c.anchor) {
        keep_above(&l, a, &mut keep);
        answered = true;
    }
    if !answered {
        // No answer inside the quote: its first paragraph gives the context.
        let mut i = fq;
        while i < l.lines.len() && l.is_quoted(i) && !l.is_quoted_blank(i) && !l.is_marker(i) {
            keep[i] = true;
            i += 1;
        }
    }
    let marker = cut_marker(prefix);
    let (lines, cut) = cut_runs(&l, &keep, &marker);
    let mut out = lines.join("\n");
    if body.ends_with('\n') {
        out.push('\n');
    }
    Trimmed {
        body: out,
        cut,
        top_post: !answered && l.top_text,
    }
}

/// Mark what the comment below quoted line `a` keeps.
fn keep_above(l: &Layout, a: usize, keep: &mut [bool]) {
    // The quote between this comment and the one before (blank lines of
    // new text in it included).
    let fq = l.first_quoted.unwrap_or(0);
    let mut run_start = a;
    while run_start > fq && (l.is_quoted(run_start - 1) || l.lines[run_start - 1].trim().is_empty()) {
        run_start -= 1;
    }
    let place = l.diff[a];
    let from = match (place.hunk, place.file) {
        (Some(h), _) => h.max(run_start),
        (None, Some(f)) => f.max(run_start),
        (None, None) => {
            let mut j = a;
            while j > run_start && l.is_quoted(j - 1) && !l.is_quoted_blank(j - 1) && !l.is_marker(j - 1) {
                j -= 1;
            }
            j
        }
    };
    for (i, k) in keep.iter_mut().enumerate().take(a + 1).skip(from) {
        *k |= l.is_quoted(i) && !l.is_marker(i);
    }
    if let Some(h) = place.hunk {
        keep[h] = true;
    }
    if let Some(f) = place.file {
        keep[f] = true;
        // A unified diff's `--- ` header goes with its `+++ ` line.
        if l.contents[f].is_some_and(|c| c.starts_with("--- ")) && f + 1 < keep.len() {
            keep[f + 1] = true;
        }
    }
}

/// The body's lines with every run of quoted lines not kept as one marker
/// (blank lines between two such runs, or after the last one, go with
/// them); the number of quoted lines cut.
fn cut_runs<'a>(l: &Layout<'a>, keep: &[bool], marker: &'a str) -> (Vec<&'a str>, usize) {
    let mut out: Vec<&str> = Vec::with_capacity(l.lines.len());
    let mut blanks: Vec<&str> = Vec::new();
    let mut after_marker = false;
    let mut cut = 0;
    for (i, &line) in l.lines.iter().enumerate() {
        if l.is_quoted(i) && (!keep[i] || l.is_marker(i)) {
            cut += usize::from(!l.is_marker(i));
            if after_marker {
                blanks.clear();
            } else {
                out.append(&mut blanks);
                out.push(marker);
                after_marker = true;
            }
        } else if !l.is_quoted(i) && line.trim().is_empty() {
            blanks.push(line);
        } else {
            out.append(&mut blanks);
            out.push(line);
            after_marker = false;
        }
    }
    // Blank lines below a last marker end nothing: left out.
    if !after_marker {
        out.append(&mut blanks);
    }
    (out, cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH_REPLY: &str = "\
On Mon, Jan 01, 2024 at 10:00:00AM +0100, Alice wrote:
> The foo driver leaks the bar.
>
> Signed-off-by: Alice <alice@example.org>
> ---
>  a.c | 2 +-
>  b.c | 3 ++-
>
> diff --git a/a.c b/a.c
> index 1111111..2222222 100644
> --- a/a.c
> +++ b/a.c
> @@ -1,3 +1,3 @@ int a(void)
>  one
> -two
> +deux
> diff --git a/b.c b/b.c
> index 3333333..4444444 100644
> --- a/b.c
> +++ b/b.c
> @@ -1,2 +1,3 @@
>  x
> +y
>  z
> @@ -10,2 +11,2 @@ int b(void)
>  p
> -q
> +r
> --
> 2.39.2
";

    fn edit(body: &str, after: &str, insert: &str) -> String {
        body.replacen(&format!("{after}\n"), &format!("{after}\n{insert}\n"), 1)
    }

    #[test]
    fn one_comment_in_a_hunk_of_the_second_file() {
        let body = edit(PATCH_REPLY, "> +y", "\nWhy y?\n");
        let t = trim(&body, "> ");
        assert_eq!(
            t.body,
            "On Mon, Jan 01, 2024 at 10:00:00AM +0100, Alice wrote:\n\
             > [...]\n\
             > diff --git a/b.c b/b.c\n\
             > [...]\n\
             > @@ -1,2 +1,3 @@\n\
             >  x\n\
             > +y\n\
             \n\
             Why y?\n\
             \n\
             > [...]\n"
        );
        assert!(!t.top_post);
        assert_eq!(t.cut, 29 - 4);
        // Trimming again changes nothing.
        assert_eq!(trim(&t.body, "> ").body, t.body);
    }

    #[test]
    fn two_comments_in_one_hunk_and_one_on_the_message() {
        let body = edit(PATCH_REPLY, "> The foo driver leaks the bar.", "Which bar?");
        let body = edit(&body, "> -two", "Not two.");
        let body = edit(&body, "> +deux", "Deux!");
        let t = trim(&body, "> ");
        assert_eq!(
            t.body,
            "On Mon, Jan 01, 2024 at 10:00:00AM +0100, Alice wrote:\n\
             > The foo driver leaks the bar.\n\
             Which bar?\n\
             > [...]\n\
             > diff --git a/a.c b/a.c\n\
             > [...]\n\
             > @@ -1,3 +1,3 @@ int a(void)\n\
             >  one\n\
             > -two\n\
             Not two.\n\
             > +deux\n\
             Deux!\n\
             > [...]\n"
        );
    }

    #[test]
    fn prose_keeps_the_paragraph_above() {
        let body = "Bob wrote:\n> one\n> two\n>\n> three\n> four\n\nAnswer.\n\n> five\n>\n> six\n";
        let t = trim(body, "> ");
        assert_eq!(t.body, "Bob wrote:\n> [...]\n> three\n> four\n\nAnswer.\n\n> [...]\n");
        assert_eq!(t.cut, 6);
    }

    #[test]
    fn top_post_keeps_the_first_paragraph_and_says_so() {
        let body = "I agree.\n\nOn Mon, Bob wrote:\n> one\n> two\n>\n> three\n";
        let t = trim(body, "> ");
        assert_eq!(t.body, "I agree.\n\nOn Mon, Bob wrote:\n> one\n> two\n> [...]\n");
        assert!(t.top_post);
        // Trailers alone below the quote: the first paragraph, no top-post.
        let body = "On Mon, Bob wrote:\n> Fix.\n>\n> Signed-off-by: B <b@x>\n> [...]\n\nReviewed-by: M <m@x>\n";
        let t = trim(body, "> ");
        assert_eq!(t.body, "On Mon, Bob wrote:\n> Fix.\n> [...]\n\nReviewed-by: M <m@x>\n");
        assert!(!t.top_post);
    }

    #[test]
    fn markers_never_twice_in_a_row_and_new_text_untouched() {
        let body = "A wrote:\n> a\n> [...]\n\n> b\nX  \n\n\n> c\n>\n\n> [...]\n> d\n-- \nme\n";
        let t = trim(body, "> ");
        assert_eq!(t.body, "A wrote:\n> [...]\n\n> b\nX  \n\n\n> [...]\n-- \nme\n");
        let no_quote = "just text\n";
        assert_eq!(trim(no_quote, "> ").body, no_quote);
    }

    #[test]
    fn other_prefixes_and_plain_unified_diffs() {
        let body = "A wrote:\n| text\n|\n| --- a/x\n| +++ b/x\n| @@ -1,2 +1,2 @@\n|  k\n| -o\n| +n\nHm.\n";
        let t = trim(body, "| ");
        assert_eq!(
            t.body,
            "A wrote:\n| [...]\n| --- a/x\n| +++ b/x\n| @@ -1,2 +1,2 @@\n|  k\n| -o\n| +n\nHm.\n"
        );
    }
}
