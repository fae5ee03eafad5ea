//! Sending over SMTP with lettre's blocking client.
//!
//! We drive lettre's `SmtpConnection` (the layer `SmtpTransport::send_raw`
//! is built on) one command at a time instead of calling `send_raw`, for two
//! reasons: every failure can then say which step failed (the connection,
//! TLS, AUTH, which recipient, DATA) instead of a bare reply code; and the
//! credential helpers can be told about the AUTH result itself, as git
//! send-email does. The message bytes still go through lettre unchanged
//! apart from the SMTP framing described at `wire_body`.

use std::error::Error as _;
use std::path::Path;

use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, CertificateStore, SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::Error as SmtpError;

use super::credential;
use super::settings::{AuthMechanism, Encryption, SmtpSettings};
use crate::error::{Error, Result};

/// Send `message` (LF or CRLF line endings) to `recipients` with MAIL FROM
/// `envelope_from` (unless `sendemail.envelopeSender` names another).
///
/// Recipients are bare addresses (`Name <addr>` is accepted and reduced to
/// the address); Bcc recipients belong here and not in the message.
pub fn send_smtp(s: &SmtpSettings, envelope_from: &str, recipients: &[String], message: &[u8]) -> Result<()> {
    check_plaintext_auth(s)?;
    let envelope = build_envelope(s.envelope_sender.for_smtp(envelope_from), recipients)?;
    let body = wire_body(message);
    let tls = tls_parameters(s)?;

    // Anything secret that might end up echoed in a server reply; filled as
    // soon as a password is known, applied to every error we return.
    let mut secrets: Vec<String> = s.pass.iter().filter(|p| !p.is_empty()).cloned().collect();
    let result = deliver(s, tls.as_ref(), &envelope, &body, &mut secrets);
    result.map_err(|mut e| {
        e.msg = redact(&e.msg, &secrets);
        e
    })
}

/// A password (or XOAUTH2 token) is never sent in plain text over a
/// network: with `smtpUser` set and no `smtpEncryption`, sending is refused
/// before connecting, unless the server is this machine (a loopback
/// address or `localhost`) or the user opted in with
/// `ksreply.allowPlaintextAuth`. git send-email sends it silently.
fn check_plaintext_auth(s: &SmtpSettings) -> Result<()> {
    let Some(user) = &s.user else { return Ok(()) };
    if s.encryption != Encryption::None || s.allow_plaintext_auth || is_loopback(&s.server) {
        return Ok(());
    }
    Err(Error::send(format!(
        "not sending the SMTP password for {user} to {} over an unencrypted connection: set \
         sendemail.smtpEncryption (tls for STARTTLS, ssl for implicit TLS), or git config \
         ksreply.allowPlaintextAuth true if this network is trusted",
        s.host_port()
    )))
}

