"""The mail outbox: kept in the database, sent by SMTP after commit, never on abort."""
import transaction

from beffroi.services.mail.queue import get_outbox, queue_mail

from beffroi.services.mail.delivery import deliver_pending
from beffroi.devkit.testing_mail import free_port


def _org(app, host="test.localhost"):
    return app.organisation_for_host(host)


def test_a_committed_message_reaches_the_smtp_server(platform, mail_outbox):
    platform.add_org("Commune de Test", "test.localhost")
    with platform.tx() as app:
        queue_mail(_org(app), "camille@example.org", "Bonjour Camille", "Le texte, accentué.",
                   html="<p>Le texte</p>", unsubscribe_url="http://test.localhost/-/unsubscribe/x")
    [msg] = mail_outbox.deliver()
    assert msg["To"] == "camille@example.org"
    assert msg["Subject"] == "Bonjour Camille"
    assert msg["List-Unsubscribe"] == "<http://test.localhost/-/unsubscribe/x>"
    assert "accentué" in mail_outbox.text(msg)
    assert msg["From"] == "Beffroi <noreply@beffroi.test>"
    assert mail_outbox.pending_count() == 0
    assert mail_outbox.deliver() == []          # sent once only
    conn = platform.db.open()
    [sent] = get_outbox(conn).sent.values()     # kept a while, without its body (links)
    assert sent.to == "camille@example.org" and sent.sent_at and sent.text == ""
    conn.close()


def test_an_aborted_transaction_sends_nothing(platform, mail_outbox):
    platform.add_org("Commune de Test", "test.localhost")
    tm = transaction.TransactionManager()
    conn = platform.db.open(transaction_manager=tm)
    from beffroi.resources.root import get_app_root
    tm.begin()
    queue_mail(_org(get_app_root(conn)), "a@example.org", "Never", "never sent")
    tm.abort()
    conn.close()
    assert mail_outbox.deliver() == []
    assert mail_outbox.pending_count() == 0


def test_organisation_smtp_settings_and_sender_win(platform, mail_outbox, smtp_server):
    platform.add_org("Commune de Test", "test.localhost")
    with platform.tx() as app:
        org = _org(app)
        org.smtp_settings = {"host": "127.0.0.1", "port": smtp_server.port,
                             "sender": "Mairie <mairie@test.example>"}
        queue_mail(org, "b@example.org", "From the town hall", "text")
    # the installation settings point nowhere: only the organisation's server works
    sent = deliver_pending(platform.db, {"mail.host": "127.0.0.1", "mail.port": "1"},
                           out=lambda line: None)
    assert sent == 1
    [msg] = smtp_server.messages
    assert msg["From"] == "Mairie <mairie@test.example>"


def test_a_failed_delivery_is_retried_later_and_counted(platform):
    platform.add_org("Commune de Test", "test.localhost")
    with platform.tx() as app:
        queue_mail(_org(app), "c@example.org", "Retry", "text")
    lines = []
    closed_port = free_port()               # nothing listens there: the connection is refused
    settings = {"mail.host": "127.0.0.1", "mail.port": str(closed_port)}
    assert deliver_pending(platform.db, settings, out=lines.append) == 0
    assert "will retry" in lines[0]
    conn = platform.db.open()
    [queued] = get_outbox(conn).pending.values()
    assert queued.attempts == 1 and queued.last_error
    assert queued.next_attempt > queued.created        # not due again at once
    conn.close()
    assert deliver_pending(platform.db, settings, out=lines.append) == 0
    assert len(lines) == 1


def test_header_injection_is_refused(platform):
    import pytest
    from beffroi.services.mail.queue import MailError
    platform.add_org("Commune de Test", "test.localhost")
    with platform.tx() as app:
        with pytest.raises(MailError):
            queue_mail(_org(app), "a@example.org\nBcc: x@evil.test", "s", "t")
        with pytest.raises(MailError):
            queue_mail(_org(app), "a@example.org", "s\r\nBcc: x@evil.test", "t")


