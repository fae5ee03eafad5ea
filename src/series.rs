//! `--series`: a reply to each patch of a series. The series is found by
//! the `[PATCH vN M/N]` subjects of the thread (fetched, or an mbox), the
//! newest revision unless `--series-version` says; one draft per patch (a
//! trailer reply with `--trailer`), each threaded to its own patch and kept
//! in the drafts directory, so that a failure in the middle loses nothing.
//! The drafts are edited in turn, confirmed once, then sent one by one.

use crate::compose::{self, Choice, Ready, Session};
use crate::config::GitConfig;
use crate::error::{Error, Kind, Result};
use crate::message::series::{self, Series};
use crate::message::{self, thread::Entry};
use crate::modes;
use crate::output;
use crate::plan::{Plan, SeriesSelect, Source};
use crate::source::{file::Pick, Input};
use std::path::PathBuf;

/// One reply of the batch.
struct Item {
    /// The patch's subject (`[PATCH v2 1/3] foo: bar`), for notes and the
    /// confirmation.
    label: String,
    path: PathBuf,
    /// The decoded text of the patch, for the netiquette check.
    original_text: String,
}

/// Find the series, write a draft per chosen patch, edit, confirm, send.
pub fn run(plan: &Plan, session: &Session, select: &SeriesSelect) -> Result<()> {
    let src = plan
        .source
        .as_ref()
        .ok_or_else(|| Error::usage("--series needs a MESSAGE"))?;
    let data = modes::load_thread(src)?;
    let entries = message::thread::entries(&data, &plan.reply.me);
    let named = named_id(src);
    let found = find(&entries, select, named.as_deref())?;
    let mut items = Vec::new();
    for (index, entry) in targets(&found, select)? {
        let raw = crate::source::file::pick_with(&data, &Pick::Id(&entry.id), &src.limits)?;
        let mail = message::parse_with(&raw, plan.extract)?;
        let drafted = modes::draft_mail(plan, mail);
        let Some(path) = modes::save(plan, &drafted)? else {
            return Err(Error::usage("--series needs the drafts directory"));
        };
        let label = match series::tag(&entry.subject) {
            Some(_) => entry.subject.clone(),
            None => format!("{index}/{}: {}", found.total, entry.subject),
        };
        output::note(&format!("draft for {label}: {}", path.display()));
        items.push(Item {
            label,
            path,
            original_text: drafted.mail.body.text.clone(),
        });
    }
    batch(&items, &plan.config, session)
}

/// The message the user named: a fetched id, or `ID MBOX`.
fn named_id(src: &Source) -> Option<String> {
    match (&src.msgid, &src.input) {
        (Some(id), _) => Some(id.clone()),
        (None, Input::MessageId { id, .. }) => Some(id.clone()),
        _ => None,
    }
}

