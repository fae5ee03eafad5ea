//! A real public-inbox server for integration tests.
//!
//! [`PublicInbox::start`] builds a throw-away v2 inbox in a fresh temporary
//! directory, imports messages into it with `public-inbox-mda` (exactly as a
//! mailing list archive receives them) and serves it with
//! `public-inbox-httpd` on a free port of 127.0.0.1. Tests can then fetch
//! pages (`get`), raw messages (`raw`) and the "Reply instructions" of any
//! message (`reply_instructions`), which are the reference output for
//! `ksreply --recipients public-inbox`.
//!
//! Everything runs with `HOME` and `PI_CONFIG` pointing into the temporary
//! directory, so no user or system configuration leaks in or out.
//!
//! Importing costs about 0.15-0.2 s per message, so a test module should
//! start its inbox once and share it between its tests, e.g.:
//!
//! ```ignore
//! static INBOX: std::sync::OnceLock<PublicInbox> = std::sync::OnceLock::new();
//! fn inbox() -> &'static PublicInbox {
//!     INBOX.get_or_init(|| PublicInbox::start("test", "test@example.org", &files))
//! }
//! ```
//!
//! # Lifetime of the server (why a shell watchdog)
//!
//! A `static` is never dropped, so `Drop` alone cannot stop the httpd of a
//! shared inbox. The httpd is therefore started by a tiny `/bin/sh` watchdog:
//!
//! ```sh
//! public-inbox-httpd ... </dev/null & pid=$!; echo $pid
//! while read -r _; do :; done     # blocks until stdin reaches EOF
//! kill -9 $pid; wait $pid; rm -rf "$dir"
//! ```
//!
//! The watchdog's stdin is a pipe whose only write end is held by the test
//! process (Rust opens pipes close-on-exec, so no other child inherits it).
//! The pipe reaches EOF when `PublicInbox` is dropped *or* when the test
//! process exits for any reason, including a panic, `process::exit` or
//! SIGKILL; the watchdog then kills the httpd and removes the temporary
//! directory. This needs no extra crate (no `libc`/`prctl`) and works for
//! several servers (and test processes) running at the same time.
//! Set `KSREPLY_KEEP_PUBLIC_INBOX=1` to keep the directory for debugging (its
//! path is printed when the inbox starts).

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::{require, TempDir};

/// The public-inbox programs the harness needs.
const PROGRAMS: [&str; 3] = ["public-inbox-init", "public-inbox-mda", "public-inbox-httpd"];

/// How long to wait for one httpd to bind its port and answer HTTP.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// How many ports to try before giving up (another process may grab the free
/// port between our probe and the httpd's bind).
const PORT_ATTEMPTS: usize = 8;

/// A message that public-inbox-mda stored in the inbox.
#[derive(Debug, Clone)]
pub struct ImportedMessage {
    /// The file the message came from.
    pub source: PathBuf,
    /// For mbox inputs, the 0-based position of the message in the mbox;
    /// `None` for single-message files (`.eml`).
    pub mbox_index: Option<usize>,
    /// The exact bytes fed to public-inbox-mda.
    pub raw: Vec<u8>,
    /// The first Message-ID of `raw` (see [`message_id_of`]); `None` when the
    /// message has none (public-inbox-mda then stores it under a made-up id).
    pub message_id: Option<String>,
    /// True when an earlier stored message has the same Message-ID: then
    /// public-inbox stored this copy under a made-up id, and the page of the
    /// original id shows both copies.
    pub duplicate_id: bool,
}

impl ImportedMessage {
    /// `path` or `path#N` (for the N-th message of an mbox), for messages.
    pub fn label(&self) -> String {
        label(&self.source, self.mbox_index)
    }
}

/// A message that public-inbox-mda did not store.
#[derive(Debug, Clone)]
pub struct NotImported {
    pub source: PathBuf,
    pub mbox_index: Option<usize>,
    pub raw: Vec<u8>,
    /// Why: the exit status and stderr of public-inbox-mda, or the note that
    /// it reported an identical copy already present.
    pub reason: String,
}

