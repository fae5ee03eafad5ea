//! One function per [`Mode`](crate::plan::Mode): each takes the resolved
//! plan and does that one thing. The decisions were made in `plan`; here
//! the message is loaded, the reply built, and the result written.

use crate::cli::Generate;
use crate::compose::{self, Session};
use crate::draft::{self, Draft};
use crate::error::{Error, Kind, Result};
use crate::message::{self, Mail};
use crate::output::{self, CheckReport, CheckWarning, ReplyReport};
use crate::plan::{DraftFile, Part, Plan, Source};
use crate::reply::{self, check, mailto, quote::QuoteOptions, Reply};
use crate::send::git_send_email;
use crate::source::{self, file::Pick, Input};
use std::path::{Path, PathBuf};

/// The message and the reply to it, with the warnings shown.
struct Drafted {
    mail: Mail,
    reply: Reply,
    rendered: Vec<u8>,
}

impl Drafted {
    fn notes(&self) -> Vec<String> {
        self.reply.notes.iter().chain(&self.mail.body.notes).cloned().collect()
    }
}

fn draft_reply(plan: &Plan) -> Result<Drafted> {
    let mail = load_mail(plan)?;
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
    Ok(Drafted { mail, reply, rendered })
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
        (DraftFile::At(p), _) | (_, Some(p)) => p.display().to_string(),
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
    output::note(&format!("draft: {}", path.display()));
    let session = Session {
        original_text: Some(d.mail.body.text.clone()),
        ..session.clone()
    };
    compose::run(&path, Some(&d.rendered), &plan.config, &session)
}

/// `--resume DRAFT`.
pub fn resume(plan: &Plan, draft: &Path, session: &Session) -> Result<()> {
    compose::run(draft, None, &plan.config, session)
}

/// `--check DRAFT [MESSAGE]`: the netiquette warnings, as
/// `DRAFT:LINE: rule: message` lines or JSON; exit 6 with --strict.
pub fn check(plan: &Plan, path: &Path, strict: bool) -> Result<()> {
    let data = std::fs::read(path).map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
    let draft = Draft::parse(&data)?;
    let (generated, original) = match &plan.source {
        Some(_) => {
            let mail = load_mail(plan)?;
            let mut opts = plan.reply.clone();
            // The draft's own From is who wrote it.
            if draft.from.is_some() {
                opts.from = draft.from.clone();
            }
            opts.me = opts.from.iter().map(|a| a.email.clone()).collect();
            (Some(reply::build(&mail, &opts).draft.body), Some(mail.body.text))
        }
        None => (None, None),
    };
    let warnings = check::check(&draft.body, generated.as_deref(), original.as_deref());
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
fn save(plan: &Plan, d: &Drafted) -> Result<Option<PathBuf>> {
    match &plan.draft_file {
        DraftFile::None => Ok(None),
        DraftFile::At(p) => {
            let parent_exists = p
                .parent()
                .map(|dir| dir.as_os_str().is_empty() || dir.is_dir())
                .unwrap_or(true);
            if matches!(plan.mode, crate::plan::Mode::GitSendEmail) && !parent_exists {
                output::warn(&format!("{} not written: its directory does not exist", p.display()));
                return Ok(None);
            }
            draft::write_at(p, &d.rendered)?;
            Ok(Some(p.clone()))
        }
        DraftFile::New => {
            let dir = draft::default_dir()?;
            let name = draft::file_name_for(d.mail.message_id.as_deref());
            draft::write_new(&dir, &name, &d.rendered).map(Some)
        }
    }
}
