//! Which transport to send with, resolved from the `sendemail.*` keys git
//! send-email reads, so that a user who already sends patches with git needs
//! no new configuration.
//!
//! The resolution follows git-send-email (git 2.47) closely; where it is
//! deliberately stricter (an unknown `smtpEncryption`, an empty
//! `smtpSSLCertPath`) the reason is given at the spot: git's behaviour there
//! silently drops encryption or certificate checks, and we fail closed.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::GitConfig;
use crate::error::{Error, Result};

/// How long to wait for the server at each step (connect, each reply).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How a message leaves the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    Smtp(SmtpSettings),
    /// Pipe the message into a local program.
    Sendmail {
        /// `sendemail.sendmailCmd` (a shell command line), or the absolute
        /// program path from `sendemail.smtpServer` or the fallback search.
        command: String,
        /// Run through `sh -c` (sendmailCmd: it may carry arguments and shell
        /// syntax) rather than executing `command` as one program path.
        shell: bool,
        /// `sendemail.smtpServerOption` values, put in front of the other
        /// arguments as git does.
        options: Vec<String>,
        envelope_sender: EnvelopeSender,
    },
}

/// `sendemail.envelopeSender`: git treats "unset" and "auto" differently for
/// sendmail (only a configured value makes it pass `-f`), so keep all three.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum EnvelopeSender {
    /// Not configured: SMTP uses the caller's address, sendmail gets no `-f`.
    #[default]
    Unset,
    /// `auto`: the caller's address (the From address), also as sendmail `-f`.
    Auto,
    /// An explicit address, used for MAIL FROM and sendmail `-f`.
    Address(String),
}

impl EnvelopeSender {
    /// The envelope sender for SMTP's MAIL FROM: always an address.
    pub fn for_smtp<'a>(&'a self, from: &'a str) -> &'a str {
        match self {
            EnvelopeSender::Address(a) => a,
            _ => from,
        }
    }

    /// The `-f` argument for sendmail, if one is to be passed.
    pub fn for_sendmail<'a>(&'a self, from: &'a str) -> Option<&'a str> {
        match self {
            EnvelopeSender::Unset => None,
            EnvelopeSender::Auto => Some(from),
            EnvelopeSender::Address(a) => Some(a),
        }
    }
}

/// `sendemail.smtpEncryption`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encryption {
    /// No encryption (git: any value other than `ssl`/`tls`; we accept only
    /// empty, `none` and `plain`).
    None,
    /// `tls`: plain connect, then STARTTLS, which is required, not
    /// opportunistic: a server that does not offer it is an error.
    StartTls,
    /// `ssl`: TLS from the first byte (SMTPS).
    ImplicitTls,
}

impl Encryption {
    /// Parse git's names. Git reverts to plain text for any unknown value
    /// (a typo such as `starttls` would send the password in the clear);
    /// we refuse unknown values instead.
    pub fn parse(value: &str) -> Option<Encryption> {
        match value.trim().to_ascii_lowercase().as_str() {
            "ssl" => Some(Encryption::ImplicitTls),
            "tls" => Some(Encryption::StartTls),
            "" | "none" | "plain" => Some(Encryption::None),
            _ => None,
        }
    }

    /// The port git send-email uses when none is configured: 465 for `ssl`,
    /// 25 for everything else (also for `tls`, not 587).
    pub fn default_port(self) -> u16 {
        match self {
            Encryption::ImplicitTls => 465,
            Encryption::StartTls | Encryption::None => 25,
        }
    }
}

impl fmt::Display for Encryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encryption::None => "no encryption",
            Encryption::StartTls => "STARTTLS",
            Encryption::ImplicitTls => "implicit TLS",
        })
    }
}

/// SASL mechanisms we can do (those lettre implements).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMechanism {
    Plain,
    Login,
    Xoauth2,
}