/// The server name is a loopback address (`127.0.0.0/8`, `::1`, also
/// IPv4-mapped) or `localhost`: what is said on the connection never
/// crosses a network. Decided on the name as configured, never on a DNS
/// answer, which a network attacker controls.
pub(crate) fn is_loopback(server: &str) -> bool {
    let name = server.trim();
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name);
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// The steps of an SMTP session, for saying where it failed.
#[derive(Clone, Copy)]
enum Step<'a> {
    Connect,
    StartTls,
    Auth(&'a str),
    Mail(&'a str),
    Rcpt(&'a str),
    Data,
    Message,
}

fn deliver(
    s: &SmtpSettings,
    tls: Option<&TlsParameters>,
    envelope: &Envelope,
    body: &[u8],
    secrets: &mut Vec<String>,
) -> Result<()> {
    let hello = match &s.domain {
        Some(d) => ClientId::Domain(d.clone()),
        None => ClientId::default(),
    };
    let wrapper = if s.encryption == Encryption::ImplicitTls {
        tls
    } else {
        None
    };
    // `--timeout 0`: no limit, as for fetching (a zero socket timeout is an
    // error in std).
    let timeout = Some(s.timeout).filter(|t| !t.is_zero());
    let mut conn = SmtpConnection::connect((s.server.as_str(), s.port), timeout, &hello, wrapper, None)
        .map_err(|e| fail(s, Step::Connect, &e))?;

    match session(s, tls, &hello, &mut conn, envelope, body, secrets) {
        Ok(()) => {
            // The message is accepted; a failing QUIT changes nothing.
            let _ = conn.quit();
            Ok(())
        }
        Err(e) => {
            // abort() says QUIT and waits for the reply: after a timeout that
            // could take another full timeout, so wait briefly instead.
            let _ = conn.set_timeout(Some(std::time::Duration::from_secs(2)));
            conn.abort();
            Err(e)
        }
    }
}

fn session(
    s: &SmtpSettings,
    tls: Option<&TlsParameters>,
    hello: &ClientId,
    conn: &mut SmtpConnection,
    envelope: &Envelope,
    body: &[u8],
    secrets: &mut Vec<String>,
) -> Result<()> {
    if s.encryption == Encryption::StartTls {
        // Required, never opportunistic: continuing in plain text would hand
        // the password and the message to whoever stripped the STARTTLS.
        if !conn.can_starttls() {
            return Err(Error::send(format!(
                "SMTP server {} does not offer STARTTLS, which sendemail.smtpEncryption=tls requires; not sending in plain text",
                s.host_port()
            )));
        }
        let params = tls.expect("TLS parameters exist for STARTTLS");
        conn.starttls(params, hello).map_err(|e| fail(s, Step::StartTls, &e))?;
    }

    if let Some(user) = &s.user {
        authenticate(s, conn, user, secrets)?;
    }

    let from = envelope.from().expect("envelope has a sender");
    let from_text = from.to_string();
    let mut params = Vec::new();
    let non_ascii_addr = !from_text.is_ascii() || envelope.to().iter().any(|a| !a.to_string().is_ascii());
    if non_ascii_addr {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(Error::send(format!(
                "SMTP server {} does not offer SMTPUTF8, needed for the non-ASCII addresses",
                s.host_port()
            )));
        }
        params.push(MailParameter::SmtpUtfEight);
    }
    if !body.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(Error::send(format!(
                "SMTP server {} does not offer 8BITMIME, needed for this message's 8-bit characters",
                s.host_port()
            )));
        }
        params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }

    conn.command(Mail::new(Some(from.clone()), params))
        .map_err(|e| fail(s, Step::Mail(&from_text), &e))?;
    for rcpt in envelope.to() {
        let text = rcpt.to_string();
        conn.command(Rcpt::new(rcpt.clone(), vec![]))
            .map_err(|e| fail(s, Step::Rcpt(&text), &e))?;
    }
    conn.command(Data).map_err(|e| fail(s, Step::Data, &e))?;
    conn.message(body).map_err(|e| fail(s, Step::Message, &e))?;
    Ok(())
}

