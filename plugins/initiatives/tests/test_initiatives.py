"""Initiatives: a type set by the space's admin, an initiative created, promoters
gathered, submitted, reviewed, signed once per person (also by 50 people at once over
real HTTP), paper counts checked by a second person, threshold, answer, print."""
import re

import pytest
import transaction

from beffroi.devkit.testing import LiveServer, cookie_header, csrf_of, post_at_once

HOST = "test.localhost"
BASE = "/petitions/initiatives/"


@pytest.fixture
def beffroi_settings(beffroi_settings):
    """Concurrent requests run with the shipped retry count (development.ini and
    production.ini: 10), not the test fixture's 3."""
    return dict(beffroi_settings, **{"retry.attempts": "10"})


def words(page):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))


def english(browser):
    browser.set_cookie("_LOCALE_", "en")
    return browser


class Site:
    def __init__(self, platform):
        self.platform = platform

    def browser(self, email, role="participant", **kw):
        browser = english(self.platform.browser(HOST))
        self.platform.login_as(browser, role, email=email, **kw)
        return browser

    def initiative(self):
        with self.platform.tx() as app:
            container = app.organisation_for_host(HOST).spaces["petitions"].modules["initiatives"]
            [item] = [i for i in container.values()]
            return item.__name__


@pytest.fixture
def site(platform, beffroi_org, beffroi_space):
    beffroi_space("initiatives", slug="petitions")
    return Site(platform)


