//! A real SMTP server (aiosmtpd, `tests/support/smtp_sink.py`) for
//! integration tests.
//!
//! [`SmtpSink::start`] runs the sink with Debian's `/usr/bin/python3` on a
//! free port of 127.0.0.1 and waits for its "ready PORT" line; every message
//! it accepts can then be read back with [`SmtpSink::messages`]: the
//! envelope, the content as the server stored it (dot-unstuffed, CRLF) and
//! the DATA section exactly as it came over the wire (dot-stuffed).
//!
//! Variants: plain, STARTTLS (required by the server), implicit TLS; AUTH
//! PLAIN/LOGIN with one fixed user; refusing some recipients; hanging up in
//! the middle of DATA. TLS uses a throw-away CA and server certificate made
//! with `openssl` ([`TestCerts`]).
//!
//! Lifetime: `Drop` kills the server by its PID. The server also exits by
//! itself when its stdin, a pipe held only by this process, reaches EOF, i.e.
//! when the test process ends in any way (panic, SIGKILL).
//!
//! A missing `python3-aiosmtpd` or `openssl` fails the test with a message
//! saying so; nothing is skipped.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

use std::sync::mpsc;
use std::time::Duration;

use super::{root, TempDir};

/// Debian's python3 has aiosmtpd; another python3 first on PATH may not.
pub const PYTHON: &str = "/usr/bin/python3";

const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

fn sink_script() -> PathBuf {
    root().join("tests/support/smtp_sink.py")
}