/// AUTH with the password from `smtpPass` or `git credential fill`, then
/// `approve` or `reject` as git send-email does (right after AUTH: the
/// verdict is about the credentials, whatever happens to the message).
fn authenticate(s: &SmtpSettings, conn: &mut SmtpConnection, user: &str, secrets: &mut Vec<String>) -> Result<()> {
    let mechanisms: Vec<Mechanism> = s.auth_mechanisms.iter().map(|m| to_lettre(*m)).collect();
    // Check before asking for a password: git may prompt for it, and that
    // would be for nothing.
    if conn.server_info().get_auth_mechanism(&mechanisms).is_none() {
        let ours: Vec<&str> = s.auth_mechanisms.iter().map(|m| m.name()).collect();
        let hint = if conn.is_encrypted() {
            ""
        } else {
            " (servers often offer AUTH only on encrypted connections: set sendemail.smtpEncryption)"
        };
        return Err(Error::send(format!(
            "SMTP server {} does not offer AUTH {}{hint}",
            s.host_port(),
            ours.join(" or ")
        )));
    }

    let host = s.host_port();
    let cred = match credential::fill(&host, user, s.pass.as_deref()) {
        Ok(c) => Some(c),
        // With the password configured git is only a courtesy to the
        // credential helpers; without git we can still log in.
        Err(_) if s.pass.is_some() => None,
        Err(e) => return Err(e),
    };
    let (username, password) = match &cred {
        Some(c) => (
            c.username().unwrap_or(user).to_string(),
            c.password().unwrap_or_default().to_string(),
        ),
        None => (user.to_string(), s.pass.clone().unwrap_or_default()),
    };
    secrets.extend(secret_forms(&username, &password));

    match conn.auth(&mechanisms, &Credentials::new(username.clone(), password)) {
        Ok(_) => {
            if let Some(c) = &cred {
                if let Err(e) = credential::approve(c) {
                    crate::output::warn(&e.to_string());
                }
            }
            Ok(())
        }
        Err(e) => {
            // Only a definite "no" from the server says the credentials are
            // wrong; a dropped connection or a 4xx says nothing about them.
            // And only an answer nobody on the network could have written:
            // from inside TLS (the patched lettre fails a STARTTLS upgrade
            // with bytes buffered before it, see vendor/lettre), or from
            // this machine. A forged 535 must not erase a stored password.
            let trusted = conn.is_encrypted() || is_loopback(&s.server);
            let mut err = fail(s, Step::Auth(&username), &e);
            if let (true, Some(c)) = (e.is_permanent(), &cred) {
                if trusted {
                    if let Err(e) = credential::reject(c) {
                        crate::output::warn(&e.to_string());
                    }
                } else {
                    err.msg
                        .push_str(" (the stored credential is kept: the answer came unencrypted)");
                }
            }
            Err(err)
        }
    }
}

fn to_lettre(m: AuthMechanism) -> Mechanism {
    match m {
        AuthMechanism::Plain => Mechanism::Plain,
        AuthMechanism::Login => Mechanism::Login,
        AuthMechanism::Xoauth2 => Mechanism::Xoauth2,
    }
}

/// One line saying which server, which step, and why.
fn fail(s: &SmtpSettings, step: Step, e: &SmtpError) -> Error {
    let hp = s.host_port();
    if let Some(code) = e.status() {
        // The server answered with a refusal: quote it.
        let reply = match e.source() {
            Some(text) => format!("{code} {text}"),
            None => code.to_string(),
        };
        let hint = if code.to_string() == "530" {
            " (the server wants authentication: set sendemail.smtpUser)"
        } else {
            ""
        };
        return Error::send(match step {
            Step::Connect => format!("SMTP server {hp} refused the session: {reply}"),
            Step::StartTls => format!("SMTP server {hp} refused STARTTLS: {reply}"),
            Step::Auth(u) => format!("SMTP authentication as {u} at {hp} failed: {reply}"),
            Step::Mail(a) => format!("SMTP server {hp} refused sender <{a}>: {reply}{hint}"),
            Step::Rcpt(a) => format!("SMTP server {hp} refused recipient <{a}>: {reply}{hint}"),
            Step::Data => format!("SMTP server {hp} refused DATA: {reply}"),
            Step::Message => format!("SMTP server {hp} rejected the message: {reply}"),
        });
    }

    let io = io_error(e);
    let cause = cause_text(s, e);
    let in_tls =
        matches!(step, Step::StartTls) || (matches!(step, Step::Connect) && s.encryption == Encryption::ImplicitTls);
    if in_tls && io.is_some_and(|io| io.kind() == std::io::ErrorKind::InvalidData) {
        let hint = if cause.contains("InvalidContentType") && s.encryption == Encryption::ImplicitTls {
            // What a plain-text greeting looks like to a TLS client.
            " (the server does not seem to speak TLS on this port: sendemail.smtpEncryption=ssl is for \
             implicit TLS, usually port 465; use tls for STARTTLS)"
                .to_string()
        } else if !cause.to_ascii_lowercase().contains("certificate") {
            String::new()
        } else if let Some(p) = &s.cert_path {
            format!(
                " (no CA certificate in sendemail.smtpSSLCertPath {} vouches for it)",
                p.display()
            )
        } else {
            " (if the server uses a private CA or a self-signed certificate, point sendemail.smtpSSLCertPath at it)"
                .to_string()
        };
        return Error::send(format!("TLS handshake with SMTP server {hp} failed: {cause}{hint}"));
    }
    Error::send(match step {
        Step::Connect if is_connect_failure(e) => format!("cannot connect to SMTP server {hp}: {cause}"),
        Step::Connect => format!("SMTP server {hp} failed at the greeting: {cause}"),
        Step::StartTls => format!("STARTTLS with SMTP server {hp} failed: {cause}"),
        Step::Auth(u) => format!("SMTP authentication as {u} at {hp} failed: {cause}"),
        Step::Mail(_) | Step::Rcpt(_) | Step::Data => {
            format!("connection to SMTP server {hp} failed before the message was sent: {cause}")
        }
        Step::Message => format!(
            "SMTP server {hp} closed the connection in the middle of DATA; the message was not accepted: {cause}"
        ),
    })
}

