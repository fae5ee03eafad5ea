//! A reply to a patch at a glance, for the confirmation: how many comments
//! it makes, on which files and hunks, and the trailers it gives. Pure.

use super::patch;
use super::trim::Layout;

/// What a review reply says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub comments: usize,
    /// Where the comments are, in body order, each place once with how
    /// many comments it has: `b.c @@ -1,2 +1,3 @@ int b(void)`, or
    /// `message` for the quoted text outside the diff.
    pub places: Vec<(String, usize)>,
    /// The trailer lines of the new text (`Reviewed-by: Name <address>`).
    pub trailers: Vec<String>,
}

/// The review in a reply body quoted with `prefix`, when the reply answers
/// a patch: its subject says `PATCH` in brackets, its quote holds a diff, or
/// it gives trailers. None for other replies.
pub fn summarize(subject: &str, body: &str, prefix: &str) -> Option<Review> {
    let l = Layout::new(body, prefix);
    let trailers: Vec<String> = l
        .lines
        .iter()
        .enumerate()
        .filter(|&(i, line)| !l.is_quoted(i) && patch::is_trailer(line))
        .map(|(_, line)| line.trim_end().to_string())
        .collect();
    let upper = subject.to_ascii_uppercase();
    let patch_subject = upper.contains('[') && upper.contains("PATCH");
    let quotes_diff = l.diff.iter().any(|p| p.file.is_some() || p.hunk.is_some());
    if !(patch_subject || quotes_diff || !trailers.is_empty()) {
        return None;
    }
    let mut places: Vec<(String, usize)> = Vec::new();
    let mut comments = 0;
    for c in l.answers() {
        comments += 1;
        let place = c.anchor.map_or_else(|| "message".to_string(), |a| place_name(&l, a));
        match places.iter_mut().find(|(p, _)| *p == place) {
            Some((_, n)) => *n += 1,
            None => places.push((place, 1)),
        }
    }
    Some(Review {
        comments,
        places,
        trailers,
    })
}

/// `FILE @@ ... @@ FUNCTION` for a quoted line in a diff, else `message`.
fn place_name(l: &Layout, line: usize) -> String {
    let place = l.diff[line];
    let Some(f) = place.file.and_then(|f| l.contents[f]) else {
        return match place.hunk.and_then(|h| l.contents[h]) {
            Some(h) => h.trim_end().to_string(),
            None => "message".to_string(),
        };
    };
    let file = match f.strip_prefix("diff --git ") {
        // `a/x b/x`: the new name (names with spaces are rare in kernel trees).
        Some(names) => names.rsplit(' ').next().unwrap_or(names),
        None => f.strip_prefix("--- ").unwrap_or(f).split('\t').next().unwrap_or(f),
    };
    let file = file
        .strip_prefix("b/")
        .or_else(|| file.strip_prefix("a/"))
        .unwrap_or(file);
    match place.hunk.and_then(|h| l.contents[h]) {
        Some(h) => format!("{file} {}", h.trim_end()),
        None => file.to_string(),
    }
}

impl Review {
    /// The summary's lines, as (label, text).
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let mut comments = match self.comments {
            1 => "1 comment".to_string(),
            n => format!("{n} comments"),
        };
        if !self.places.is_empty() {
            let places: Vec<String> = self
                .places
                .iter()
                .map(|(p, n)| match n {
                    1 => p.clone(),
                    n => format!("{p} ({n})"),
                })
                .collect();
            comments.push_str(": ");
            comments.push_str(&places.join("; "));
        }
        let trailers = match self.trailers.is_empty() {
            true => "no trailers".to_string(),
            false => self.trailers.join(", "),
        };
        vec![("Review:", comments), ("", trailers)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_by_hunk_and_trailers() {
        let body = "\
A wrote:
> Fix.
Why?
> diff --git a/x.c b/x.c
> --- a/x.c
> +++ b/x.c
> @@ -1,2 +1,2 @@ int f(void)
>  a
Hm.
> -b
No.
> +c

Reviewed-by: Me <me@x>
";
        let r = summarize("Re: [PATCH 1/2] x", body, "> ").unwrap();
        assert_eq!(r.comments, 3);
        assert_eq!(
            r.places,
            [
                ("message".to_string(), 1),
                ("x.c @@ -1,2 +1,2 @@ int f(void)".to_string(), 2)
            ]
        );
        assert_eq!(r.trailers, ["Reviewed-by: Me <me@x>"]);
        assert_eq!(
            r.lines(),
            [
                (
                    "Review:",
                    "3 comments: message; x.c @@ -1,2 +1,2 @@ int f(void) (2)".to_string()
                ),
                ("", "Reviewed-by: Me <me@x>".to_string())
            ]
        );
        // Not a patch, no diff, no trailer: no review.
        assert_eq!(summarize("Re: lunch", "B wrote:\n> x\nyes\n", "> "), None);
        let r = summarize("Re: [PATCH] x", "B wrote:\n> x\n", "> ").unwrap();
        assert_eq!(r.lines()[0].1, "0 comments");
        assert_eq!(r.lines()[1].1, "no trailers");
    }
}
