"""Newsletters: consent recorded with its date, audiences, preview and test, sending in
batches through the outbox to exactly the consenting recipients, once each, and
one-click unsubscribe."""
import re
import threading

import pytest
from beffroi.devkit.testing import csrf_of
from beffroi.services.newsletters import model

HOST = "test.localhost"


def english(browser):
    browser.set_cookie("_LOCALE_", "en")
    return browser


def words(page):
    """The page's text without tags (counts are wrapped in elements)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.text))


def _consent(platform, emails, host=HOST):
    with platform.tx() as app:
        org = platform.org(app, host)
        for email in emails:
            model.set_consent(org.users.find_by_email(email), True)


def _write(browser, subject="Budget 2027 : à vous de voter", body="**Vote** now at [the site](https://example.org).",
           audience="all", spaces=()):
    page = browser.get("/-/admin/newsletters/new")
    form = page.forms["deform"]
    form["subject"] = subject
    form["body"] = body
    radio = next(name for name, fields in form.fields.items()
                 if any(getattr(f, "options", None) and ("all", False) in
                        [(o[0], False) for o in f.options] for f in fields))
    form[radio] = audience          # deform names a radio group after its field id
    for field in form.fields.get("checkbox", []):
        if field._value in spaces:
            field.checked = True
    return form.submit("save")


@pytest.fixture
def admin(platform, beffroi_org, beffroi_browser):
    platform.login_as(english(beffroi_browser), "admin", email="maire@example.org")
    return beffroi_browser


def test_sign_up_consent_is_recorded_with_its_date_and_shown(platform, beffroi_org, mail_outbox):
    browser = platform.browser(HOST)
    page = browser.get("/-/register")
    form = next(f for f in page.forms.values() if "email" in f.fields)
    form["name"] = "Camille"
    form["email"] = "camille@example.org"
    form["password"] = form["password_confirm"] = "un mot de passe long"
    form["newsletter"] = True
    assert form.submit("register").status_int == 302
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        camille = org.users.find_by_email("camille@example.org")
        assert camille.newsletter_consent is not None
    # the same form without the box: no consent
    other = platform.browser(HOST)
    form = next(f for f in other.get("/-/register").forms.values() if "email" in f.fields)
    form["name"], form["email"] = "Dominique", "dominique@example.org"
    form["password"] = form["password_confirm"] = "un mot de passe long"
    form.submit("register")
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        assert org.users.find_by_email("dominique@example.org").newsletter_consent is None


def test_account_page_gives_and_withdraws_consent(platform, beffroi_org, beffroi_browser):
    platform.login_as(english(beffroi_browser), "participant", email="eve@example.org")
    page = beffroi_browser.get("/-/account")
    page = page.click(href="/-/account/newsletter")
    assert "You do not receive newsletters." in page.text
    form = page.forms["deform"]
    form["wanted"] = True
    page = form.submit("save").follow()
    assert "You agreed to receive newsletters on" in page.text
    form = page.forms["deform"]
    form["wanted"] = False
    page = form.submit("save").follow()
    assert "You do not receive newsletters." in page.text


def test_newsletter_goes_once_to_exactly_the_consenting_recipients(platform, admin, mail_outbox):
    for email in ("a@example.org", "b@example.org", "no@example.org", "blocked@example.org"):
        platform.add_user(HOST, email)
    platform.add_user(HOST, "unconfirmed@example.org", confirmed=False)
    _consent(platform, ["a@example.org", "b@example.org", "blocked@example.org",
                        "unconfirmed@example.org"])
    with platform.tx() as app:
        org = platform.org(app, HOST)
        org.users.find_by_email("blocked@example.org").blocked = True
    page = _write(admin).follow()
    assert "<strong>Vote</strong>" in page.text                     # preview, rendered
    assert "Recipients who agreed to receive newsletters 2" in words(page)
    # a test goes to the author only, marked as such
    page = page.forms[0].submit().follow() if False else admin.post(
        page.request.path_url + "/test", {"csrf_token": csrf_of(page)}).follow()
    [test] = mail_outbox.deliver()
    assert test["To"] == "maire@example.org" and test["Subject"].startswith("[Test]")
    # sending
    page = admin.post(page.request.path_url + "/send", {"csrf_token": csrf_of(page)}).follow()
    assert "being sent (recipients: 2)" in page.text
    # a second click (another tab) sends nothing more
    admin.post(page.request.path_url + "/send", {"csrf_token": csrf_of(page)}).follow()
    messages = mail_outbox.deliver()
    assert sorted(m["To"] for m in messages) == ["a@example.org", "b@example.org"]
    assert all(m["Subject"] == "Budget 2027 : à vous de voter" for m in messages)
    assert mail_outbox.deliver() == []                              # once each
    page = admin.get(page.request.path_url)
    assert "2 / 2" in page.text and "Sent" in page.text
    assert "Edit" not in re.sub(r"<nav.*?</nav>", "", page.text, flags=re.S).split("Preview")[1]
    # the action log has it
    assert "newsletter.send" in admin.get("/-/admin/log").text


def test_one_click_unsubscribe_link(platform, admin, mail_outbox):
    platform.add_user(HOST, "a@example.org")
    _consent(platform, ["a@example.org"])
    page = _write(admin).follow()
    admin.post(page.request.path_url + "/send", {"csrf_token": csrf_of(page)})
    [msg] = mail_outbox.deliver()
    link = msg["List-Unsubscribe"].strip("<>")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    visitor = english(platform.browser(HOST))
    path = link.split(HOST, 1)[1]
    assert "Stop newsletters" in visitor.get(path).text           # a GET changes nothing
    with platform.tx() as app:
        org = platform.org(app, HOST)
        assert org.users.find_by_email("a@example.org").newsletter_consent
    # the mail client's one-click POST, without a CSRF token
    assert "no more newsletters" in visitor.post(path, "List-Unsubscribe=One-Click").text
    with platform.tx() as app:
        org = platform.org(app, HOST)
        assert org.users.find_by_email("a@example.org").newsletter_consent is None
    bad = visitor.get(path.replace("t=", "t=0"), status=400)
    assert "not valid" in bad.text


def test_audience_of_followers_and_participants_of_a_space(platform, admin, beffroi_space, mail_outbox):
    from beffroi.services.follows.model import follow
    space = beffroi_space("pages", slug="quartier")
    for email in ("follower@example.org", "author@example.org", "other@example.org"):
        platform.add_user(HOST, email)
    _consent(platform, ["follower@example.org", "author@example.org", "other@example.org"])
    with platform.tx() as app:
        org = platform.org(app, HOST)
        uid = lambda email: org.users.find_by_email(email).id
        follow(org, uid("follower@example.org"), org.spaces["quartier"])
        from beffroi_pages.content import add_page
        add_page(org.spaces["quartier"].modules["pages"], "Compte rendu", "texte",
                 creator=uid("author@example.org"))
    page = _write(admin, audience="followers", spaces=("quartier",)).follow()
    assert "Recipients who agreed to receive newsletters 1" in words(page)
    admin.post(page.request.path_url + "/send", {"csrf_token": csrf_of(page)})
    assert [m["To"] for m in mail_outbox.deliver()] == ["follower@example.org"]
    page = _write(admin, subject="Participants", audience="participants", spaces=("quartier",)).follow()
    admin.post(page.request.path_url + "/send", {"csrf_token": csrf_of(page)})
    assert [m["To"] for m in mail_outbox.deliver()] == ["author@example.org"]


def test_bad_input_keeps_what_was_typed(platform, admin):
    page = _write(admin, subject="Sans espace", body="Texte gardé", audience="followers")
    assert page.status_int == 200
    assert "Choose at least one space" in page.text
    assert "Texte gardé" in page.text and "Sans espace" in page.text
    page = _write(admin, subject="x" * 300, body="Texte gardé\x00")
    assert page.status_int == 200 and "Texte gardé" in page.text


def test_nobody_to_send_to_and_permissions(platform, admin, beffroi_org):
    page = _write(admin).follow()
    assert "cannot be sent" in page.text
    response = admin.post(page.request.path_url + "/send", {"csrf_token": csrf_of(page)}).follow()
    assert "Nobody would receive" in response.text
    participant = platform.browser(HOST)
    platform.login_as(participant, "participant")
    participant.get("/-/admin/newsletters/", status=403)
    participant.get(page.request.path, status=403)


def test_batches_are_queued_once_even_when_two_workers_run(platform, admin):
    """Two delivery rounds at once: every recipient's message is queued exactly once."""
    from beffroi.services.mail.queue import get_outbox
    emails = [f"p{i:03}@example.org" for i in range(60)]
    for email in emails:
        platform.add_user(HOST, email)
    _consent(platform, emails)
    page = _write(admin).follow()
    admin.post(page.request.path_url + "/send", {"csrf_token": csrf_of(page)})
    settings = dict(platform.app.registry.settings)
    errors = []

    def worker():
        try:
            for _ in range(6):
                model.queue_newsletter_batches(platform.db, settings, platform.plugins, size=7)
        except Exception as exc:          # pragma: no cover - shown by the assertion
            errors.append(exc)
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    while model.queue_newsletter_batches(platform.db, settings, platform.plugins, size=7):
        pass
    assert not errors
    conn = platform.db.open()
    try:
        recipients = sorted(m.to for m in get_outbox(conn).pending.values())
    finally:
        conn.close()
    assert recipients == emails


