//! What this run will do, decided once: the command line as clap parsed it
//! ([`Cli`], the low-level flags) plus git config become a [`Plan`] — one
//! [`Mode`] and everything it needs, resolved. Every impossible or
//! meaningless combination of flags is refused here, before anything is
//! fetched or written, so a user never writes a reply only to learn that
//! a flag was wrong.

use crate::cli::{Cli, Generate};
use crate::compose::Session;
use crate::config::GitConfig;
use crate::error::{Error, Result};
use crate::message::{self, address::Addr, body::ExtractOptions};
use crate::reply::{
    self,
    quote::{QuoteOptions, Stacking},
};
use crate::send;
use crate::source::{self, file::Limits, remote::RemoteOptions, Input};
use std::path::PathBuf;
use std::time::Duration;

/// One run of ksreply.
#[derive(Debug)]
pub enum Mode {
    /// `--print`, `--body-only`, `--headers-only`: the draft (or a part of
    /// it) on standard output.
    Print(Part),
    /// `--git-send-email`: the draft saved, the command that sends it printed.
    GitSendEmail,
    /// `--mailto`: the mailto: link.
    Mailto,
    /// `--json` alone: the draft saved, the reply reported as JSON.
    Save,
    /// No output flag: the draft saved, edited, confirmed and sent.
    Compose(Session),
    /// `--resume DRAFT`: go on with a saved draft.
    Resume { draft: PathBuf, session: Session },
    /// `--resume DRAFT --git-send-email`: the git send-email command that
    /// sends a saved draft to exactly its recipients (the menu's choice).
    DraftCommand { draft: PathBuf },
    /// `--check DRAFT [MESSAGE]`: the netiquette warnings of a draft.
    Check { draft: PathBuf, strict: bool },
    /// `--plain-text`: quote text that is not a message.
    PlainText(QuoteOptions),
    /// `--generate`: the man page or a completion script.
    Generate(Generate),
    /// `--drafts`: the unsent drafts.
    ListDrafts,
    /// `--list`: the messages of a thread or mbox.
    ListThread,
    /// `--series`: a reply to each patch of a series, edited in turn,
    /// confirmed once, each threaded to its patch.
    Series { session: Session, select: SeriesSelect },
}

/// Which patches of a series `--series` answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeriesSelect {
    /// `--series-version N`; None: the newest revision in the thread.
    pub version: Option<u32>,
    /// `--patches LIST`; None: every patch.
    pub patches: Option<Vec<u32>>,
}

/// Which part of the draft `--print` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    All,
    Body,
    Headers,
}

/// Where the draft file goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftFile {
    /// Nowhere: the draft is only printed.
    None,
    /// A new file in the drafts directory.
    New,
    /// `--draft PATH`; `replace` with `--force` (an existing file is
    /// otherwise never overwritten).
    At { path: PathBuf, replace: bool },
    /// `--git-send-email --draft PATH` where PATH exists: it is the user's
    /// reply, named in the command and left untouched.
    Existing(PathBuf),
}

/// The message to reply to and how to get it.
#[derive(Debug, Clone)]
pub struct Source {
    /// The MESSAGE argument as given (`-` for standard input).
    pub arg: String,
    pub input: Input,
    /// `--msgid`, normalised.
    pub msgid: Option<String>,
    /// A thread URL's `#m…` anchor: the SHA-1 hex of the message to answer.
    pub anchor: Option<String>,
    /// `--thread` without --msgid, --latest or an anchor: the user picks.
    pub pick: bool,
    pub latest: bool,
    pub remote: RemoteOptions,
    pub limits: Limits,
}

/// A resolved run.
#[derive(Debug)]
pub struct Plan {
    pub mode: Mode,
    /// `--json`: the output is one JSON object.
    pub json: bool,
    pub verbose: bool,
    pub config: GitConfig,
    /// The message replied to (None for `--resume`, `--generate`, and
    /// `--check` without MESSAGE).
    pub source: Option<Source>,
    pub reply: reply::Options,
    pub extract: ExtractOptions,
    pub draft_file: DraftFile,
    /// `--new`: never go on with an earlier draft of the same reply.
    pub new_draft: bool,
}

