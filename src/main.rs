//! ksreply: parse the command line, resolve it into one mode, run that
//! mode, map the outcome to an exit status. Decisions live in `plan`; the
//! work in `modes` and the library below it.

use clap::Parser;
use ksreply::cli::Cli;
use ksreply::plan::{self, Mode, Plan};
use ksreply::{message, modes, output};

fn main() {
    // A panic of mail-parser on hostile input is caught and becomes an
    // error line; the hook keeps its panic message off the terminal.
    message::install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // --help and --version go to stdout with status 0.
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let message = cli.message.clone();
    if let Err(e) = plan::resolve(cli).and_then(|plan| run(&plan, message.as_deref())) {
        output::note(&e.msg);
        std::process::exit(e.kind.exit_code());
    }
}

fn run(plan: &Plan, message: Option<&str>) -> ksreply::error::Result<()> {
    match &plan.mode {
        Mode::Print(part) => modes::print(plan, *part),
        Mode::GitSendEmail => modes::git_send_email(plan),
        Mode::Mailto => modes::mailto(plan),
        Mode::Save => modes::save_only(plan),
        Mode::Compose(session) => modes::compose(plan, session),
        Mode::Resume { draft, session } => modes::resume(plan, draft, session),
        Mode::DraftCommand { draft } => modes::draft_command(draft),
        Mode::Check { draft, strict } => modes::check(plan, draft, *strict),
        Mode::PlainText(quote) => modes::plain_text(message, quote),
        Mode::Generate(what) => modes::generate(*what),
        Mode::ListDrafts => modes::list_drafts(plan),
        Mode::ListThread => modes::list_thread(plan),
        Mode::Series { session, select } => modes::series(plan, session, select),
    }
}