impl AuthMechanism {
    pub fn name(self) -> &'static str {
        match self {
            AuthMechanism::Plain => "PLAIN",
            AuthMechanism::Login => "LOGIN",
            AuthMechanism::Xoauth2 => "XOAUTH2",
        }
    }
}

/// Everything needed to talk to one SMTP server.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub server: String,
    pub port: u16,
    pub encryption: Encryption,
    /// `smtpUser`; `None` means no AUTH at all (also after `smtpAuth=none`).
    pub user: Option<String>,
    /// `smtpPass`; without it the password comes from `git credential fill`.
    /// Never printed: `Debug` shows it as `<redacted>`.
    pub pass: Option<String>,
    /// Mechanisms to try, in order of preference (`smtpAuth`).
    pub auth_mechanisms: Vec<AuthMechanism>,
    /// EHLO name (`smtpDomain`); `None`: this host's name.
    pub domain: Option<String>,
    /// `smtpSSLCertPath`: a PEM file or a directory of PEM files whose
    /// certificates replace the built-in (webpki) roots, as the OpenSSL CA
    /// file/path does for git.
    pub cert_path: Option<PathBuf>,
    /// Accept any server certificate. Only ever set from the explicitly
    /// named command-line override; never from configuration.
    pub insecure_skip_tls_verify_for_testing: bool,
    /// `ksreply.allowPlaintextAuth`: send the password over an unencrypted
    /// connection to a server that is not on a loopback address. Off by
    /// default (git send-email does it silently).
    pub allow_plaintext_auth: bool,
    pub timeout: Duration,
    pub envelope_sender: EnvelopeSender,
}

impl SmtpSettings {
    /// Plain SMTP to `server:port` with everything else at its default.
    pub fn new(server: impl Into<String>, port: u16) -> SmtpSettings {
        SmtpSettings {
            server: server.into(),
            port,
            encryption: Encryption::None,
            user: None,
            pass: None,
            auth_mechanisms: default_mechanisms(),
            domain: None,
            cert_path: None,
            insecure_skip_tls_verify_for_testing: false,
            allow_plaintext_auth: false,
            timeout: DEFAULT_TIMEOUT,
            envelope_sender: EnvelopeSender::Unset,
        }
    }

    /// `SERVER:PORT`: the name used in messages and, exactly so, as the
    /// `host` of `git credential` (git send-email's smtp_host_string, with the
    /// port always filled in by then).
    pub fn host_port(&self) -> String {
        format!("{}:{}", self.server, self.port)
    }
}

// Hand-written so that the password can never reach a log or an error via
// `{:?}`.
impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("server", &self.server)
            .field("port", &self.port)
            .field("encryption", &self.encryption)
            .field("user", &self.user)
            .field("pass", &self.pass.as_ref().map(|_| "<redacted>"))
            .field("auth_mechanisms", &self.auth_mechanisms)
            .field("domain", &self.domain)
            .field("cert_path", &self.cert_path)
            .field(
                "insecure_skip_tls_verify_for_testing",
                &self.insecure_skip_tls_verify_for_testing,
            )
            .field("allow_plaintext_auth", &self.allow_plaintext_auth)
            .field("timeout", &self.timeout)
            .field("envelope_sender", &self.envelope_sender)
            .finish()
    }
}

impl fmt::Display for Transport {
    /// One line for "about to send via ..." messages; never the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Transport::Smtp(s) => {
                write!(f, "SMTP server {} ({}", s.host_port(), s.encryption)?;
                if let Some(u) = &s.user {
                    write!(f, ", user {u}")?;
                }
                f.write_str(")")
            }
            Transport::Sendmail { command, .. } => write!(f, "sendmail command `{command}`"),
        }
    }
}