/// Turn the command line and git config into a plan, or refuse it.
pub fn resolve(cli: Cli) -> Result<Plan> {
    if let Some(what) = cli.generate {
        return Ok(Plan::bare(Mode::Generate(what), GitConfig::default()));
    }
    if cli.output.drafts {
        return Ok(Plan {
            json: cli.output.json,
            ..Plan::bare(Mode::ListDrafts, GitConfig::default())
        });
    }
    let config = GitConfig::load();
    if cli.verbose > 0 {
        crate::output::note(&config.origin);
    }
    let mode = mode(&cli, &config)?;
    let needs_message = !matches!(
        mode,
        Mode::Resume { .. } | Mode::DraftCommand { .. } | Mode::PlainText(_)
    ) && !(matches!(mode, Mode::Check { .. }) && cli.message.is_none());
    let source = match needs_message {
        true => Some(source(&cli, &config)?),
        false => None,
    };
    let draft_file = draft_file(&cli, &mode)?;
    let reply = reply_options(&cli, &config, &mode)?;
    let text_attachments = cli.reply.quote_attachments || config.get_bool("ksreply.quoteAttachments")?.unwrap_or(false);
    Ok(Plan {
        mode,
        json: cli.output.json,
        verbose: cli.verbose > 0,
        config,
        source,
        reply,
        extract: ExtractOptions {
            text_attachments,
            // A review reply reads a patch sent as an attachment.
            patch_attachments: !cli.reply.trailer.is_empty() || cli.input.series,
        },
        draft_file,
        new_draft: cli.output.new,
    })
}

/// Where the draft goes; an existing `--draft PATH` is refused now, before
/// the message is even read, unless --force or --git-send-email.
fn draft_file(cli: &Cli, mode: &Mode) -> Result<DraftFile> {
    let path = match (&cli.output.draft, mode) {
        (Some(p), _) => p.clone(),
        (None, Mode::GitSendEmail | Mode::Save | Mode::Compose(_) | Mode::Series { .. }) => return Ok(DraftFile::New),
        (None, _) => return Ok(DraftFile::None),
    };
    let exists = std::fs::symlink_metadata(&path).is_ok();
    Ok(match (exists, cli.output.force, mode) {
        (true, false, Mode::GitSendEmail) => DraftFile::Existing(path),
        (true, false, _) => {
            return Err(Error::usage(format!(
                "{} exists: not overwritten (use --force to replace it, or --resume to go on with it)",
                path.display()
            )))
        }
        (_, replace, _) => DraftFile::At { path, replace },
    })
}

impl Plan {
    fn bare(mode: Mode, config: GitConfig) -> Plan {
        Plan {
            mode,
            json: false,
            verbose: false,
            config,
            source: None,
            reply: reply::Options::default(),
            extract: ExtractOptions::default(),
            draft_file: DraftFile::None,
            new_draft: false,
        }
    }
}

/// The mode, from the output and session flags; refuses combinations that
/// mean nothing (a flag that would be silently ignored is an error).
fn mode(cli: &Cli, config: &GitConfig) -> Result<Mode> {
    let out = &cli.output;
    let s = &cli.session;
    let session_flag = session_flag(cli);
    let part = print_part(cli);
    let draft_command = cli.resume.is_some() && out.git_send_email;
    let outputs = output_flags(cli, part, draft_command)?;
    if cli.input.series {
        return series_mode(cli, config, &outputs);
    }
    let sends = (cli.resume.is_some() && !draft_command) || outputs.is_empty();
    if let (Some(flag), false) = (session_flag, sends) {
        return Err(Error::usage(format!(
            "{flag} is for sending a reply; {} only prints",
            outputs[0]
        )));
    }
    if cli.strict && !(sends || cli.check.is_some()) {
        return Err(Error::usage(format!(
            "--strict applies to --check and to sending; {} only prints",
            outputs[0]
        )));
    }
    if let Some(draft) = &cli.resume {
        return resume_mode(cli, config, draft, draft_command);
    }
    if let Some(draft) = &cli.check {
        return Ok(Mode::Check {
            draft: draft.clone(),
            strict: cli.strict,
        });
    }
    if cli.input.plain_text {
        return plain_text_mode(cli, config);
    }
    Ok(match part {
        _ if cli.input.list => Mode::ListThread,
        Some(p) => Mode::Print(p),
        None if out.git_send_email => Mode::GitSendEmail,
        None if out.mailto => Mode::Mailto,
        // --json alone reports the saved draft; with --yes or --dry-run it
        // reports the send.
        None if out.json && !s.yes && !s.dry_run => {
            if let Some(flag) = session_flag {
                return Err(Error::usage(format!(
                    "{flag} is for sending a reply; --json alone only saves the draft (add --yes or --dry-run to send)"
                )));
            }
            Mode::Save
        }
        None => Mode::Compose(session(cli, config)?),
    })
}