impl NotImported {
    pub fn label(&self) -> String {
        label(&self.source, self.mbox_index)
    }
}

fn label(source: &Path, mbox_index: Option<usize>) -> String {
    match mbox_index {
        Some(i) => format!("{}#{}", source.display(), i),
        None => source.display().to_string(),
    }
}

/// The "Reply instructions" of a message page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyInstructions {
    /// The `git send-email \` block as plain text, without the page's
    /// two-space margin: `git send-email \` at column 0, each argument
    /// indented by two spaces, ending with `  /path/to/YOUR_REPLY\n`.
    pub git_send_email: String,
    /// The `mailto:` link with HTML entities decoded; `None` if the page has
    /// none (public-inbox omits it when address obfuscation is on).
    pub mailto: Option<String>,
}

/// A running public-inbox-httpd serving one freshly imported v2 inbox.
pub struct PublicInbox {
    name: String,
    address: String,
    /// Temporary root: HOME, the PI_CONFIG file, the inbox and the httpd log.
    dir: PathBuf,
    port: u16,
    httpd_pid: u32,
    /// The watchdog shell; its stdin is the pipe described in the module docs.
    watchdog: Option<Child>,
    watchdog_stdin: Option<ChildStdin>,
    agent: ureq::Agent,
    messages: Vec<ImportedMessage>,
    not_imported: Vec<NotImported>,
}

impl PublicInbox {
    /// Creates inbox `name` (list address `address`) in a new temporary
    /// directory, imports `messages` in order and starts the httpd.
    ///
    /// Each path is a single message (`.eml` or anything else), or an mbox
    /// (`.mbox`, `.mbox.gz`, split as mboxrd, see [`split_mbox`]). Messages
    /// that public-inbox-mda refuses are recorded in [`Self::not_imported`].
    ///
    /// Panics (never skips) when public-inbox is not installed or fails.
    pub fn start(name: &str, address: &str, messages: &[PathBuf]) -> PublicInbox {
        let started = Instant::now();
        require_programs();
        let dir = make_temp_dir(name);
        let config = dir.join("config");
        let inbox_dir = dir.join("inbox");

        // The port is not known before the httpd starts (after the import),
        // so `url` is set again to http://127.0.0.1:PORT/NAME then; the
        // httpd itself builds its links from the request's Host anyway.
        let url = format!("http://127.0.0.1/{name}");
        let mut init = pi_command(&dir, "public-inbox-init");
        init.arg("-V2").arg(name).arg(&inbox_dir).arg(&url).arg(address);
        run_ok(&mut init, "public-inbox-init");
        // Accept every message as it is: no SpamAssassin, and the Mirror
        // filter (the default mda filter silently drops HTML and image mails).
        git_config(&dir, &config, "publicinboxmda.spamcheck", "none");
        git_config(
            &dir,
            &config,
            &format!("publicinbox.{name}.filter"),
            "PublicInbox::Filter::Mirror",
        );

        let mut inbox = PublicInbox {
            name: name.to_string(),
            address: address.to_string(),
            dir,
            port: 0,
            httpd_pid: 0,
            watchdog: None,
            watchdog_stdin: None,
            agent: ureq::AgentBuilder::new()
                .timeout_connect(Duration::from_secs(5))
                .timeout(Duration::from_secs(60))
                .build(),
            messages: Vec::new(),
            not_imported: Vec::new(),
        };
        for path in messages {
            let raws = read_messages(path);
            let is_mbox = is_mbox_path(path);
            for (i, raw) in raws.into_iter().enumerate() {
                inbox.import(path, if is_mbox { Some(i) } else { None }, raw);
            }
        }
        let import_time = started.elapsed();
        inbox.start_httpd();
        eprintln!(
            "public-inbox {name:?}: imported {} messages ({} not imported) in {:.1?}, \
             serving {} from {}",
            inbox.messages.len(),
            inbox.not_imported.len(),
            import_time,
            inbox.base_url(),
            inbox.dir.display()
        );
        inbox
    }

