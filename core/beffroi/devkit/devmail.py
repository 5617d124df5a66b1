"""The development mail sink: ``python -m beffroi.devkit.devmail -c development.ini``.

An SMTP server (aiosmtpd, the ``dev`` extra) listening on ``mail.host``:``mail.port``
of the .ini, that accepts every message and prints it decoded: subject, sender,
recipients, the plain-text body, then every link of the message whole on its own
line, so a confirmation link can be copied from the terminal. ``make serve`` runs it
beside the server. It never relays anything: for development only.
"""
from __future__ import annotations

import argparse
import email
import email.policy
import html
import os
import re
import signal
import sys
import threading

LINK_RE = re.compile(r"https?://[^\s<>\"']+")
RULE = "-" * 72


def text_body(msg) -> str:
    """The plain-text body of ``msg`` decoded (quoted-printable, base64, charset), or
    the HTML body with its tags removed when there is no plain-text part."""
    part = msg.get_body(preferencelist=("plain",))
    if part is not None:
        return part.get_content()
    part = msg.get_body(preferencelist=("html",))
    if part is None:
        return ""
    return html.unescape(re.sub(r"<[^>]+>", "", part.get_content()))


def message_links(msg) -> list[str]:
    """Every http(s) link of ``msg`` (text body first, then the HTML body's ``href``s),
    each once, in order of appearance."""
    found = LINK_RE.findall(text_body(msg))
    part = msg.get_body(preferencelist=("html",))
    if part is not None:
        found += [html.unescape(u) for u in re.findall(r'href="(https?://[^"]+)"', part.get_content())]
    return list(dict.fromkeys(link.rstrip(".,;:!?)") for link in found))


def format_message(msg, recipients=()) -> str:
    """The readable form of a parsed message (``email.policy.default``) as printed by
    the sink; ``recipients`` are the SMTP envelope's, shown when given."""
    to = ", ".join(recipients) or str(msg.get("To", ""))
    lines = [RULE, f"Subject: {msg.get('Subject', '')}", f"From:    {msg.get('From', '')}",
             f"To:      {to}", "", text_body(msg).rstrip()]
    links = message_links(msg)
    if links:
        lines += ["", "Links:", *links]
    lines.append(RULE)
    return "\n".join(lines)


class PrintingHandler:
    """aiosmtpd handler printing each message with ``format_message``."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            print(format_message(msg, envelope.rcpt_tos), file=self.out, flush=True)
        return "250 Message accepted for delivery"


def mail_address(config_path: str) -> tuple[str, int]:
    """``(mail.host, mail.port)`` of the .ini's application section.
    Raises ``ValueError`` when the port is not a number."""
    from pyramid.paster import get_appsettings
    settings = get_appsettings(config_path)
    port = settings.get("mail.port", "25")
    try:
        return settings.get("mail.host", "localhost"), int(port)
    except ValueError:
        raise ValueError(f"mail.port in {config_path} is not a number: {port!r}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m beffroi.devkit.devmail",
        description="Print the mail of a development server instead of sending it.")
    parser.add_argument("-c", "--config", default=os.environ.get("BEFFROI_CONFIG", "development.ini"),
                        help="the .ini file whose mail.host and mail.port to listen on")
    args = parser.parse_args(argv)
    if not os.path.exists(args.config):
        print(f"error: configuration file {args.config!r} not found", file=sys.stderr)
        return 2
    try:
        host, port = mail_address(args.config)
        from aiosmtpd.controller import Controller
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ImportError:
        print("error: the mail sink needs aiosmtpd: pip install 'beffroi[dev]'", file=sys.stderr)
        return 2
    controller = Controller(PrintingHandler(), hostname=host, port=port)
    try:
        controller.start()
    except (OSError, RuntimeError) as exc:
        print(f"error: the mail sink cannot listen on {host}:{port} ({exc}); is another one "
              f"running? Stop it, or change mail.port in {args.config}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(1):
        pass
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