def test_audience_of_verified_participants_of_a_territory(platform, admin, mail_outbox):
    from beffroi.services.verification.model import grant
    for email in ("nord@example.org", "sud@example.org", "unverified@example.org"):
        platform.add_user(HOST, email)
    _consent(platform, ["nord@example.org", "sud@example.org", "unverified@example.org"])
    with platform.tx() as app:
        org = platform.org(app, HOST)
        request = type("Request", (), {"user": None, "matched_route": None})()
        grant(request, org.users.find_by_email("nord@example.org").id, "census",
              {"postal_code": "59000"}, organisation=org)
        grant(request, org.users.find_by_email("sud@example.org").id, "census",
              {"postal_code": "13001"}, organisation=org)
    page = admin.get("/-/admin/newsletters/new")
    form = page.forms["deform"]
    form["subject"], form["body"] = "Quartier nord", "Réunion au quartier nord."
    radio = next(name for name, fields in form.fields.items()
                 if any(getattr(f, "options", None) and "verified" in [o[0] for o in f.options]
                        for f in fields))
    form[radio] = "verified"
    form["territory"] = "59000, 59800"
    page = form.submit("save").follow()
    assert "Recipients who agreed to receive newsletters 1" in words(page)
    admin.post(page.request.path_url + "/send", {"csrf_token": csrf_of(page)})
    assert [m["To"] for m in mail_outbox.deliver()] == ["nord@example.org"]


def test_an_unsubscribe_token_with_any_characters_is_only_wrong(platform, admin, mail_outbox):
    platform.add_user(HOST, "a@example.org")
    _consent(platform, ["a@example.org"])
    page = _write(admin).follow()
    admin.post(page.request.path_url + "/send", {"csrf_token": csrf_of(page)})
    [msg] = mail_outbox.deliver()
    link = msg["List-Unsubscribe"].strip("<>").split(HOST, 1)[1]
    forged = re.sub(r"t=[0-9a-f]+", "t=%C3%A9", link)
    visitor = platform.browser(HOST)
    visitor.get(forged, status=400)
    visitor.post(forged, "List-Unsubscribe=One-Click", status=400)
    bad = re.sub(r"t=[0-9a-f]+", "t=%C3%A9", "/-/unsubscribe?u=x&t=0")
    visitor.get(bad, status=400)