fn io_error(e: &SmtpError) -> Option<&std::io::Error> {
    let mut src = e.source();
    while let Some(err) = src {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        src = err.source();
    }
    None
}

/// Did the TCP connection itself fail (as opposed to the greeting)?
fn is_connect_failure(e: &SmtpError) -> bool {
    use std::io::ErrorKind::*;
    // lettre's own label for failures to resolve or connect.
    e.to_string().starts_with("Connection error")
        || matches!(
            io_error(e).map(|io| io.kind()),
            Some(ConnectionRefused | HostUnreachable | NetworkUnreachable | AddrNotAvailable)
        )
}

/// The innermost cause, in words a user can act on.
fn cause_text(s: &SmtpSettings, e: &SmtpError) -> String {
    use std::io::ErrorKind::*;
    if let Some(io) = io_error(e) {
        return match io.kind() {
            ConnectionRefused => "connection refused".into(),
            // Read timeouts surface as EAGAIN on Unix.
            TimedOut | WouldBlock => format!("no answer within {} s", s.timeout.as_secs()),
            UnexpectedEof => "connection closed by the server".into(),
            ConnectionReset => "connection reset by the server".into(),
            BrokenPipe => "connection closed by the server (broken pipe)".into(),
            _ => io.to_string(),
        };
    }
    let mut last = e.source();
    while let Some(inner) = last.and_then(|l| l.source()) {
        last = Some(inner);
    }
    match last.map(|l| l.to_string()) {
        // lettre's words for EOF while waiting for a reply.
        Some(t) if t == "incomplete response" => "connection closed by the server".into(),
        Some(t) => t,
        None => e.to_string(),
    }
}

/// Sender and recipients as lettre addresses; duplicates dropped, since a
/// second RCPT for the same mailbox may deliver a second copy.
fn build_envelope(from: &str, recipients: &[String]) -> Result<Envelope> {
    let parse = |a: &str, what: &str| -> Result<Address> {
        let bare = super::settings::bare_address(a);
        bare.parse::<Address>()
            .map_err(|e| Error::usage(format!("invalid {what} address '{a}': {e}")))
    };
    let from = parse(from, "envelope sender")?;
    let mut to: Vec<Address> = Vec::new();
    // A set: linear for 100,000 recipients.
    let mut seen = std::collections::HashSet::new();
    for r in recipients {
        let a = parse(r, "recipient")?;
        if seen.insert(AsRef::<str>::as_ref(&a).to_ascii_lowercase()) {
            to.push(a);
        }
    }
    if to.is_empty() {
        return Err(Error::usage("no recipients to send to"));
    }
    Envelope::new(Some(from), to).map_err(|e| Error::usage(format!("invalid envelope: {e}")))
}

