//! Sending through real servers: aiosmtpd (plain, STARTTLS, implicit TLS,
//! AUTH, faults), git's credential store, and a sendmail stand-in script.
//! Transports are built from git config pairs, as a user would configure
//! them, so the settings resolution is exercised end to end.

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::harness::smtp::{isolate_git_env, Fault, Received, Security, SinkOptions, SmtpSink, TestCerts};
use crate::harness::{script, TempDir};
use ksreply::config::GitConfig;
use ksreply::error::Kind;
use ksreply::send::{self, transport_from_config, SendOverrides, Transport};

const FROM: &str = "alice@example.org";
const USER: &str = "alice";
const PASSWORD: &str = "Pa55-w0rd!xyz";

/// A reply as ksreply writes it: LF line endings, a line starting with "."
/// (which must be dot-stuffed on the wire and unstuffed by the server), a
/// line that is only ".", and a "From " line (which SMTP leaves alone).
const MESSAGE: &str = "\
From: Alice Sender <alice@example.org>
To: Bob Maintainer <bob@example.org>
Cc: carol@example.org, list@vger.example.org
Subject: Re: [PATCH 1/2] foo: fix the bar
Message-ID: <reply-1@example.org>
In-Reply-To: <patch-1@example.org>
References: <patch-1@example.org>

On Mon, Bob Maintainer wrote:
> .config handling is broken
.config is fine here
..two dots
.
From x
last line
";

/// To + Cc + Bcc: the Bcc address is only in the envelope.
fn recipients() -> Vec<String> {
    [
        "bob@example.org",
        "carol@example.org",
        "list@vger.example.org",
        "secret-bcc@example.org",
    ]
    .map(String::from)
    .to_vec()
}

fn crlf(s: &str) -> Vec<u8> {
    s.replace('\n', "\r\n").into_bytes()
}

/// What RFC 5321 transparency makes of the message on the wire.
fn dot_stuffed_wire(s: &str) -> Vec<u8> {
    let mut out = String::new();
    for line in s.lines() {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str(".\r\n");
    out.into_bytes()
}

fn transport(pairs: &[(&str, &str)]) -> Transport {
    transport_with(pairs, &SendOverrides::default())
}

fn transport_with(pairs: &[(&str, &str)], ov: &SendOverrides) -> Transport {
    transport_from_config(&GitConfig::from_pairs(pairs), None, ov).expect("valid settings")
}

fn send_ok(t: &Transport, message: &[u8]) {
    if let Err(e) = send::send(t, FROM, &recipients(), message) {
        panic!("sending via {t} failed: {e}");
    }
}

fn send_err(t: &Transport) -> ksreply::error::Error {
    match send::send(t, FROM, &recipients(), MESSAGE.as_bytes()) {
        Ok(()) => panic!("sending via {t} should have failed"),
        Err(e) => {
            assert_eq!(e.kind, Kind::Send, "{e}");
            assert!(!e.to_string().contains(PASSWORD), "password in error: {e}");
            e
        }
    }
}

/// The one message the sink got, checked for the common expectations.
fn single_message(sink: &SmtpSink) -> Received {
    let mut got = sink.messages();
    assert_eq!(got.len(), 1, "messages received; sink stderr:\n{}", sink.stderr());
    let m = got.remove(0);
    assert_eq!(m.mail_from, FROM);
    assert_eq!(m.rcpt_tos, recipients());
    assert_eq!(
        String::from_utf8_lossy(&m.data),
        String::from_utf8_lossy(&crlf(MESSAGE))
    );
    assert_eq!(m.data, crlf(MESSAGE), "exact bytes after dot-unstuffing");
    assert_eq!(m.wire, dot_stuffed_wire(MESSAGE), "exact DATA bytes on the wire");
    assert!(
        !String::from_utf8_lossy(&m.data).contains("secret-bcc"),
        "the Bcc address must only be in the envelope"
    );
    m
}

#[test]
fn silent_server_times_out() {
    // Accepts the connection but never greets.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ov = SendOverrides {
        timeout: Some(Duration::from_secs(1)),
        ..Default::default()
    };
    let t = transport_with(
        &[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port.to_string()),
        ],
        &ov,
    );
    let started = std::time::Instant::now();
    let msg = send_err(&t).to_string();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        msg.contains(&format!("127.0.0.1:{port}")) && msg.contains("no answer within 1 s"),
        "{msg}"
    );
    drop(listener);
}