/// The first flag given that only means something when sending.
fn session_flag(cli: &Cli) -> Option<&'static str> {
    let s = &cli.session;
    [
        (s.no_edit, "--no-edit"),
        (s.yes, "--yes"),
        (s.dry_run, "--dry-run"),
        (s.no_keep, "--no-keep"),
        (s.trim, "--trim"),
    ]
    .into_iter()
    .find_map(|(set, name)| set.then_some(name))
}

/// The part of the draft `--print`, `--body-only` or `--headers-only` asks for.
fn print_part(cli: &Cli) -> Option<Part> {
    let out = &cli.output;
    match (out.body_only, out.headers_only) {
        (true, _) => Some(Part::Body),
        (_, true) => Some(Part::Headers),
        _ if out.print => Some(Part::All),
        _ => None,
    }
}

/// The output flags given (at most one of them), refused in combinations.
fn output_flags(cli: &Cli, part: Option<Part>, draft_command: bool) -> Result<Vec<&'static str>> {
    let out = &cli.output;
    let outputs: Vec<&str> = [
        (part.is_some(), "--print"),
        (out.git_send_email && !draft_command, "--git-send-email"),
        (out.mailto, "--mailto"),
        (cli.input.plain_text, "--plain-text"),
        (cli.check.is_some(), "--check"),
        (cli.resume.is_some(), "--resume"),
        (cli.input.list, "--list"),
    ]
    .into_iter()
    .filter_map(|(set, name)| set.then_some(name))
    .collect();
    if outputs.len() > 1 {
        return Err(Error::usage(format!(
            "{} and {} cannot be used together: choose one",
            outputs[0], outputs[1]
        )));
    }
    if out.json && (out.body_only || out.headers_only) {
        return Err(Error::usage(
            "--body-only and --headers-only print part of the draft as text; with --json, use --print (the JSON has body and draft)",
        ));
    }
    Ok(outputs)
}

/// `--resume DRAFT`, with `--git-send-email` the command for it.
fn resume_mode(cli: &Cli, config: &GitConfig, draft: &std::path::Path, draft_command: bool) -> Result<Mode> {
    if let Some(m) = &cli.message {
        return Err(Error::usage(format!(
            "--resume takes the draft only, not a MESSAGE ({m:?}): the draft already says what it answers"
        )));
    }
    if !draft.is_file() {
        return Err(Error::input(format!("{}: no such draft", draft.display())));
    }
    if draft_command {
        return Ok(Mode::DraftCommand {
            draft: draft.to_path_buf(),
        });
    }
    Ok(Mode::Resume {
        draft: draft.to_path_buf(),
        session: session(cli, config)?,
    })
}

/// `--plain-text`: only the quoting flags apply.
fn plain_text_mode(cli: &Cli, config: &GitConfig) -> Result<Mode> {
    let out = &cli.output;
    if out.json || out.draft.is_some() || cli.fetch.thread || cli.input.msgid.is_some() || cli.input.latest {
        return Err(Error::usage(
            "--plain-text quotes text from a file or standard input: not with --json, --draft, --thread, --msgid or --latest",
        ));
    }
    Ok(Mode::PlainText(QuoteOptions {
        prefix: cli.reply.quote_prefix.clone(),
        keep_signature: cli.reply.keep_signature,
        stacking: stacking(config)?,
        ..Default::default()
    }))
}

/// `--series`: only on the sending path, one new draft per patch.
fn series_mode(cli: &Cli, config: &GitConfig, outputs: &[&str]) -> Result<Mode> {
    let refused = [
        (!outputs.is_empty(), outputs.first().copied().unwrap_or_default()),
        (cli.output.json, "--json"),
        (cli.output.draft.is_some(), "--draft"),
    ];
    if let Some((_, flag)) = refused.iter().find(|(set, _)| *set) {
        return Err(Error::usage(format!(
            "--series writes one draft per patch and sends them: not with {flag}"
        )));
    }
    if cli.series_mbox.is_some() && matches!(cli.message.as_deref(), Some("-") | None) {
        return Err(Error::usage(
            "--series ID MBOX: the first is the Message-ID of a patch of the series",
        ));
    }
    Ok(Mode::Series {
        session: session(cli, config)?,
        select: SeriesSelect {
            version: cli.input.series_version,
            patches: cli.input.patches.clone().map(|p| p.0),
        },
    })
}

