#!/usr/bin/python3
"""A real SMTP server (aiosmtpd) for ksreply's integration tests.

It listens on 127.0.0.1 on a free port, prints "ready PORT" on stdout when it
accepts connections, and stores every accepted message in SPOOL as
  NNNN.eml   the message content as aiosmtpd hands it over: dot-unstuffed,
             line endings exactly as received, final terminator removed
  NNNN.wire  the DATA section exactly as it came over the connection (after
             TLS decryption): still dot-stuffed, ending with ".\\r\\n"
  NNNN.json  the envelope and session facts (written last, atomically)
It exits when its stdin reaches EOF, so it dies with the test process that
holds the other end of the pipe, even if that process is killed.

Run it with Debian's /usr/bin/python3, which has python3-aiosmtpd.
"""

import argparse
import asyncio
import base64
import json
import logging
import os
import ssl
import sys
import threading
import warnings

try:
    from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword
except ImportError as exc:  # a clear failure, not a skip
    sys.stderr.write(
        "smtp_sink.py: cannot import aiosmtpd with %s (%s); "
        "install Debian's python3-aiosmtpd\n" % (sys.executable, exc)
    )
    sys.exit(3)


class RecordingSMTP(SMTP):
    """aiosmtpd's SMTP, also keeping what the client sent, and with faults."""

    def __init__(self, handler, *, fault, implicit_tls, **kwargs):
        super().__init__(handler, **kwargs)
        self.transcript = bytearray()
        self.data_start = 0
        self.fault = fault
        self.implicit_tls = implicit_tls

    def data_received(self, data):
        # Called with plain text also after STARTTLS (the SSL protocol feeds
        # us decrypted bytes), so this is what the client meant to send.
        self.transcript += data
        super().data_received(data)

    async def smtp_DATA(self, arg):
        if self.fault == "close-in-data" and self.envelope.rcpt_tos and not arg:
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            try:
                await self._reader.readuntil(b"\r\n")  # one line of the message
            except Exception:
                pass
            self.transport.close()  # ... and hang up before the final dot
            return
        # The client sends the content only after our 354, which the
        # superclass pushes: everything from here on is the DATA section.
        self.data_start = len(self.transcript)
        await super().smtp_DATA(arg)

    def wire_data(self):
        return bytes(self.transcript[self.data_start:])


class Sink:
    def __init__(self, spool, refuse_prefix):
        self.spool = spool
        self.refuse_prefix = refuse_prefix
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_prefix and address.startswith(self.refuse_prefix):
            # Deliberately without the address: the client must name it.
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.spool, "%04d" % self.count)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".wire", "wb") as f:
            f.write(server.wire_data())
        auth_data = getattr(session, "auth_data", None)
        login = getattr(auth_data, "login", None)
        meta = {
            "mail_from": envelope.mail_from,
            "mail_options": envelope.mail_options,
            "rcpt_tos": envelope.rcpt_tos,
            "helo": session.host_name,
            "tls": session.ssl is not None or server.implicit_tls,
            "auth_login": login.decode("utf-8", "replace") if isinstance(login, bytes) else login,
            "auth_mechanism": getattr(session, "auth_mechanism_used", None),
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 OK queued as %04d" % self.count


class XOAuth2SMTP(RecordingSMTP):
    """Also offers AUTH XOAUTH2 (as Gmail and Microsoft 365 do), checking
    the bearer token like a password."""

    async def auth_XOAUTH2(self, _, args):
        if len(args) == 1:
            blob = await self.challenge_auth("")
            if blob is MISSING:
                return AuthResult(success=False)
        else:
            try:
                blob = base64.b64decode(args[1].encode(), validate=True)
            except Exception:
                await self.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)
        # "user=USER\x01auth=Bearer TOKEN\x01\x01"
        fields = dict(f.split(b"=", 1) for f in blob.split(b"\x01") if b"=" in f)
        user = fields.get(b"user", b"")
        token = fields.get(b"auth", b"").removeprefix(b"Bearer ")
        return self._authenticate("XOAUTH2", LoginPassword(user, token))


def make_authenticator(user, password):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        if ok:
            session.auth_mechanism_used = mechanism
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    return authenticator


def tls_context(cert, key):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


def main():
    # aiosmtpd rightly warns about AUTH without TLS, which some tests want.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--spool", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--security", choices=["plain", "starttls", "tls"], default="plain")
    p.add_argument("--auth", metavar="USER:PASSWORD")
    p.add_argument("--xoauth2", action="store_true", help="also offer AUTH XOAUTH2")
    p.add_argument("--fault", choices=["close-in-data"])
    p.add_argument("--refuse-prefix", help="refuse recipients starting with this")
    args = p.parse_args()

    starttls_ctx = implicit_ctx = None
    if args.security != "plain":
        if not (args.cert and args.key):
            p.error("--security %s needs --cert and --key" % args.security)
        if args.security == "starttls":
            starttls_ctx = tls_context(args.cert, args.key)
        else:
            implicit_ctx = tls_context(args.cert, args.key)

    kwargs = {}
    if args.auth:
        user, _, password = args.auth.partition(":")
        kwargs.update(
            authenticator=make_authenticator(user, password),
            auth_required=True,
            # aiosmtpd only knows about TLS it started itself (STARTTLS);
            # for plain and implicit TLS, allow AUTH as it is.
            auth_require_tls=(args.security == "starttls"),
        )

    handler = Sink(args.spool, args.refuse_prefix)

    smtp_class = XOAuth2SMTP if args.xoauth2 else RecordingSMTP

    def factory():
        return smtp_class(
            handler,
            fault=args.fault,
            implicit_tls=implicit_ctx is not None,
            hostname="sink.test",
            tls_context=starttls_ctx,
            require_starttls=starttls_ctx is not None,
            **kwargs,
        )

    # Die with the test process: its end of our stdin closes when it exits.
    def watch_stdin():
        try:
            sys.stdin.buffer.read()
        finally:
            os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()

    async def serve():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(factory, host="127.0.0.1", port=0, ssl=implicit_ctx)
        port = server.sockets[0].getsockname()[1]
        print("ready %d" % port, flush=True)
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
