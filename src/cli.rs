//! The command line as clap parses it: the low-level flags, in groups that
//! arrive as one struct each. What a run will do is decided from them in
//! [`crate::plan`], not here.
//!
//! The man page and shell completions are generated from this definition
//! (`ksreply --generate man|bash|zsh|fish`) and committed; a test fails when
//! they are out of date (`KSREPLY_BLESS=1 cargo test` rewrites them).

use crate::reply::Mode;
use crate::send::SendOverrides;
use clap::{ArgAction, Args, CommandFactory, Parser, ValueEnum};
use std::path::PathBuf;

const AFTER_LONG_HELP: &str = "\
MESSAGE FORMS:
  a file            an .eml message, an mbox/mboxrd file, or either gzipped (t.mbox.gz)
  -                 standard input (for mutt/neomutt and aerc filters)
  ID, <ID>, id:ID, mid:ID
                    a Message-ID
  URL               a public-inbox URL (https://lore.kernel.org/LIST/ID/ and /raw, /T/, /t.mbox.gz)

RECIPIENTS:
  --recipients public-inbox reproduces the Reply instructions of a public-inbox
  (lore.kernel.org) page exactly: addresses from From, To, Cc and Reply-To
  (first copy of each header); To is the first address, lower-cased; Cc is every
  other address, deduplicated case-insensitively keeping the first spelling,
  sorted bytewise. The Subject gets \"Re: \" unless /\\bRe:/i occurs in it.

  --recipients all (the default) is mutt's group reply, reading every To and Cc
  header (a message may repeat them), and:
    * removes your own addresses (--from, sendemail.from and user.email all count);
    * uses Reply-To instead of From when the sender set one (B4 Relay mails come
      from devnull+...@kernel.org with the author in Reply-To); devnull relay
      addresses never get a reply; a Reply-To that a list set to its own
      address (also in To or Cc, or the List-Post address) keeps the author in
      To and the list in Cc;
    * takes the author from X-Original-From when a list rewrote From (Google
      Groups: 'Name' via list); the list stays in Cc;
    * uses Mail-Followup-To, when present, as the recipients (all in To), with
      a warning naming the author or To/Cc recipients it leaves out;
    * replying to your own message goes to its original To and Cc (and its
      Reply-To, when it has one);
    * keeps the header order (To, then Cc) instead of sorting;
    * collapses leading reply prefixes (Re:, RE:, Re[2]:, AW:, SV:, Odp:, 回复:,
      答复: ...) into one \"Re: \".

  --recipients sender replies to the author only (Reply-To unless a list set
  it, else X-Original-From, else From).

THREADING:
  In-Reply-To is the message's Message-ID; References is its References (or its
  single In-Reply-To id) followed by its Message-ID. Ids that cannot be written
  safely (whitespace, control characters, angle brackets) are dropped with a
  warning, never written; an id without @ (<xxxx>, old archives) is used, with
  a warning that it is unusual.

ATTRIBUTION AND QUOTING:
  The line above the quote is neomutt's \"On DATE, NAME wrote:\" (the date in the
  sender's own zone as written, -0000 included, C locale; \"NAME wrote:\" when
  the message has no Date). NAME is the author's display name (X-Original-From
  when a list rewrote From; also of a From without address, MAILER-DAEMON <>).
  git config ksreply.attribution (or --attribution) sets a template:
    %n  the sender's name (the address when there is no name)
    %e  the sender's address
    %d  the date as the default line writes it (Sun, Sep 12, 2021 at 11:29:45AM +0300);
        a template with %d gives \"NAME wrote:\" for a message without Date
    %i  the Message-ID, in angle brackets
    %s  the Subject
    %%  a percent sign
  e.g. git config ksreply.attribution 'On %d, %n <%e> wrote:'

  The original is decoded (any transfer encoding and charset; an unknown
  charset label is read as UTF-8 when valid, else windows-1252, said with -v),
  format=flowed is undone, and the text parts that are not attachments are
  quoted: text/plain preferred in multipart/alternative, HTML converted to text
  when there is no plain text, inline text/x-patch and text/x-diff parts too, a
  forwarded message as its From, Date, Subject and text. Signatures and keys
  (application/pgp-signature, pkcs7-signature, x-pkcs7-signature, pgp-keys,
  inline PGP armor) are left out (-v names them); a multipart whose parts
  cannot be found (no or a wrong boundary) is quoted as its undecoded text, as
  neomutt shows it. Every other part (attachments, images) is one
  \"[-- attachment: NAME (TYPE, SIZE) --]\" line; --quote-attachments (git
  config ksreply.quoteAttachments true) also quotes text/plain, text/x-patch
  and text/x-diff attachments below their line, as mutt does, for reviewing a
  patch sent as an attachment. The signature is cut at the \"-- \" line and
  long lines are never rewrapped.
  Lines are quoted as mutt quotes them: \"> \" and the original line byte for
  byte (other people's \"> > \" markers and trailing blanks kept); an empty line
  becomes \">\". git config ksreply.quoteStacking compact quotes already-quoted
  lines as \">> x\" instead of \"> > x\" (mutt, the default; spaced is another
  name for it).

