//! The interactive path: draft on disk → editor → checks → confirmation →
//! send, or print the git send-email command.
//!
//! The draft is a file from the moment it is generated until it has been
//! sent. Every way out that does not send (editor failure, unchanged or
//! empty draft, no terminal, a refused recipient, Ctrl-C) leaves it there
//! and the message says where, with the command to resume.

use crate::config::GitConfig;
use crate::draft::{self, Draft};
use crate::editor;
use crate::error::{Error, Kind, Result};
use crate::message::address::Addr;
use crate::output::{self, DryRunReport, SentReport};
use crate::reply::check;
use crate::send::{self, git_send_email, SendOverrides};
use crate::text;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The interactive path's settings, resolved by `plan`.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub no_edit: bool,
    pub yes: bool,
    pub dry_run: bool,
    pub no_keep: bool,
    /// Refuse to send when the netiquette check warns (exit 6, draft kept).
    pub strict: bool,
    /// The decoded text of the message replied to, for the netiquette check.
    pub original_text: Option<String>,
    pub identity: Option<String>,
    pub overrides: SendOverrides,
    /// Print the outcome (sent or dry run) as JSON.
    pub json: bool,
    /// The user's From now (`--from`, else git config): fills a resumed
    /// draft that has none.
    pub from: Option<Addr>,
    /// `--from` was given: a resumed draft is sent as that address.
    pub from_flag: bool,
    /// Every address of the user's (`--from`, sendemail.from, user.email).
    pub me: Vec<String>,
    /// Who the original reached, to check the reply's audience against.
    pub audience: Option<crate::reply::audience::Audience>,
    /// The thread to look at again before sending (message from an archive).
    pub watch: Option<crate::source::freshness::Watch>,
    /// Trim the quote to what the reply answers after editing (`--trim`,
    /// git config `ksreply.trim`).
    pub trim: bool,
    /// The quote prefix (`--quote-prefix`), to read the quote back.
    pub quote_prefix: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Choice {
    Send,
    Edit,
    /// Read what arrived in the thread, then ask again.
    ShowNews,
    /// Cut the quote the comments do not answer, show the result, ask again.
    Trim,
    PrintCommand,
    SaveQuit,
    Discard,
    /// Ctrl-C at the question.
    Interrupted,
}

/// Run the path for the draft at `path`. `generated` is what ksreply wrote
/// there (None when resuming), to notice a draft the user did not touch.
/// Whatever fails, the draft stays on disk and the error says where.
pub fn run(path: &Path, generated: Option<&[u8]>, config: &GitConfig, opts: &Session) -> Result<()> {
    let keep_note = |e: Error| keep_draft_error(e, path);
    if generated.is_none() {
        adopt_resumed(path, opts).map_err(keep_note)?;
    }
    let generated_body = generated.and_then(|g| Draft::parse(g).ok()).map(|d| d.body);
    let mut edit_now = !opts.no_edit;
    loop {
        if edit_now {
            let editor = editor::resolve().map_err(keep_note)?;
            editor::edit(&editor, path).map_err(keep_note)?;
        }
        let ready = prepare(path, generated, generated_body.as_deref(), edit_now, opts).map_err(keep_note)?;
        if opts.dry_run {
            return print_dry_run(&ready.from.email, &ready.rcpts, &ready.message, config, opts);
        }
        ensure_new_text(&ready.draft, generated_body.as_deref()).map_err(keep_note)?;
        // What arrived in the thread while the user wrote: one request.
        let news = opts.watch.as_ref().and_then(|w| w.news());
        if let (Some(n), Some(w)) = (&news, &opts.watch) {
            announce(n, &w.id);
        }
        let choice = if opts.yes {
            Choice::Send
        } else if editor::have_terminal() {
            show_summary(&ready.draft, &ready.rcpts, &opts.quote_prefix);
            let mut choice = ask(news.as_ref().is_some_and(|n| !n.arrived.is_empty()));
            while let (Choice::ShowNews, Some(n)) = (&choice, &news) {
                page_news(n);
                choice = ask(true);
            }
            choice
        } else {
            return Err(keep_note(Error::aborted(
                "no terminal to confirm on: nothing sent (use --yes to send without asking)",
            )));
        };
        edit_now = false;
        match choice {
            Choice::Send => {
                let Ready {
                    from,
                    rcpts,
                    message,
                    message_id,
                    ..
                } = &ready;
                return send_and_file(path, &from.email, rcpts, message, message_id, config, opts);
            }
            Choice::Edit | Choice::ShowNews => edit_now = true,
            Choice::Trim => crate::review::trim_and_show(path, &opts.quote_prefix).map_err(keep_note)?,
            Choice::PrintCommand => return print_git_send_email(path, &ready.draft),
            Choice::SaveQuit => {
                output::note(&format!("draft saved: {}", path.display()));
                output::note(&format!(
                    "resume with: ksreply --resume {}",
                    git_send_email::squote_maybe(&path.display().to_string())
                ));
                return Ok(());
            }
            Choice::Discard => {
                let _ = std::fs::remove_file(path);
                draft::forget_generated(path);
                output::note("draft discarded");
                return Ok(());
            }
            Choice::Interrupted => {
                return Err(keep_note(Error::new(Kind::Interrupted, "interrupted: nothing sent")));
            }
        }
    }
}

