#!/usr/bin/python3
"""A hostile SMTP server for ksreply's security tests: a man in the middle
that injects replies into a STARTTLS upgrade (RFC 3207 section 6).

It listens on 127.0.0.1 on a free port, prints "ready PORT" on stdout, and
serves connections one after the other:

  220 greeting; EHLO offers STARTTLS and AUTH PLAIN LOGIN; STARTTLS is
  answered with "220" and, in the same write, a forged EHLO reply and a
  forged "535" for the AUTH that would follow. Then it does the TLS
  handshake (--cert, --key) and behaves like an honest server inside TLS
  (accepts AUTH with 235), so that only the injected bytes can make a
  client see a 535.

Every event goes to --log, one word per line: "connect", "starttls",
"tls-ok" or "tls-failed", "auth" (an AUTH command read inside TLS),
"closed". It exits when its stdin reaches EOF (the test process is gone).
"""

import argparse
import os
import socket
import ssl
import sys
import threading

INJECTED = (
    b"220 2.0.0 Ready to start TLS\r\n"
    b"250-hostile.example\r\n"
    b"250 AUTH PLAIN LOGIN\r\n"
    b"535 5.7.8 Authentication credentials invalid (forged before TLS)\r\n"
)


def log(path, word):
    with open(path, "a") as f:
        f.write(word + "\n")


def lines(conn):
    buf = b""
    while True:
        while b"\r\n" not in buf:
            chunk = conn.recv(4096)
            if not chunk:
                return
            buf += chunk
        line, buf = buf.split(b"\r\n", 1)
        yield line


def converse(sock, capabilities, on_verb):
    """Answer EHLO/HELO with `capabilities` and QUIT with 221; every other
    command goes to on_verb(verb), which answers it and returns True to
    leave this loop. Returns True when on_verb did."""
    for line in lines(sock):
        verb = line.split(b" ", 1)[0].upper()
        if verb in (b"EHLO", b"HELO"):
            sock.sendall(b"250-hostile.example\r\n" + capabilities)
        elif verb == b"QUIT":
            sock.sendall(b"221 bye\r\n")
            return False
        elif on_verb(verb):
            return True
    return False


def serve(conn, args):
    log(args.log, "connect")
    conn.sendall(b"220 hostile.example ESMTP\r\n")

    def plain(verb):
        if verb != b"STARTTLS":
            conn.sendall(b"503 STARTTLS first\r\n")
            return False
        log(args.log, "starttls")
        conn.sendall(INJECTED)
        return True

    if not converse(conn, b"250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n", plain):
        return
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError):
        log(args.log, "tls-failed")
        return
    log(args.log, "tls-ok")

    def secure(verb):
        if verb == b"AUTH":
            log(args.log, "auth")
            tls.sendall(b"235 2.7.0 Authentication successful\r\n")
        else:
            tls.sendall(b"250 ok\r\n")
        return False

    converse(tls, b"250 AUTH PLAIN LOGIN\r\n", secure)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--log", required=True)
    args = p.parse_args()

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)

    def accept_loop():
        while True:
            conn, _ = srv.accept()
            conn.settimeout(30)
            try:
                serve(conn, args)
            except OSError:
                pass
            finally:
                log(args.log, "closed")
                conn.close()

    threading.Thread(target=accept_loop, daemon=True).start()
    print("ready %d" % srv.getsockname()[1], flush=True)
    sys.stdin.read()  # EOF: the test process is gone
    os._exit(0)


if __name__ == "__main__":
    main()
