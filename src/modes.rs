//! One function per [`Mode`](crate::plan::Mode): each takes the resolved
//! plan and does that one thing. The decisions were made in `plan`; here
//! the message is loaded, the reply built, and the result written.

use crate::cli::Generate;
use crate::compose::{self, Session};
use crate::draft::{self, Draft};
use crate::error::{Error, Kind, Result};
use crate::message::{self, thread, Mail};
use crate::output::{self, CheckReport, CheckWarning, ReplyReport};
use crate::plan::{DraftFile, Part, Plan, Source};
use crate::reply::{self, audience::Audience, check, mailto, quote::QuoteOptions, Reply};
use crate::send::git_send_email;
use crate::source::{self, file::Pick, freshness::Watch, Input};
use std::path::{Path, PathBuf};

/// The message and the reply to it, with the warnings shown.
pub(crate) struct Drafted {
    pub(crate) mail: Mail,
    pub(crate) reply: Reply,
    pub(crate) rendered: Vec<u8>,
}

impl Drafted {
    fn notes(&self) -> Vec<String> {
        self.reply.notes.iter().chain(&self.mail.body.notes).cloned().collect()
    }
}

fn draft_reply(plan: &Plan) -> Result<Drafted> {
    Ok(draft_mail(plan, load_mail(plan)?))
}

/// The reply to `mail`, its warnings shown (notes with `-v`).
pub(crate) fn draft_mail(plan: &Plan, mail: Mail) -> Drafted {
    let reply = reply::build(&mail, &plan.reply);
    for w in &reply.warnings {
        output::warn(w);
    }
    if plan.verbose {
        for n in reply.notes.iter().chain(&mail.body.notes) {
            output::note(n);
        }
    }
    if let Some(r) = plan.reply.quote.lines {
        let n = mail.body.text.lines().count();
        if r.first > n {
            output::warn(&format!(
                "--quote-lines: the original has only {n} lines: nothing quoted"
            ));
        }
    }
    let rendered = reply.draft.render();
    Drafted { mail, reply, rendered }
}

/// The JSON report of a drafted reply; the caller adds its mode's field.
fn report<'a>(d: &'a Drafted, draft_path: Option<&Path>) -> ReplyReport<'a> {
    let r = &d.reply;
    ReplyReport {
        body: &r.body,
        cc: &r.cc,
        draft: None,
        draft_path: draft_path.map(|p| p.display().to_string()),
        from: r.from.as_ref(),
        git_send_email: None,
        in_reply_to: r.in_reply_to.as_deref(),
        mailto: None,
        notes: d.notes(),
        references: &r.references,
        subject: &r.subject,
        to: &r.to,
        warnings: &r.warnings,
    }
}

fn emails(v: &[crate::message::address::Addr]) -> Vec<String> {
    v.iter().map(|a| a.email.clone()).collect()
}

/// `--print`, `--body-only`, `--headers-only`.
pub fn print(plan: &Plan, part: Part) -> Result<()> {
    let d = draft_reply(plan)?;
    let path = save(plan, &d)?;
    if plan.json {
        return output::json(&ReplyReport {
            draft: Some(String::from_utf8_lossy(&d.rendered).into_owned()),
            ..report(&d, path.as_deref())
        });
    }
    let (head, body) = draft::split(&d.rendered);
    output::stdout(match part {
        Part::All => &d.rendered,
        Part::Body => body,
        Part::Headers => head,
    })
}

/// `--git-send-email`: public-inbox's Reply instructions, for the saved
/// draft (or the placeholder path public-inbox prints).
pub fn git_send_email(plan: &Plan) -> Result<()> {
    let d = draft_reply(plan)?;
    let path = save(plan, &d)?;
    let named = match (&plan.draft_file, &path) {
        (DraftFile::At { path: p, .. } | DraftFile::Existing(p), _) | (_, Some(p)) => p.display().to_string(),
        _ => "/path/to/YOUR_REPLY".into(),
    };
    let cmd = git_send_email::command(
        d.reply.in_reply_to.as_deref(),
        &emails(&d.reply.to),
        &emails(&d.reply.cc),
        &named,
    );
    if plan.json {
        return output::json(&ReplyReport {
            git_send_email: Some(cmd),
            ..report(&d, path.as_deref())
        });
    }
    output::stdout(cmd.as_bytes())
}