/// The sending flags, named as git send-email names them; each one set wins
/// over the configuration. Parsed by clap as one group of the command line.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Sending")]
pub struct SendOverrides {
    /// SMTP server or absolute path of a sendmail program (overrides sendemail.smtpServer).
    #[arg(long = "smtp-server", value_name = "HOST")]
    pub server: Option<String>,
    /// SMTP port (overrides sendemail.smtpServerPort).
    #[arg(long = "smtp-server-port", value_name = "PORT")]
    pub port: Option<u16>,
    /// ssl (implicit TLS), tls (STARTTLS) or none (overrides sendemail.smtpEncryption).
    #[arg(long = "smtp-encryption", value_name = "MODE")]
    pub encryption: Option<String>,
    /// SMTP user name (overrides sendemail.smtpUser); the password comes from sendemail.smtpPass or git credential.
    #[arg(long = "smtp-user", value_name = "USER")]
    pub user: Option<String>,
    /// Pipe the message into this command instead of SMTP (overrides sendemail.sendmailCmd).
    #[arg(long = "sendmail-cmd", value_name = "COMMAND")]
    pub sendmail_cmd: Option<String>,
    /// Trusted CA certificate(s): a PEM file or a directory (overrides sendemail.smtpSSLCertPath).
    #[arg(long = "smtp-ssl-cert-path", value_name = "PATH")]
    pub cert_path: Option<PathBuf>,
    /// HELO/EHLO name (overrides sendemail.smtpDomain).
    #[arg(long = "smtp-domain", value_name = "NAME")]
    pub domain: Option<String>,
    /// Envelope sender (overrides sendemail.envelopeSender).
    #[arg(long = "envelope-sender", value_name = "ADDRESS")]
    pub envelope_sender: Option<String>,
    /// The network timeout (the --timeout of the fetching flags, set when the plan is resolved).
    #[arg(skip)]
    pub timeout: Option<Duration>,
    /// Accept any TLS certificate. Deliberately long and alarming, and not a
    /// flag: only the library's tests against throw-away servers set it.
    #[arg(skip)]
    pub insecure_skip_tls_verify_for_testing: bool,
}

/// Resolve the transport the way git send-email does:
///
/// 1. `sendemail.sendmailCmd` set: pipe to it through `sh -c`.
/// 2. `sendemail.smtpServer` an absolute path: run that program.
/// 3. `sendemail.smtpServer` set: SMTP.
/// 4. Nothing set: the first executable of `/usr/sbin/sendmail`,
///    `/usr/lib/sendmail`, `sendmail` on `PATH`; else SMTP to `localhost`.
///
/// Each key is looked up as `sendemail.<identity>.<key>`, then
/// `sendemail.<key>`. A flag in `overrides` wins over the configuration;
/// in particular `--smtp-server` beats a configured sendmailCmd (in git the
/// configured sendmailCmd would still win, which surprises everybody).
pub fn transport_from_config(cfg: &GitConfig, identity: Option<&str>, overrides: &SendOverrides) -> Result<Transport> {
    transport_with_fallback(cfg, identity, overrides, find_local_sendmail)
}

/// `transport_from_config` with the local-sendmail search injected, so that
/// tests do not depend on what this machine has installed.
fn transport_with_fallback(
    cfg: &GitConfig,
    identity: Option<&str>,
    ov: &SendOverrides,
    find_sendmail: impl FnOnce() -> Option<PathBuf>,
) -> Result<Transport> {
    let keys = Keys { cfg, identity };
    let envelope_sender = envelope_sender(&keys, ov)?;
    let options = sendemail_all(cfg, identity, "smtpServerOption");
    let sendmail = |command: String, shell: bool| Transport::Sendmail {
        command,
        shell,
        options,
        envelope_sender: envelope_sender.clone(),
    };
    let server = match route(&keys, ov, find_sendmail)? {
        Route::Program { command, shell } => return Ok(sendmail(command, shell)),
        Route::Smtp(server) => server,
    };
    let encryption = encryption(&keys, ov)?;
    let port = port(&keys, ov, encryption)?;
    let (auth_disabled, auth_mechanisms) = auth(&keys)?;
    let user = ov
        .user
        .clone()
        .or_else(|| keys.get("smtpUser"))
        .filter(|u| !u.is_empty() && !auth_disabled);
    let cert_path = cert_path(&keys, ov)?;
    Ok(Transport::Smtp(SmtpSettings {
        server,
        port,
        encryption,
        user,
        pass: keys.get("smtpPass"),
        auth_mechanisms,
        domain: ov
            .domain
            .clone()
            .or_else(|| keys.get("smtpDomain"))
            .filter(|d| !d.is_empty()),
        cert_path,
        insecure_skip_tls_verify_for_testing: ov.insecure_skip_tls_verify_for_testing,
        allow_plaintext_auth: cfg.get_bool("ksreply.allowPlaintextAuth")?.unwrap_or(false),
        timeout: ov.timeout.unwrap_or(DEFAULT_TIMEOUT),
        envelope_sender,
    }))
}