/// A draft read back from its file and checked, with the message it sends.
pub(crate) struct Ready {
    pub draft: Draft,
    pub from: Addr,
    pub rcpts: Vec<String>,
    pub message_id: String,
    pub message: Vec<u8>,
}

/// Read the draft back (after the editor when `edited`), trim it when
/// asked, check it and build the message it sends.
pub(crate) fn prepare(
    path: &Path,
    generated: Option<&[u8]>,
    generated_body: Option<&str>,
    edited: bool,
    opts: &Session,
) -> Result<Ready> {
    let bytes = read_as_lf(path)?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::aborted("the draft is empty: nothing sent"));
    }
    if edited && generated == Some(&bytes[..]) {
        return Err(Error::aborted("the draft was left unchanged: nothing sent"));
    }
    let bytes = match opts.trim {
        true => crate::review::trim_file(path, bytes, &opts.quote_prefix)?,
        false => bytes,
    };
    let mut draft = Draft::parse(&bytes)?;
    fix_threading(&mut draft);
    run_check(path, &bytes, &draft, generated_body, opts)?;
    let from = draft
        .from
        .clone()
        .ok_or_else(|| Error::usage("the draft has no From: set sendemail.from or user.email, or use --from"))?;
    let rcpts = draft.envelope_recipients();
    if rcpts.is_empty() {
        return Err(Error::usage("the draft has no recipients (To, Cc or Bcc)"));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let message_id = new_message_id(&from.email, now, path);
    let message = draft.render_for_sending(&message_id, now);
    Ok(Ready {
        draft,
        from,
        rcpts,
        message_id,
        message,
    })
}

/// A quote alone is never sent, whatever the flags (trailers count as new
/// text).
pub(crate) fn ensure_new_text(draft: &Draft, generated_body: Option<&str>) -> Result<()> {
    match check::new_text_lines(&draft.body, generated_body) {
        0 => Err(Error::aborted(
            "the draft has no new text, only the quote: nothing sent (write your answer, then --resume)",
        )),
        _ => Ok(()),
    }
}

