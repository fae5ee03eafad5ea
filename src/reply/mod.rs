//! The pure reply engine: from a parsed [`Mail`] and options to a [`Reply`]
//! (recipients, subject, threading, body). No I/O here.

pub mod audience;
pub mod check;
pub mod mailto;
pub mod patch;
pub mod quote;
pub mod recipients;
pub mod review;
pub mod subject;
pub mod threading;
pub mod trailer;
pub mod trim;

use crate::draft::Draft;
use crate::message::address::Addr;
use crate::message::{msgid, Mail};
pub use recipients::Mode;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub mode: Mode,
    /// The user's From, if known.
    pub from: Option<Addr>,
    /// All addresses that are "me" (dropped from the recipients).
    pub me: Vec<String>,
    pub quote: quote::QuoteOptions,
    /// Trailers to add below the quote (`--trailer`), each once.
    pub trailers: Vec<Trailer>,
}

/// Review trailers, written from [`Options::from`] as b4 writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Trailer {
    /// Reviewed-by:
    Reviewed,
    /// Acked-by:
    Acked,
    /// Tested-by:
    Tested,
}

impl Trailer {
    pub fn tag(self) -> &'static str {
        match self {
            Trailer::Reviewed => "Reviewed-by",
            Trailer::Acked => "Acked-by",
            Trailer::Tested => "Tested-by",
        }
    }
}

/// What the engine drafts: the draft itself (the file's shape: headers and
/// body) and what the user should know about how it was made.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub draft: Draft,
    /// Problems the user must know about: dropped ids, missing headers.
    pub warnings: Vec<String>,
    /// What the recipient rules did (`-v`, JSON).
    pub notes: Vec<String>,
}

/// A reply reads as its draft (`reply.to`, `reply.body`): the diagnostics
/// are all it adds.
impl std::ops::Deref for Reply {
    type Target = Draft;
    fn deref(&self) -> &Draft {
        &self.draft
    }
}

impl From<&Reply> for Draft {
    fn from(r: &Reply) -> Draft {
        r.draft.clone()
    }
}

pub fn build(mail: &Mail, opts: &Options) -> Reply {
    let mut rcpt = recipients::compute(mail, opts.mode, &opts.me);
    let mut warnings = std::mem::take(&mut rcpt.warnings);
    // An address that cannot go into a header (`touch x@y`, `@x`) is
    // dropped here, once, so the draft, the git send-email command, the
    // mailto link and the JSON all name the same people.
    for list in [&mut rcpt.to, &mut rcpt.cc] {
        list.retain(|a| {
            let ok = a.is_plausible();
            if !ok {
                warnings.push(format!("malformed address {:?} dropped", a.email));
            }
            ok
        });
    }
    if rcpt.to.is_empty() && !rcpt.cc.is_empty() {
        rcpt.to.push(rcpt.cc.remove(0));
    }
    if rcpt.to.is_empty() {
        warnings.push("the message names no recipients: fill in To yourself".to_string());
    }

    if mail.subject.is_none() {
        warnings.push("the message has no Subject".to_string());
    }
    let subject = match opts.mode {
        Mode::PublicInbox => subject::public_inbox(mail.subject.as_deref()),
        _ => subject::collapse(mail.subject.as_deref()),
    };

    let threading = threading::compute(mail);
    threading_diagnostics(mail, &threading, &mut warnings, &mut rcpt.notes);

    Reply {
        draft: Draft {
            from: opts.from.clone(),
            to: rcpt.to,
            cc: rcpt.cc,
            subject,
            in_reply_to: threading.in_reply_to,
            references: threading.references,
            body: body(mail, opts),
            flowed: opts.quote.flowed,
            ..Draft::default()
        },
        warnings,
        notes: rcpt.notes,
    }
}