/// The `sendemail.*` keys of one identity.
struct Keys<'a> {
    cfg: &'a GitConfig,
    identity: Option<&'a str>,
}

impl Keys<'_> {
    /// `sendemail.<identity>.<key>`, else `sendemail.<key>`.
    fn get(&self, key: &str) -> Option<String> {
        self.cfg.sendemail(self.identity, key).map(str::to_string)
    }

    /// The key as the user would find it in their config, for messages.
    fn name(&self, key: &str) -> String {
        match self.identity {
            Some(id) if self.cfg.get(&format!("sendemail.{id}.{key}")).is_some() => {
                format!("sendemail.{id}.{key}")
            }
            _ => format!("sendemail.{key}"),
        }
    }
}

/// Where the message goes: a local program, or an SMTP server by name.
enum Route {
    Program { command: String, shell: bool },
    Smtp(String),
}

/// `sendemail.envelopeSender` (or `--envelope-sender`).
fn envelope_sender(keys: &Keys, ov: &SendOverrides) -> Result<EnvelopeSender> {
    Ok(
        match ov.envelope_sender.clone().or_else(|| keys.get("envelopeSender")) {
            None => EnvelopeSender::Unset,
            Some(v) if v.trim().eq_ignore_ascii_case("auto") => EnvelopeSender::Auto,
            Some(v) => {
                let addr = bare_address(&v);
                if addr.is_empty() {
                    return Err(Error::usage(format!(
                        "{}: empty envelope sender",
                        keys.name("envelopeSender")
                    )));
                }
                EnvelopeSender::Address(addr)
            }
        },
    )
}

/// Steps 1 to 4 of [`transport_from_config`]: a sendmail command, a
/// program path, an SMTP server, or the fallback search.
fn route(keys: &Keys, ov: &SendOverrides, find_sendmail: impl FnOnce() -> Option<PathBuf>) -> Result<Route> {
    // A --smtp-server flag outranks configured sendmail commands.
    let sendmail_cmd = match (&ov.sendmail_cmd, &ov.server) {
        (Some(c), _) => Some(c.clone()),
        (None, Some(_)) => None,
        (None, None) => keys.get("sendmailCmd"),
    };
    if let Some(command) = sendmail_cmd {
        if command.trim().is_empty() {
            return Err(Error::usage(format!("{}: empty command", keys.name("sendmailCmd"))));
        }
        return Ok(Route::Program { command, shell: true });
    }
    Ok(match ov.server.clone().or_else(|| keys.get("smtpServer")) {
        Some(s) if Path::new(&s).is_absolute() => Route::Program {
            command: s,
            shell: false,
        },
        Some(s) if s.trim().is_empty() => {
            return Err(Error::usage(format!("{}: empty server name", keys.name("smtpServer"))));
        }
        Some(s) => Route::Smtp(s.trim().to_string()),
        None => match find_sendmail() {
            // git stores the found path as its sendmail command, i.e. runs it
            // through the shell; running it directly is the same minus the
            // quoting pitfalls of a path with spaces.
            Some(p) => Route::Program {
                command: p.to_string_lossy().into_owned(),
                shell: false,
            },
            None => Route::Smtp("localhost".to_string()),
        },
    })
}

