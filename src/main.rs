//! ksreply: wiring the pieces together. All decisions live in the library.

use clap::Parser;
use ksreply::cli::Cli;
use ksreply::compose;
use ksreply::config::GitConfig;
use ksreply::draft::{self, Draft};
use ksreply::error::{Error, Result};
use ksreply::message::{self, address::Addr, body::ExtractOptions};
use ksreply::reply::{self, check, mailto, quote::QuoteOptions};
use ksreply::send::git_send_email;
use ksreply::send::SendOverrides;
use ksreply::source::{self, file::Pick, remote::RemoteOptions, Input};
use std::io::Write;
use std::path::PathBuf;

fn main() {
    // A panic of mail-parser on hostile input is caught and becomes an
    // error line; the hook keeps its panic message off the terminal.
    message::install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    match run(&cli) {
        Ok(()) => {}
        Err(e) => {
            eprintln!("ksreply: {e}");
            std::process::exit(e.kind.exit_code());
        }
    }
}

fn warn(msg: &str) {
    eprintln!("ksreply: warning: {msg}");
}

fn run(cli: &Cli) -> Result<()> {
    let config = GitConfig::load();
    if cli.verbose > 0 {
        eprintln!("ksreply: {}", config.origin);
    }
    let identity = cli.identity.as_deref();
    let compose_opts = compose::Options {
        no_edit: cli.no_edit,
        yes: cli.yes,
        dry_run: cli.dry_run,
        no_keep: cli.no_keep,
        json: cli.json,
        strict: cli.strict,
        original_text: None,
        identity: cli.identity.clone(),
        overrides: SendOverrides {
            server: cli.smtp_server.clone(),
            port: cli.smtp_server_port,
            encryption: cli.smtp_encryption.clone(),
            user: cli.smtp_user.clone(),
            sendmail_cmd: cli.sendmail_cmd.clone(),
            cert_path: cli.smtp_ssl_cert_path.clone(),
            domain: cli.smtp_domain.clone(),
            envelope_sender: cli.envelope_sender.clone(),
            timeout: Some(std::time::Duration::from_secs(cli.timeout)),
            insecure_skip_tls_verify_for_testing: cli.insecure_skip_tls_verify_for_testing,
        },
    };
    if let Some(path) = &cli.check {
        return run_check(cli, &config, path);
    }
    if let Some(path) = &cli.resume {
        if !path.is_file() {
            return Err(Error::input(format!("{}: no such draft", path.display())));
        }
        return compose::run(path, None, &config, &compose_opts);
    }

    let from: Option<Addr> = match &cli.from {
        Some(f) => {
            let (name, email) =
                message::address::parse_one(f).ok_or_else(|| Error::usage(format!("--from: not an address: {f}")))?;
            Some(Addr { name, email })
        }
        None => config.identity(identity).map(|(name, email)| Addr { name, email }),
    };
    let mut me: Vec<String> = from.iter().map(|a| a.email.clone()).collect();
    if let Some(e) = config.get("user.email") {
        me.push(e.trim().to_string());
    }

    if cli.plain_text {
        return quote_plain_text(cli);
    }
    let opts = reply_options(cli, &config, from.clone(), me)?;
    let raw = load_message(cli, &config)?;
    let mail = message::parse_with(&raw, extract_options(cli, &config)?)?;
    let reply = reply::build(&mail, &opts);
    for w in &reply.warnings {
        warn(w);
    }
    if cli.verbose > 0 {
        for n in reply.notes.iter().chain(&mail.body.notes) {
            eprintln!("ksreply: {n}");
        }
    }
    if let Some(r) = cli.quote_lines {
        let n = mail.body.text.lines().count();
        if r.first > n {
            warn(&format!(
                "--quote-lines: the original has only {n} lines: nothing quoted"
            ));
        }
    }

    // --body-only and --headers-only are kinds of --print.
    let print = cli.print || cli.body_only || cli.headers_only;
    let draft = Draft {
        flowed: cli.flowed,
        ..Draft::from(&reply)
    };
    let rendered = draft.render();
    let emails = |v: &[Addr]| v.iter().map(|a| a.email.clone()).collect::<Vec<_>>();
    let to = emails(&reply.to);
    let cc = emails(&reply.cc);

    let mut out = std::io::stdout().lock();
    let mut json = serde_json::Map::new();

    // Where the draft goes. --print and --mailto alone only print; every
    // other mode keeps the draft on disk.
    let wants_file = cli.draft.is_some() || !(print || cli.mailto);
    let draft_path: Option<PathBuf> = if wants_file {
        save_draft(cli, &mail, &rendered)?
    } else {
        None
    };

    if cli.git_send_email {
        let path_arg = cli
            .draft
            .clone()
            .or_else(|| draft_path.clone())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "/path/to/YOUR_REPLY".into());
        let cmd = git_send_email::command(reply.in_reply_to.as_deref(), &to, &cc, &path_arg);
        if cli.json {
            json.insert("git_send_email".into(), cmd.into());
        } else {
            write_out(&mut out, cmd.as_bytes())?;
        }
    }
    if cli.mailto {
        let link = mailto::link(
            to.first().map(|s| s.as_str()).unwrap_or(""),
            reply.in_reply_to.as_deref(),
            &cc,
            &reply.subject,
        );
        if cli.json {
            json.insert("mailto".into(), link.into());
        } else {
            write_out(&mut out, format!("{link}\n").as_bytes())?;
        }
    }
    if print && !cli.json {
        let split = rendered
            .windows(2)
            .position(|w| w == b"\n\n")
            .map(|i| i + 2)
            .unwrap_or(rendered.len());
        let part = if cli.body_only {
            &rendered[split..]
        } else if cli.headers_only {
            &rendered[..split.saturating_sub(1)]
        } else {
            &rendered[..]
        };
        write_out(&mut out, part)?;
    }
    // With --yes or --dry-run, --json reports the send instead of the draft.
    let sending = !print && !cli.mailto && !cli.git_send_email && (!cli.json || cli.yes || cli.dry_run);
    if cli.json && !sending {
        let addr_json = |v: &[Addr]| serde_json::to_value(v).unwrap_or_default();
        json.insert(
            "from".into(),
            from.as_ref()
                .map(|f| serde_json::to_value(f).unwrap_or_default())
                .unwrap_or_default(),
        );
        json.insert("to".into(), addr_json(&reply.to));
        json.insert("cc".into(), addr_json(&reply.cc));
        json.insert("subject".into(), reply.subject.clone().into());
        json.insert("in_reply_to".into(), reply.in_reply_to.clone().into());
        json.insert("references".into(), reply.references.clone().into());
        json.insert(
            "draft_path".into(),
            draft_path.as_ref().map(|p| p.display().to_string()).into(),
        );
        json.insert("body".into(), reply.body.clone().into());
        json.insert("warnings".into(), reply.warnings.clone().into());
        json.insert(
            "notes".into(),
            reply
                .notes
                .iter()
                .chain(&mail.body.notes)
                .cloned()
                .collect::<Vec<_>>()
                .into(),
        );
        if print {
            json.insert("draft".into(), String::from_utf8_lossy(&rendered).into_owned().into());
        }
        let mut s = serde_json::to_string_pretty(&serde_json::Value::Object(json)).unwrap_or_default();
        s.push('\n');
        write_out(&mut out, s.as_bytes())?;
    } else if sending {
        // The interactive path: edit, confirm, send.
        if from.is_none() {
            warn("no From address: set sendemail.from or user.email in git config, or use --from");
        }
        if let Some(p) = &draft_path {
            drop(out);
            eprintln!("ksreply: draft: {}", p.display());
            let compose_opts = compose::Options {
                original_text: Some(mail.body.text.clone()),
                ..compose_opts
            };
            return compose::run(p, Some(&rendered), &config, &compose_opts);
        }
    }
    Ok(())
}