/// `--mailto`.
pub fn mailto(plan: &Plan) -> Result<()> {
    let d = draft_reply(plan)?;
    let path = save(plan, &d)?;
    let r = &d.reply;
    let link = mailto::link(&emails(&r.to), r.in_reply_to.as_deref(), &emails(&r.cc), &r.subject);
    if plan.json {
        return output::json(&ReplyReport {
            mailto: Some(link),
            ..report(&d, path.as_deref())
        });
    }
    output::stdout(format!("{link}\n").as_bytes())
}

/// `--json` alone: save the draft and report it.
pub fn save_only(plan: &Plan) -> Result<()> {
    let d = draft_reply(plan)?;
    let path = save(plan, &d)?;
    output::json(&report(&d, path.as_deref()))
}

/// The interactive path: save, then edit, confirm and send.
pub fn compose(plan: &Plan, session: &Session) -> Result<()> {
    let d = draft_reply(plan)?;
    let Some(path) = save(plan, &d)? else {
        return Ok(());
    };
    let drafted: Vec<_> = d.reply.to.iter().chain(&d.reply.cc).cloned().collect();
    let session = Session {
        original_text: Some(d.mail.body.text.clone()),
        audience: Some(Audience::new(&d.mail, &drafted, &plan.reply.me)),
        watch: watch(plan, &d.mail),
        ..session.clone()
    };
    // An edited draft of this reply that the user chose to go on with.
    let generated = std::fs::read(&path).ok().filter(|b| *b == d.rendered);
    output::note(&format!("draft: {}", path.display()));
    compose::run(
        &path,
        generated.as_ref().map(|_| &d.rendered[..]),
        &plan.config,
        &session,
    )
}

/// For a message from an archive: what to compare the thread with at the
/// confirmation. The thread's ids now when it was fetched (from the cache,
/// a moment ago), else the time: what is dated later is new.
fn watch(plan: &Plan, mail: &Mail) -> Option<Watch> {
    let src = plan.source.as_ref()?;
    let Input::MessageId { id, .. } = &src.input else {
        return None;
    };
    let known = match src.remote.thread {
        true => source::remote::fetch(id, &src.remote)
            .ok()
            .and_then(|d| source::file::thread_mbox(&d).ok().map(|d| d.into_owned()))
            .map(|d| {
                message::mbox::split(&d)
                    .filter_map(message::mbox::quick_message_id)
                    .collect()
            }),
        false => None,
    };
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|t| t.as_secs() as i64)
        .unwrap_or(0);
    Some(Watch {
        id: mail.message_id.clone().unwrap_or_else(|| id.clone()),
        remote: src.remote.clone(),
        known,
        started,
        subject: mail.subject.clone(),
    })
}

/// `--series`: a reply to each patch of a series.
pub fn series(plan: &Plan, session: &Session, select: &crate::plan::SeriesSelect) -> Result<()> {
    crate::series::run(plan, session, select)
}

/// `--resume DRAFT`.
pub fn resume(plan: &Plan, draft: &Path, session: &Session) -> Result<()> {
    compose::run(draft, None, &plan.config, session)
}

/// `--resume DRAFT --git-send-email`.
pub fn draft_command(path: &Path) -> Result<()> {
    let data = std::fs::read(path).map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
    compose::print_git_send_email(path, &Draft::parse(&data)?)
}