/// The interactive path's settings. The transport is resolved now, so a
/// wrong `--smtp-encryption` or sendemail key fails before the editor opens
/// (a dry run shows what is wrong instead of stopping).
fn session(cli: &Cli, config: &GitConfig) -> Result<Session> {
    let mut overrides = cli.send.clone();
    overrides.timeout = Some(timeout(cli.fetch.timeout));
    let identity = cli.reply.identity.clone();
    if !cli.session.dry_run {
        send::transport_from_config(config, identity.as_deref(), &overrides)?;
    }
    if !cli.session.no_edit {
        crate::editor::ensure_usable(config)?;
    }
    let from = from_address(cli, config)?;
    let mut me: Vec<String> = from.iter().map(|a| a.email.clone()).collect();
    me.extend(config.identity(identity.as_deref()).map(|(_, e)| e));
    me.extend(config.get("user.email").map(|e| e.trim().to_string()));
    Ok(Session {
        from,
        from_flag: cli.reply.from.is_some(),
        me,
        no_edit: cli.session.no_edit,
        yes: cli.session.yes,
        dry_run: cli.session.dry_run,
        no_keep: cli.session.no_keep,
        strict: cli.strict,
        json: cli.output.json,
        original_text: None,
        audience: None,
        watch: None,
        identity,
        overrides,
        trim: cli.session.trim || config.get_bool("ksreply.trim")?.unwrap_or(false),
        quote_prefix: cli.reply.quote_prefix.clone(),
    })
}

/// `--timeout SECONDS`; 0 means no limit, which the transports spell as a
/// very long time.
pub fn timeout(secs: u64) -> Duration {
    const NO_LIMIT: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    match secs {
        0 => NO_LIMIT,
        s => Duration::from_secs(s).min(NO_LIMIT),
    }
}

/// The message argument, classified, with how to pick and fetch it.
fn source(cli: &Cli, config: &GitConfig) -> Result<Source> {
    // `--series ID MBOX`: the message is in the mbox, named by its id.
    let (arg, named) = match (&cli.series_mbox, &cli.message) {
        (Some(mbox), id) => (mbox.clone(), id.as_deref()),
        (None, m) => (m.clone().unwrap_or_else(|| "-".into()), None),
    };
    let input = source::classify(&arg);
    if let Input::MessageId { id, .. } = &input {
        if id.is_empty() {
            return Err(Error::input(format!("{arg}: no such file, and not a Message-ID")));
        }
    }
    if let Input::MessageId { url: None, .. } = &input {
        let lower = arg.to_ascii_lowercase();
        let says_id = arg.starts_with('<') || lower.starts_with("id:") || lower.starts_with("mid:");
        // A path separator alone does not make a file name: real ids carry
        // `/` (`YT3/5kJuhw/QVqrw@kroah.com`). A path-like start or an
        // existing directory in front of the last `/` does.
        let local = arg.split('@').next().unwrap_or("");
        let dir_exists = local
            .rsplit_once('/')
            .is_some_and(|(d, _)| !d.is_empty() && std::path::Path::new(d).is_dir());
        let file_like = [".eml", ".mbox", ".gz", ".mbx"].iter().any(|e| lower.ends_with(e))
            || ["/", "./", "../", "~/"].iter().any(|p| arg.starts_with(p))
            || dir_exists;
        if file_like && !says_id {
            return Err(Error::input(format!(
                "{arg}: no such file (for a Message-ID that looks like a file name, write id:{arg})"
            )));
        }
    }
    let anchor = match &input {
        Input::MessageId { url: Some(u), .. } => source::url_anchor(u),
        _ => None,
    };
    if cli.fetch.thread && !matches!(input, Input::MessageId { .. }) {
        return Err(Error::usage(format!(
            "--thread fetches a thread from an archive, but {arg} is a local file or standard input (pick from an mbox with --msgid or --latest)"
        )));
    }
    // A thread without the message to answer named: pick it on a terminal.
    let picking =
        cli.fetch.thread && cli.input.msgid.is_none() && !cli.input.latest && anchor.is_none() && !cli.input.series;
    if picking && !cli.input.list && !crate::editor::have_terminal() {
        return Err(Error::usage(
            "--thread without a terminal to pick on: name the message with --msgid ID or --latest, or see the thread with --list",
        ));
    }
    let remote = RemoteOptions {
        base: cli
            .fetch
            .base
            .clone()
            .or_else(|| config.get("ksreply.baseurl").map(String::from)),
        url: match &input {
            Input::MessageId { url, .. } => url.clone(),
            _ => None,
        },
        // An anchored thread URL names one message of the thread; --list
        // of an id lists its thread, --series answers its patches.
        thread: cli.fetch.thread || anchor.is_some() || cli.input.list || cli.input.series,
        offline: cli.fetch.offline,
        refresh: cli.fetch.refresh,
        timeout_secs: cli.fetch.timeout,
        verbose: cli.verbose > 0,
    };
    Ok(Source {
        arg,
        input,
        msgid: cli.input.msgid.as_deref().or(named).map(message::msgid::normalize_arg),
        anchor,
        pick: picking && !cli.input.list,
        latest: cli.input.latest,
        remote,
        limits: Limits::from_config(config)?,
    })
}