/// The revision to answer, with notes on what else the thread has.
fn find(entries: &[Entry], select: &SeriesSelect, named: Option<&str>) -> Result<Series> {
    if let Some(id) = named {
        if !entries.iter().any(|e| message::msgid::same(&e.id, id)) {
            return Err(Error::input(format!("<{id}> is not in the thread or mbox")));
        }
    }
    let Some(found) = series::find(entries, select.version) else {
        return Err(match (select.version, series::find(entries, None)) {
            (Some(v), Some(s)) => Error::input(format!(
                "the thread has no v{v} of the series (versions: {})",
                s.versions
                    .iter()
                    .map(|v| format!("v{v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => Error::input("no patch series in the thread: no subject has a [PATCH M/N] tag"),
        });
    };
    let named_tag = named
        .and_then(|id| entries.iter().find(|e| message::msgid::same(&e.id, id)))
        .and_then(|e| series::tag(&e.subject));
    if let (Some(t), None) = (named_tag, select.version) {
        if t.version != found.version {
            output::note(&format!(
                "answering v{} of the series, the newest in the thread (--series-version {} for the one named)",
                found.version, t.version
            ));
        }
    }
    if !found.missing.is_empty() {
        output::warn(&format!(
            "v{} of the series has {} patches, but the thread lacks {}",
            found.version,
            found.total,
            found.missing.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(found)
}

/// The patches to answer: all, or `--patches`. The cover letter is never
/// answered: b4 would apply trailers given to it to every patch.
fn targets(found: &Series, select: &SeriesSelect) -> Result<Vec<(u32, Entry)>> {
    let Some(wanted) = &select.patches else {
        return Ok(found.patches.clone());
    };
    if wanted.contains(&0) {
        output::warn(
            "not replying to the cover letter (0) with --patches: b4 applies a trailer sent to the cover letter to every patch",
        );
    }
    let unknown: Vec<String> = wanted
        .iter()
        .filter(|&&i| i != 0 && !found.patches.iter().any(|(p, _)| *p == i))
        .map(u32::to_string)
        .collect();
    if !unknown.is_empty() {
        return Err(Error::usage(format!(
            "--patches: v{} of the series has no patch {} (it has 1 to {}{})",
            found.version,
            unknown.join(", "),
            found.total,
            match found.missing.is_empty() {
                true => String::new(),
                false => ", some missing from the thread".to_string(),
            }
        )));
    }
    let chosen: Vec<(u32, Entry)> = found
        .patches
        .iter()
        .filter(|(i, _)| wanted.contains(i))
        .cloned()
        .collect();
    if chosen.is_empty() {
        return Err(Error::usage("--patches: no patch to reply to"));
    }
    Ok(chosen)
}

/// Edit each draft in turn, check them all, confirm once, send them all.
fn batch(items: &[Item], config: &GitConfig, opts: &Session) -> Result<()> {
    let mut edit_now = !opts.no_edit;
    loop {
        if edit_now {
            let editor = crate::editor::resolve().map_err(|e| kept(e, items))?;
            for it in items {
                crate::editor::edit(&editor, &it.path).map_err(|e| kept(e.context(&it.label), items))?;
            }
        }
        let mut ready = Vec::new();
        for it in items {
            let item_opts = Session {
                original_text: Some(it.original_text.clone()),
                ..opts.clone()
            };
            let r = compose::prepare(&it.path, None, None, false, &item_opts)
                .and_then(|r| compose::ensure_new_text(&r.draft, None).map(|()| r))
                .map_err(|e| kept(e.context(&it.label), items))?;
            ready.push(r);
        }
        if opts.dry_run {
            for r in &ready {
                compose::print_dry_run(&r.from.email, &r.rcpts, &r.message, config, opts)?;
            }
            return Ok(());
        }
        edit_now = false;
        match confirm(items, &ready, opts).map_err(|e| kept(e, items))? {
            Choice::Send => return send_all(items, &ready, config, opts),
            Choice::Edit | Choice::ShowNews => edit_now = true,
            Choice::Trim => {
                for it in items {
                    crate::review::trim_and_show(&it.path, &opts.quote_prefix).map_err(|e| kept(e, items))?;
                }
            }
            Choice::Discard => {
                for it in items {
                    let _ = std::fs::remove_file(&it.path);
                    crate::draft::forget_generated(&it.path);
                }
                output::note(&format!("{} drafts discarded", items.len()));
                return Ok(());
            }
            Choice::Interrupted => return Err(kept(Error::new(Kind::Interrupted, "interrupted: nothing sent"), items)),
            Choice::SaveQuit | Choice::PrintCommand => {
                output::note(&format!("drafts saved: {}", paths(items)));
                output::note("resume each with: ksreply --resume DRAFT");
                return Ok(());
            }
        }
    }
}

/// `--yes`, else the summary of every reply and one question.
fn confirm(items: &[Item], ready: &[Ready], opts: &Session) -> Result<Choice> {
    if opts.yes {
        return Ok(Choice::Send);
    }
    if !crate::editor::have_terminal() {
        return Err(Error::aborted(
            "no terminal to confirm on (use --yes to send without asking)",
        ));
    }
    for (it, r) in items.iter().zip(ready) {
        eprintln!();
        eprintln!("{}", crate::text::for_terminal(&it.label));
        compose::show_summary(&r.draft, &r.rcpts, &opts.quote_prefix);
    }
    let send = format!("send the {} replies", items.len());
    Ok(compose::ask_menu(
        &format!("Send these {} replies, each to its patch?", items.len()),
        &[
            (&send, Choice::Send),
            ("edit them again, in turn", Choice::Edit),
            (
                "trim them: cut the quote you did not answer (shows the results)",
                Choice::Trim,
            ),
            ("save and quit", Choice::SaveQuit),
            ("discard them", Choice::Discard),
        ],
    ))
}

/// Send each reply; a failure stops there, naming what was sent and the
/// drafts kept.
fn send_all(items: &[Item], ready: &[Ready], config: &GitConfig, opts: &Session) -> Result<()> {
    for (k, (it, r)) in items.iter().zip(ready).enumerate() {
        if let Err(e) = compose::send_and_file(
            &it.path,
            &r.from.email,
            &r.rcpts,
            &r.message,
            &r.message_id,
            config,
            opts,
        ) {
            return Err(Error::new(
                e.kind,
                format!(
                    "{}: {}; {k} of {} replies sent, drafts kept: {} (resume each with: ksreply --resume DRAFT)",
                    it.label,
                    e.msg,
                    items.len(),
                    paths(&items[k..])
                ),
            ));
        }
    }
    Ok(())
}

fn paths(items: &[Item]) -> String {
    items
        .iter()
        .map(|it| it.path.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An error before anything was sent: every draft is kept.
fn kept(e: Error, items: &[Item]) -> Error {
    Error::new(
        e.kind,
        format!(
            "{}; nothing sent, drafts kept: {} (resume each with: ksreply --resume DRAFT)",
            e.msg,
            paths(items)
        ),
    )
}