/// `--check DRAFT [MESSAGE]`: the netiquette warnings, as
/// `DRAFT:LINE: rule: message` lines or JSON; exit 6 with --strict.
pub fn check(plan: &Plan, path: &Path, strict: bool) -> Result<()> {
    let data = std::fs::read(path).map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
    let draft = Draft::parse(&data)?;
    let (generated, original, audience) = match &plan.source {
        Some(_) => {
            let mail = load_mail(plan)?;
            let mut opts = plan.reply.clone();
            // The draft's own From is who wrote it.
            if draft.from.is_some() {
                opts.from = draft.from.clone();
            }
            opts.me = opts.from.iter().map(|a| a.email.clone()).collect();
            let drafted = reply::build(&mail, &opts);
            let rcpts: Vec<_> = drafted.to.iter().chain(&drafted.cc).cloned().collect();
            let audience = Audience::new(&mail, &rcpts, &opts.me);
            (Some(drafted.draft.body.clone()), Some(mail.body.text), Some(audience))
        }
        None => (None, None, None),
    };
    let mut warnings = check::check(&draft.body, generated.as_deref(), original.as_deref());
    if let Some(a) = audience {
        warnings.extend(
            a.check(
                &draft
                    .to
                    .iter()
                    .chain(&draft.cc)
                    .chain(&draft.bcc)
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
        );
    }
    // The user's addresses: the draft's From, --from, the identity in git config.
    let mut me: Vec<String> = draft.from.iter().map(|a| a.email.clone()).collect();
    me.extend(plan.reply.me.iter().cloned());
    me.extend(plan.config.get("user.email").map(|e| e.trim().to_string()));
    warnings.extend(check::review(&draft.body, original.as_deref(), &me));
    // Line numbers of the file, not of the body.
    let offset = draft::body_line_offset(&data);
    let shown = path.display().to_string();
    if plan.json {
        output::json(&CheckReport {
            draft: shown.clone(),
            warnings: warnings
                .iter()
                .map(|w| CheckWarning {
                    line: w.line.map(|l| l + offset),
                    message: w.message.clone(),
                    rule: w.rule,
                })
                .collect(),
        })?;
    } else {
        let s: String = warnings.iter().map(|w| w.format(&shown, offset) + "\n").collect();
        output::stdout(s.as_bytes())?;
    }
    if strict && !warnings.is_empty() {
        return Err(Error::new(
            Kind::Check,
            format!("{shown}: {} netiquette warning(s) (--strict)", warnings.len()),
        ));
    }
    Ok(())
}

/// `--plain-text`: quote text that is not a message (aerc's .OriginalText,
/// a pasted paragraph), signature cut, no attribution.
pub fn plain_text(arg: Option<&str>, opts: &QuoteOptions) -> Result<()> {
    let data = match arg.unwrap_or("-") {
        "-" => source::file::read_stdin()?,
        path => source::file::read_path(Path::new(path))?,
    };
    let text = String::from_utf8_lossy(&data).replace("\r\n", "\n");
    let quoted = reply::quote::quote(&text, opts);
    // On a terminal the text is shown, not interpreted; in a pipe (aerc's
    // template) it is data and passes as it is.
    use std::io::IsTerminal;
    let shown = match std::io::stdout().is_terminal() {
        true => crate::text::for_terminal_lines(&quoted),
        false => quoted.as_str().into(),
    };
    output::stdout(shown.as_bytes())
}

/// `--generate`: what `man/` and `completions/` hold.
pub fn generate(what: Generate) -> Result<()> {
    output::stdout(&crate::cli::generated(what))
}

/// One draft per reply: an unsent draft of the same reply that is still
/// exactly what ksreply generates is used again; one the user edited is
/// offered for resuming on a terminal, gone on with when composing without
/// one, and otherwise named and left alone. `--new` always starts afresh.
fn reuse_draft(plan: &Plan, existing: &[PathBuf], rendered: &[u8]) -> Result<Reuse> {
    if plan.new_draft || existing.is_empty() {
        return Ok(Reuse::New);
    }
    if let Some(same) = existing
        .iter()
        .find(|p| draft::is_as_generated(p) || std::fs::read(p).is_ok_and(|b| b == rendered))
    {
        return Ok(Reuse::Rewrite(same.clone()));
    }
    let edited = existing[0].clone();
    match &plan.mode {
        crate::plan::Mode::Compose(_) | crate::plan::Mode::Series { .. } if crate::editor::have_terminal() => {
            Ok(match compose::ask_resume(&edited) {
                true => Reuse::Edited(edited),
                false => Reuse::New,
            })
        }
        crate::plan::Mode::Compose(_) | crate::plan::Mode::Series { .. } => {
            output::note(&format!(
                "going on with the unsent draft of this reply: {} (--new for a fresh one)",
                edited.display()
            ));
            Ok(Reuse::Edited(edited))
        }
        _ => {
            output::warn(&format!(
                "an edited draft of this reply exists and is left as it is: {} (--new for a fresh one)",
                edited.display()
            ));
            Ok(Reuse::Edited(edited))
        }
    }
}

/// What to do about earlier drafts of the same reply.
enum Reuse {
    /// None to go on with: a new file.
    New,
    /// One still exactly as generated: write the new draft over it.
    Rewrite(PathBuf),
    /// One the user edited: use it as it is.
    Edited(PathBuf),
}

/// `--drafts`: the unsent drafts, newest first.
pub fn list_drafts(plan: &Plan) -> Result<()> {
    let dir = draft::default_dir()?;
    let mut listed = Vec::new();
    for (modified, path) in draft::list_dir(&dir) {
        let Ok(data) = std::fs::read(&path) else { continue };
        let d = Draft::parse(&data).unwrap_or_default();
        let secs = modified
            .duration_since(std::time::UNIX_EPOCH)
            .map(|t| t.as_secs() as i64)
            .unwrap_or(0);
        listed.push(output::DraftEntry {
            date: mail_parser::DateTime::from_timestamp(secs).to_rfc3339(),
            path: path.display().to_string(),
            subject: d.subject,
            to: d
                .to
                .iter()
                .chain(&d.cc)
                .chain(&d.bcc)
                .map(|a| a.email.clone())
                .collect(),
        });
    }
    if plan.json {
        return output::json(&listed);
    }
    let mut out = String::new();
    for e in &listed {
        let date = e.date.get(..16).unwrap_or(&e.date).replace('T', " ");
        let to = match e.to.len() {
            0 => "(no recipients)".to_string(),
            1 => e.to[0].clone(),
            n => format!("{} +{}", e.to[0], n - 1),
        };
        out.push_str(&format!(
            "{date}  {}  {}\n    {}\n",
            crate::text::for_terminal(&to),
            crate::text::for_terminal(&e.subject),
            e.path
        ));
    }
    output::stdout(out.as_bytes())
}

/// `--thread ID` on a terminal: the thread as a tree in a fuzzy-select
/// list (type to filter by author or words), ID preselected.
fn pick_from_thread(data: &[u8], id: &str) -> Result<String> {
    let entries = thread::entries(&source::file::thread_mbox(data)?, &[]);
    if entries.is_empty() {
        return Err(Error::input(format!("the thread of <{id}> has no messages")));
    }
    let newest = entries.iter().enumerate().max_by_key(|(_, e)| e.date).map(|(i, _)| i);
    let items: Vec<String> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let parent_subject = e
                .parent
                .as_ref()
                .and_then(|p| entries.iter().find(|x| &x.id == p))
                .map(|p| &p.subject);
            let repeats = parent_subject.is_some_and(|ps| {
                crate::reply::subject::collapse(Some(ps)) == crate::reply::subject::collapse(Some(&e.subject))
            });
            let what = match repeats && !e.first_line.is_empty() {
                true => &e.first_line,
                false => &e.subject,
            };
            let line = format!(
                "{}{} {}: {what}{}",
                "  ".repeat(e.depth.min(12)),
                short_date(e.date),
                e.from
                    .as_ref()
                    .map(|a| a.name.clone().unwrap_or_else(|| a.email.clone()))
                    .unwrap_or_default(),
                if Some(i) == newest { "  (newest)" } else { "" }
            );
            crate::text::for_terminal(&line).into_owned()
        })
        .collect();
    let default = entries.iter().position(|e| e.id == id).unwrap_or(0);
    let picked = {
        let _guard = crate::editor::IgnoreInterrupts::new();
        dialoguer::FuzzySelect::new()
            .with_prompt("Reply to which message? (type to filter)")
            .items(&items)
            .default(default)
            .max_length(20)
            .interact_on_opt(&dialoguer::console::Term::stderr())
    };
    let _ = dialoguer::console::Term::stderr().show_cursor();
    match picked {
        Ok(Some(i)) => Ok(entries[i].id.clone()),
        _ => Err(Error::aborted("no message picked")),
    }
}

