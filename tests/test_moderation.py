"""Moderation: reports, automatic hiding, the moderators' queue, hide and restore."""
import pytest
from beffroi.devkit.testing import csrf_of

HOST = "test.localhost"


@pytest.fixture
def site(platform):
    platform.add_org("Commune de Test", HOST)
    platform.add_space(HOST, "place", "La place", modules=["pages"])
    platform.add_space(HOST, "parc", "Le parc", modules=["pages"])
    from beffroi_pages.content import add_page
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        add_page(org.spaces["place"]["pages"], "Bancs publics", "<p>Des bancs partout</p>")
        add_page(org.spaces["parc"]["pages"], "Arbres", "<p>Plus d'arbres</p>")
    for i in range(4):
        platform.add_user(HOST, f"p{i}@example.org")
    platform.add_user(HOST, "modo@example.org", space_roles={"place": ["moderator"]})
    platform.add_user(HOST, "admin@example.org", org_roles=["admin"])
    return platform


def logged_in(platform, email):
    browser = platform.browser(HOST)
    platform.login(browser, email)
    return browser


def report(browser, path, reason="spam", details=""):
    token = csrf_of(browser.get("/"))
    return browser.post(path + "report", {"csrf_token": token, "reason": reason,
                                          "details": details, "came_from": path})


PAGE = "/place/pages/bancs-publics/"


def test_content_is_hidden_after_three_reports_and_says_so_at_its_url(site):
    for i in range(2):
        response = report(logged_in(site, f"p{i}@example.org"), PAGE)
        assert response.status_int == 302
    assert "Bancs publics" in site.browser(HOST).get(PAGE).text
    browser = logged_in(site, "p2@example.org")
    report(browser, PAGE, "offensive", "Propos injurieux")
    page = site.browser(HOST).get(PAGE, status=410)
    assert "This content was hidden by moderation" in page.text or \
        "Ce contenu a été masqué par la modération" in page.text
    assert "Bancs publics" not in page.text
    browser.get(PAGE, status=410)                         # participants too
    logged_in(site, "modo@example.org").get(PAGE, status=200)   # moderators still see it


def test_one_report_per_person_and_reasons_checked(site):
    browser = logged_in(site, "p0@example.org")
    report(browser, PAGE)
    flash = report(browser, PAGE).follow()
    assert "already reported" in flash.text or "déjà signalé" in flash.text
    flash = report(browser, PAGE, reason="boring").follow()
    assert "Choose a reason" in flash.text or "Choisissez un motif" in flash.text
    with site.tx() as app:
        from beffroi.services.moderation.model import case_of
        page = app.organisation_for_host(HOST).spaces["place"]["pages"]["bancs-publics"]
        assert case_of(page).count() == 1


def test_anonymous_cannot_report_and_report_needs_csrf(site):
    anonymous = site.browser(HOST)
    response = anonymous.post(PAGE + "report", {"reason": "spam"}, status="*")
    assert response.status_int in (400, 403)
    browser = logged_in(site, "p0@example.org")
    browser.post(PAGE + "report", {"reason": "spam"}, status=400)


def test_moderator_hides_and_restores_in_own_space_only(site):
    report(logged_in(site, "p0@example.org"), PAGE, "spam", "publicité")
    report(logged_in(site, "p1@example.org"), "/parc/pages/arbres/", "spam")
    modo = logged_in(site, "modo@example.org")
    queue = modo.get("/-/admin/spaces/place/moderation")
    assert "Bancs publics" in queue.text and "publicité" in queue.text
    assert "Arbres" not in queue.text
    form = queue.forms[[i for i, f in queue.forms.items() if "case" in f.fields][0]]
    form.submit("decision", value="hide").follow()
    site.browser(HOST).get(PAGE, status=410)
    queue = modo.get("/-/admin/spaces/place/moderation")
    assert "Restore" in queue.text or "Rétablir" in queue.text
    form = queue.forms[[i for i, f in queue.forms.items() if "case" in f.fields][0]]
    form.submit("decision", value="restore")
    assert "Bancs publics" in site.browser(HOST).get(PAGE).text
    # another space's queue and the organisation queue are refused
    modo.get("/-/admin/spaces/parc/moderation", status=403)
    modo.get("/-/admin/moderation", status=403)
    # a case of another space cannot be decided through this space's queue
    with site.tx() as app:
        from beffroi.services.moderation.model import case_of
        other = case_of(app.organisation_for_host(HOST).spaces["parc"]["pages"]["arbres"]).id
    modo.post("/-/admin/spaces/place/moderation",
              {"csrf_token": csrf_of(queue), "case": other, "decision": "hide"}, status=404)
    site.browser(HOST).get("/parc/pages/arbres/", status=200)