    /// The inbox name given to [`Self::start`].
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The list address given to [`Self::start`].
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The temporary directory (HOME and PI_CONFIG of the public-inbox tools).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The TCP port of the httpd on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT/`
    pub fn root_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// `http://127.0.0.1:PORT/NAME/`
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/{}/", self.port, self.name)
    }

    /// `BASE/ESCAPED_ID/`, the page of one message.
    pub fn message_url(&self, msgid: &str) -> String {
        format!("{}{}/", self.base_url(), escape_msgid_path(msgid))
    }

    /// The messages that were stored, in import order.
    pub fn messages(&self) -> &[ImportedMessage] {
        &self.messages
    }

    /// The messages that public-inbox-mda did not store, with the reason.
    pub fn not_imported(&self) -> &[NotImported] {
        &self.not_imported
    }

    /// A shell command line that imports the message in the file `$1` into
    /// this inbox (for a script run by the program under test, such as an
    /// editor that makes a message arrive while a reply is written).
    pub fn import_command_line(&self) -> String {
        let q = |p: &Path| crate::harness::sq(&p.display().to_string());
        format!(
            "HOME={} PI_CONFIG={} PI_EMERGENCY={} GIT_CONFIG_NOSYSTEM=1 ORIGINAL_RECIPIENT={} public-inbox-mda --no-precheck",
            q(&self.dir),
            q(&self.dir.join("config")),
            q(&self.dir.join("emergency")),
            crate::harness::sq(&self.address),
        )
    }

    /// A `Command` for another public-inbox program (or git) with this
    /// inbox's `HOME` and `PI_CONFIG`, e.g. for `public-inbox-index`.
    pub fn command(&self, program: &str) -> Command {
        pi_command(&self.dir, program)
    }

    /// GET a URL and return its status and (decompressed) body; never panics
    /// on 4xx/5xx statuses. `path_or_url` is an absolute `http://` URL, a
    /// path from the server root (`/NAME/ID/raw`), or a path relative to
    /// [`Self::base_url`] (`ID/raw`, `_/text/config/raw`).
    ///
    /// Panics when the server cannot be reached.
    pub fn get(&self, path_or_url: &str) -> (u16, Vec<u8>) {
        let url = self.url_for(path_or_url);
        self.try_get(&url)
            .unwrap_or_else(|e| panic!("GET {url} from public-inbox-httpd failed: {e}"))
    }

    /// Like [`Self::get`] but returns transport errors instead of panicking.
    pub fn try_get(&self, path_or_url: &str) -> Result<(u16, Vec<u8>), String> {
        let url = self.url_for(path_or_url);
        let response = match self.agent.get(&url).call() {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(e) => return Err(e.to_string()),
        };
        let status = response.status();
        let mut body = Vec::new();
        response
            .into_reader()
            .read_to_end(&mut body)
            .map_err(|e| format!("reading body of {url}: {e}"))?;
        Ok((status, body))
    }

    fn url_for(&self, path_or_url: &str) -> String {
        if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
            path_or_url.to_string()
        } else if let Some(path) = path_or_url.strip_prefix('/') {
            format!("{}{}", self.root_url(), path)
        } else {
            format!("{}{}", self.base_url(), path_or_url)
        }
    }

    /// The HTML page of a message: `(status, body)`.
    pub fn message_page(&self, msgid: &str) -> (u16, Vec<u8>) {
        self.get(&self.message_url(msgid))
    }

    /// The raw message as public-inbox serves it (`BASE/ID/raw`, an mboxrd
    /// with one message per stored copy), or `None` on 404.
    pub fn raw(&self, msgid: &str) -> Option<Vec<u8>> {
        let (status, body) = self.get(&format!("{}raw", self.message_url(msgid)));
        match status {
            200 => Some(body),
            404 => None,
            other => panic!("GET raw of <{msgid}>: unexpected HTTP status {other}"),
        }
    }

    /// The "Reply instructions" that the page of `msgid` shows, or `None`
    /// when there is no such page or it has no `git send-email` block.
    pub fn reply_instructions(&self, msgid: &str) -> Option<ReplyInstructions> {
        let (status, body) = self.message_page(msgid);
        if status != 200 {
            return None;
        }
        parse_reply_instructions(&String::from_utf8_lossy(&body))
    }

    /// Feeds one message to public-inbox-mda and records the outcome.
    fn import(&mut self, source: &Path, mbox_index: Option<usize>, raw: Vec<u8>) {
        let mut mda = pi_command(&self.dir, "public-inbox-mda");
        mda.arg("--no-precheck")
            .env("ORIGINAL_RECIPIENT", &self.address)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = mda
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run public-inbox-mda: {e}"));
        let mut stdin = child.stdin.take().expect("piped stdin");
        // Write from a thread so a large message can never deadlock against
        // a child that writes to its (piped) stderr before reading stdin.
        let output = thread::scope(|s| {
            s.spawn(|| {
                // A broken pipe means mda exited early; its status says why.
                let _ = stdin.write_all(&raw);
                drop(stdin);
            });
            child.wait_with_output()
        })
        .unwrap_or_else(|e| panic!("waiting for public-inbox-mda: {e}"));

        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let reason = if !output.status.success() {
            Some(format!("public-inbox-mda {}: {}", output.status, stderr.trim()))
        } else if stderr.contains("CONFLICT: Message-ID:") {
            // An identical copy (same Message-ID and content) is already
            // stored: mda keeps the first and exits 0.
            Some(format!("identical copy already stored: {}", stderr.trim()))
        } else {
            None
        };
        match reason {
            Some(reason) => self.not_imported.push(NotImported {
                source: source.to_path_buf(),
                mbox_index,
                raw,
                reason,
            }),
            None => {
                let message_id = message_id_of(&raw);
                let duplicate_id = message_id
                    .as_ref()
                    .is_some_and(|id| self.messages.iter().any(|m| m.message_id.as_ref() == Some(id)));
                self.messages.push(ImportedMessage {
                    source: source.to_path_buf(),
                    mbox_index,
                    raw,
                    message_id,
                    duplicate_id,
                });
            }
        }
    }

    /// Starts the watchdog + httpd on a free port, retrying on bind races.
    fn start_httpd(&mut self) {
        let mut failures = Vec::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port();
            match self.try_start_httpd(port) {
                Ok(()) => return,
                Err(e) => failures.push(format!("port {port}: {e}")),
            }
        }
        panic!(
            "public-inbox-httpd did not start after {PORT_ATTEMPTS} attempts:\n{}",
            failures.join("\n")
        );
    }

    fn try_start_httpd(&mut self, port: u16) -> Result<(), String> {
        let log = self.dir.join(format!("httpd-{port}.log"));
        let listen = format!("http://127.0.0.1:{port}");
        let keep = std::env::var_os("KSREPLY_KEEP_PUBLIC_INBOX").is_some_and(|v| v == "1");
        // $1 = listen URL, $2 = log file, $3 = directory to remove at the
        // end (empty: keep it). See the module documentation.
        let script = r#"
public-inbox-httpd -W0 -l "$1" </dev/null >>"$2" 2>&1 &
pid=$!
echo "$pid"
while read -r _; do :; done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ -n "$3" ]; then rm -rf -- "$3"; fi
"#;
        git_config(
            &self.dir,
            &self.dir.join("config"),
            &format!("publicinbox.{}.url", self.name),
            &format!("{listen}/{}", self.name),
        );
        let log_file = fs::File::create(&log).map_err(|e| format!("creating {}: {e}", log.display()))?;
        let mut sh = pi_command(&self.dir, "/bin/sh");
        sh.arg("-c")
            .arg(script)
            .arg("ksreply-public-inbox-watchdog")
            .arg(&listen)
            .arg(&log)
            .arg(if keep { Path::new("") } else { self.dir.as_path() })
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log_file);
        let mut watchdog = sh.spawn().map_err(|e| format!("cannot run /bin/sh: {e}"))?;
        let stdin = watchdog.stdin.take().expect("piped stdin");
        let mut line = String::new();
        let pid = BufReader::new(watchdog.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .ok()
            .and_then(|_| line.trim().parse::<u32>().ok());
        let Some(pid) = pid else {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
            return Err(format!("watchdog printed no pid: {line:?}"));
        };

        self.port = port;
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        let bound = format!("# bound {listen}\n");
        let mut answered = false;
        while Instant::now() < deadline {
            let log_text = fs::read_to_string(&log).unwrap_or_default();
            if !process_alive(pid) {
                // Most likely the port was taken between free_port() and the
                // bind: killing (not EOF-ing) the watchdog keeps the inbox.
                let _ = watchdog.kill();
                let _ = watchdog.wait();
                return Err(format!("public-inbox-httpd exited: {}", log_text.trim()));
            }
            // "# bound URL" proves the port is ours, not another server's.
            if log_text.contains(&bound) && self.try_get(&self.root_url()).is_ok() {
                answered = true;
                break;
            }
            thread::sleep(Duration::from_millis(50));
        }
        if !answered {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
            let log_text = fs::read_to_string(&log).unwrap_or_default();
            return Err(format!(
                "no HTTP answer within {STARTUP_TIMEOUT:?}; log: {}",
                log_text.trim()
            ));
        }
        self.httpd_pid = pid;
        self.watchdog = Some(watchdog);
        self.watchdog_stdin = Some(stdin);
        Ok(())
    }
}