/// `2024-01-31 10:42` (UTC) for lists.
fn short_date(date: Option<i64>) -> String {
    match date {
        Some(t) => {
            let d = mail_parser::DateTime::from_timestamp(t).to_rfc3339();
            d.get(..16).unwrap_or(&d).replace('T', " ")
        }
        None => "????-??-?? ??:??".into(),
    }
}

/// `--list ID|URL|FILE`: the thread one message a line, or a JSON array.
pub fn list_thread(plan: &Plan) -> Result<()> {
    let src = plan
        .source
        .as_ref()
        .ok_or_else(|| Error::usage("--list needs a MESSAGE"))?;
    let data = load_thread(src)?;
    let entries = thread::entries(&data, &plan.reply.me);
    if plan.json {
        let list: Vec<output::ThreadEntry> = entries
            .iter()
            .map(|e| output::ThreadEntry {
                date: e.date.map(|t| mail_parser::DateTime::from_timestamp(t).to_rfc3339()),
                depth: e.depth,
                from: e.from.clone(),
                id: e.id.clone(),
                in_reply_to: e.parent.clone(),
                replied: e.replied,
                subject: e.subject.clone(),
            })
            .collect();
        return output::json(&list);
    }
    let mut out = String::new();
    for e in &entries {
        let line = format!(
            "{}{}  {}  {}  <{}>{}",
            "  ".repeat(e.depth),
            e.subject,
            e.from.as_ref().map(|a| a.display()).unwrap_or_default(),
            short_date(e.date),
            e.id,
            if e.replied { "  (you replied)" } else { "" }
        );
        out.push_str(&crate::text::for_terminal(&line));
        out.push('\n');
    }
    output::stdout(out.as_bytes())
}