def _form(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


def _radio(form, value):
    name = next(n for n, fields in form.fields.items()
                if any(getattr(f, "options", None) and value in [o[0] for o in f.options]
                       for f in fields))
    form[name] = value


def _make_type(admin, required=3, promoters=2, verification=False):
    page = admin.get(BASE + "type")
    form = _form(page, "signatures_required")
    form["title"] = "Initiative locale"
    form["signatures_required"] = str(required)
    form["duration_days"] = "30"
    form["promoters_required"] = str(promoters)
    form["verification_required"] = verification
    assert form.submit("save").status_int == 302
    return admin.get(BASE + "types")


def _start(author, title="Des bancs place du marché"):
    page = author.get(BASE + "add")
    form = _form(page, "title")
    [value] = [o[0] for o in form["type_id"].options if o[0]]
    form["type_id"] = value
    form["title"] = title
    form["description"] = "Installer dix bancs à l'ombre autour de la place du marché."
    return form.submit("create")


def _published(site, required=3, verification=False):
    admin = site.browser("maire@example.org", "admin", space="petitions")
    _make_type(admin, required=required, promoters=1, verification=verification)
    ana = site.browser("ana@example.org")
    page = _start(ana).follow()
    ana.post(page.request.path_url + "submit", {"csrf_token": csrf_of(page)})
    review = admin.get(page.request.path_url + "review")
    form = _form(review, "reason")
    _radio(form, "publish")
    form.submit("save").follow()
    return admin, ana, page.request.path_url


def test_life_of_an_initiative(site):
    admin = site.browser("maire@example.org", "admin", space="petitions")
    assert "No type yet" in admin.get(BASE + "types").text
    types = _make_type(admin, required=3, promoters=2)
    assert "Initiative locale" in types.text
    ana = site.browser("ana@example.org")
    page = _start(ana).follow()
    url = page.request.path_url
    assert "In preparation" in page.text
    # drafts are not public
    site.platform.browser(HOST).get(url, status=404)
    # not enough promoters
    page = ana.post(url + "submit", {"csrf_token": csrf_of(page)}).follow()
    assert "More promoters are needed" in page.text
    ben = site.browser("ben@example.org")
    page = ben.get(url)
    page = ben.post(url + "join", {"csrf_token": csrf_of(page)}).follow()
    assert "You are a promoter" in page.text
    page = ana.post(url + "submit", {"csrf_token": csrf_of(ana.get(url))}).follow()
    assert "Under technical review" in page.text
    # the review asks a reason to send back
    review = admin.get(url + "review")
    form = _form(review, "reason")
    _radio(form, "back")
    assert "Give the reason" in form.submit("save").text
    form = _form(admin.get(url + "review"), "reason")
    _radio(form, "publish")
    page = form.submit("save").follow()
    assert "Collecting signatures" in page.text
    visitor = english(site.platform.browser(HOST))
    assert "Log in to sign" in visitor.get(url).text
    assert "Des bancs place du marché" in visitor.get(BASE).text
    # signing once
    cy = site.browser("cy@example.org")
    page = cy.get(url)
    page = cy.post(url + "sign", {"csrf_token": csrf_of(page)}).follow()
    assert "your signature is recorded" in page.text
    assert "1 signature of 3 needed" in words(page)
    page = cy.post(url + "sign", {"csrf_token": csrf_of(page)}).follow()
    assert "already signed" in page.text
    assert "1 signature of 3 needed" in words(page)
    # paper: entered by the admin, refused to the same person, checked by an evaluator
    paper = admin.get(url + "paper")
    form = _form(paper, "count")
    form["count"] = "abc"
    assert form.submit("save").status_int == 200            # a message, nothing stored
    form = _form(admin.get(url + "paper"), "count")
    form["count"] = "2"
    form["note"] = "Registre de la mairie annexe"
    page = form.submit("save").follow()
    assert "1 signature of 3 needed" in words(page)       # not checked yet
    entry = re.search(r'name="entry" value="([^"]+)"', page.text).group(1)
    page = admin.post(url + "paper-check", {"csrf_token": csrf_of(page), "entry": entry}).follow()
    assert "A second person must check" in page.text
    evaluator = site.browser("agent@example.org", "evaluator", space="petitions")
    page = evaluator.get(url)
    page = evaluator.post(url + "paper-check", {"csrf_token": csrf_of(page), "entry": entry}).follow()
    assert "3 signatures of 3 needed" in words(page)
    assert "The threshold was reached" in page.text
    # answer, print
    answer = admin.get(url + "answer")
    form = _form(answer, "answer")
    form["answer"] = "Le conseil municipal a voté **dix bancs** pour 2027."
    page = form.submit("save").follow()
    assert "<strong>dix bancs</strong>" in page.text
    printed = visitor.get(url + "print")
    assert "Signatures on paper (checked) 2" in words(printed)
    assert "<strong>dix bancs</strong>" in printed.text
    # participants may not review, answer or enter paper counts
    cy.get(url + "review", status=403)
    cy.get(url + "answer", status=403)
    cy.get(url + "paper", status=403)


def test_withdrawing_and_personal_data(site):
    admin, ana, url = _published(site)
    page = ana.post(url + "sign", {"csrf_token": csrf_of(ana.get(url))}).follow()
    page = ana.post(url + "unsign", {"csrf_token": csrf_of(page)}).follow()
    assert "Your signature is withdrawn" in page.text
    assert "0 signatures of 3 needed" in words(page)


def test_bad_input_keeps_what_was_typed(site):
    admin = site.browser("maire@example.org", "admin", space="petitions")
    _make_type(admin)
    ana = site.browser("ana@example.org")
    page = ana.get(BASE + "add")
    form = _form(page, "title")
    form["title"] = "Court"
    form["description"] = "Un texte gardé\x00"
    page = form.submit("create")
    assert page.status_int == 200
    assert "Un texte gard" in page.text and "Choose" in page.text


def _verify(site, emails):
    """Grant the census verification to ``emails`` (as a matching census line would)."""
    from beffroi.services.verification.model import grant
    with site.platform.tx() as app:
        org = app.organisation_for_host(HOST)
        request = type("Request", (), {"user": None, "matched_route": None})()
        for email in emails:
            grant(request, org.users.find_by_email(email).id, "census", {}, organisation=org)


def test_fifty_verified_people_signing_at_once_each_count_once(site):
    """A type for verified signers; 50 verified participants sign at the same moment over
    real HTTP, and one of them five times: 50 signatures, each counted once."""
    admin, ana, url = _published(site, required=1000, verification=True)
    path = url.split(HOST, 1)[1] + "sign"
    requests = []
    emails = [f"s{i:02}@example.org" for i in range(50)]
    browsers = [site.browser(email) for email in emails]
    _verify(site, emails)
    for browser in browsers:
        page = browser.get(url)
        cookie = cookie_header(browser)
        requests.append((path, {"csrf_token": csrf_of(page)}, cookie))
    # the last person sends their signature five times at once
    requests += [requests[-1]] * 5
    server = LiveServer(site.platform.app)
    try:
        statuses = post_at_once(server.port, requests)
    finally:
        server.close()
    assert statuses.count(302) == len(requests), statuses
    with site.platform.tx() as app:
        container = app.organisation_for_host(HOST).spaces["petitions"].modules["initiatives"]
        initiative = next(iter(container.values()))
        assert len(initiative.signatures) == 50
        assert initiative.signature_count() == 50


def test_a_type_for_verified_signers_sends_others_to_verify(site):
    """A type that requires verified signers refuses an unverified participant with a
    link to verify, and counts them once verified (any method of the organisation)."""
    from beffroi.services.verification.model import grant
    admin = site.browser("maire@example.org", "admin", space="petitions")
    _make_type(admin, required=3, promoters=1, verification=True)
    ana = site.browser("ana@example.org")
    page = _start(ana).follow()
    url = page.request.path_url
    ana.post(url + "submit", {"csrf_token": csrf_of(page)})
    form = _form(admin.get(url + "review"), "reason")
    _radio(form, "publish")
    form.submit("save")
    cy = site.browser("cy@example.org")
    page = cy.get(url)
    assert "Only verified participants may sign" in page.text
    assert "/-/account/verifications" in page.text
    page = cy.post(url + "sign", {"csrf_token": csrf_of(page)}).follow()
    assert "0 signatures of 3 needed" in words(page)
    with site.platform.tx() as app:
        org = app.organisation_for_host(HOST)
        user = org.users.find_by_email("cy@example.org")
        request = type("Request", (), {"user": None, "matched_route": None})()
        grant(request, user.id, "census", {"postal_code": "59000"}, organisation=org)
    page = cy.post(url + "sign", {"csrf_token": csrf_of(cy.get(url))}).follow()
    assert "1 signature of 3 needed" in words(page)


def test_one_signature_reads_in_the_singular_in_french_and_english(site):
    """"1 signature", never "1 signatures"; French keeps 0 in the singular too."""
    admin, ana, url = _published(site, required=3)
    french = site.platform.browser(HOST)
    assert "0 signature sur les 3 nécessaires" in words(french.get(url))
    page = ana.post(url + "sign", {"csrf_token": csrf_of(ana.get(url))}).follow()
    assert "1 signature of 3 needed" in words(page)
    assert "1 signature sur les 3 nécessaires" in words(french.get(url))
    assert "1 signature sur 3" in words(french.get(BASE))
    assert "1 signature of 3" in words(ana.get(BASE))
    ben = site.browser("ben@example.org")
    page = ben.post(url + "sign", {"csrf_token": csrf_of(ben.get(url))}).follow()
    assert "2 signatures of 3 needed" in words(page)
    assert "2 signatures sur les 3 nécessaires" in words(french.get(url))


def test_an_initiative_needing_one_promoter_says_so_in_the_singular(site):
    admin = site.browser("maire@example.org", "admin", space="petitions")
    _make_type(admin, required=3, promoters=1)
    ana = site.browser("ana@example.org")
    url = _start(ana).follow().request.path_url
    assert "needs 1 promoter before" in words(ana.get(url))
    ana.set_cookie("_LOCALE_", "fr")
    assert "besoin de 1 porteur·euse avant" in words(ana.get(url))