/// What the reply quotes besides the message text: text and patch
/// attachments with --quote-attachments or git config ksreply.quoteAttachments.
fn extract_options(cli: &Cli, config: &GitConfig) -> Result<ExtractOptions> {
    let text_attachments = cli.quote_attachments || config.get_bool("ksreply.quoteAttachments")?.unwrap_or(false);
    Ok(ExtractOptions { text_attachments })
}

/// The reply engine's options from the command line and git config.
fn reply_options(cli: &Cli, config: &GitConfig, from: Option<Addr>, me: Vec<String>) -> Result<reply::Options> {
    if !cli.trailer.is_empty() && from.is_none() {
        return Err(Error::usage(
            "--trailer needs your name and address: set sendemail.from or user.name and user.email, or use --from",
        ));
    }
    let spaced_stacking = match config
        .get("ksreply.quoteStacking")
        .map(|v| v.trim().to_ascii_lowercase())
    {
        None => false,
        Some(v) if v == "spaced" => true,
        Some(v) if v == "compact" => false,
        Some(v) => {
            return Err(Error::usage(format!(
                "ksreply.quoteStacking: {v:?} is not compact or spaced"
            )))
        }
    };
    Ok(reply::Options {
        mode: cli.recipients,
        from,
        me,
        quote: QuoteOptions {
            prefix: cli.quote_prefix.clone(),
            keep_signature: cli.keep_signature,
            attribution: cli
                .attribution
                .clone()
                .or_else(|| config.get("ksreply.attribution").map(String::from)),
            spaced_stacking,
            flowed: cli.flowed,
            no_quote: cli.no_quote,
            lines: cli.quote_lines,
        },
        trailers: cli.trailer.clone(),
    })
}