def test_organisation_admin_sees_every_space_and_decisions_are_logged(site):
    report(logged_in(site, "p0@example.org"), PAGE)
    report(logged_in(site, "p1@example.org"), "/parc/pages/arbres/")
    admin = logged_in(site, "admin@example.org")
    queue = admin.get("/-/admin/moderation")
    assert "Bancs publics" in queue.text and "Arbres" in queue.text
    with site.tx() as app:
        from beffroi.services.moderation.model import case_of
        case = case_of(app.organisation_for_host(HOST).spaces["parc"]["pages"]["arbres"]).id
    admin.post("/-/admin/moderation", {"csrf_token": csrf_of(queue), "case": case,
                                       "decision": "hide"}, status=302)
    site.browser(HOST).get("/parc/pages/arbres/", status=410)
    with site.tx() as app:
        log = app.organisation_for_host(HOST).action_log
        entries = log.newest(action="moderation")
        assert [(e.action, e.target, e.space) for e in entries] == [
            ("moderation.hide", "Arbres", "parc")]


def test_restored_content_is_not_hidden_again_by_the_old_reports(site):
    for i in range(3):
        report(logged_in(site, f"p{i}@example.org"), PAGE)
    site.browser(HOST).get(PAGE, status=410)
    admin = logged_in(site, "admin@example.org")
    queue = admin.get("/-/admin/moderation")
    form = queue.forms[[i for i, f in queue.forms.items() if "case" in f.fields][0]]
    form.submit("decision", value="restore")
    report(logged_in(site, "p3@example.org"), PAGE)
    site.browser(HOST).get(PAGE, status=200)


def test_report_form_helper_is_for_logged_in_participants_only(site):
    from pyramid.request import Request
    from pyramid.scripting import prepare
    from beffroi.views.layout import Helpers
    from beffroi.resources.user import User
    request = Request.blank("/", host=HOST)
    env = prepare(request=request, registry=site.app.registry)
    try:
        page = request.organisation.spaces["place"]["pages"]["bancs-publics"]
        request.user = None
        assert str(Helpers(request).report_form(page)) == ""
        request.user = User("x@example.org", "X")
        html = str(Helpers(request).report_form(page))
        assert 'action="http://test.localhost/place/pages/bancs-publics/report"' in html
        assert 'name="csrf_token"' in html and '<select id="report-' in html
        assert html.count("<option") == 4 and "&lt;" not in html
        assert html.index("<option") == html.index('<option value="">')   # no reason by default
        assert "<label for=" in html
    finally:
        env["closer"]()


def test_listings_leave_hidden_content_out_except_for_moderators(site):
    from pyramid.request import Request
    from pyramid.scripting import prepare
    from beffroi.services.moderation import model as moderation
    from beffroi.resources.user import User
    for i in range(3):
        report(logged_in(site, f"p{i}@example.org"), PAGE)
    request = Request.blank("/", host=HOST)
    env = prepare(request=request, registry=site.app.registry)
    try:
        org = request.organisation
        pages = list(org.spaces["place"]["pages"].values()) + list(org.spaces["parc"]["pages"].values())
        request.user = None
        assert [p.title for p in moderation.visible_to(request, pages)] == ["Arbres"]
        request.user = org.users.find_by_email("modo@example.org")
        assert [p.title for p in moderation.visible_to(request, pages)] == ["Bancs publics", "Arbres"]
        assert isinstance(request.user, User)
    finally:
        env["closer"]()
