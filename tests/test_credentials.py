"""Credentials: changing the address or the password spends every link mailed before;
e-mail changes are throttled and carry no text chosen by the sender; administrators
with a short password choose a longer one before the administration."""
import pytest

from beffroi.devkit.testing import PASSWORD

HOST = "test.localhost"
SHORT = "Tilleul-3-marche"[:13]          # 13 characters: enough for a participant only


@pytest.fixture
def org(platform):
    platform.add_org("Commune de Test", HOST)
    platform.add_space(HOST, "place", "La place", modules=["pages"])
    return platform


def form_with(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


def ask_reset(platform, email):
    page = platform.browser(HOST).get("/-/password/forgot")
    form = form_with(page, "email")
    form["email"] = email
    form.submit("send")


def change_email(browser, new, password=PASSWORD):
    form = form_with(browser.get("/-/account/email"), "email")
    form["email"], form["password"] = new, password
    return form.submit("send")


def link_in(mail_outbox, msg, part):
    return next(u for u in mail_outbox.links(msg) if part in u).replace(f"http://{HOST}", "")


def test_a_reset_link_asked_before_an_email_change_no_longer_opens_the_account(org, mail_outbox):
    org.add_user(HOST, "camille@example.org", "Camille")
    ask_reset(org, "camille@example.org")
    [reset_mail] = mail_outbox.deliver()
    reset_link = link_in(mail_outbox, reset_mail, "/-/password/set")
    browser = org.browser(HOST)
    org.login(browser, "camille@example.org")
    change_email(browser, "camille@nouveau.example")
    [confirm_mail] = mail_outbox.deliver()
    page = org.browser(HOST).get(link_in(mail_outbox, confirm_mail, "confirm-email"))
    assert form_with(page, "token").submit().status_int == 302
    # the old reset link: refused, and nobody is logged in by it
    thief = org.browser(HOST)
    assert thief.get(reset_link, status=400)
    assert thief.get("/-/account", status="*").status_int == 302


def test_a_password_change_spends_every_outstanding_link(org, mail_outbox):
    org.add_user(HOST, "camille@example.org", "Camille")
    browser = org.browser(HOST)
    org.login(browser, "camille@example.org")
    change_email(browser, "camille@nouveau.example")          # a confirmation link is out
    ask_reset(org, "camille@example.org")                     # and a reset link
    links = [link_in(mail_outbox, m, "token=") for m in mail_outbox.deliver()]
    assert len(links) == 2
    form = form_with(browser.get("/-/account/password"), "current_password")
    form["current_password"] = PASSWORD
    form["password"] = form["password_confirm"] = "a brand new long passphrase"
    assert form.submit("save").status_int == 302
    for link in links:
        org.browser(HOST).get(link, status=400)


def test_email_changes_are_throttled_and_greet_nobody_by_a_chosen_name(org, mail_outbox):
    org.add_user(HOST, "camille@example.org", "Bonjour, gagnez 1000 euros sur evil.example")
    browser = org.browser(HOST)
    org.login(browser, "camille@example.org")
    answers = [change_email(browser, f"cible{i}@victime.example") for i in range(8)]
    sent = mail_outbox.deliver()
    assert len(sent) == 3
    assert "Trop de demandes" in answers[-1].text
    for msg in sent:
        assert "evil.example" not in mail_outbox.text(msg)
        assert "gagnez" not in mail_outbox.text(msg)


def test_a_space_admin_with_a_short_password_chooses_a_longer_one_first(org):
    uid = org.add_user(HOST, "espace@example.org", "Espace", password=SHORT)
    assert len(SHORT) == 13
    browser = org.browser(HOST)
    org.login(browser, "espace@example.org", password=SHORT)
    assert browser.get("/-/account").status_int == 200          # a participant: fine
    with org.tx() as app:
        app.organisation_for_host(HOST).spaces["place"].set_space_roles(uid, ["admin"])
    response = browser.get("/-/admin/spaces/place/")
    assert response.status_int == 302 and response.location.endswith("/-/account/password")
    assert "au moins 15 caractères" in response.follow().text
    form = form_with(browser.get("/-/account/password"), "current_password")
    form["current_password"] = SHORT
    form["password"] = form["password_confirm"] = "trop court 14c"
    assert form.submit("save").status_int == 200                 # 15 needed
    form = form_with(browser.get("/-/account/password"), "current_password")
    form["current_password"] = SHORT
    form["password"] = form["password_confirm"] = "un banc sous le grand tilleul"
    assert form.submit("save").status_int == 302
    assert browser.get("/-/admin/spaces/place/").status_int == 200


def test_an_organisation_admin_with_a_long_password_goes_straight_in(org):
    org.add_user(HOST, "alix@example.org", "Alix", org_roles=("admin",))
    browser = org.browser(HOST)
    org.login(browser, "alix@example.org")
    assert browser.get("/-/admin/").status_int == 200


def test_a_short_password_space_admin_cannot_use_admin_powers_in_the_space_either(org):
    """Admin pages of modules (not under /-/admin/) send them to the password page too."""
    org.add_space(HOST, "budget", "Budget", modules=["pages"], published=False)
    org.add_user(HOST, "espace@example.org", "Espace", password=SHORT,
                 space_roles={"budget": ["admin"]})
    browser = org.browser(HOST)
    org.login(browser, "espace@example.org", password=SHORT)
    response = browser.get("/budget/pages/add", status="*")   # unpublished: staff only
    assert response.status_int == 302 and response.location.endswith("/-/account/password")
    form = form_with(response.follow(), "current_password")
    form["current_password"] = SHORT
    form["password"] = form["password_confirm"] = "un banc sous le grand tilleul"
    assert form.submit("save").status_int == 302
    assert browser.get("/budget/pages/add").status_int == 200