/// The message as lettre must be given it. lettre dot-stuffs only after a
/// CRLF and appends `CRLF . CRLF` itself, so: every bare LF becomes CRLF
/// (otherwise a line starting with "." after a bare LF would not be
/// stuffed, and a lone "." line would end the message early), and one
/// final CRLF is dropped (otherwise the terminator would add an empty line).
pub(crate) fn wire_body(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + message.len() / 32);
    let mut prev = 0u8;
    for &b in message {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    if out.ends_with(b"\r\n") {
        out.truncate(out.len() - 2);
    }
    out
}

/// TLS settings: verification always on, against the webpki roots or, with
/// `smtpSSLCertPath`, against exactly the certificates found there (as the
/// OpenSSL CA file/path does for git).
fn tls_parameters(s: &SmtpSettings) -> Result<Option<TlsParameters>> {
    if s.encryption == Encryption::None {
        return Ok(None);
    }
    let mut b = TlsParameters::builder(s.server.clone());
    if let Some(p) = &s.cert_path {
        b = b.certificate_store(CertificateStore::None);
        for cert in load_certificates(p)? {
            b = b.add_root_certificate(cert);
        }
    }
    if s.insecure_skip_tls_verify_for_testing {
        b = b
            .dangerous_accept_invalid_certs(true)
            .dangerous_accept_invalid_hostnames(true);
    }
    b.build_rustls().map(Some).map_err(|e| {
        let from = s
            .cert_path
            .as_ref()
            .map(|p| format!(" with certificates from {}", p.display()))
            .unwrap_or_default();
        Error::usage(format!(
            "cannot set up TLS for SMTP server {}{from}: {}",
            s.host_port(),
            cause_of(&e)
        ))
    })
}

fn cause_of(e: &SmtpError) -> String {
    e.source().map(|s| s.to_string()).unwrap_or_else(|| e.to_string())
}

