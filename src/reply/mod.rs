//! The pure reply engine: from a parsed [`Mail`] and options to a [`Reply`]
//! (recipients, subject, threading, body). No I/O here.

pub mod mailto;
pub mod quote;
pub mod recipients;
pub mod subject;
pub mod threading;

use crate::message::address::Addr;
use crate::message::Mail;
pub use recipients::Mode;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub mode: Mode,
    /// The user's From, if known.
    pub from: Option<Addr>,
    /// All addresses that are "me" (dropped from the recipients).
    pub me: Vec<String>,
    pub quote: quote::QuoteOptions,
}

#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub from: Option<Addr>,
    pub to: Vec<Addr>,
    pub cc: Vec<Addr>,
    pub subject: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub body: String,
    /// Problems the user must know about: dropped ids, missing headers.
    pub warnings: Vec<String>,
    /// What the recipient rules did (`-v`, JSON).
    pub notes: Vec<String>,
}

pub fn build(mail: &Mail, opts: &Options) -> Reply {
    let mut warnings = Vec::new();
    let rcpt = recipients::compute(mail, opts.mode, &opts.me);
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
    match &mail.message_id {
        None => warnings.push("the message has no Message-ID: the reply will not be threaded".to_string()),
        Some(id) if threading.in_reply_to.is_none() => {
            warnings.push(format!("malformed Message-ID <{id}> not used: the reply will not be threaded"))
        }
        _ => {}
    }
    for id in threading.dropped.iter().filter(|d| Some(*d) != mail.message_id.as_ref()) {
        warnings.push(format!("malformed id <{id}> dropped from References"));
    }

    Reply {
        from: opts.from.clone(),
        to: rcpt.to,
        cc: rcpt.cc,
        subject,
        in_reply_to: threading.in_reply_to,
        references: threading.references,
        body: body(mail, &opts.quote),
        warnings,
        notes: rcpt.notes,
    }
}

/// Attribution, blank-free quote, attachment markers, and an empty line for
/// the user's answer.
fn body(mail: &Mail, qopts: &quote::QuoteOptions) -> String {
    let mut out = quote::attribution(mail.from.first(), mail.date.as_ref());
    out.push('\n');
    out.push_str(&quote::quote(&mail.body.text, qopts));
    let bare = qopts.prefix.trim_end();
    for a in &mail.body.attachments {
        out.push_str(&format!("{bare} [-- attachment: {a} --]\n"));
    }
    out.push('\n');
    out
}
