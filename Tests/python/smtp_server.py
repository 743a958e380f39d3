#!/usr/bin/env python3
"""Loopback SMTP server for Tattle's tests, built on aiosmtpd.

Prints `LISTENING <port>` once bound on 127.0.0.1, then one JSON line per accepted message:
{"mail_from": ..., "rcpt_tos": [...], "data_b64": ..., "auth_login": ...}.

Options:
  --starttls CERT KEY    offer STARTTLS and require it before MAIL (and before AUTH)
  --implicit-tls CERT KEY  speak TLS from the first byte (smtps)
  --auth USER:PASS       require AUTH and accept only this login
  --reject CODE          answer DATA (or RCPT, see --reject-at) with CODE, e.g. 451 or 550
  --reject-at rcpt|data  where --reject applies (default data)
  --maildir DIR          also write each message as DIR/<n>.eml with a DIR/<n>.json envelope
"""
import argparse
import asyncio
import base64
import json
import os
import ssl
import sys

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError as error:  # fail loudly: tests must not skip silently
    sys.stderr.write(f"{error}: run `pip install -r Tests/python/requirements.txt`\n")
    sys.exit(3)

REPLIES = {
    421: "421 4.3.2 Service shutting down",
    450: "450 4.2.0 Mailbox unavailable, try again",
    451: "451 4.3.0 Try again later",
    452: "452 4.3.1 Insufficient system storage",
    550: "550 5.7.1 Message rejected",
    552: "552 5.3.4 Message too big",
    554: "554 5.7.1 Transaction failed",
}


class Handler:
    def __init__(self, args):
        self.reject = args.reject
        self.reject_at = args.reject_at
        self.maildir = args.maildir
        self.count = 0

    def reply(self):
        return REPLIES.get(self.reject, f"{self.reject} Rejected by test server")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and self.reject_at == "rcpt":
            return self.reply()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reject and self.reject_at == "data":
            return self.reply()
        self.count += 1
        data = envelope.original_content or b""
        login = None
        if session.authenticated and isinstance(session.auth_data, LoginPassword):
            login = session.auth_data.login.decode()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "data_b64": base64.b64encode(data).decode(),
            "auth_login": login,
        }
        if self.maildir:
            with open(os.path.join(self.maildir, f"{self.count}.eml"), "wb") as f:
                f.write(data)
            with open(os.path.join(self.maildir, f"{self.count}.json"), "w") as f:
                json.dump(record, f)
        print(json.dumps(record), flush=True)
        return "250 2.0.0 Message accepted for delivery"


def tls_context(cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--implicit-tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth", metavar="USER:PASS")
    parser.add_argument("--reject", type=int)
    parser.add_argument("--reject-at", choices=["rcpt", "data"], default="data")
    parser.add_argument("--maildir")
    args = parser.parse_args()

    handler = Handler(args)
    options = {"hostname": "tattle-test-smtp"}
    if args.starttls:
        options.update(tls_context=tls_context(*args.starttls), require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login.decode() == user
                and auth_data.password.decode() == password
            )
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

        options.update(
            authenticator=authenticator,
            auth_required=True,
            auth_require_tls=bool(args.starttls),
        )
    else:
        options.update(auth_require_tls=False)

    implicit = tls_context(*args.implicit_tls) if args.implicit_tls else None
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, **options), host="127.0.0.1", port=0, ssl=implicit)
    port = server.sockets[0].getsockname()[1]
    print(f"LISTENING {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