/// `--check DRAFT [MESSAGE]`: the netiquette warnings, as
/// `DRAFT:LINE: rule: message` lines or JSON; exit 6 with --strict.
fn run_check(cli: &Cli, config: &GitConfig, path: &std::path::Path) -> Result<()> {
    let data = std::fs::read(path).map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
    let draft = Draft::parse(&data)?;
    let (generated, original) = match &cli.message {
        Some(_) => {
            let raw = load_message(cli, config)?;
            let mail = message::parse_with(&raw, extract_options(cli, config)?)?;
            let from = draft.from.clone().or_else(|| {
                config
                    .identity(cli.identity.as_deref())
                    .map(|(name, email)| Addr { name, email })
            });
            let me: Vec<String> = from.iter().map(|a| a.email.clone()).collect();
            let opts = reply_options(cli, config, from, me)?;
            (Some(reply::build(&mail, &opts).body), Some(mail.body.text.clone()))
        }
        None => (None, None),
    };
    let warnings = check::check(&draft.body, generated.as_deref(), original.as_deref());
    // Line numbers of the file, not of the body.
    let offset = check::body_line_offset(&data);
    let shown = path.display().to_string();
    let mut out = std::io::stdout().lock();
    if cli.json {
        let list: Vec<serde_json::Value> = warnings
            .iter()
            .map(|w| serde_json::json!({ "line": w.line.map(|l| l + offset), "rule": w.rule, "message": w.message }))
            .collect();
        let v = serde_json::json!({ "draft": shown, "warnings": list });
        let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
        s.push('\n');
        write_out(&mut out, s.as_bytes())?;
    } else {
        let s: String = warnings.iter().map(|w| w.format(&shown, offset) + "\n").collect();
        write_out(&mut out, s.as_bytes())?;
    }
    if cli.strict && !warnings.is_empty() {
        return Err(Error::new(
            ksreply::error::Kind::Check,
            format!("{shown}: {} netiquette warning(s) (--strict)", warnings.len()),
        ));
    }
    Ok(())
}

fn write_out(out: &mut impl Write, data: &[u8]) -> Result<()> {
    match out.write_all(data).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Error::usage(format!("cannot write to standard output: {e}"))),
    }
}

fn load_message(cli: &Cli, config: &GitConfig) -> Result<Vec<u8>> {
    let arg = cli.message.as_deref().unwrap_or("-");
    let limits = source::file::Limits::from_config(config)?;
    let wanted = cli.msgid.as_deref().map(message::msgid::normalize_arg);
    let pick = match (&wanted, cli.latest) {
        (Some(id), _) => Pick::Id(id),
        (None, true) => Pick::Latest,
        (None, false) => Pick::First,
    };
    // Files and standard input are streamed: bounded memory for any size.
    let data = match source::classify(arg) {
        Input::Stdin => return source::file::load_stdin(&pick, &limits),
        Input::File(p) => return source::file::load_path(&p, &pick, &limits),
        Input::MessageId { id, url } => {
            if id.is_empty() {
                return Err(Error::input(format!("{arg}: no such file, and not a Message-ID")));
            }
            let opts = RemoteOptions {
                base: cli
                    .base
                    .clone()
                    .or_else(|| config.get("ksreply.baseurl").map(String::from)),
                url,
                thread: cli.thread,
                offline: cli.offline,
                refresh: cli.refresh,
                timeout_secs: cli.timeout,
                verbose: cli.verbose > 0,
            };
            let data = source::remote::fetch(&id, &opts)?;
            // Without --msgid, a fetched thread is answered at the message
            // the user named (or the newest with --latest).
            if cli.msgid.is_none() && !cli.latest {
                return source::file::pick_with(&data, &Pick::Id(&id), &limits)
                    .or_else(|_| source::file::pick_with(&data, &Pick::First, &limits));
            }
            data
        }
    };
    source::file::pick_with(&data, &pick, &limits)
}

/// Write the draft where the user asked, or to a new file in the drafts
/// directory. With --git-send-email and a --draft whose directory does not
/// exist (public-inbox's `/path/to/YOUR_REPLY` placeholder), the path is only
/// named in the command.
fn save_draft(cli: &Cli, mail: &message::Mail, data: &[u8]) -> Result<Option<PathBuf>> {
    match &cli.draft {
        Some(p) => {
            let parent_exists = p
                .parent()
                .map(|d| d.as_os_str().is_empty() || d.is_dir())
                .unwrap_or(true);
            if cli.git_send_email && !parent_exists {
                warn(&format!("{} not written: its directory does not exist", p.display()));
                return Ok(None);
            }
            draft::write_at(p, data)?;
            Ok(Some(p.clone()))
        }
        None => {
            let dir = draft::default_dir()?;
            let name = draft::file_name_for(mail.message_id.as_deref());
            draft::write_new(&dir, &name, data).map(Some)
        }
    }
}

/// `--plain-text`: quote text that is not a message (aerc's .OriginalText,
/// a pasted paragraph), signature cut, no attribution.
fn quote_plain_text(cli: &Cli) -> Result<()> {
    let data = match cli.message.as_deref().unwrap_or("-") {
        "-" => source::file::read_stdin()?,
        path => source::file::read_path(std::path::Path::new(path))?,
    };
    let text = String::from_utf8_lossy(&data).replace("\r\n", "\n");
    let opts = QuoteOptions {
        prefix: cli.quote_prefix.clone(),
        keep_signature: cli.keep_signature,
        ..Default::default()
    };
    let quoted = reply::quote::quote(&text, &opts);
    write_out(&mut std::io::stdout().lock(), quoted.as_bytes())
}