REVIEWING PATCHES:
  --trailer reviewed|acked|tested (repeatable) on a patch (an inline diff, or
  a text/x-patch or text/x-diff part) drafts the reply maintainers write by
  hand: the attribution, the commit message quoted down to its last trailer
  block (Signed-off-by: ...), a \"> [...]\" line where the diff was, a blank
  line, then your trailers (Name <address> from your identity). On a cover
  letter ([PATCH 0/N]) the first paragraph is quoted and the body says \"For
  the whole series:\" (b4 applies trailers sent to the cover letter to every
  patch). With --no-edit --yes it is a one-command review; the draft passes
  --check --strict.

  --trim (git config ksreply.trim true; also \"trim\" in the confirmation
  menu, which shows the result and asks again) cuts, after editing, every
  quoted run you did not answer. Each comment keeps the quote right above it:
  in a diff, its file's diff --git line, the hunk's @@ header and the hunk's
  lines down to the comment; in prose, the quoted paragraph above. Each cut
  run becomes one \"> [...]\" line (never two in a row); the attribution and
  your own text stay as they are. A reply with no answer inside the quote
  keeps the quote's first paragraph (with a warning when it top-posts).

  The confirmation of a reply to a patch sums up the review: how many
  comments, on which files and hunks, and the trailers it gives.

  --series MESSAGE (the cover letter or any patch; a Message-ID is fetched
  with its thread, t.mbox.gz) or --series ID MBOX (a local mbox or
  t.mbox.gz) finds the series by its [PATCH vN M/N] subjects: the newest
  revision in the thread, or --series-version N. It writes one draft per
  patch (a trailer reply with --trailer), each threaded to its own patch;
  --patches 1-3,5 answers some only, and then never the cover letter (asking
  for 0 is warned about and ignored). The editor opens on each draft in turn,
  one confirmation lists every reply (--yes: none), then they are sent one by
  one. The drafts are kept per patch: when a send fails, the error names the
  drafts not sent (each goes on with --resume DRAFT). Not with --json.

  The review workflow, end to end:
    ksreply --series --trailer reviewed --no-edit --yes COVER-ID
        Reviewed-by on every patch of a series, one reply each
    ksreply --trim PATCH-ID
        comment under the lines you mean, in the editor; only they are sent
    ksreply --series --patches 2 --trim COVER-ID
        review patch 2 of the newest revision: comment, trim, send

NETIQUETTE CHECK:
  --check DRAFT (and every send, after the editor) looks for: top-posting,
  an untrimmed quote (over 80% of the original quoted, under 3 new lines), a
  quoted signature, new lines over 78 columns, any line over 998 bytes, HTML,
  a draft unchanged from the generated one, and no new text at all; and for
  reviews: a diff in the new text (diff-in-new-text: patchwork would file the
  reply as a patch), a Reviewed-by:, Acked-by: or Tested-by: without a name
  and an address or written inside the quote where b4 ignores it
  (malformed-trailer), and one that names an address not yours
  (foreign-trailer). With --strict a warning refuses the send (exit 6, the
  draft is kept).