/// `sendemail.smtpEncryption` (or `--smtp-encryption`).
fn encryption(keys: &Keys, ov: &SendOverrides) -> Result<Encryption> {
    match ov.encryption.as_deref() {
        Some(v) => Encryption::parse(v)
            .ok_or_else(|| Error::usage(format!("--smtp-encryption: unknown value '{v}' (use ssl, tls or none)"))),
        None => match keys.get("smtpEncryption") {
            Some(v) => Encryption::parse(&v).ok_or_else(|| {
                Error::usage(format!(
                    "{}: unknown value '{v}' (use ssl for implicit TLS, tls for STARTTLS, or none)",
                    keys.name("smtpEncryption")
                ))
            }),
            None => Ok(Encryption::None),
        },
    }
}

/// `sendemail.smtpServerPort` (or `--smtp-server-port`), else the
/// encryption's default.
fn port(keys: &Keys, ov: &SendOverrides, encryption: Encryption) -> Result<u16> {
    match ov.port {
        Some(0) => Err(Error::usage("--smtp-server-port: port 0 is not a valid port")),
        Some(p) => Ok(p),
        None => match keys.get("smtpServerPort") {
            Some(v) => parse_port(&v).ok_or_else(|| {
                Error::usage(format!(
                    "{}: invalid port '{v}' (a number from 1 to 65535)",
                    keys.name("smtpServerPort")
                ))
            }),
            None => Ok(encryption.default_port()),
        },
    }
}

/// `sendemail.smtpAuth`: whether AUTH is disabled, and the mechanisms.
fn auth(keys: &Keys) -> Result<(bool, Vec<AuthMechanism>)> {
    match keys.get("smtpAuth").as_deref() {
        None => Ok((false, default_mechanisms())),
        Some(v) => match parse_auth(v) {
            Ok(None) => Ok((true, Vec::new())),
            Ok(Some(m)) => Ok((false, m)),
            Err(bad) => Err(Error::usage(format!(
                "{}: unsupported mechanism '{bad}' (ksreply can do PLAIN, LOGIN, XOAUTH2, or none)",
                keys.name("smtpAuth")
            ))),
        },
    }
}

/// `sendemail.smtpSSLCertPath` (or `--smtp-ssl-cert-path`), which must exist.
fn cert_path(keys: &Keys, ov: &SendOverrides) -> Result<Option<PathBuf>> {
    let cert_path = match ov.cert_path.clone() {
        Some(p) => Some(p),
        None => match keys.get("smtpSSLCertPath") {
            // git turns certificate verification off for an empty value. A
            // config line should not be able to do that silently.
            Some(v) if v.is_empty() => {
                return Err(Error::usage(format!(
                    "{} is empty, which makes git skip certificate verification; ksreply does not: \
                     point it at a CA file or directory, or remove it",
                    keys.name("smtpSSLCertPath")
                )))
            }
            Some(v) => Some(expand_tilde(&v)),
            None => None,
        },
    };
    if let Some(p) = &cert_path {
        if !p.exists() {
            return Err(Error::usage(format!(
                "CA path \"{}\" (sendemail.smtpSSLCertPath) does not exist",
                p.display()
            )));
        }
    }
    Ok(cert_path)
}

/// lettre's order: PLAIN first (one round trip), LOGIN for old servers.
fn default_mechanisms() -> Vec<AuthMechanism> {
    vec![AuthMechanism::Plain, AuthMechanism::Login]
}

/// `smtpAuth` is a whitespace-separated list of SASL mechanisms, or `none`.
/// `Ok(None)`: authentication disabled; `Err(name)`: a mechanism we lack.
fn parse_auth(v: &str) -> std::result::Result<Option<Vec<AuthMechanism>>, String> {
    if v.trim().eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let mut out = Vec::new();
    for word in v.split_whitespace() {
        let m = match word.to_ascii_uppercase().as_str() {
            "PLAIN" => AuthMechanism::Plain,
            "LOGIN" => AuthMechanism::Login,
            "XOAUTH2" => AuthMechanism::Xoauth2,
            _ => return Err(word.to_string()),
        };
        if !out.contains(&m) {
            out.push(m);
        }
    }
    if out.is_empty() {
        return Ok(Some(default_mechanisms()));
    }
    Ok(Some(out))
}