/// A throw-away CA and a server certificate it signed, valid for
/// 127.0.0.1 and localhost. `ca` is what a client must trust.
pub struct TestCerts {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TestCerts {
    /// Generate into `dir` with the openssl command-line tool.
    pub fn generate(dir: &Path) -> TestCerts {
        let ca_key = dir.join("ca.key");
        let ca = dir.join("ca.pem");
        let key = dir.join("server.key");
        let csr = dir.join("server.csr");
        let cert = dir.join("server.pem");
        let ext = dir.join("server.ext");
        fs::write(
            &ext,
            "basicConstraints=critical,CA:FALSE\n\
             keyUsage=critical,digitalSignature,keyEncipherment\n\
             extendedKeyUsage=serverAuth\n\
             subjectAltName=IP:127.0.0.1,DNS:localhost\n",
        )
        .unwrap();
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        openssl(
            &[
                &["req", "-x509"][..],
                &ec,
                &["-days", "2", "-subj", "/CN=ksreply test CA"],
            ]
            .concat(),
            &[("-keyout", &ca_key), ("-out", &ca)],
            &[
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
        openssl(
            &[&["req", "-new"][..], &ec, &["-subj", "/CN=127.0.0.1"]].concat(),
            &[("-keyout", &key), ("-out", &csr)],
            &[],
        );
        openssl(
            &["x509", "-req", "-days", "2", "-set_serial", "2"],
            &[
                ("-in", &csr),
                ("-CA", &ca),
                ("-CAkey", &ca_key),
                ("-extfile", &ext),
                ("-out", &cert),
            ],
            &[],
        );
        TestCerts { ca, cert, key }
    }
}

fn openssl(args: &[&str], paths: &[(&str, &Path)], tail: &[&str]) {
    let mut cmd = Command::new("openssl");
    cmd.args(args);
    for (flag, p) in paths {
        cmd.arg(flag).arg(p);
    }
    cmd.args(tail);
    let out = cmd.stdin(Stdio::null()).output().unwrap_or_else(|e| {
        panic!(
            "cannot run openssl ({e}), which the TLS tests need: run scripts/test as root (it installs the \
                 Debian package openssl), or `apt-get install openssl`"
        )
    });
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    Plain,
    /// STARTTLS offered and required before MAIL.
    StartTls,
    /// TLS from the first byte.
    ImplicitTls,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer DATA with 354, read one line of the message, hang up.
    CloseInData,
}

/// What kind of server to start.
#[derive(Debug, Clone)]
pub struct SinkOptions {
    pub security: Security,
    /// AUTH PLAIN/LOGIN with this user and password, required before MAIL.
    pub auth: Option<(String, String)>,
    /// Also offer AUTH XOAUTH2 (the password is the bearer token).
    pub xoauth2: bool,
    pub fault: Option<Fault>,
    /// Recipients starting with this are refused with a 550 that does not
    /// name them.
    pub refuse_prefix: Option<String>,
}

impl SinkOptions {
    pub fn new(security: Security) -> SinkOptions {
        SinkOptions {
            security,
            auth: None,
            xoauth2: false,
            fault: None,
            refuse_prefix: None,
        }
    }
    pub fn auth(mut self, user: &str, password: &str) -> SinkOptions {
        self.auth = Some((user.into(), password.into()));
        self
    }
    pub fn xoauth2(mut self) -> SinkOptions {
        self.xoauth2 = true;
        self
    }
    pub fn fault(mut self, f: Fault) -> SinkOptions {
        self.fault = Some(f);
        self
    }
    pub fn refuse(mut self, prefix: &str) -> SinkOptions {
        self.refuse_prefix = Some(prefix.into());
        self
    }
}

impl SmtpSink {
    /// The `[sendemail]` lines of a git config that sends to this server.
    pub fn sendemail_config(&self) -> String {
        format!(
            "[sendemail]\n\tsmtpServer = 127.0.0.1\n\tsmtpServerPort = {}\n",
            self.port()
        )
    }
}

/// A `~/.gitconfig` with the tests' sender identity and, given a server,
/// the settings to send through it.
pub fn sender_gitconfig(sink: Option<&SmtpSink>) -> String {
    let mut git = String::from("[user]\n\tname = Test Sender\n\temail = sender@example.org\n");
    if let Some(s) = sink {
        git.push_str(&s.sendemail_config());
    }
    git
}

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub mail_options: Vec<String>,
    pub rcpt_tos: Vec<String>,
    /// EHLO name the client gave.
    pub helo: String,
    /// Whether the session was encrypted (STARTTLS or implicit TLS).
    pub tls: bool,
    /// The user that authenticated, if any.
    pub auth_login: Option<String>,
    pub auth_mechanism: Option<String>,
    /// Content after dot-unstuffing, line endings as received.
    pub data: Vec<u8>,
    /// The DATA section as sent: dot-stuffed, ending in ".\r\n".
    pub wire: Vec<u8>,
}

impl Received {
    /// The content as text with LF line endings.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).replace("\r\n", "\n")
    }
}

pub struct SmtpSink {
    port: u16,
    dir: TempDir,
    spool: PathBuf,
    certs: Option<TestCerts>,
    child: Child,
    // Held only to keep the pipe open; EOF tells the server to exit.
    _stdin: ChildStdin,
}

impl SmtpSink {
    pub fn start(opts: SinkOptions) -> SmtpSink {
        assert!(
            Path::new(PYTHON).exists(),
            "{PYTHON} is missing: run scripts/test as root (it installs the Debian package python3-aiosmtpd), \
             or `apt-get install python3-aiosmtpd`"
        );
        let dir = TempDir::new("smtp-sink");
        let spool = dir.path().join("spool");
        fs::create_dir(&spool).unwrap();

        let mut cmd = Command::new(PYTHON);
        cmd.arg(sink_script()).arg("--spool").arg(&spool);
        let certs = match opts.security {
            Security::Plain => None,
            Security::StartTls | Security::ImplicitTls => {
                let c = TestCerts::generate(dir.path());
                cmd.arg("--cert").arg(&c.cert).arg("--key").arg(&c.key);
                cmd.arg("--security").arg(if opts.security == Security::StartTls {
                    "starttls"
                } else {
                    "tls"
                });
                Some(c)
            }
        };
        if let Some((u, p)) = &opts.auth {
            cmd.arg("--auth").arg(format!("{u}:{p}"));
        }
        if opts.xoauth2 {
            cmd.arg("--xoauth2");
        }
        if let Some(Fault::CloseInData) = opts.fault {
            cmd.arg("--fault").arg("close-in-data");
        }
        if let Some(p) = &opts.refuse_prefix {
            cmd.arg("--refuse-prefix").arg(p);
        }
        let stderr_path = dir.path().join("sink.stderr");
        let (child, stdin, port) = start_ready_server(cmd, &stderr_path, "the SMTP sink");
        SmtpSink {
            port,
            dir,
            spool,
            certs,
            child,
            _stdin: stdin,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:PORT`, as ksreply names the server (and as git credential
    /// gets it as the host).
    pub fn host_port(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The CA certificate that signed the server's certificate (TLS variants).
    pub fn ca_cert(&self) -> &Path {
        &self.certs.as_ref().expect("a TLS sink").ca
    }

    /// The server's own certificate (TLS variants).
    pub fn server_cert(&self) -> &Path {
        &self.certs.as_ref().expect("a TLS sink").cert
    }

    /// A scratch directory that lives as long as the sink.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// What the server wrote on stderr so far (for failure messages).
    pub fn stderr(&self) -> String {
        fs::read_to_string(self.dir.path().join("sink.stderr")).unwrap_or_default()
    }

    /// All messages accepted so far, in order. The server writes them before
    /// it answers the final dot, so a message is complete here as soon as
    /// the client's send returned.
    pub fn messages(&self) -> Vec<Received> {
        let mut metas: Vec<PathBuf> = fs::read_dir(&self.spool)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        metas.sort();
        metas
            .into_iter()
            .map(|meta| {
                let v: serde_json::Value = serde_json::from_slice(&fs::read(&meta).unwrap()).unwrap();
                let strs = |k: &str| -> Vec<String> {
                    v[k].as_array()
                        .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
                        .unwrap_or_default()
                };
                let opt = |k: &str| v[k].as_str().map(String::from);
                Received {
                    mail_from: opt("mail_from").unwrap_or_default(),
                    mail_options: strs("mail_options"),
                    rcpt_tos: strs("rcpt_tos"),
                    helo: opt("helo").unwrap_or_default(),
                    tls: v["tls"].as_bool().unwrap_or(false),
                    auth_login: opt("auth_login"),
                    auth_mechanism: opt("auth_mechanism"),
                    data: fs::read(meta.with_extension("eml")).unwrap(),
                    wire: fs::read(meta.with_extension("wire")).unwrap(),
                }
            })
            .collect()
    }
}

/// Start a test server that prints "ready PORT" on stdout once it listens
/// and exits when its stdin (returned: keep it) reaches EOF. Its stderr
/// goes to `stderr_path`; `what` names it in the panic when it does not
/// start within [`STARTUP_TIMEOUT`].
pub fn start_ready_server(mut cmd: Command, stderr_path: &Path, what: &str) -> (Child, ChildStdin, u16) {
    let stderr = fs::File::create(stderr_path).unwrap();
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what} ({cmd:?}): {e}"));
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();

    // Read the ready line on a thread so that a hung server cannot hang
    // the test past the timeout.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let mut r = BufReader::new(stdout);
        let _ = r.read_line(&mut line);
        let _ = tx.send(line);
        // Keep draining so the server never blocks on a full pipe.
        let _ = r.read_to_end(&mut Vec::new());
    });
    let line = rx.recv_timeout(STARTUP_TIMEOUT).unwrap_or_default();
    let port = line.strip_prefix("ready ").and_then(|p| p.trim().parse::<u16>().ok());
    let Some(port) = port else {
        let _ = child.kill();
        let status = child.wait();
        // smtp_sink.py exits 3 when it cannot import aiosmtpd.
        if status.is_ok_and(|s| s.code() == Some(3)) {
            panic!(
                "aiosmtpd is not installed for {PYTHON}: run scripts/test as root (it installs the Debian \
                 package python3-aiosmtpd), or `apt-get install python3-aiosmtpd`"
            );
        }
        let err = fs::read_to_string(stderr_path).unwrap_or_default();
        panic!(
            "{what} did not start (expected \"ready PORT\", got {line:?}); its stderr:\n{err}\n\
             (the SMTP servers need Debian's python3 with python3-aiosmtpd: {PYTHON})"
        );
    };
    (child, stdin, port)
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        // Child::kill signals exactly this PID.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Point git at a private, empty configuration for the rest of this test
/// process: HOME in a scratch directory, no system config, no prompts, no
/// askpass. Sending with AUTH runs `git credential fill/approve/reject`,
/// which must neither read nor write the real user's credentials.
///
/// This is for the tests that call the library's `send` in the test process
/// itself (send_smtp.rs): the environment is process-wide, so call this
/// before starting any thread of your own; it is idempotent. Programs
/// started from a [`super::Sandbox`] do not see it (their environment is
/// the sandbox's only). Returns the private HOME.
pub fn isolate_git_env() -> &'static Path {
    static HOME: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    HOME.get_or_init(|| {
        // Kept: the next run's remove_stale_dirs removes it.
        let home = TempDir::new("git-home").keep();
        fs::create_dir_all(home.join(".config")).unwrap();
        fs::write(home.join(".gitconfig"), "").unwrap();
        std::env::set_var("HOME", &home);
        std::env::set_var("XDG_CONFIG_HOME", home.join(".config"));
        std::env::set_var("GIT_CONFIG_NOSYSTEM", "1");
        std::env::set_var("GIT_TERMINAL_PROMPT", "0");
        for v in [
            "GIT_ASKPASS",
            "SSH_ASKPASS",
            "GIT_CONFIG_GLOBAL",
            "GIT_CONFIG_PARAMETERS",
            "GIT_CONFIG_COUNT",
        ] {
            std::env::remove_var(v);
        }
        home
    })
}