impl Drop for PublicInbox {
    /// Closes the watchdog's stdin (it then kills the httpd and removes the
    /// temporary directory) and waits for it.
    fn drop(&mut self) {
        drop(self.watchdog_stdin.take());
        if let Some(mut watchdog) = self.watchdog.take() {
            let _ = watchdog.wait();
        } else if std::env::var_os("KSREPLY_KEEP_PUBLIC_INBOX").is_none() {
            // The httpd never started (start() panicked): just clean up.
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

// ---------------------------------------------------------------------------
// Process and file helpers

/// Fails the test, in one line, if a public-inbox program is not on PATH.
fn require_programs() {
    for program in PROGRAMS {
        require(program, "public-inbox");
    }
}

/// A new empty directory, unique across threads, processes and runs. It is
/// kept when dropped: the watchdog removes it.
fn make_temp_dir(name: &str) -> PathBuf {
    TempDir::new(&format!("public-inbox-{name}")).keep()
}

/// A command with the isolated public-inbox environment of `dir`.
fn pi_command(dir: &Path, program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("HOME", dir)
        .env("PI_CONFIG", dir.join("config"))
        .env("PI_EMERGENCY", dir.join("emergency"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        // Variables that would point git (used by public-inbox) elsewhere,
        // e.g. when the tests run from a git hook.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_CONFIG_GLOBAL")
        .env_remove("GIT_CONFIG_PARAMETERS")
        .env_remove("PI_DIR")
        .stdin(Stdio::null());
    cmd
}

fn run_ok(cmd: &mut Command, what: &str) {
    let output = cmd.output().unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn git_config(dir: &Path, config: &Path, key: &str, value: &str) {
    let mut git = pi_command(dir, "git");
    git.arg("config").arg("-f").arg(config).arg(key).arg(value);
    run_ok(&mut git, &format!("git config -f {} {key} {value}", config.display()));
}

/// A port that was free a moment ago (the OS picks it for 127.0.0.1:0).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local_addr").port()
}

/// True while `pid` exists and is not a zombie (Linux `/proc`).
fn process_alive(pid: u32) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // Format: "PID (COMM) STATE ..."; COMM may contain spaces and parens.
    match stat.rfind(')').and_then(|i| stat[i + 1..].split_whitespace().next()) {
        Some(state) => state != "Z" && state != "X",
        None => false,
    }
}

// ---------------------------------------------------------------------------
// Messages and mboxes

fn is_mbox_path(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    name.ends_with(".mbox") || name.ends_with(".mbox.gz")
}

/// The messages in one file: an mbox (`.mbox`, `.mbox.gz`) is split with
/// [`split_mbox`], anything else is one message (a `.gz` is decompressed).
pub fn read_messages(path: &Path) -> Vec<Vec<u8>> {
    let mut bytes = fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "gz") {
        let mut plain = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut plain)
            .unwrap_or_else(|e| panic!("cannot gunzip {}: {e}", path.display()));
        bytes = plain;
    }
    if is_mbox_path(path) {
        split_mbox(&bytes)
    } else {
        vec![bytes]
    }
}

/// Splits an mboxrd: each line starting with `From ` begins a message (the
/// separator line itself is dropped), `>From `, `>>From `... lines lose one
/// `>`, and the blank line that the mbox writer appends after each message
/// is removed. Anything before the first `From ` line is ignored.
///
/// For public-inbox's own mboxrd output (`/raw`, `t.mbox.gz`) this gives
/// back the stored messages byte for byte.
pub fn split_mbox(mbox: &[u8]) -> Vec<Vec<u8>> {
    let mut messages: Vec<Vec<u8>> = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    for line in mbox.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"From ") {
            messages.extend(current.take());
            current = Some(Vec::new());
            continue;
        }
        let Some(message) = current.as_mut() else {
            continue;
        };
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        if quotes > 0 && line[quotes..].starts_with(b"From ") {
            message.extend_from_slice(&line[1..]);
        } else {
            message.extend_from_slice(line);
        }
    }
    messages.extend(current);
    for message in &mut messages {
        if message.ends_with(b"\r\n\r\n") {
            message.truncate(message.len() - 2);
        } else if message.ends_with(b"\n\n") {
            message.truncate(message.len() - 1);
        }
    }
    messages
}

