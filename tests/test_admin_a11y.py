"""Every administration page passes the static accessibility check (labels, headings,
unique ids, no inline script or style, balanced HTML)."""
from beffroi.devkit.a11y import accessibility_problems
from beffroi.devkit.testing import PASSWORD, csrf_of

HOST = "test.localhost"


def test_administration_pages_are_accessible(platform):
    from beffroi.cli.system import add_system_admin
    from beffroi_pages.content import add_page
    platform.add_org("Commune de Test", HOST)
    platform.add_space(HOST, "place", "La place", modules=["pages"])
    with platform.tx() as app:
        add_page(app.organisation_for_host(HOST).spaces["place"]["pages"], "Bancs", "<p>x</p>")
        add_system_admin(app, "root@platform.example", PASSWORD)
        oid = app.organisation_for_host(HOST).id
    uid = platform.add_user(HOST, "camille@example.org", space_roles={"place": ["member"]})
    platform.add_user(HOST, "admin@example.org", org_roles=["admin"])
    admin = platform.browser(HOST)
    platform.login(admin, "admin@example.org")
    admin.post("/place/pages/bancs/report", {"csrf_token": csrf_of(admin.get("/")),
                                             "reason": "spam", "details": "pub"})
    with platform.tx() as app:
        phase = app.organisation_for_host(HOST).spaces["place"].phases[0].id
    pages = ["/-/admin/", "/-/admin/settings", "/-/admin/participants/", f"/-/admin/participants/{uid}/",
             "/-/admin/log", "/-/admin/moderation", "/-/admin/spaces/add", "/-/admin/spaces/place/",
             "/-/admin/spaces/place/edit", "/-/admin/spaces/place/phases/",
             f"/-/admin/spaces/place/phases/{phase}/", "/-/admin/spaces/place/roles",
             "/-/admin/spaces/place/moderation"]
    problems = {}
    for path in pages:
        found = accessibility_problems(admin.get(path).text)
        if found:
            problems[path] = found
    system = platform.browser(HOST)
    page = system.get("/-/system/login")
    problems["/-/system/login"] = accessibility_problems(page.text)
    form = next(f for f in page.forms.values() if "password" in f.fields)
    form["email"], form["password"] = "root@platform.example", PASSWORD
    form.submit("login")
    for path in ("/-/system/", "/-/system/organisations/add", f"/-/system/organisations/{oid}/",
                 f"/-/system/organisations/{oid}/invite"):
        problems[path] = accessibility_problems(system.get(path).text)
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, problems