fn parse_port(v: &str) -> Option<u16> {
    v.trim().parse::<u16>().ok().filter(|&p| p != 0)
}

/// Multi-valued key with git send-email's identity rule: the identity's
/// values replace the general ones when there are any.
fn sendemail_all(cfg: &GitConfig, identity: Option<&str>, key: &str) -> Vec<String> {
    if let Some(id) = identity {
        let v = cfg.get_all(&format!("sendemail.{id}.{key}"));
        if !v.is_empty() {
            return v.to_vec();
        }
    }
    cfg.get_all(&format!("sendemail.{key}")).to_vec()
}

/// `Name <addr>` -> `addr`; a bare address stays as it is (git's
/// extract_valid_address, minus its validation, which the SMTP layer does).
pub(crate) fn bare_address(v: &str) -> String {
    let v = v.trim();
    match (v.rfind('<'), v.rfind('>')) {
        (Some(a), Some(b)) if a < b => v[a + 1..b].trim().to_string(),
        _ => v.to_string(),
    }
}

/// smtpSSLCertPath is a path-typed key: git expands a leading `~/`.
fn expand_tilde(v: &str) -> PathBuf {
    if let Some(rest) = v.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            return PathBuf::from(home).join(rest);
        }
    }
    PathBuf::from(v)
}