FETCHING:
  A Message-ID is fetched from --base, else git config ksreply.baseurl, else
  https://lore.kernel.org/all/ (ID/raw; --thread: ID/t.mbox.gz). A URL's own host
  and inbox win; msgid.link, patch.msgid.link and lore's /r/ URLs carry only the
  id. HTML answers (bot protection, error pages) and empty bodies are errors.
  https_proxy, http_proxy, all_proxy and no_proxy are honoured. Fetched data is
  cached in $XDG_CACHE_HOME/ksreply/ (default ~/.cache/ksreply/) under hashed
  names with a checksum; a raw message is keyed by its id, a thread by archive
  and id and reused for 10 minutes. --offline uses only the cache, --refresh
  bypasses it; --timeout 0 means no time limit.

THREADS:
  --thread ID on a terminal without --msgid or --latest shows the thread as a
  tree in a fuzzy list (type an author or words; Enter answers that message).
  --list ID|URL|FILE prints the thread or mbox one message a line (--json: an
  array of id, in_reply_to, depth, from, date, subject, replied). A thread
  URL's #m anchor (public-inbox: m + SHA-1 of the id) answers that message.
  Before sending a reply to a message from an archive the thread is fetched
  again and what arrived since the draft was made is announced.

EDITING AND SENDING:
  Without an output flag the draft is opened in git's editor (git var
  GIT_EDITOR) on /dev/tty, parsed back, checked, confirmed and sent with git
  send-email's configuration: sendemail.smtpServer, smtpServerPort,
  smtpEncryption (ssl: implicit TLS; tls: STARTTLS), smtpUser, smtpPass (else
  git credential fill/approve/reject), smtpDomain, smtpSSLCertPath,
  envelopeSender, sendmailCmd or an absolute smtpServer path, and
  sendemail.<identity>.* with --identity. Certificates are verified. Date and
  Message-ID are added when sending; Bcc goes only into the envelope. Any
  failure keeps the draft and names it; resume with --resume DRAFT. A sent draft
  moves to sent/ beside drafts/ (--no-keep deletes it).

FILES:
  Drafts are written to $XDG_STATE_HOME/ksreply/drafts/ (default
  ~/.local/state/ksreply/drafts/) unless --draft PATH is given.

  Settings come from git config, read as git reads it (/etc/gitconfig,
  $XDG_CONFIG_HOME/git/config, ~/.gitconfig, the repository's config,
  include.path) without starting git; includeIf, GIT_DIR, GIT_CONFIG_* and
  other layouts only git resolves exactly are left to git config --list.
  ksreply's own keys: ksreply.baseurl, ksreply.attribution,
  ksreply.quoteStacking, ksreply.quoteAttachments, ksreply.trim (above) and
  ksreply.maxMessageSize, the largest message read (default 64m, after
  un-gzipping; k/m/g suffixes; 0: no limit); larger input is an error (exit 2).