/// The header section of a message (up to the first empty line), without a
/// leading mbox `From ` line.
fn header_section(raw: &[u8]) -> &[u8] {
    let mut raw = raw;
    if raw.starts_with(b"From ") {
        raw = match raw.iter().position(|&b| b == b'\n') {
            Some(nl) => &raw[nl + 1..],
            None => &[],
        };
    }
    let mut offset = 0;
    for line in raw.split_inclusive(|&b| b == b'\n') {
        if line == b"\n" || line == b"\r\n" {
            break;
        }
        offset += line.len();
    }
    &raw[..offset]
}

/// All values of header `name` (case-insensitive), each unfolded the way
/// public-inbox's `header_raw` does it: line breaks plus the following
/// blanks become one space, surrounding whitespace is trimmed.
pub fn header_values(raw: &[u8], name: &str) -> Vec<Vec<u8>> {
    let mut values = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    for line in header_section(raw).split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            if let Some(value) = current.as_mut() {
                value.extend_from_slice(line);
            }
            continue;
        }
        values.extend(current.take());
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        if line[..colon].trim_ascii_end().eq_ignore_ascii_case(name.as_bytes()) {
            current = Some(line[colon + 1..].to_vec());
        }
    }
    values.extend(current);
    values.into_iter().map(|v| unfold(&v)).collect()
}