/// What the user must know about the threading headers: a missing or
/// unusual Message-ID, ids dropped from or trimmed out of References.
fn threading_diagnostics(
    mail: &Mail,
    threading: &threading::Threading,
    warnings: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    match &mail.message_id {
        None => warnings.push("the message has no Message-ID: the reply will not be threaded".to_string()),
        Some(id) if threading.in_reply_to.is_none() => warnings.push(format!(
            "malformed Message-ID <{id}> not used: the reply will not be threaded"
        )),
        Some(id) if msgid::is_unusual(id) => warnings.push(format!(
            "unusual Message-ID <{id}> (not local@domain): used as it is to thread the reply"
        )),
        _ => {}
    }
    let unusual: Vec<String> = threading
        .references
        .iter()
        .filter(|r| msgid::is_unusual(r) && Some(*r) != mail.message_id.as_ref())
        .take(5)
        .map(|r| format!("<{r}>"))
        .collect();
    if !unusual.is_empty() {
        warnings.push(format!(
            "unusual id(s) {} (not local@domain) kept in References",
            unusual.join(" ")
        ));
    }
    let dropped: Vec<&String> = threading
        .dropped
        .iter()
        .filter(|d| Some(*d) != mail.message_id.as_ref())
        .collect();
    // A hostile message can carry thousands: name a few.
    const NAMED: usize = 5;
    for id in dropped.iter().take(NAMED) {
        warnings.push(format!("malformed id <{id}> dropped from References"));
    }
    if dropped.len() > NAMED {
        warnings.push(format!(
            "{} more malformed ids dropped from References",
            dropped.len() - NAMED
        ));
    }
    if threading.trimmed > 0 {
        notes.push(format!(
            "References trimmed to its first and last {} ids ({} left out)",
            threading::MAX_REFERENCES - 1,
            threading.trimmed
        ));
    }
}

/// Who the attribution names: the author a list rewrote From for
/// (X-Original-From), else From, else the display name of a From without
/// address (`MAILER-DAEMON <>`).
fn attributed(mail: &Mail) -> Option<Addr> {
    mail.x_original_from
        .first()
        .or(mail.from.first())
        .cloned()
        .or_else(|| mail.from_name.as_deref().map(|n| Addr::new(Some(n), "")))
}

/// Attribution, blank-free quote, attachment markers, an empty line for
/// the user's answer, and the review trailers (each once) at the end. With
/// trailers, a patch is quoted down to its commit message's trailers and a
/// cover letter by its first paragraph ([`trailer`]).
fn body(mail: &Mail, opts: &Options) -> String {
    let q = &opts.quote;
    let mut out = String::new();
    let review = match (&opts.from, opts.trailers.is_empty()) {
        (Some(_), false) => trailer::quote(mail, q),
        _ => None,
    };
    if !q.no_quote {
        let author = attributed(mail);
        let attribution = match &q.attribution {
            Some(t) => quote::render_attribution(
                t,
                author.as_ref(),
                mail.date.as_ref(),
                mail.message_id.as_deref(),
                mail.subject.as_deref(),
            ),
            None => quote::attribution(author.as_ref(), mail.date.as_ref()),
        };
        out.push_str(&attribution);
        out.push('\n');
        match &review {
            Some(r) => out.push_str(&r.quote),
            None => out.push_str(&quote::quote_body(&mail.body, q)),
        }
        out.push('\n');
    }
    if review.as_ref().is_some_and(|r| r.cover) {
        out.push_str(trailer::WHOLE_SERIES);
        out.push_str("\n\n");
    }
    let mut seen: Vec<Trailer> = Vec::new();
    if let Some(me) = &opts.from {
        for t in &opts.trailers {
            if seen.contains(t) {
                continue;
            }
            seen.push(*t);
            // An identity is data: no control character may add lines.
            // Trailers are written unquoted, as in commit messages.
            let who = match &me.name {
                Some(n) => format!("{n} <{}>", me.email),
                None => me.email.clone(),
            };
            let who = crate::text::one_line(&who);
            out.push_str(&format!("{}: {who}\n", t.tag()));
        }
    }
    if out.is_empty() {
        out.push('\n');
    }
    out
}