MAIL CLIENTS:
  ksreply - reads the message on standard input (raw or mbox, CRLF or LF), then
  runs the editor on /dev/tty, asks and sends as in a terminal. --print - is a
  pure filter: the draft on standard output, warnings on standard error.

  neomutt/mutt (~/.neomuttrc; pipe_decode must stay unset: decoded, the message
  loses the headers you ignore, Message-ID and References among them):
    unset pipe_decode
    macro index,pager R \"<pipe-message>ksreply -<enter>\" \"reply with ksreply\"
  R replies with ksreply. To send with neomutt's own setup instead (Esc-R):
    macro index,pager \\eR '<pipe-message>f=$(mktemp) && ksreply --print - > \"$f\" && neomutt -H \"$f\" < /dev/tty; rm -f \"$f\"<enter>' \"draft with ksreply, send with neomutt\"
  or from a shell: ksreply --print msg.eml > draft && neomutt -H draft

  aerc (~/.config/aerc/binds.conf, in [messages] and [view]):
    rk = :pipe -m ksreply -<Enter>
    rt = :reply -a -q -T ksreply<Enter>
  rk runs ksreply in a terminal tab; rt is aerc's own reply-all with the
  template ~/.config/aerc/templates/ksreply (an empty first line, then):
    On {{dateFormat .OriginalDate \"Mon, Jan 02, 2006 at 03:04:05PM -0700\"}}, {{with .OriginalFrom}}{{with index . 0}}{{or .Name .Address}}{{end}}{{end}} wrote:
    {{exec \"ksreply --plain-text -\" .OriginalText}}

  Scripts: --json works with every output mode; without a terminal ksreply
  never asks (status 5: use --yes, or --dry-run); no colours without a terminal
  or with NO_COLOR; the --git-send-email command is safe to eval.
  More in docs/mail-clients.md.

JSON OUTPUT:
  --json prints one object (keys in alphabetical order):
    the reply (alone, with --print, --git-send-email, --mailto): body, cc, from,
      to (addresses as {name, email}), subject, in_reply_to, references,
      draft_path (null when only printed), warnings, notes; plus draft with
      --print, git_send_email with --git-send-email, mailto with --mailto
    --check: draft, warnings [{line, message, rule}]
    --dry-run: dry_run, envelope_from, recipients, message, transport
    a send (--yes): sent, message_id, envelope_from, recipients, draft_path
    --drafts: an array of {date, path, subject, to}

EXAMPLES:
  ksreply YT26ebT6xXWsnVMw@unreal
      fetch the message from lore, draft the group reply, edit, confirm, send
  ksreply --print msg.eml > reply.eml
      the draft only, for another mail client
  ksreply --recipients public-inbox --git-send-email --draft ~/reply.eml ID
      public-inbox's Reply instructions; an existing ~/reply.eml is your reply
  ksreply --no-edit --yes --trailer reviewed ID
      a Reviewed-by reply in one command: commit message quoted, diff cut
  ksreply --series --trailer reviewed --no-edit --yes COVER-ID series.mbox
      a Reviewed-by reply to each patch of a series
  ksreply --trim ID
      comment in the editor; the quote is cut to what you answered
  ksreply --thread --latest https://lore.kernel.org/ksummit/ID/
      answer the newest message of the thread
  ksreply --drafts; ksreply --resume DRAFT
      find a postponed reply and go on with it
  ksreply --resume DRAFT --git-send-email
      the git send-email command that sends a saved draft as it is
  cat msg.eml | ksreply --print -
      as a filter (mutt, aerc)

EXIT STATUS:
  0  success
  1  bad usage or configuration
  2  the input could not be read, is not a message, or has no such Message-ID
  3  network or HTTP failure while fetching
  4  sending failed
  5  aborted (editor failed, draft unchanged or empty, declined, no terminal)
  6  the netiquette check failed under --strict
  130  interrupted (Ctrl-C at the confirmation; the draft is kept)";

/// Draft a reply to a mailing-list message, Linux kernel style.
#[derive(Debug, Parser)]
#[command(
    name = "ksreply",
    version,
    about = "Draft a reply to a mailing-list message, Linux kernel style",
    long_about = "Draft a reply to a mailing-list message, Linux kernel style: the right \
recipients, subject and threading headers, and the original quoted interleaved-style \
below an attribution line.",
    after_long_help = AFTER_LONG_HELP
)]
pub struct Cli {
    /// The message to reply to: a file, `-` for standard input, a Message-ID or a public-inbox URL.
    #[arg(value_name = "MESSAGE", required_unless_present_any = ["resume", "check", "generate", "drafts"])]
    pub message: Option<String>,

    /// With --series: the mbox (or t.mbox.gz) the series is in; MESSAGE is then the Message-ID of its cover letter or of any patch.
    #[arg(value_name = "MBOX", requires = "series")]
    pub series_mbox: Option<String>,

    /// Go on with a saved draft: edit (unless --no-edit), confirm and send it.
    #[arg(long, value_name = "DRAFT", conflicts_with_all = ["print", "mailto", "draft"])]
    pub resume: Option<PathBuf>,

    /// Check a draft's netiquette (top-posting, untrimmed quote, long lines, HTML...) and print the warnings; with MESSAGE, compare with the reply ksreply would draft to it.
    #[arg(long, value_name = "DRAFT", conflicts_with_all = ["resume", "print", "git_send_email", "mailto", "draft"], help_heading = "Check")]
    pub check: Option<PathBuf>,

    /// Fail (exit 6) when the netiquette check warns: with --check, and before sending (the draft is kept).
    #[arg(long, help_heading = "Check")]
    pub strict: bool,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub reply: ReplyArgs,

    #[command(flatten)]
    pub fetch: FetchArgs,

    #[command(flatten)]
    pub session: SessionArgs,

    #[command(flatten)]
    pub send: SendOverrides,

    /// Print the man page or a shell completion script (as committed in man/ and completions/).
    #[arg(long, value_enum, value_name = "WHAT", exclusive = true)]
    pub generate: Option<Generate>,

    /// More detail on standard error (which recipient rules applied, ...).
    #[arg(long, short = 'v', action = ArgAction::Count)]
    pub verbose: u8,
}

/// What `--generate` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Generate {
    /// The man page (roff), as man/ksreply.1.
    Man,
    Bash,
    Zsh,
    Fish,
}

/// Which message, from which input.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
pub struct InputArgs {
    /// The input is plain text, not a message: print it quoted (implies --print --body-only).
    #[arg(long, conflicts_with_all = ["git_send_email", "mailto", "resume"])]
    pub plain_text: bool,

    /// In an mbox, reply to the message with this Message-ID (default: the first).
    #[arg(long, value_name = "ID")]
    pub msgid: Option<String>,

    /// In an mbox or fetched thread, reply to the newest message by Date.
    #[arg(long, conflicts_with = "msgid")]
    pub latest: bool,

    /// Reply to each patch of the series MESSAGE belongs to (its cover letter or any patch; a Message-ID is fetched with its thread, or give the mbox as MBOX): one draft per patch, edited in turn, one confirmation, each reply threaded to its patch.
    #[arg(long, conflicts_with_all = ["msgid", "latest", "plain_text", "resume", "check", "list"])]
    pub series: bool,

    /// With --series: this revision (vN) of the series (default: the newest in the thread).
    #[arg(long, value_name = "N", requires = "series")]
    pub series_version: Option<u32>,

    /// With --series: only these patches (1-based: 1-3,5); the cover letter is never answered then.
    #[arg(long, value_name = "LIST", requires = "series")]
    pub patches: Option<crate::message::series::PatchSet>,

    /// List the thread (or the mbox) one message a line: depth-indented subject, author, date, Message-ID; with --json an array.
    #[arg(long, conflicts_with_all = ["msgid", "latest", "plain_text", "resume", "check"])]
    pub list: bool,
}

/// Where the reply goes: stdout, a command, a link, JSON, a file.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Write the draft to standard output.
    #[arg(long, short = 'p')]
    pub print: bool,

    /// Print the equivalent `git send-email` command (public-inbox's Reply instructions).
    #[arg(long)]
    pub git_send_email: bool,

    /// Print the mailto: link with every recipient of the draft (To comma-separated, Cc); with --recipients public-inbox, a public-inbox page's own link.
    #[arg(long)]
    pub mailto: bool,

    /// Print one JSON object (from, to, cc, subject, in_reply_to, references, draft_path, body, ...).
    #[arg(long)]
    pub json: bool,

    /// With --print: only the body (attribution and quote), e.g. for an aerc template.
    #[arg(long, conflicts_with = "headers_only")]
    pub body_only: bool,

    /// With --print: only the header block (From, To, Cc, Subject, In-Reply-To, References).
    #[arg(long)]
    pub headers_only: bool,

    /// Where to write the draft (default: a new file in the drafts directory); an existing file is never overwritten without --force.
    #[arg(long, value_name = "PATH")]
    pub draft: Option<PathBuf>,

    /// With --draft: replace an existing file.
    #[arg(long, requires = "draft")]
    pub force: bool,

    /// Start a new draft even when an unsent draft of the same reply exists (default: go on with it).
    #[arg(long, conflicts_with = "draft")]
    pub new: bool,

    /// List the unsent drafts (date, recipients, subject, path; with --json an array).
    #[arg(long, conflicts_with_all = ["resume", "check", "print", "git_send_email", "mailto", "draft", "plain_text"])]
    pub drafts: bool,
}