/// A resumed draft is the user's own reply: without a From it gets the
/// user's address now; one from somebody else (a received message passed
/// by mistake) is refused unless `--from` says to send it as the user.
fn adopt_resumed(path: &Path, opts: &Session) -> Result<()> {
    if path.extension().is_some_and(|e| e == "sent") {
        return Err(Error::usage(format!(
            "{} was already sent (its filing into sent/ failed): not sending it again",
            path.display()
        )));
    }
    let bytes = read_as_lf(path)?;
    let draft = Draft::parse(&bytes)?;
    let mine = |a: &Addr| opts.me.iter().any(|m| m.eq_ignore_ascii_case(&a.email));
    let new_from = match (&draft.from, &opts.from) {
        (None, Some(me)) => me,
        (None, None) => {
            return Err(Error::usage(
                "the draft has no From: set sendemail.from, or user.name and user.email, in git config, or use --from",
            ))
        }
        (Some(f), Some(me)) if opts.from_flag && !f.email.eq_ignore_ascii_case(&me.email) => me,
        // Without any address of the user's known there is nothing to
        // compare with: the draft's From stands.
        (Some(f), _) if !opts.me.is_empty() && !mine(f) && !opts.from_flag => {
            return Err(Error::usage(format!(
                "the draft is from {}, not from you: not sending somebody else's message (use --from to send it as yourself)",
                f.display()
            )))
        }
        (Some(_), _) => return Ok(()),
    };
    draft::write_atomic(path, &draft::with_from(&bytes, new_from))?;
    output::note(&format!("From: {} (written into the draft)", new_from.display()));
    Ok(())
}

/// The draft file's bytes with LF line ends. An editor that saved CRLF
/// (vim with fileformat=dos) is undone on disk too: the draft is LF, always.
fn read_as_lf(path: &Path) -> Result<Vec<u8>> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::usage(format!("cannot read the draft {}: {e}", path.display())))?;
    if !bytes.contains(&b'\r') {
        return Ok(bytes);
    }
    let lf = String::from_utf8_lossy(&bytes).replace("\r\n", "\n").into_bytes();
    draft::write_atomic(path, &lf)?;
    Ok(lf)
}

/// "print the git send-email command": for the draft as it is, to exactly
/// its To, Cc and Bcc. git send-email would transmit a Bcc header and add
/// addresses it finds in the body, so a draft with Bcc is handed over as a
/// copy without that header, and --suppress-cc=all keeps the body out.
pub fn print_git_send_email(path: &Path, draft: &Draft) -> Result<()> {
    let file = if draft.bcc.is_empty() {
        path.to_path_buf()
    } else {
        let copy = path.with_extension("git-send-email.eml");
        draft::write_atomic(&copy, &draft::without_bcc(&std::fs::read(path).unwrap_or_default()))?;
        copy
    };
    let cmd = git_send_email::command_for_draft(draft, &file.display().to_string());
    output::stdout(cmd.as_bytes())
}

/// The netiquette check of the edited draft: warnings on stderr before the
/// confirmation; with --strict any warning refuses the send.
fn run_check(path: &Path, bytes: &[u8], draft: &Draft, generated_body: Option<&str>, opts: &Session) -> Result<()> {
    let mut warnings = check::check(&draft.body, generated_body, opts.original_text.as_deref());
    let mut me = opts.me.clone();
    me.extend(draft.from.iter().map(|f| f.email.clone()));
    warnings.extend(check::review(&draft.body, opts.original_text.as_deref(), &me));
    // Look-alike domains among those the reply goes to.
    let rcpts: Vec<Addr> = draft.to.iter().chain(&draft.cc).chain(&draft.bcc).cloned().collect();
    warnings.extend(check::mixed_script_domains(&rcpts));
    if let Some(a) = &opts.audience {
        warnings.extend(a.check(&rcpts));
    }
    let offset = crate::draft::body_line_offset(bytes);
    let name = path.display().to_string();
    for w in &warnings {
        output::warn(&w.format(&name, offset));
    }
    if opts.strict && !warnings.is_empty() {
        return Err(Error::new(
            Kind::Check,
            format!("{} netiquette warning(s): nothing sent (--strict)", warnings.len()),
        ));
    }
    Ok(())
}

/// An In-Reply-To the user changed no longer belongs to the old chain:
/// References that do not end in it are dropped rather than sent wrong.
fn fix_threading(d: &mut Draft) {
    if let Some(irt) = &d.in_reply_to {
        if d.references.last() != Some(irt) {
            if !d.references.is_empty() {
                output::warn("In-Reply-To was edited: References dropped");
            }
            d.references.clear();
        }
    }
}