/// A sendmail stand-in that records its arguments (one per line) and stdin.
fn fake_sendmail(dir: &Path) -> std::path::PathBuf {
    script(
        &dir.join("fake-sendmail"),
        &format!("printf '%s\\n' \"$@\" > '{0}/args'\ncat > '{0}/stdin'", dir.display()),
    )
}

fn recorded_args(dir: &Path) -> Vec<String> {
    fs::read_to_string(dir.join("args"))
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn sendmail_cmd_gets_git_send_email_arguments_and_the_message() {
    let dir = TempDir::new("sendmail");
    let script = fake_sendmail(dir.path());
    // A command line with its own argument, run through sh -c; envelopeSender
    // "auto" makes git (and us) pass -f with the From address.
    let cmd = format!("{} --account work", script.display());
    let t = transport(&[
        ("sendemail.smtpServer", "ignored.example.org"),
        ("sendemail.sendmailCmd", &cmd),
        ("sendemail.envelopeSender", "auto"),
    ]);
    send_ok(&t, MESSAGE.as_bytes());
    let mut want = vec!["--account", "work", "-f", FROM, "-i"];
    let rcpts = recipients();
    want.extend(rcpts.iter().map(String::as_str));
    assert_eq!(recorded_args(dir.path()), want);
    assert_eq!(fs::read(dir.path().join("stdin")).unwrap(), MESSAGE.as_bytes());

    // CRLF input reaches sendmail in local LF form, byte for byte otherwise.
    send_ok(&t, &crlf(MESSAGE));
    assert_eq!(fs::read(dir.path().join("stdin")).unwrap(), MESSAGE.as_bytes());
}

#[test]
fn absolute_smtp_server_is_run_as_sendmail() {
    let dir = TempDir::new("sendmail-path");
    let script = fake_sendmail(dir.path());
    let t = transport(&[
        ("sendemail.smtpServer", script.to_str().unwrap()),
        ("sendemail.smtpServerOption", "-oi"),
        ("sendemail.smtpServerOption", "-Ctest"),
    ]);
    send_ok(&t, MESSAGE.as_bytes());
    // No envelopeSender configured: no -f, as in git send-email.
    let mut want = vec!["-oi", "-Ctest", "-i"];
    let rcpts = recipients();
    want.extend(rcpts.iter().map(String::as_str));
    assert_eq!(recorded_args(dir.path()), want);
    assert_eq!(fs::read(dir.path().join("stdin")).unwrap(), MESSAGE.as_bytes());
}

#[test]
fn failing_sendmail_reports_its_exit_status() {
    let t = transport(&[(
        "sendemail.sendmailCmd",
        "cat >/dev/null; echo 'sendmail: queue is full' >&2; exit 75; :",
    )]);
    let msg = send_err(&t).to_string();
    assert!(msg.contains("exit status 75") && msg.contains("queue is full"), "{msg}");
}

/// The tests against a real aiosmtpd.
mod server {
    use super::*;

    #[test]
    fn plain_smtp_delivers_the_exact_message() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let port = sink.port().to_string();
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
            ("sendemail.smtpDomain", "client.ksreply.test"),
        ]);
        send_ok(&t, MESSAGE.as_bytes());
        let m = single_message(&sink);
        assert_eq!(m.helo, "client.ksreply.test", "EHLO name from smtpDomain");
        assert!(!m.tls);
        assert_eq!(m.auth_login, None);
    }

    #[test]
    fn crlf_input_and_missing_final_newline() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let port = sink.port().to_string();
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
        ]);
        // Already CRLF: sent unchanged, not doubled to CRCRLF.
        send_ok(&t, &crlf(MESSAGE));
        single_message(&sink);
        // No newline at the end: SMTP needs one before the final dot.
        send_ok(&t, b"Subject: x\n\n.no newline");
        let got = sink.messages();
        assert_eq!(got[1].data, b"Subject: x\r\n\r\n.no newline\r\n");
        assert_eq!(got[1].wire, b"Subject: x\r\n\r\n..no newline\r\n.\r\n");
    }

    #[test]
    fn eight_bit_message_uses_8bitmime() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let port = sink.port().to_string();
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
        ]);
        let msg = "Subject: =?UTF-8?Q?gr=C3=BC=C3=9Fe?=\nContent-Type: text/plain; charset=UTF-8\n\nGrüße, Jürgen\n";
        send_ok(&t, msg.as_bytes());
        let m = &sink.messages()[0];
        assert_eq!(m.data, crlf(msg));
        assert!(
            m.mail_options.iter().any(|o| o.eq_ignore_ascii_case("BODY=8BITMIME")),
            "{:?}",
            m.mail_options
        );
    }

    #[test]
    fn envelope_sender_from_config() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let port = sink.port().to_string();
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
            ("sendemail.envelopeSender", "Bounces <bounce@example.org>"),
        ]);
        send_ok(&t, MESSAGE.as_bytes());
        assert_eq!(sink.messages()[0].mail_from, "bounce@example.org");
    }

    #[test]
    fn starttls_with_the_ca_from_smtp_ssl_cert_path() {
        let sink = SmtpSink::start(SinkOptions::new(Security::StartTls));
        let port = sink.port().to_string();
        let ca = sink.ca_cert().to_str().unwrap().to_string();
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
            ("sendemail.smtpEncryption", "tls"),
            ("sendemail.smtpSSLCertPath", &ca),
        ]);
        send_ok(&t, MESSAGE.as_bytes());
        assert!(single_message(&sink).tls, "the message went after STARTTLS");
    }

    #[test]
    fn starttls_with_a_ca_directory() {
        let sink = SmtpSink::start(SinkOptions::new(Security::StartTls));
        let port = sink.port().to_string();
        // Like an OpenSSL CA directory: certificates among other files.
        let dir = TempDir::new("ca-dir");
        fs::copy(sink.ca_cert(), dir.path().join("test-ca.pem")).unwrap();
        fs::write(dir.path().join("README"), "not a certificate\n").unwrap();
        fs::write(
            dir.path().join("broken.pem"),
            "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
            ("sendemail.smtpEncryption", "tls"),
            ("sendemail.smtpSSLCertPath", dir.path().to_str().unwrap()),
        ]);
        send_ok(&t, MESSAGE.as_bytes());
        assert!(single_message(&sink).tls);
    }

    #[test]
    fn starttls_without_the_ca_fails_closed() {
        let sink = SmtpSink::start(SinkOptions::new(Security::StartTls));
        let port = sink.port().to_string();
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
            ("sendemail.smtpEncryption", "tls"),
        ]);
        let e = send_err(&t);
        let msg = e.to_string();
        assert!(msg.contains("certificate"), "{msg}");
        assert!(msg.contains(&format!("127.0.0.1:{port}")), "{msg}");
        assert!(sink.messages().is_empty());

        // A CA that did not sign the server's certificate is no better.
        let other = TempDir::new("other-ca");
        let other_ca = TestCerts::generate(other.path()).ca;
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
            ("sendemail.smtpEncryption", "tls"),
            ("sendemail.smtpSSLCertPath", other_ca.to_str().unwrap()),
        ]);
        let msg = send_err(&t).to_string();
        assert!(msg.contains("certificate"), "{msg}");
        assert!(sink.messages().is_empty());
    }

    #[test]
    fn starttls_is_required_not_opportunistic() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let port = sink.port().to_string();
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
            ("sendemail.smtpEncryption", "tls"),
        ]);
        let msg = send_err(&t).to_string();
        assert!(msg.contains("does not offer STARTTLS"), "{msg}");
        assert!(sink.messages().is_empty(), "nothing may go out in plain text");
    }

    #[test]
    fn implicit_tls() {
        let sink = SmtpSink::start(SinkOptions::new(Security::ImplicitTls));
        let port = sink.port().to_string();
        let ca = sink.ca_cert().to_str().unwrap().to_string();
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
            ("sendemail.smtpEncryption", "ssl"),
            ("sendemail.smtpSSLCertPath", &ca),
        ]);
        send_ok(&t, MESSAGE.as_bytes());
        assert!(single_message(&sink).tls);

        // Without the CA: refused, with the certificate named as the reason.
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
            ("sendemail.smtpEncryption", "ssl"),
        ]);
        let msg = send_err(&t).to_string();
        assert!(msg.contains("TLS") && msg.contains("certificate"), "{msg}");
        assert_eq!(sink.messages().len(), 1);
    }

    #[test]
    fn implicit_tls_to_a_plain_server_is_a_tls_error() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let port = sink.port().to_string();
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
            ("sendemail.smtpEncryption", "ssl"),
            ("sendemail.smtpSSLCertPath", "/etc/ssl/certs"),
        ]);
        let msg = send_err(&t).to_string();
        assert!(msg.contains("TLS"), "{msg}");
    }

    #[test]
    fn the_insecure_override_skips_verification() {
        let sink = SmtpSink::start(SinkOptions::new(Security::ImplicitTls));
        let port = sink.port().to_string();
        let ov = SendOverrides {
            insecure_skip_tls_verify_for_testing: true,
            ..Default::default()
        };
        let t = transport_with(
            &[
                ("sendemail.smtpServer", "127.0.0.1"),
                ("sendemail.smtpServerPort", &port),
                ("sendemail.smtpEncryption", "ssl"),
            ],
            &ov,
        );
        send_ok(&t, MESSAGE.as_bytes());
        assert!(single_message(&sink).tls);
    }

    fn auth_transport(sink: &SmtpSink, extra: &[(&str, &str)]) -> Transport {
        let port = sink.port().to_string();
        let mut pairs = vec![
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", port.as_str()),
            ("sendemail.smtpUser", USER),
        ];
        pairs.extend_from_slice(extra);
        transport(&pairs)
    }

    #[test]
    fn auth_plain_with_the_right_password() {
        isolate_git_env();
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain).auth(USER, PASSWORD));
        send_ok(
            &auth_transport(&sink, &[("sendemail.smtpPass", PASSWORD)]),
            MESSAGE.as_bytes(),
        );
        let m = single_message(&sink);
        assert_eq!(m.auth_login.as_deref(), Some(USER));
        assert_eq!(m.auth_mechanism.as_deref(), Some("PLAIN"));
    }

    #[test]
    fn auth_login_when_configured() {
        isolate_git_env();
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain).auth(USER, PASSWORD));
        let t = auth_transport(
            &sink,
            &[("sendemail.smtpPass", PASSWORD), ("sendemail.smtpAuth", "LOGIN")],
        );
        send_ok(&t, MESSAGE.as_bytes());
        assert_eq!(single_message(&sink).auth_mechanism.as_deref(), Some("LOGIN"));
    }

    #[test]
    fn auth_xoauth2_when_configured() {
        isolate_git_env();
        let token = "ya29.bearer-token-for-test";
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain).auth(USER, token).xoauth2());
        let t = auth_transport(
            &sink,
            &[("sendemail.smtpPass", token), ("sendemail.smtpAuth", "XOAUTH2")],
        );
        send_ok(&t, MESSAGE.as_bytes());
        let m = single_message(&sink);
        assert_eq!(m.auth_login.as_deref(), Some(USER));
        assert_eq!(m.auth_mechanism.as_deref(), Some("XOAUTH2"));

        // An expired token: refused, and not repeated in the error.
        let t = auth_transport(
            &sink,
            &[
                ("sendemail.smtpPass", "expired-token"),
                ("sendemail.smtpAuth", "XOAUTH2"),
            ],
        );
        let e = send_err(&t).to_string();
        assert!(!e.contains("expired-token"), "{e}");
        assert!(e.contains("authentication"), "{e}");
        assert_eq!(sink.messages().len(), 1);
    }

    #[test]
    fn auth_after_starttls() {
        isolate_git_env();
        // This server offers AUTH only once the connection is encrypted.
        let sink = SmtpSink::start(SinkOptions::new(Security::StartTls).auth(USER, PASSWORD));
        let ca = sink.ca_cert().to_str().unwrap().to_string();
        let t = auth_transport(
            &sink,
            &[
                ("sendemail.smtpPass", PASSWORD),
                ("sendemail.smtpEncryption", "tls"),
                ("sendemail.smtpSSLCertPath", &ca),
            ],
        );
        send_ok(&t, MESSAGE.as_bytes());
        let m = single_message(&sink);
        assert!(m.tls);
        assert_eq!(m.auth_login.as_deref(), Some(USER));
    }

    #[test]
    fn wrong_password_is_an_authentication_error_without_the_password() {
        isolate_git_env();
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain).auth(USER, "the-real-one"));
        let e = send_err(&auth_transport(&sink, &[("sendemail.smtpPass", PASSWORD)]));
        let msg = e.to_string();
        assert!(msg.to_lowercase().contains("authentication"), "{msg}");
        assert!(msg.contains(USER) && msg.contains(&sink.host_port()), "{msg}");
        assert!(msg.contains("535"), "the server's reply is quoted: {msg}");
        assert!(!format!("{e:?}").contains(PASSWORD), "{e:?}");
        assert!(!format!("{:?}", auth_transport(&sink, &[("sendemail.smtpPass", PASSWORD)])).contains(PASSWORD));
        assert!(sink.messages().is_empty());
    }

    #[test]
    fn authentication_required_but_no_user_configured() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain).auth(USER, PASSWORD));
        let port = sink.port().to_string();
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
        ]);
        let msg = send_err(&t).to_string();
        assert!(msg.contains("530") && msg.contains("smtpUser"), "{msg}");
    }

    #[test]
    fn auth_not_offered_is_reported_before_asking_for_a_password() {
        isolate_git_env();
        // aiosmtpd without an authenticator offers no AUTH on a plain connection.
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
        let msg = send_err(&auth_transport(&sink, &[])).to_string();
        assert!(msg.contains("does not offer AUTH PLAIN or LOGIN"), "{msg}");
        assert!(msg.contains("smtpEncryption"), "{msg}");
        assert!(sink.messages().is_empty());
    }

    #[test]
    fn no_password_from_anywhere_is_a_clear_error() {
        isolate_git_env();
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain).auth(USER, PASSWORD));
        // No smtpPass and no credential helper; prompts are disabled.
        let msg = send_err(&auth_transport(&sink, &[])).to_string();
        assert!(msg.contains("git credential fill"), "{msg}");
        assert!(msg.contains(&format!("smtp://{USER}@{}", sink.host_port())), "{msg}");
        assert!(sink.messages().is_empty());
    }

    /// git's `store` helper, in the private HOME: the password comes from
    /// `~/.git-credentials`; a refused one is removed from it (`reject`); a
    /// configured smtpPass that worked is stored (`approve`), as git send-email
    /// does. One test, because all of it shares `~/.git-credentials`.
    #[test]
    fn passwords_through_git_credential_store() {
        let home = isolate_git_env();
        let store = home.join(".git-credentials");
        let helper_for = |sink: &SmtpSink| {
            // Scoped to this server only, so other tests' sends never touch the store.
            let st = std::process::Command::new("git")
                .args(["config", "--global", "--add"])
                .arg(format!("credential.smtp://{}.helper", sink.host_port()))
                .arg("store")
                .status()
                .unwrap();
            assert!(st.success());
        };
        // The line format git's store helper writes for host=127.0.0.1:PORT.
        let line = |sink: &SmtpSink, pass: &str| format!("smtp://{USER}:{pass}@127.0.0.1%3a{}", sink.port());

        // 1. The right password in the store: used, and kept (approve).
        let good = SmtpSink::start(SinkOptions::new(Security::Plain).auth(USER, PASSWORD));
        helper_for(&good);
        // Percent-encoding as git writes it: '!' is not unreserved.
        let stored = PASSWORD.replace('!', "%21");
        fs::write(&store, format!("{}\n", line(&good, &stored))).unwrap();
        send_ok(&auth_transport(&good, &[]), MESSAGE.as_bytes());
        assert_eq!(single_message(&good).auth_login.as_deref(), Some(USER));
        assert_eq!(
            fs::read_to_string(&store).unwrap(),
            format!("{}\n", line(&good, &stored))
        );

        // 2. A wrong password in the store: authentication fails and the entry
        //    is rejected, i.e. removed; the other entry stays.
        let bad = SmtpSink::start(SinkOptions::new(Security::Plain).auth(USER, PASSWORD));
        helper_for(&bad);
        let mut f = fs::read_to_string(&store).unwrap();
        f.push_str(&format!("{}\n", line(&bad, "stale-password")));
        fs::write(&store, f).unwrap();
        let msg = send_err(&auth_transport(&bad, &[])).to_string();
        assert!(msg.to_lowercase().contains("authentication"), "{msg}");
        assert!(!msg.contains("stale-password"), "{msg}");
        assert!(bad.messages().is_empty());
        assert_eq!(
            fs::read_to_string(&store).unwrap(),
            format!("{}\n", line(&good, &stored))
        );

        // 3. smtpPass configured and accepted: approve hands it to the helper.
        let third = SmtpSink::start(SinkOptions::new(Security::Plain).auth(USER, "pw3"));
        helper_for(&third);
        send_ok(
            &auth_transport(&third, &[("sendemail.smtpPass", "pw3")]),
            MESSAGE.as_bytes(),
        );
        let content = fs::read_to_string(&store).unwrap();
        assert!(content.contains(&line(&third, "pw3")), "{content}");
        assert!(content.contains(&line(&good, &stored)), "{content}");
    }

    #[test]
    fn server_down_is_a_connection_error() {
        let port = {
            let sink = SmtpSink::start(SinkOptions::new(Security::Plain));
            sink.port()
        }; // dropped: nothing listens there any more
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port.to_string()),
        ]);
        let msg = send_err(&t).to_string();
        assert_eq!(
            msg,
            format!("cannot connect to SMTP server 127.0.0.1:{port}: connection refused")
        );
    }

    #[test]
    fn connection_closed_in_the_middle_of_data() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain).fault(Fault::CloseInData));
        let port = sink.port().to_string();
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
        ]);
        let msg = send_err(&t).to_string();
        assert!(msg.contains("middle of DATA") && msg.contains("not accepted"), "{msg}");
        assert!(msg.contains(&sink.host_port()), "{msg}");
        assert!(sink.messages().is_empty());
    }

    #[test]
    fn refused_recipient_is_named() {
        let sink = SmtpSink::start(SinkOptions::new(Security::Plain).refuse("secret-bcc"));
        let port = sink.port().to_string();
        let t = transport(&[
            ("sendemail.smtpServer", "127.0.0.1"),
            ("sendemail.smtpServerPort", &port),
        ]);
        let msg = send_err(&t).to_string();
        assert!(msg.contains("refused recipient <secret-bcc@example.org>"), "{msg}");
        assert!(msg.contains("550"), "{msg}");
        assert!(sink.messages().is_empty(), "no partial delivery");
    }
}