/// git send-email's fallback list: two classic locations, then `PATH`.
fn find_local_sendmail() -> Option<PathBuf> {
    ["/usr/sbin/sendmail", "/usr/lib/sendmail"]
        .iter()
        .map(PathBuf::from)
        .find(|p| is_executable(p))
        .or_else(|| which::which("sendmail").ok())
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(pairs: &[(&str, &str)], identity: Option<&str>, ov: &SendOverrides) -> Result<Transport> {
        transport_with_fallback(&GitConfig::from_pairs(pairs), identity, ov, || None)
    }

    fn smtp(pairs: &[(&str, &str)], identity: Option<&str>) -> SmtpSettings {
        match resolve(pairs, identity, &SendOverrides::default()).unwrap() {
            Transport::Smtp(s) => s,
            other => panic!("expected SMTP, got {other:?}"),
        }
    }

    #[test]
    fn default_ports_follow_git() {
        let s = smtp(&[("sendemail.smtpServer", "mail.example.org")], None);
        assert_eq!((s.port, s.encryption), (25, Encryption::None));
        let s = smtp(
            &[("sendemail.smtpServer", "m"), ("sendemail.smtpEncryption", "ssl")],
            None,
        );
        assert_eq!((s.port, s.encryption), (465, Encryption::ImplicitTls));
        // git uses 25 for STARTTLS too, not 587.
        let s = smtp(
            &[("sendemail.smtpServer", "m"), ("sendemail.smtpEncryption", "TLS")],
            None,
        );
        assert_eq!((s.port, s.encryption), (25, Encryption::StartTls));
        let s = smtp(
            &[
                ("sendemail.smtpServer", "m"),
                ("sendemail.smtpEncryption", "tls"),
                ("sendemail.smtpServerPort", "587"),
            ],
            None,
        );
        assert_eq!(s.port, 587);
        assert_eq!(s.host_port(), "m:587");
    }

    #[test]
    fn encryption_names() {
        assert_eq!(Encryption::parse("ssl"), Some(Encryption::ImplicitTls));
        assert_eq!(Encryption::parse("tls"), Some(Encryption::StartTls));
        assert_eq!(Encryption::parse(""), Some(Encryption::None));
        assert_eq!(Encryption::parse("none"), Some(Encryption::None));
        // git would fall back to plain text here; we refuse.
        let e = resolve(
            &[("sendemail.smtpServer", "m"), ("sendemail.smtpEncryption", "starttls")],
            None,
            &SendOverrides::default(),
        )
        .unwrap_err();
        assert!(
            e.msg.contains("sendemail.smtpEncryption") && e.msg.contains("starttls"),
            "{e}"
        );
        assert_eq!(e.kind, crate::error::Kind::Usage);
    }

    #[test]
    fn identity_overrides_general_keys() {
        let pairs = [
            ("sendemail.smtpServer", "general.example"),
            ("sendemail.smtpUser", "gen"),
            ("sendemail.work.smtpServer", "work.example"),
            ("sendemail.work.smtpEncryption", "ssl"),
            ("sendemail.smtpDomain", "me.example"),
        ];
        let s = smtp(&pairs, Some("work"));
        assert_eq!(s.server, "work.example");
        assert_eq!(s.port, 465);
        assert_eq!(s.user.as_deref(), Some("gen"), "not overridden: general key");
        assert_eq!(s.domain.as_deref(), Some("me.example"));
        let s = smtp(&pairs, Some("home"));
        assert_eq!(s.server, "general.example");
        assert_eq!(s.port, 25);
    }

    #[test]
    fn bad_port_names_the_key() {
        let e = resolve(
            &[
                ("sendemail.smtpServer", "m"),
                ("sendemail.w.smtpServerPort", "submission"),
            ],
            Some("w"),
            &SendOverrides::default(),
        )
        .unwrap_err();
        assert!(e.msg.contains("sendemail.w.smtpServerPort"), "{e}");
    }

    #[test]
    fn sendmail_cmd_wins_over_smtp_server() {
        let t = resolve(
            &[
                ("sendemail.smtpServer", "mail.example"),
                ("sendemail.sendmailCmd", "msmtp -a work"),
            ],
            None,
            &SendOverrides::default(),
        )
        .unwrap();
        assert_eq!(
            t,
            Transport::Sendmail {
                command: "msmtp -a work".into(),
                shell: true,
                options: vec![],
                envelope_sender: EnvelopeSender::Unset
            }
        );
    }

    #[test]
    fn absolute_smtp_server_is_a_program() {
        let t = resolve(
            &[
                ("sendemail.smtpServer", "/usr/bin/msmtp"),
                ("sendemail.smtpServerOption", "-a"),
                ("sendemail.smtpServerOption", "work"),
                ("sendemail.envelopeSender", "auto"),
            ],
            None,
            &SendOverrides::default(),
        )
        .unwrap();
        assert_eq!(
            t,
            Transport::Sendmail {
                command: "/usr/bin/msmtp".into(),
                shell: false,
                options: vec!["-a".into(), "work".into()],
                envelope_sender: EnvelopeSender::Auto
            }
        );
    }

    #[test]
    fn nothing_configured_falls_back_like_git() {
        let cfg = GitConfig::from_pairs(&[]);
        let t = transport_with_fallback(&cfg, None, &SendOverrides::default(), || {
            Some(PathBuf::from("/usr/sbin/sendmail"))
        })
        .unwrap();
        assert!(matches!(t, Transport::Sendmail { ref command, shell: false, .. } if command == "/usr/sbin/sendmail"));
        let t = transport_with_fallback(&cfg, None, &SendOverrides::default(), || None).unwrap();
        match t {
            Transport::Smtp(s) => assert_eq!(s.host_port(), "localhost:25"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flags_win_over_config() {
        let pairs = [
            ("sendemail.sendmailCmd", "msmtp"),
            ("sendemail.smtpServerPort", "2525"),
            ("sendemail.smtpUser", "cfg-user"),
            ("sendemail.smtpEncryption", "tls"),
        ];
        let ov = SendOverrides {
            server: Some("127.0.0.1".into()),
            port: Some(1025),
            encryption: Some("none".into()),
            user: Some("flag-user".into()),
            timeout: Some(Duration::from_secs(5)),
            ..Default::default()
        };
        match resolve(&pairs, None, &ov).unwrap() {
            Transport::Smtp(s) => {
                assert_eq!(s.host_port(), "127.0.0.1:1025");
                assert_eq!(s.encryption, Encryption::None);
                assert_eq!(s.user.as_deref(), Some("flag-user"));
                assert_eq!(s.timeout, Duration::from_secs(5));
            }
            other => panic!("{other:?}"),
        }
        let ov = SendOverrides {
            sendmail_cmd: Some("cat >/dev/null".into()),
            ..Default::default()
        };
        assert!(
            matches!(resolve(&pairs, None, &ov).unwrap(), Transport::Sendmail { ref command, .. } if command == "cat >/dev/null")
        );
        let ov = SendOverrides {
            encryption: Some("bogus".into()),
            ..Default::default()
        };
        assert!(resolve(&[("sendemail.smtpServer", "m")], None, &ov).is_err());
    }

    #[test]
    fn auth_user_pass_and_mechanisms() {
        let s = smtp(
            &[
                ("sendemail.smtpServer", "m"),
                ("sendemail.smtpUser", "me"),
                ("sendemail.smtpPass", "hunter2"),
                ("sendemail.smtpAuth", "login plain"),
            ],
            None,
        );
        assert_eq!(s.user.as_deref(), Some("me"));
        assert_eq!(s.pass.as_deref(), Some("hunter2"));
        assert_eq!(s.auth_mechanisms, vec![AuthMechanism::Login, AuthMechanism::Plain]);
        assert!(
            !format!("{s:?}").contains("hunter2"),
            "Debug must not show the password"
        );
        assert!(!Transport::Smtp(s).to_string().contains("hunter2"));

        let s = smtp(
            &[
                ("sendemail.smtpServer", "m"),
                ("sendemail.smtpUser", "me"),
                ("sendemail.smtpAuth", "none"),
            ],
            None,
        );
        assert_eq!(s.user, None, "smtpAuth=none disables authentication");
        let e = resolve(
            &[("sendemail.smtpServer", "m"), ("sendemail.smtpAuth", "CRAM-MD5")],
            None,
            &SendOverrides::default(),
        )
        .unwrap_err();
        assert!(e.msg.contains("CRAM-MD5"), "{e}");
    }

    #[test]
    fn envelope_sender_forms() {
        let s = smtp(
            &[
                ("sendemail.smtpServer", "m"),
                ("sendemail.envelopeSender", "Bounce <b@example.org>"),
            ],
            None,
        );
        assert_eq!(s.envelope_sender, EnvelopeSender::Address("b@example.org".into()));
        assert_eq!(s.envelope_sender.for_smtp("me@x"), "b@example.org");
        assert_eq!(EnvelopeSender::Unset.for_smtp("me@x"), "me@x");
        assert_eq!(EnvelopeSender::Unset.for_sendmail("me@x"), None);
        assert_eq!(EnvelopeSender::Auto.for_sendmail("me@x"), Some("me@x"));
    }

    #[test]
    fn cert_path_checks() {
        let e = resolve(
            &[("sendemail.smtpServer", "m"), ("sendemail.smtpSSLCertPath", "")],
            None,
            &SendOverrides::default(),
        )
        .unwrap_err();
        assert!(e.msg.contains("smtpSSLCertPath"), "{e}");
        let e = resolve(
            &[
                ("sendemail.smtpServer", "m"),
                ("sendemail.smtpSSLCertPath", "/nonexistent/ca.pem"),
            ],
            None,
            &SendOverrides::default(),
        )
        .unwrap_err();
        assert!(
            e.msg.contains("/nonexistent/ca.pem") && e.msg.contains("does not exist"),
            "{e}"
        );
        let s = smtp(
            &[("sendemail.smtpServer", "m"), ("sendemail.smtpSSLCertPath", "/")],
            None,
        );
        assert_eq!(s.cert_path, Some(PathBuf::from("/")));
    }
}