/// `<TIME.RANDOM@DOMAIN>` with the domain of the From address, like git
/// send-email's ids; the random part comes from the clock, pid and path.
fn new_message_id(from: &str, now: i64, path: &Path) -> String {
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
        .unwrap_or("localhost");
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut h = Sha256::new();
    h.update(nanos.to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    h.update(path.as_os_str().as_encoded_bytes());
    let hex = crate::text::hex(&h.finalize()[..8]);
    let domain: String = domain
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && *c != '<' && *c != '>')
        .collect();
    format!("{now}.{hex}.ksreply@{domain}")
}

/// "2 new messages in this thread since you started: …" on stderr; a reply
/// to the very message answered is pointed out, and a newer revision of
/// the patch.
fn announce(news: &crate::source::freshness::News, answered: &str) {
    if !news.arrived.is_empty() {
        let list: Vec<String> = news
            .arrived
            .iter()
            .map(|e| {
                let who = e
                    .from
                    .as_ref()
                    .map(|a| a.name.clone().unwrap_or_else(|| a.email.clone()))
                    .unwrap_or_default();
                let time = e
                    .date
                    .map(|t| mail_parser::DateTime::from_timestamp(t).to_rfc3339())
                    .and_then(|d| d.get(11..16).map(str::to_string))
                    .unwrap_or_default();
                let same = match e.parent.as_deref() == Some(answered) {
                    true => " (a reply to the message you are answering!)",
                    false => "",
                };
                format!("{who} {time} '{}'{same}", e.subject)
            })
            .collect();
        output::note(&format!(
            "{} new message(s) in this thread since you started: {}",
            news.arrived.len(),
            list.join(", ")
        ));
    }
    if let Some((v, subject)) = &news.newer_revision {
        output::note(&format!(
            "a newer revision of this patch is in the thread (v{v}): '{subject}'"
        ));
    }
}

/// The new messages, quoted, in git's pager on the terminal.
fn page_news(news: &crate::source::freshness::News) {
    let mut text = String::new();
    for raw in &news.raw {
        let Ok(m) = crate::message::parse(raw) else { continue };
        let from = m.from.first().map(|a| a.display()).unwrap_or_default();
        text.push_str(&format!("From: {from}\nSubject: {}\n\n", m.subject.unwrap_or_default()));
        for line in m.body.text.lines() {
            text.push_str("> ");
            text.push_str(line);
            text.push('\n');
        }
        text.push('\n');
    }
    let text = text::for_terminal_lines(&text).into_owned();
    if let Err(e) = editor::page(&text) {
        output::warn(&format!("cannot show the new messages: {}", e.msg));
    }
}

/// An edited, unsent draft of the same reply exists: go on with it (true)
/// or start a new one?
pub fn ask_resume(existing: &Path) -> bool {
    output::note(&format!("an unsent draft of this reply exists: {}", existing.display()));
    let items = ["go on with that draft", "start a new draft"];
    let picked = {
        let _guard = editor::IgnoreInterrupts::new();
        dialoguer::Select::new()
            .with_prompt("Resume it?")
            .items(&items)
            .default(0)
            .interact_on_opt(&dialoguer::console::Term::stderr())
    };
    let _ = dialoguer::console::Term::stderr().show_cursor();
    !matches!(picked, Ok(Some(1)))
}