fn unfold(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        let b = value[i];
        if b == b'\r' && value.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        if b == b'\n' {
            out.push(b' ');
            i += 1;
            while i < value.len() && (value[i] == b' ' || value[i] == b'\t') {
                i += 1;
            }
            continue;
        }
        out.push(b);
        i += 1;
    }
    out.trim_ascii().to_vec()
}

/// The first Message-ID of a raw message, unfolded, without `<>`: the text
/// inside the first `<...>` of the first `Message-ID:` header, or the whole
/// trimmed value if it has no angle brackets. `None` when the header is
/// missing or empty.
pub fn message_id_of(raw: &[u8]) -> Option<String> {
    let value = header_values(raw, "Message-ID").into_iter().next()?;
    let id = match value.iter().position(|&b| b == b'<') {
        Some(open) => match value[open + 1..].iter().position(|&b| b == b'>') {
            Some(len) => &value[open + 1..open + 1 + len],
            None => &value[open + 1..],
        },
        None => &value[..],
    };
    let id = id.trim_ascii();
    if id.is_empty() {
        None
    } else {
        Some(String::from_utf8_lossy(id).into_owned())
    }
}

/// True when any of the given headers (continuation lines included) has a
/// byte >= 0x80, i.e. raw 8-bit text instead of RFC 2047 encoded words.
pub fn has_8bit_header(raw: &[u8], names: &[&str]) -> bool {
    names
        .iter()
        .any(|name| header_values(raw, name).iter().any(|v| v.iter().any(|&b| b >= 0x80)))
}

