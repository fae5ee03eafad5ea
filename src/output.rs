//! Everything ksreply writes for people and scripts goes through here.
//!
//! - Standard output: [`stdout`]; a closed pipe (`ksreply … | head -1`) is
//!   success, never a panic or an error message.
//! - Standard error: one line each, starting `ksreply: `, message data made
//!   safe for the terminal ([`warn`], [`note`]).
//! - JSON: one typed report per output kind, keys in a fixed (alphabetical)
//!   order; the man page documents them.

use crate::error::{Error, Result};
use crate::message::address::Addr;
use crate::text;
use serde::Serialize;
use std::io::Write;

/// Write `data` to standard output and flush it.
pub fn stdout(data: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(data).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // The reader has all it wanted (`| head`): that is success.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Error::usage(format!("cannot write to standard output: {e}"))),
    }
}

/// Serialise `report` as pretty JSON on standard output.
pub fn json(report: &impl Serialize) -> Result<()> {
    let mut s = serde_json::to_string_pretty(report).map_err(|e| Error::usage(format!("JSON: {e}")))?;
    s.push('\n');
    stdout(s.as_bytes())
}

/// `ksreply: warning: MSG` on standard error.
pub fn warn(msg: &str) {
    eprintln!("ksreply: warning: {}", text::for_terminal(msg));
}

/// `ksreply: MSG` on standard error: notes, progress, `-v` detail.
pub fn note(msg: &str) {
    eprintln!("ksreply: {}", text::for_terminal(msg));
}

/// The reply as `--json` reports it (alone, with `--print`,
/// `--git-send-email` or `--mailto`).
#[derive(Debug, Serialize)]
pub struct ReplyReport<'a> {
    pub body: &'a str,
    pub cc: &'a [Addr],
    /// With `--print`: the draft file's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
    /// Where the draft was saved (null when it was only printed).
    pub draft_path: Option<String>,
    pub from: Option<&'a Addr>,
    /// With `--git-send-email`: the command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git_send_email: Option<String>,
    pub in_reply_to: Option<&'a str>,
    /// With `--mailto`: the link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mailto: Option<String>,
    pub notes: Vec<String>,
    pub references: &'a [String],
    pub subject: &'a str,
    pub to: &'a [Addr],
    pub warnings: &'a [String],
}

/// `--check --json`.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// The draft file as named on the command line.
    pub draft: String,
    pub warnings: Vec<CheckWarning>,
}

#[derive(Debug, Serialize)]
pub struct CheckWarning {
    /// The line of the draft file, when the warning has one.
    pub line: Option<usize>,
    pub message: String,
    pub rule: &'static str,
}

/// `--dry-run --json`: what would be sent.
#[derive(Debug, Serialize)]
pub struct DryRunReport<'a> {
    pub dry_run: bool,
    pub envelope_from: &'a str,
    /// The whole message as it would be transmitted.
    pub message: String,
    pub recipients: &'a [String],
    /// The transport it would go through, or why there is none.
    pub transport: String,
}

/// `--yes --json` (and `--resume … --json`): what was sent.
#[derive(Debug, Serialize)]
pub struct SentReport<'a> {
    /// Where the sent draft was filed (null with --no-keep).
    pub draft_path: Option<String>,
    pub envelope_from: &'a str,
    pub message_id: &'a str,
    pub recipients: &'a [String],
    pub sent: bool,
}

/// One unsent draft, as `--drafts --json` lists it.
#[derive(Debug, Serialize)]
pub struct DraftEntry {
    /// When it was last written (RFC 3339, UTC).
    pub date: String,
    pub path: String,
    pub subject: String,
    /// Every recipient address: To, Cc and Bcc.
    pub to: Vec<String>,
}

/// One message of a thread, as `--list --json` gives it.
#[derive(Debug, Serialize)]
pub struct ThreadEntry {
    /// Date, RFC 3339 in UTC (null without a usable Date).
    pub date: Option<String>,
    /// 0 for the thread's root.
    pub depth: usize,
    pub from: Option<Addr>,
    pub id: String,
    /// The parent in the thread (null for a root).
    pub in_reply_to: Option<String>,
    /// A message from one of your addresses answers this one.
    pub replied: bool,
    pub subject: String,
}