/// What will be sent, on the terminal before the question: the addresses
/// that go into the envelope (Bcc included; none that is then dropped),
/// and every name, address and the subject shown, never interpreted.
pub(crate) fn show_summary(d: &Draft, rcpts: &[String], quote_prefix: &str) {
    let list = |v: &[Addr]| {
        v.iter()
            .filter(|a| a.is_plausible())
            .map(|a| a.display())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let line = |label: &str, value: &str| eprintln!("{label:<9}{}", text::for_terminal(value));
    eprintln!();
    if let Some(f) = &d.from {
        line("From:", &f.display());
    }
    line("To:", &list(&d.to));
    for (label, v) in [("Cc:", &d.cc), ("Bcc:", &d.bcc)] {
        if v.iter().any(|a| a.is_plausible()) {
            line(label, &list(v));
        }
    }
    line("Subject:", &d.subject);
    let (quoted, new) = d.body.lines().fold((0, 0), |(q, n), l| {
        if l.starts_with('>') {
            (q + 1, n)
        } else if l.trim().is_empty() || l.ends_with(" wrote:") {
            (q, n)
        } else {
            (q, n + 1)
        }
    });
    eprintln!("Body:    {new} new lines, {quoted} quoted lines");
    // A reply to a patch: its comments, where, and its trailers.
    if let Some(r) = crate::reply::review::summarize(&d.subject, &d.body, quote_prefix) {
        for (label, value) in r.lines() {
            line(label, &value);
        }
    }
    eprintln!("Goes to: {} recipient(s)", rcpts.len());
}

fn ask(with_news: bool) -> Choice {
    let mut items = vec![
        ("send", Choice::Send),
        ("edit again", Choice::Edit),
        (
            "trim: cut the quote you did not answer (shows the result)",
            Choice::Trim,
        ),
        ("print the git send-email command", Choice::PrintCommand),
        ("save and quit", Choice::SaveQuit),
        ("discard", Choice::Discard),
    ];
    if with_news {
        items.push(("show the new messages in the thread", Choice::ShowNews));
    }
    ask_menu("Send this reply?", &items)
}

/// The confirmation menu: `items`, the first preselected.
pub(crate) fn ask_menu(prompt: &str, items: &[(&str, Choice)]) -> Choice {
    let labels: Vec<&str> = items.iter().map(|(label, _)| *label).collect();
    // Ctrl-C arrives as a key in the menu's raw mode; console then raises
    // SIGINT. Ignored here, it comes back as an error, and the terminal is
    // restored and the draft named instead of dying with a hidden cursor.
    let term = dialoguer::console::Term::stderr();
    let picked = {
        let _guard = editor::IgnoreInterrupts::new();
        dialoguer::Select::new()
            .with_prompt(prompt)
            .items(&labels)
            .default(0)
            .interact_on_opt(&term)
    };
    match picked {
        Ok(Some(i)) if items[i].1 != Choice::SaveQuit => items[i].1,
        Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
            let _ = term.show_cursor();
            eprintln!();
            Choice::Interrupted
        }
        // Escape, "save and quit" or a terminal error: keep the draft.
        _ => {
            let _ = term.show_cursor();
            Choice::SaveQuit
        }
    }
}

pub(crate) fn print_dry_run(
    from: &str,
    rcpts: &[String],
    message: &[u8],
    config: &GitConfig,
    opts: &Session,
) -> Result<()> {
    let transport = send::transport_from_config(config, opts.identity.as_deref(), &opts.overrides)
        .map(|t| t.to_string())
        .unwrap_or_else(|e| format!("(not configured: {e})"));
    if opts.json {
        return output::json(&DryRunReport {
            dry_run: true,
            envelope_from: from,
            message: String::from_utf8_lossy(message).into_owned(),
            recipients: rcpts,
            transport,
        });
    }
    let mut out = format!("Dry run: nothing sent.\nTransport: {transport}\nMAIL FROM: <{from}>\n");
    for r in rcpts {
        out.push_str(&format!("RCPT TO: <{r}>\n"));
    }
    out.push('\n');
    out.push_str(&String::from_utf8_lossy(message));
    output::stdout(out.as_bytes())
}