/// All the messages of the source: a fetched thread, an mbox, standard
/// input; un-gzipped.
pub(crate) fn load_thread(src: &Source) -> Result<Vec<u8>> {
    let data = match &src.input {
        Input::Stdin => source::file::read_stdin()?,
        Input::File(p) => source::file::read_path(p)?,
        Input::MessageId { id, .. } => source::remote::fetch(id, &src.remote)?,
    };
    // Un-gzipped when it was gzip; otherwise the bytes as they are, not copied.
    let unzipped = match source::file::thread_mbox(&data)? {
        std::borrow::Cow::Owned(v) => Some(v),
        std::borrow::Cow::Borrowed(_) => None,
    };
    Ok(unzipped.unwrap_or(data))
}

/// Load and parse the message the plan names.
fn load_mail(plan: &Plan) -> Result<Mail> {
    let src = plan.source.as_ref().ok_or_else(|| Error::usage("no MESSAGE given"))?;
    let raw = load_message(src)?;
    message::parse_with(&raw, plan.extract)
}

fn load_message(src: &Source) -> Result<Vec<u8>> {
    let pick = match (&src.msgid, src.latest) {
        (Some(id), _) => Pick::Id(id),
        (None, true) => Pick::Latest,
        (None, false) => Pick::First,
    };
    // Files and standard input are streamed: bounded memory for any size.
    let data = match &src.input {
        Input::Stdin => return source::file::load_stdin(&pick, &src.limits),
        Input::File(p) => return source::file::load_path(p, &pick, &src.limits),
        Input::MessageId { id, .. } => {
            let data = source::remote::fetch(id, &src.remote)?;
            if src.pick {
                let chosen = pick_from_thread(&data, id)?;
                return source::file::pick_with(&data, &Pick::Id(&chosen), &src.limits);
            }
            if let (Some(hex), None, false) = (&src.anchor, &src.msgid, src.latest) {
                let anchored = message::mbox::split(&source::file::thread_mbox(&data)?)
                    .filter_map(|m| message::mbox::quick_message_id(m))
                    .find(|mid| source::anchor_of(mid) == *hex)
                    .ok_or_else(|| {
                        Error::input(format!("no message of the thread of <{id}> has the anchor #m{hex}"))
                    })?;
                return source::file::pick_with(&data, &Pick::Id(&anchored), &src.limits);
            }
            // Without --msgid, a fetched thread is answered at the message
            // the user named (or the newest with --latest).
            if src.msgid.is_none() && !src.latest {
                return source::file::pick_with(&data, &Pick::Id(id), &src.limits)
                    .or_else(|_| source::file::pick_with(&data, &Pick::First, &src.limits));
            }
            data
        }
    };
    source::file::pick_with(&data, &pick, &src.limits)
}

/// Write the draft where the plan says. With --git-send-email and a --draft
/// whose directory does not exist (public-inbox's `/path/to/YOUR_REPLY`
/// placeholder), the path is only named in the command.
pub(crate) fn save(plan: &Plan, d: &Drafted) -> Result<Option<PathBuf>> {
    match &plan.draft_file {
        DraftFile::None => Ok(None),
        // The user's own reply: named, never rewritten.
        DraftFile::Existing(p) => Ok(Some(p.clone())),
        DraftFile::At { path, replace } => {
            let parent_exists = path
                .parent()
                .map(|dir| dir.as_os_str().is_empty() || dir.is_dir())
                .unwrap_or(true);
            if matches!(plan.mode, crate::plan::Mode::GitSendEmail) && !parent_exists {
                output::warn(&format!("{} not written: its directory does not exist", path.display()));
                return Ok(None);
            }
            draft::write_at(path, &d.rendered, *replace)?;
            Ok(Some(path.clone()))
        }
        DraftFile::New => {
            let dir = draft::default_dir()?;
            let name = draft::file_name_for(d.mail.message_id.as_deref());
            let path = match reuse_draft(plan, &draft::existing_for(&dir, &name), &d.rendered)? {
                Reuse::Edited(p) => return Ok(Some(p)),
                Reuse::Rewrite(p) => {
                    draft::write_atomic(&p, &d.rendered)?;
                    p
                }
                Reuse::New => draft::write_new(&dir, &name, &d.rendered)?,
            };
            draft::mark_generated(&path, &d.rendered);
            Ok(Some(path))
        }
    }
}
