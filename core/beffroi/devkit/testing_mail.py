"""Mail fixtures of the ``beffroi.devkit.testing`` pytest plugin (a loopback SMTP server).

``smtp_server``: a real aiosmtpd server on 127.0.0.1 and a free port; its
``messages`` are the parsed ``email.message.EmailMessage`` objects it received.
``mail_outbox``: delivers the outbox of the ``platform`` fixture to that server by
SMTP (the code path of ``beffroi send-mail``) and returns the new messages::

    def test_welcome(platform, mail_outbox):
        ...register through a browser...
        [msg] = mail_outbox.deliver()
        link = mail_outbox.links(msg)[0]
"""
from __future__ import annotations

import email
import email.policy
import re
import socket
import threading

import pytest

URL_RE = re.compile(r"https?://[^\s<>\"']+")


def free_port(host="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class CollectingHandler:
    """aiosmtpd handler keeping every message it receives, parsed."""

    def __init__(self):
        self.messages = []
        self.envelopes = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.messages.append(msg)
        return "250 Message accepted for delivery"


class SMTPServer:
    """A running loopback SMTP server: ``host``, ``port``, ``messages``."""

    def __init__(self, controller, handler):
        self.controller = controller
        self.handler = handler
        self.host = controller.hostname
        self.port = controller.port

    @property
    def messages(self):
        with self.handler.lock:
            return list(self.handler.messages)

    @property
    def envelopes(self):
        with self.handler.lock:
            return list(self.handler.envelopes)


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SMTPServer(controller, handler)
    finally:
        controller.stop()


def text_of(msg):
    """The plain-text body of a parsed message."""
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def html_of(msg):
    part = msg.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else ""


class MailOutbox:
    """Delivers a platform's outbox to a loopback SMTP server."""

    def __init__(self, platform, server):
        self.platform = platform
        self.server = server
        self._seen = 0

    def settings(self):
        settings = dict(self.platform.app.registry.settings)
        settings.update({"mail.host": self.server.host, "mail.port": str(self.server.port),
                         "mail.username": "", "mail.password": "", "mail.starttls": "false"})
        settings.setdefault("mail.default_sender", "Beffroi <noreply@beffroi.test>")
        return settings

    def deliver(self):
        """Send what is queued; return the messages the server received since last call."""
        from beffroi.services.mail.delivery import deliver_pending
        deliver_pending(self.platform.db, self.settings(), out=lambda line: None,
                        plugins=self.platform.plugins)
        messages = self.server.messages
        new, self._seen = messages[self._seen:], len(messages)
        return new

    __call__ = deliver

    @property
    def all(self):
        return self.server.messages

    @staticmethod
    def text(msg):
        return text_of(msg)

    @staticmethod
    def links(msg):
        """The URLs in the plain-text body of ``msg``, in order."""
        return URL_RE.findall(text_of(msg))

    def pending_count(self):
        """Messages still in the outbox (queued, not yet sent)."""
        from beffroi.services.mail.queue import get_outbox
        conn = self.platform.db.open()
        try:
            outbox = get_outbox(conn, create=False)
            return len(outbox.pending) if outbox is not None else 0
        finally:
            conn.close()


@pytest.fixture
def mail_outbox(platform, smtp_server):
    return MailOutbox(platform, smtp_server)