pub(crate) fn send_and_file(
    path: &Path,
    from: &str,
    rcpts: &[String],
    message: &[u8],
    message_id: &str,
    config: &GitConfig,
    opts: &Session,
) -> Result<()> {
    let keep_note = |e: Error| keep_draft_error(e, path);
    let transport =
        send::transport_from_config(config, opts.identity.as_deref(), &opts.overrides).map_err(keep_note)?;
    send::send(&transport, from, rcpts, message)
        .map_err(|e| match nothing_configured(config, opts) {
            true => e.context_after(
                "no SMTP server is configured: set sendemail.smtpServer (and smtpServerPort, smtpEncryption, smtpUser) in git config",
            ),
            false => e,
        })
        .map_err(keep_note)?;
    draft::forget_generated(path);
    output::note(&format!("sent <{message_id}> to {} recipient(s)", rcpts.len()));
    let filed = if opts.no_keep {
        let _ = std::fs::remove_file(path);
        None
    } else {
        match file_as_sent(path) {
            Ok(p) => Some(p),
            Err(e) => Some(mark_sent(path, &e)),
        }
    };
    if let Some(p) = &filed {
        output::note(&format!("sent draft kept as {}", p.display()));
    }
    if opts.json {
        output::json(&SentReport {
            draft_path: filed.as_ref().map(|p| p.display().to_string()),
            envelope_from: from,
            message_id,
            recipients: rcpts,
            sent: true,
        })
    } else {
        output::stdout(format!("<{message_id}>\n").as_bytes())
    }
}

/// No transport was configured: git's fallback (a local sendmail, else
/// localhost:25) was tried, and a failure there needs guidance.
fn nothing_configured(config: &GitConfig, opts: &Session) -> bool {
    let id = opts.identity.as_deref();
    let ov = &opts.overrides;
    ov.server.is_none()
        && ov.sendmail_cmd.is_none()
        && config.sendemail(id, "smtpServer").is_none()
        && config.sendemail(id, "sendmailCmd").is_none()
}

/// Move the sent draft to `sent/` beside `drafts/` (or next to the draft
/// when it lives elsewhere), never overwriting.
fn file_as_sent(path: &Path) -> Result<PathBuf> {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let drafts = crate::config::state_dir().map(|s| s.join("drafts"));
    let in_drafts = drafts
        .as_ref()
        .and_then(|d| std::fs::canonicalize(d).ok())
        .is_some_and(|d| abs.starts_with(d));
    let dir = match (crate::config::state_dir(), path.parent()) {
        (Some(state), _) if in_drafts => state.join("sent"),
        (_, Some(parent)) => parent.join("sent"),
        _ => PathBuf::from("sent"),
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let data = std::fs::read(path).map_err(|e| Error::usage(format!("cannot read {}: {e}", path.display())))?;
    let dest = crate::draft::write_new(&dir, &name, &data)?;
    let _ = std::fs::remove_file(path);
    Ok(dest)
}

/// The message went out but could not be filed into `sent/`: the draft is
/// renamed to `NAME.sent` (a rename needs no free space), which `--resume`
/// refuses and `--drafts` does not list, so it is never sent twice.
fn mark_sent(path: &Path, why: &Error) -> PathBuf {
    let marked = PathBuf::from(format!("{}.sent", path.display()));
    match std::fs::rename(path, &marked) {
        Ok(()) => {
            output::warn(&format!(
                "sent, but filing the draft into sent/ failed ({}): kept as {}, marked as sent",
                why.msg,
                marked.display()
            ));
            marked
        }
        Err(e) => {
            output::warn(&format!(
                "sent, but the draft could neither be filed ({}) nor marked as sent ({e}): do not --resume {}",
                why.msg,
                path.display()
            ));
            path.to_path_buf()
        }
    }
}

/// Add where the draft is and how to resume to an error, keeping its kind.
pub fn keep_draft_error(e: Error, path: &Path) -> Error {
    let p = git_send_email::squote_maybe(&path.display().to_string());
    let kind: Kind = e.kind;
    Error::new(
        kind,
        format!(
            "{}; draft kept: {} (resume with: ksreply --resume {p})",
            e.msg,
            path.display()
        ),
    )
}
