"""Organisation pages (terms of use, legal notice, privacy policy, accessibility
statement) linked in every footer; terms accepted at sign-up and again after a change."""
import re

import pytest
from beffroi.devkit.testing import csrf_of

HOST = "test.localhost"


def english(browser):
    browser.set_cookie("_LOCALE_", "en")
    return browser


def words(page):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))


def _form(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


@pytest.fixture
def admin(platform, beffroi_org):
    browser = english(platform.browser(HOST))
    platform.login_as(browser, "admin", email="maire@example.org")
    return browser


def _write(admin, slug, body, new_version=False):
    form = _form(admin.get(f"/-/admin/pages/{slug}"), "body")
    form["body"] = body
    if new_version:
        form["new_version"] = True
    return form.submit("save")


def test_pages_are_written_by_the_admin_and_linked_in_every_footer(platform, admin):
    visitor = english(platform.browser(HOST))
    home = visitor.get("/")
    # the accessibility statement is always there, "not conformant" until an audit
    assert "/-/pages/accessibility" in home.text and "/-/pages/legal" not in home.text
    statement = visitor.get("/-/pages/accessibility")
    assert "not conformant" in words(statement) and "Défenseur des droits" in statement.text
    visitor.get("/-/pages/legal", status=404)
    _write(admin, "legal", "## Éditeur\n\nMairie de Test, 1 place de la Mairie.<script>x</script>")
    page = visitor.get("/-/pages/legal")
    assert "<h2>Éditeur</h2>" in page.text and "<script>x" not in page.text
    assert "/-/pages/legal" in visitor.get("/").text
    visitor.get("/-/pages/unknown", status=404)


def test_accessibility_statement_fields(platform, admin):
    form = _form(admin.get("/-/admin/pages/accessibility"), "auditor")
    radio = next(n for n, fs in form.fields.items()
                 if any(getattr(f, "options", None) and "partial" in [o[0] for o in f.options] for f in fs))
    form[radio] = "partial"
    form["audit_rate"] = "82"
    form["auditor"] = "Cabinet Exemple"
    form["contact"] = "Écrivez à accessibilite@example.org"
    form["body"] = "- Les cartes des projets n'ont pas d'alternative."
    form.submit("save").follow()
    page = english(platform.browser(HOST)).get("/-/pages/accessibility")
    text = words(page)
    assert "partially conformant" in text and "82 %" in text and "Cabinet Exemple" in text
    assert "accessibilite@example.org" in text
    # a bad rate keeps what was typed
    form = _form(admin.get("/-/admin/pages/accessibility"), "auditor")
    form["audit_rate"] = "180"
    form["auditor"] = "Gardé"
    page = form.submit("save")
    assert page.status_int == 200 and "Gardé" in page.text


def test_sign_up_requires_the_terms_once_they_exist(platform, admin, mail_outbox):
    _write(admin, "terms", "Règles de la plateforme.")
    browser = english(platform.browser(HOST))
    page = browser.get("/-/register")
    assert "/-/pages/terms" in page.text
    form = _form(page, "email")
    form["name"], form["email"] = "Camille", "camille@example.org"
    form["password"] = form["password_confirm"] = "un mot de passe long"
    page = form.submit("register")
    assert page.status_int == 200 and "Accept the terms of use" in page.text
    form = _form(page, "email")
    form["password"] = form["password_confirm"] = "un mot de passe long"
    form["terms"] = True
    assert form.submit("register").status_int == 302
    with platform.tx() as app:
        user = platform.org(app, HOST).users.find_by_email("camille@example.org")
        assert user.accepted_terms_at is not None


def test_a_change_of_the_terms_is_accepted_at_the_next_login(platform, admin, beffroi_space):
    beffroi_space("pages", slug="quartier")
    _write(admin, "terms", "Version 1.")
    platform.add_user(HOST, "old@example.org")
    old = english(platform.browser(HOST))
    platform.login(old, "old@example.org")
    assert old.get("/quartier/").status_int == 200        # version 0: nobody is asked
    page = _write(admin, "terms", "Version 2 : nouvelles règles.", new_version=True)
    # the already logged-in participant is asked on their next page, then sent back
    response = old.get("/quartier/")
    assert response.status_int == 302 and "/-/terms-accept" in response.location
    page = response.follow()
    assert "Version 2" in page.text
    assert old.get("/-/pages/terms").status_int == 200       # reading them stays possible
    form = _form(page, "agree")
    page = form.submit("accept")
    assert page.status_int == 200 and "Tick the box" in page.text
    form = _form(page, "agree")
    form["agree"] = True
    response = form.submit("accept")
    assert response.location.endswith("/quartier/")
    assert old.get("/quartier/").status_int == 200
    # a fresh login of someone who has not accepted goes through the terms first
    platform.add_user(HOST, "other@example.org")
    other = english(platform.browser(HOST))
    platform.login(other, "other@example.org")
    assert "/-/terms-accept" in other.get("/-/notifications").location


def test_only_organisation_admins_edit_pages(platform, beffroi_org):
    browser = platform.browser(HOST)
    platform.login_as(browser, "participant")
    browser.get("/-/admin/pages/", status=403)
    browser.get("/-/admin/pages/terms", status=403)


def test_a_participant_asked_to_accept_may_still_end_sessions_and_the_api_refuses_writes(
        platform, admin, beffroi_space):
    """While new terms wait: ending one's other sessions stays open, pages of modules
    named like free pages do not escape, and the API refuses writes (403 problem)."""
    beffroi_space("proposals", slug="quartier")
    _write(admin, "terms", "Version 1.")
    platform.add_user(HOST, "old@example.org")
    old = english(platform.browser(HOST))
    platform.login(old, "old@example.org")
    page = old.get("/-/account/api-tokens")
    form = next(f for f in page.forms.values() if "name" in f.fields)
    form["name"], form["scope"] = "Script", "write"
    secret = re.search(r'value="(bfr_[^"]+)"', form.submit("create").text).group(1)
    _write(admin, "terms", "Version 2.", new_version=True)
    page = old.get("/-/terms-accept")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    ended = old.post("/-/account/logout-everywhere", {"csrf_token": token})
    assert ended.status_int == 302 and "/-/terms-accept" not in ended.location
    api = platform.browser(HOST)
    refused = api.post_json("/-/api/v1/spaces/quartier/proposals",
                            {"title": "Des bancs au parc", "body": "Installer des bancs au parc."},
                            headers={"Authorization": f"Bearer {secret}"}, status=403)
    assert refused.content_type == "application/problem+json"
    # reading stays possible
    api.get("/-/api/v1/spaces", headers={"Authorization": f"Bearer {secret}"}, status=200)