// ---------------------------------------------------------------------------
// Escaping and HTML

/// Escapes a Message-ID for a public-inbox URL path, like its `mid_escape`:
/// every byte of the UTF-8 form except `A-Za-z0-9-._~!$&'()*+,;=:@` becomes
/// `%XX` (upper-case hex).
pub fn escape_msgid_path(msgid: &str) -> String {
    const KEEP: &[u8] = b"-._~!$&'()*+,;=:@";
    let mut out = String::with_capacity(msgid.len());
    for &b in msgid.as_bytes() {
        if b.is_ascii_alphanumeric() || KEEP.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes the HTML entities public-inbox emits (`&#38;`, `&#x26;`,
/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#39;`, any numeric
/// entity). Unknown or malformed entities are kept as they are.
pub fn html_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 12).and_then(|semi| {
            let entity = &rest[1..semi];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let code = if let Some(hex) = entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                        u32::from_str_radix(hex, 16).ok()
                    } else if let Some(dec) = entity.strip_prefix('#') {
                        dec.parse::<u32>().ok()
                    } else {
                        None
                    };
                    code.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Removes HTML tags (`<...>`) from a line; entities are left alone.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match (in_tag, c) {
            (false, '<') => in_tag = true,
            (true, '>') => in_tag = false,
            (false, c) => out.push(c),
            (true, _) => {}
        }
    }
    out
}

/// Extracts the "Reply instructions" from a public-inbox message page.
///
/// The section is the `<pre id=R>` element at the end of the page. In it,
/// public-inbox 1.9 prints (with a two-space page margin and ascii_html
/// escaping: `&#38;`, `&#39;`, `&#34;`, `&lt;`, `&gt;`, `&#NNN;` for
/// non-ASCII):
///
/// ```text
///   git send-email \
///     --in-reply-to=ID \
///     --to=ADDR \
///     --cc=ADDR \
///     /path/to/YOUR_REPLY
/// ```
///
/// and a `<a\nhref="mailto:...">mailto: link</a>`.
pub fn parse_reply_instructions(html: &str) -> Option<ReplyInstructions> {
    let start = html.find("id=R>")?;
    let section = &html[start..];
    let section = &section[..section.find("</pre>").unwrap_or(section.len())];

    let mut block = String::new();
    let mut in_block = false;
    let mut complete = false;
    for line in section.lines() {
        let text = html_unescape(&strip_tags(line));
        if !in_block {
            if text.trim_start() != "git send-email \\" {
                continue;
            }
            in_block = true;
        }
        // Remove the page margin of two spaces.
        block.push_str(text.strip_prefix("  ").unwrap_or(&text));
        block.push('\n');
        if text.trim() == "/path/to/YOUR_REPLY" {
            complete = true;
            break;
        }
    }
    if !complete {
        return None;
    }

    let mailto = section.find("href=\"mailto:").map(|i| {
        let value = &section[i + "href=\"".len()..];
        html_unescape(&value[..value.find('"').unwrap_or(value.len())])
    });
    Some(ReplyInstructions {
        git_send_email: block,
        mailto,
    })
}
