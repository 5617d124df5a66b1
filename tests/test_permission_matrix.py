"""The permission matrix of docs/permissions.md, checked cell by cell over HTTP.

Every role logs in (or not) and tries every action; an allowed cell must succeed and
every other cell must be refused (403, or a redirect to a login page). The table in
docs/permissions.md is parsed and must say exactly what ``MATRIX`` says."""
import pathlib
import re

import pytest
from beffroi.devkit.testing import PASSWORD, csrf_of

HOST = "test.localhost"
ROLES = ("anonymous", "participant", "member", "collaborator", "evaluator", "moderator",
         "space admin", "user manager", "organisation admin", "system admin")
SPACE_ROLE = {"member": "member", "collaborator": "collaborator", "evaluator": "evaluator",
              "moderator": "moderator", "space admin": "admin"}
STAFF = {"collaborator", "evaluator", "moderator", "space admin", "organisation admin"}
PARTICIPANTS = set(ROLES) - {"anonymous", "system admin"}

# Space roles are held in "place" (published, public), "brouillon" (unpublished) and
# "prive" (published, private) — never in "autre" (published, public).
#: action → (method, path, roles allowed)
MATRIX = {
    "view a published public space": ("GET", "/place/", set(ROLES)),
    "preview an unpublished space": ("GET", "/brouillon/", STAFF),
    "view a private space": ("GET", "/prive/", STAFF | {"member"}),
    "report content": ("POST", "/place/pages/bancs/report", PARTICIPANTS),
    "moderate their space": ("GET", "/-/admin/spaces/place/moderation",
                             {"moderator", "space admin", "organisation admin"}),
    "moderate another space": ("GET", "/-/admin/spaces/autre/moderation", {"organisation admin"}),
    "moderate every space": ("GET", "/-/admin/moderation", {"organisation admin"}),
    "administer their space": ("GET", "/-/admin/spaces/place/", {"space admin", "organisation admin"}),
    "change an unpublished space": ("POST", "/-/admin/spaces/brouillon/publish",
                                    {"space admin", "organisation admin"}),
    "give roles in their space": ("GET", "/-/admin/spaces/place/roles",
                                  {"space admin", "organisation admin"}),
    "give roles in another space": ("GET", "/-/admin/spaces/autre/roles", {"organisation admin"}),
    "administer another space": ("GET", "/-/admin/spaces/autre/", {"organisation admin"}),
    "create a space": ("GET", "/-/admin/spaces/add", {"organisation admin"}),
    "manage participants": ("GET", "/-/admin/participants/", {"user manager", "organisation admin"}),
    "give organisation roles": ("POST", "/-/admin/participants/{camille}/roles", {"organisation admin"}),
    "edit organisation settings": ("GET", "/-/admin/settings", {"organisation admin"}),
    "read the action log": ("GET", "/-/admin/log", {"organisation admin"}),
    "administer organisations": ("GET", "/-/system/", {"system admin"}),
}


@pytest.fixture
def world(platform):
    from beffroi.cli.system import add_system_admin
    from beffroi_pages.content import add_page
    platform.add_org("Commune de Test", HOST)
    platform.add_space(HOST, "place", "La place", modules=["pages"])
    platform.add_space(HOST, "brouillon", "Brouillon", published=False)
    platform.add_space(HOST, "prive", "Espace privé", visibility="private")
    platform.add_space(HOST, "autre", "Autre espace")
    with platform.tx() as app:
        add_page(app.organisation_for_host(HOST).spaces["place"]["pages"], "Bancs", "<p>x</p>")
        add_system_admin(app, "root@platform.example", PASSWORD)
    ids = {"camille": platform.add_user(HOST, "camille@example.org")}
    return platform, ids


def browser_for(platform, role):
    browser = platform.browser(HOST)
    if role == "anonymous":
        return browser
    if role == "system admin":
        page = browser.get("/-/system/login")
        form = next(f for f in page.forms.values() if "password" in f.fields)
        form["email"], form["password"] = "root@platform.example", PASSWORD
        assert form.submit("login").status_int == 302
        return browser
    org_roles = {"user manager": ["user_manager"], "organisation admin": ["admin"]}.get(role, [])
    space_roles = {slug: [SPACE_ROLE[role]] for slug in ("place", "brouillon", "prive")} \
        if role in SPACE_ROLE else None
    email = role.replace(" ", "-") + "@example.org"
    platform.add_user(HOST, email, org_roles=org_roles, space_roles=space_roles)
    platform.login(browser, email)
    return browser


def outcome(response):
    """'allowed' or 'refused', as a person would see it."""
    if response.status_int in (403, 404, 410):
        return "refused"
    if response.status_int == 302:
        return "refused" if "login" in response.location else "allowed"
    assert response.status_int == 200, f"unexpected {response.status}"
    return "allowed"


@pytest.mark.parametrize("role", ROLES)
def test_every_cell_of_the_matrix(world, role):
    platform, ids = world
    browser = browser_for(platform, role)
    token = csrf_of(browser.get("/-/login" if role in ("anonymous", "system admin") else "/"))
    wrong = []
    for action, (method, path, allowed) in MATRIX.items():
        path = path.format(**ids)
        if method == "GET":
            response = browser.get(path, status="*")
        else:
            response = browser.post(path, {"csrf_token": token, "reason": "spam", "published": "1",
                                           "checkbox": "user_manager"}, status="*")
        expected = "allowed" if role in allowed else "refused"
        got = outcome(response)
        if got != expected:
            wrong.append(f"{role} / {action}: expected {expected}, got {got} ({response.status})")
    assert not wrong, "\n".join(wrong)


def test_the_documented_table_is_the_tested_one():
    doc = pathlib.Path(__file__).parent.parent / "docs" / "permissions.md"
    text = doc.read_text()
    table = text[text.index("| Action | anonymous"):].split("\n\n")[0]   # the first table
    rows = table.splitlines()
    header = [c.strip().lower() for c in rows[0].strip("|").split("|")]
    assert header[1:] == list(ROLES)
    documented = {}
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        documented[cells[0].lower()] = {role for role, cell in zip(ROLES, cells[1:])
                                        if re.match(r"^(✓|yes)", cell)}
    assert documented == {action: allowed for action, (_m, _p, allowed) in MATRIX.items()}