/// A PEM file (one or more certificates) or a directory of them. In a
/// directory, files that are not usable certificates are skipped: an
/// OpenSSL CA directory (`c_rehash`) holds hash links, CRLs and the like.
fn load_certificates(p: &Path) -> Result<Vec<Certificate>> {
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    let read = |f: &Path| {
        std::fs::read(f).map_err(|e| Error::usage(format!("cannot read CA certificates from {}: {e}", f.display())))
    };
    if !p.is_dir() {
        let pem = read(p)?;
        if memchr::memmem::find(&pem, BEGIN).is_none() {
            return Err(Error::usage(format!(
                "no PEM certificate in {} (sendemail.smtpSSLCertPath)",
                p.display()
            )));
        }
        let cert = Certificate::from_pem(&pem).map_err(|e| {
            Error::usage(format!(
                "bad PEM certificate in {} (sendemail.smtpSSLCertPath): {}",
                p.display(),
                cause_of(&e)
            ))
        })?;
        return Ok(vec![cert]);
    }
    let mut entries: Vec<_> = std::fs::read_dir(p)
        .map_err(|e| Error::usage(format!("cannot read CA directory {}: {e}", p.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|f| f.is_file())
        .collect();
    entries.sort();
    let mut certs = Vec::new();
    for f in entries {
        let Ok(pem) = std::fs::read(&f) else { continue };
        if memchr::memmem::find(&pem, BEGIN).is_none() {
            continue;
        }
        let Ok(cert) = Certificate::from_pem(&pem) else {
            continue;
        };
        // rustls refuses the whole store for one bad root: try each alone.
        let usable = TlsParameters::builder("localhost".into())
            .certificate_store(CertificateStore::None)
            .add_root_certificate(cert.clone())
            .build_rustls()
            .is_ok();
        if usable {
            certs.push(cert);
        }
    }
    if certs.is_empty() {
        return Err(Error::usage(format!(
            "no usable PEM certificate in directory {} (sendemail.smtpSSLCertPath)",
            p.display()
        )));
    }
    Ok(certs)
}

/// The password as it could appear on the wire: itself and in the base64
/// AUTH payloads, in case a server echoes what it got.
fn secret_forms(user: &str, pass: &str) -> Vec<String> {
    if pass.is_empty() {
        return Vec::new();
    }
    vec![
        pass.to_string(),
        base64(pass.as_bytes()),
        base64(format!("\0{user}\0{pass}").as_bytes()),
        base64(format!("user={user}\x01auth=Bearer {pass}\x01\x01").as_bytes()),
    ]
}

fn redact(msg: &str, secrets: &[String]) -> String {
    let mut out = msg.to_string();
    for s in secrets.iter().filter(|s| !s.is_empty()) {
        out = out.replace(s.as_str(), "<redacted>");
    }
    out
}

fn base64(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_body_makes_crlf_and_leaves_the_terminator_to_lettre() {
        assert_eq!(wire_body(b"a\nb\r\n.c\n"), b"a\r\nb\r\n.c");
        assert_eq!(wire_body(b"no newline"), b"no newline");
        assert_eq!(wire_body(b"x\n\n"), b"x\r\n");
        assert_eq!(wire_body(b"lone\rcr\n"), b"lone\rcr");
    }

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn redaction_covers_auth_payloads() {
        let secrets = secret_forms("alice", "s3cret");
        let echoed = format!("535 bad credentials {} for s3cret", base64(b"\0alice\0s3cret"));
        let r = redact(&echoed, &secrets);
        assert!(!r.contains("s3cret") && !r.contains(&base64(b"\0alice\0s3cret")), "{r}");
    }

    #[test]
    fn envelope_rules() {
        let e = build_envelope(
            "Me <me@example.org>",
            &["a@example.org".into(), "A@example.org".into(), "b@example.org".into()],
        )
        .unwrap();
        assert_eq!(e.from().unwrap().to_string(), "me@example.org");
        assert_eq!(e.to().len(), 2);
        assert!(build_envelope("me@example.org", &[]).is_err());
        let err = build_envelope("me@example.org", &["not an address".into()]).unwrap_err();
        assert!(err.msg.contains("not an address"), "{err}");
    }

    #[test]
    fn loopback_names() {
        for n in [
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "[::1]",
            "::ffff:127.0.0.1",
            "localhost",
            "LocalHost ",
        ] {
            assert!(is_loopback(n), "{n}");
        }
        for n in [
            "192.0.2.1",
            "::ffff:192.0.2.1",
            "example.org",
            "localhost.example.org",
            "127.0.0.1.nip.io",
            "",
        ] {
            assert!(!is_loopback(n), "{n}");
        }
    }

    #[test]
    fn password_never_in_plain_text_over_a_network() {
        let mut s = SmtpSettings::new("203.0.113.1", 25);
        s.user = Some("alice".into());
        let e = send_smtp(&s, "me@example.org", &["you@example.org".into()], b"Subject: x\n\nx\n").unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Send);
        assert!(
            e.msg
                .starts_with("not sending the SMTP password for alice to 203.0.113.1:25"),
            "{e}"
        );
        assert!(e.msg.contains("ksreply.allowPlaintextAuth"), "{e}");
        assert!(check_plaintext_auth(&s).is_err());
        // Encrypted, opted in, local, or no user: allowed.
        for change in [
            |s: &mut SmtpSettings| s.encryption = Encryption::StartTls,
            |s: &mut SmtpSettings| s.encryption = Encryption::ImplicitTls,
            |s: &mut SmtpSettings| s.allow_plaintext_auth = true,
            |s: &mut SmtpSettings| s.server = "127.0.0.1".into(),
            |s: &mut SmtpSettings| s.user = None,
        ] {
            let mut t = s.clone();
            change(&mut t);
            assert!(check_plaintext_auth(&t).is_ok(), "{t:?}");
        }
    }

    #[test]
    fn refused_connection_names_the_server() {
        // A port nobody listens on: bind, learn the port, close.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let s = SmtpSettings::new("127.0.0.1", port);
        let e = send_smtp(&s, "me@example.org", &["you@example.org".into()], b"Subject: x\n\nx\n").unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Send);
        assert_eq!(
            e.msg,
            format!("cannot connect to SMTP server 127.0.0.1:{port}: connection refused")
        );
    }
}