/// What the reply says and to whom.
#[derive(Debug, Args)]
#[command(next_help_heading = "Reply")]
pub struct ReplyArgs {
    /// Who gets the reply.
    #[arg(long, value_enum, default_value_t = Mode::All, value_name = "RULES")]
    pub recipients: Mode,

    /// Your address for From (default: sendemail.from, else user.name and user.email); one valid address, else an error.
    #[arg(long, value_name = "ADDRESS")]
    pub from: Option<String>,

    /// Use the sendemail.<IDENTITY>.* settings, as git send-email --identity does.
    #[arg(long, value_name = "IDENTITY")]
    pub identity: Option<String>,

    /// Prefix for quoted lines.
    #[arg(long, default_value = "> ", value_name = "PREFIX")]
    pub quote_prefix: String,

    /// Keep the original's signature (from the "-- " line) in the quote.
    #[arg(long)]
    pub keep_signature: bool,

    /// Also quote text and patch attachments (text/plain, text/x-patch, text/x-diff) below their marker line, as mutt does; git config ksreply.quoteAttachments.
    #[arg(long, conflicts_with = "no_quote")]
    pub quote_attachments: bool,

    /// Attribution template (overrides git config ksreply.attribution): %n name, %e address, %d date, %i Message-ID, %s Subject, %% a percent sign.
    #[arg(long, value_name = "TEMPLATE")]
    pub attribution: Option<String>,