def test_send_mail_command_delivers_the_outbox(tmp_path, smtp_server):
    from beffroi.cli import main
    ini = tmp_path / "test.ini"
    ini.write_text(f"""[app:main]
use = egg:beffroi
zodbconn.uri = file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs
mail.host = 127.0.0.1
mail.port = {smtp_server.port}
mail.default_sender = Beffroi <noreply@beffroi.test>
""")
    out = []
    assert main(["-c", str(ini), "org", "add", "--name", "Ville", "--host", "ville.localhost"],
                out=out.append) == 0
    from beffroi.app import open_database
    db = open_database({"zodbconn.uri": f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs"})
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    from beffroi.resources.root import get_app_root
    with tm:
        queue_mail(get_app_root(conn).organisation_for_host("ville.localhost"),
                   "d@example.org", "By the command", "text")
    conn.close()
    db.close()
    assert main(["-c", str(ini), "send-mail"], out=out.append) == 0
    assert out[-1] == "1 message(s) sent"
    assert [m["Subject"] for m in smtp_server.messages] == ["By the command"]


def test_the_background_thread_delivers_when_enabled(beffroi_db, smtp_server):
    import time

    from beffroi.app import make_config
    from beffroi.services.mail.delivery import stop_background
    from beffroi.devkit.testing import Platform
    settings = {"beffroi.db": beffroi_db, "beffroi.secret": "s" * 40, "mail.background": "true",
                "mail.background_interval": "0.1", "mail.host": "127.0.0.1",
                "mail.port": str(smtp_server.port), "mail.default_sender": "noreply@beffroi.test"}
    platform = Platform(make_config(settings).make_wsgi_app(), beffroi_db)
    try:
        platform.add_org("Commune de Test", "test.localhost")
        with platform.tx() as app:
            queue_mail(_org(app), "e@example.org", "In the background", "text")
        deadline = time.monotonic() + 10
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop_background()
    assert [m["Subject"] for m in smtp_server.messages] == ["In the background"]


def test_unsubscribe_headers_are_readable_and_one_click_works(platform, mail_outbox):
    """RFC 2369 + RFC 8058: mailbox providers read the address and POST to it."""
    from beffroi.services.notifications.model import unsubscribe_url
    platform.add_org("Commune de Test", "test.localhost")
    uid = platform.add_user("test.localhost", "ana@example.org")
    with platform.tx() as app:
        org = _org(app)
        org.users.get(uid).notification_mail = "immediate"
        url = unsubscribe_url("http://test.localhost", org, uid)
        queue_mail(org, "ana@example.org", "Nouveau commentaire : un banc à l'ombre", "texte",
                   unsubscribe_url=url)
    [msg] = mail_outbox.deliver()
    raw = dict(msg.raw_items())
    assert raw["List-Unsubscribe"] == f"<{url}>"               # not an encoded word
    assert raw["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # what a mailbox provider does: POST the form body to the address, no cookie, no CSRF
    provider = platform.browser("test.localhost")
    provider.post(url.replace("http://test.localhost", ""), "List-Unsubscribe=One-Click",
                  content_type="application/x-www-form-urlencoded", status=200)
    with platform.tx() as app:
        assert _org(app).users.get(uid).notification_mail == "none"


def test_a_message_sent_again_after_a_worker_died_keeps_its_message_id(platform, smtp_server):
    """A worker that dies after the SMTP server accepted a message (before recording
    it) leaves it claimed; once the claim expires it is sent again with the same
    Message-ID, so receiving systems can drop the duplicate."""
    from datetime import timedelta

    from beffroi.services.mail import delivery as mail
    platform.add_org("Commune de Test", "test.localhost")
    with platform.tx() as app:
        key = queue_mail(_org(app), "f@example.org", "Once", "text")
    settings = {"mail.host": "127.0.0.1", "mail.port": str(smtp_server.port)}
    tm = transaction.TransactionManager()
    conn = platform.db.open(transaction_manager=tm)
    queued, org = mail._claim(conn, tm, key)                   # worker 1 claims and sends…
    cfg = mail.smtp_config(org, settings)
    mail.send_smtp(mail.build_message(queued, cfg["sender"]), cfg)
    conn.close()                                               # …and dies
    assert deliver_pending(platform.db, settings, out=lambda line: None) == 0   # still claimed
    with platform.tx() as app:
        claimed = get_outbox(app._p_jar).pending[key]
        # the claim runs from the moment it was taken, for CLAIM_SECONDS
        assert claimed.claimed_until - claimed.created >= timedelta(seconds=mail.CLAIM_SECONDS)
        claimed.claimed_until -= timedelta(seconds=mail.CLAIM_SECONDS + 1)
    assert deliver_pending(platform.db, settings, out=lambda line: None) == 1
    first, second = smtp_server.messages
    assert first["Message-ID"] == second["Message-ID"] and first["Message-ID"].endswith(
        "@test.localhost>")
    assert deliver_pending(platform.db, settings, out=lambda line: None) == 0


def test_a_recorded_delivery_is_never_sent_again(platform, smtp_server):
    """The delivery is written on the message first; if moving it to ``sent`` fails,
    the next round files it without sending it again."""
    from beffroi.services.mail import delivery as mail
    platform.add_org("Commune de Test", "test.localhost")
    with platform.tx() as app:
        key = queue_mail(_org(app), "g@example.org", "Recorded", "text")
    settings = {"mail.host": "127.0.0.1", "mail.port": str(smtp_server.port)}
    tm = transaction.TransactionManager()
    conn = platform.db.open(transaction_manager=tm)
    queued, org = mail._claim(conn, tm, key)
    cfg = mail.smtp_config(org, settings)
    mail.send_smtp(mail.build_message(queued, cfg["sender"]), cfg)
    assert mail._record(conn, tm, key, None).startswith("sent")    # recorded, not moved yet
    conn.close()
    assert deliver_pending(platform.db, settings, out=lambda line: None) == 0
    assert len(smtp_server.messages) == 1
    with platform.tx() as app:
        outbox = get_outbox(app._p_jar)
        assert key not in outbox.pending and outbox.sent[key].sent_at is not None