/// The user's From: `--from`, else the identity in git config. A `--from`
/// that is not one plausible address, written as given, is refused (the
/// draft would have no From, or another one).
fn from_address(cli: &Cli, config: &GitConfig) -> Result<Option<Addr>> {
    match &cli.reply.from {
        Some(f) => {
            let invalid = || Error::usage(format!("--from: not a valid address: {f:?}"));
            let list = message::address::parse_list(f);
            let [addr] = list.as_slice() else {
                return Err(invalid());
            };
            if !addr.is_plausible() || !f.contains(&addr.email) || f.chars().any(char::is_control) {
                return Err(invalid());
            }
            Ok(Some(addr.clone()))
        }
        None => Ok(config
            .identity(cli.reply.identity.as_deref())
            .map(|(name, email)| Addr { name, email })),
    }
}

/// git config `ksreply.quoteStacking`: `mutt` (or `spaced`, the default) or
/// `compact`.
fn stacking(config: &GitConfig) -> Result<Stacking> {
    match config.get("ksreply.quoteStacking") {
        None => Ok(Stacking::default()),
        Some(v) => v
            .parse()
            .map_err(|e| Error::usage(format!("ksreply.quoteStacking: {e}"))),
    }
}

/// The reply engine's options from the command line and git config.
fn reply_options(cli: &Cli, config: &GitConfig, mode: &Mode) -> Result<reply::Options> {
    let r = &cli.reply;
    let from = from_address(cli, config)?;
    if !r.trailer.is_empty() && from.is_none() {
        return Err(Error::usage(
            "--trailer needs your name and address: set sendemail.from or user.name and user.email, or use --from",
        ));
    }
    if let (Mode::Compose(s) | Mode::Series { session: s, .. }, None) = (mode, &from) {
        if !s.dry_run {
            return Err(Error::usage(
                "no From address to send with: set sendemail.from, or user.name and user.email, in git config, or use --from",
            ));
        }
    }
    // Your own addresses: --from, sendemail.from (of the identity) and
    // user.email all count. On --check the draft's own From comes first
    // (see modes::check).
    let mut me: Vec<String> = from.iter().map(|a| a.email.clone()).collect();
    if !matches!(mode, Mode::Check { .. }) {
        let configured = config.identity(r.identity.as_deref()).map(|(_, email)| email);
        let user_email = config.get("user.email").map(|e| e.trim().to_string());
        for e in configured.into_iter().chain(user_email) {
            if !e.is_empty() && !me.iter().any(|m| m.eq_ignore_ascii_case(&e)) {
                me.push(e);
            }
        }
    }
    Ok(reply::Options {
        mode: r.recipients,
        from,
        me,
        quote: QuoteOptions {
            prefix: r.quote_prefix.clone(),
            keep_signature: r.keep_signature,
            attribution: r
                .attribution
                .clone()
                .or_else(|| config.get("ksreply.attribution").map(String::from)),
            stacking: stacking(config)?,
            flowed: r.flowed,
            no_quote: r.no_quote,
            lines: r.quote_lines,
        },
        trailers: r.trailer.clone(),
    })
}