    /// Add a review trailer (Reviewed-by:, Acked-by:, Tested-by:) with your identity below the quote; on a patch the commit message is quoted down to its trailers and the diff cut; repeatable.
    #[arg(long, value_enum, value_name = "KIND", action = ArgAction::Append)]
    pub trailer: Vec<crate::reply::Trailer>,

    /// Do not quote the original (no attribution either).
    #[arg(long, conflicts_with_all = ["quote_lines", "keep_signature"])]
    pub no_quote: bool,

    /// Quote only these lines of the original text (1-based, both included): N..M, N.., ..M or N.
    #[arg(long, value_name = "RANGE")]
    pub quote_lines: Option<crate::reply::quote::LineRange>,

    /// Write the quote as format=flowed (RFC 3676) instead of fixed lines.
    #[arg(long)]
    pub flowed: bool,
}

/// Fetching a Message-ID or URL from a public-inbox archive.
#[derive(Debug, Args)]
#[command(next_help_heading = "Fetching")]
pub struct FetchArgs {
    /// Archive to fetch Message-IDs from (default: git config ksreply.baseurl, else https://lore.kernel.org/all/).
    #[arg(long, value_name = "URL")]
    pub base: Option<String>,

    /// Fetch the whole thread (t.mbox.gz) and reply to the message named by --msgid or --latest; on a terminal without them, pick it from the thread.
    #[arg(long)]
    pub thread: bool,

    /// Use only the local cache; never touch the network.
    #[arg(long, conflicts_with = "refresh")]
    pub offline: bool,

    /// Fetch again even when the message is in the cache.
    #[arg(long)]
    pub refresh: bool,

    /// Network timeout in seconds (connect and whole request).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
}

/// The interactive path: editor, confirmation, send.
#[derive(Debug, Args)]
#[command(next_help_heading = "Sending")]
pub struct SessionArgs {
    /// Do not open the editor on the draft.
    #[arg(long)]
    pub no_edit: bool,

    /// Send without asking for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Show what would be sent (envelope and full message); send nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Delete the draft after sending instead of moving it to sent/.
    #[arg(long)]
    pub no_keep: bool,

    /// After editing, cut every quoted run you did not answer (a comment keeps the quote right above it: in a diff its file's diff --git line, the hunk's @@ header and the lines down to it); git config ksreply.trim.
    #[arg(long)]
    pub trim: bool,
}

pub fn command() -> clap::Command {
    Cli::command()
}

/// The man page or a completion script, as `--generate` prints it and as
/// committed in `man/` and `completions/`.
pub fn generated(what: Generate) -> Vec<u8> {
    use clap_complete::Shell;
    let mut out = Vec::new();
    let shell = match what {
        Generate::Man => {
            // Writing to a Vec cannot fail.
            let _ = clap_mangen::Man::new(command()).render(&mut out);
            return out;
        }
        Generate::Bash => Shell::Bash,
        Generate::Zsh => Shell::Zsh,
        Generate::Fish => Shell::Fish,
    };
    clap_complete::generate(shell, &mut command(), "ksreply", &mut out);
    out
}
