"""The JSON API (/-/api/v1/): tokens bound to one organisation and one person, scopes,
revocation, rate limits, what never appears, pagination, writes with the site's rules.
Every response here is checked against the OpenAPI document (openapi-core)."""
import re

import pytest
from openapi_spec_validator import validate as validate_spec

from beffroi.app import make_config
from beffroi.devkit.a11y import assert_accessible
from beffroi.devkit.testing import Platform, csrf_of

PROBLEM = "application/problem+json"


@pytest.fixture
def beffroi_settings(beffroi_settings):
    return dict(beffroi_settings, **{"beffroi.api.validate_responses": "true",
                                     "beffroi.api.rate_limit": "1000"})


def make_token(platform, browser, scope="read", name="Mon script"):
    """A token made as a participant does it: the form of the account page."""
    page = browser.get("/-/account/api-tokens")
    form = page.forms[1] if len(page.forms) > 1 and "name" in page.forms[1].fields else \
        next(f for f in page.forms.values() if "name" in f.fields)
    form["name"] = name
    form["scope"] = scope
    shown = form.submit("create")
    assert shown.status_int == 200
    secret = re.search(r'value="(bfr_[^"]+)"', shown.text).group(1)
    return secret, shown


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


def participant(platform, host="test.localhost", space_roles=None):
    browser = platform.browser(host)
    email = platform.login_as(browser, "participant") if not space_roles else None
    if space_roles:
        import uuid
        email = f"m-{uuid.uuid4().hex[:6]}@example.org"
        platform.add_user(host, email, space_roles=space_roles)
        platform.login(browser, email)
    return browser, email


def _problem(response, status):
    assert response.status_int == status, response.text
    assert response.content_type == PROBLEM
    body = response.json
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_the_document_is_valid_openapi_and_shown_to_people(platform, beffroi_org):
    browser = platform.browser()
    document = browser.get("/-/api/openapi.json").json
    validate_spec(document)
    assert document["openapi"] == "3.1.0"
    assert "/-/api/v1/spaces/{space}/proposals" in document["paths"]
    assert "post" in document["paths"]["/-/api/v1/spaces/{space}/proposals"]
    assert "proposals_item" in document["components"]["schemas"]
    page = browser.get("/-/api")
    assert_accessible(page.text)
    assert "GET /-/api/v1/spaces/{space}/proposals" in page.text
    assert "Jeton" in page.text or "jeton" in page.text          # in the reader's language
    assert "<script" not in page.text and "cdn" not in page.text.lower()


def test_a_token_is_shown_once_and_stored_only_as_a_hash(platform, beffroi_org):
    browser, _email = participant(platform)
    secret, shown = make_token(platform, browser)
    assert shown.headers["Cache-Control"] == "no-store"
    again = browser.get("/-/account/api-tokens")
    assert secret not in again.text and "Mon script" in again.text
    with platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        assert secret not in repr(list(org.api_tokens.keys()))
        assert all(secret not in repr(vars(t)) for t in org.api_tokens.values())
    me = browser.get("/-/api/v1/me", headers=auth(secret)).json
    assert me["scope"] == "read"


def test_a_token_made_on_one_organisation_is_refused_on_another(platform, beffroi_org):
    platform.add_org("Autre commune", "autre.localhost")
    browser, _email = participant(platform)
    secret, _ = make_token(platform, browser, scope="write")
    assert platform.browser().get("/-/api/v1/me", headers=auth(secret)).status_int == 200
    other = platform.browser("autre.localhost")
    body = _problem(other.get("/-/api/v1/me", headers=auth(secret), status=401), 401)
    assert "inconnu à cette adresse" in body["detail"]
    response = other.get("/-/api/v1/spaces", headers=auth(secret), status=401)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    other.post_json("/-/api/v1/spaces/x/proposals", {"title": "t", "body": "b"},
                    headers=auth(secret), status=401)


def test_read_scope_cannot_write_and_write_scope_writes_with_the_sites_rules(
        platform, beffroi_org, beffroi_space):
    space = beffroi_space("proposals", slug="place")
    browser, _email = participant(platform)
    reader, _ = make_token(platform, browser, scope="read")
    writer, _ = make_token(platform, browser, scope="write", name="Écriture")
    url = "/-/api/v1/spaces/place/proposals"
    good = {"title": "Des bancs au parc", "body": "Installer des bancs à l'ombre des tilleuls."}
    body = _problem(browser.post_json(url, good, headers=auth(reader), status=403), 403)
    assert "lecture seule" in body["detail"]          # in the reader's language
    # the form's rules: a title of 5 characters at least (colander), said per field
    body = _problem(browser.post_json(url, dict(good, title="Ban"), headers=auth(writer),
                                      status=422), 422)
    assert body["errors"][0]["field"] == "title"
    # the document's rules: a missing field, a body that is not JSON
    _problem(browser.post_json(url, {"title": "Sans texte"}, headers=auth(writer), status=422), 422)
    _problem(browser.post(url, "title=x", headers=auth(writer), status=415), 415)
    created = browser.post_json(url, good, headers=auth(writer), status=201).json
    assert created["title"] == "Des bancs au parc" and created["supports"] == 0
    page = platform.browser().get(f"/{space.slug}/proposals/{created['id']}")
    assert "Des bancs au parc" in page.text
    # control characters are refused as in every form
    _problem(browser.post_json(url, dict(good, title="Bancs\x00 cachés"), headers=auth(writer),
                               status=422), 422)


def test_cookies_never_authenticate_the_api(platform, beffroi_org, beffroi_space):
    beffroi_space("proposals", slug="place")
    browser, _email = participant(platform)       # logged in: a session cookie
    _problem(browser.get("/-/api/v1/me", status=401), 401)
    _problem(browser.post_json("/-/api/v1/spaces/place/proposals",
                               {"title": "Par le cookie", "body": "Une requête d'un autre site."},
                               status=401), 401)
    with platform.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces["place"]["proposals"]
        assert len(container) == 0


def test_a_revoked_token_is_refused_at_once(platform, beffroi_org):
    browser, _email = participant(platform)
    secret, _ = make_token(platform, browser)
    api = platform.browser()
    assert api.get("/-/api/v1/me", headers=auth(secret)).status_int == 200
    page = browser.get("/-/account/api-tokens")
    form = next(f for f in page.forms.values() if "token" in f.fields)
    form.submit().follow()
    _problem(api.get("/-/api/v1/me", headers=auth(secret), status=401), 401)
    _problem(api.get("/-/api/v1/me", headers=auth("bfr_" + "x" * 43), status=401), 401)


def test_the_rate_limit_is_in_the_headers_and_ends_in_429(beffroi_settings, beffroi_db):
    app = make_config(dict(beffroi_settings, **{"beffroi.api.rate_limit": "3"})).make_wsgi_app()
    platform = Platform(app, beffroi_db)
    platform.add_org()
    browser, _email = participant(platform)
    secret, _ = make_token(platform, browser)
    api = platform.browser()
    remaining = []
    for _ in range(3):
        response = api.get("/-/api/v1/organisation", headers=auth(secret))
        assert response.headers["RateLimit-Limit"] == "3"
        assert response.headers["X-RateLimit-Limit"] == "3"
        remaining.append(int(response.headers["RateLimit-Remaining"]))
    assert remaining == [2, 1, 0]
    refused = api.get("/-/api/v1/organisation", headers=auth(secret), status=429)
    _problem(refused, 429)
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["RateLimit-Remaining"] == "0"
    # per token: anonymous requests from the same address have their own count
    assert api.get("/-/api/v1/organisation").status_int == 200
    # guessing tokens spends the address's requests too
    for _ in range(2):
        _problem(api.get("/-/api/v1/me", headers=auth("bfr_guess"), status=401), 401)
    _problem(api.get("/-/api/v1/me", headers=auth("bfr_guess"), status=429), 429)


def _hide(platform, path):
    with platform.tx() as app:
        obj = app.organisation_for_host("test.localhost")
        for name in path:
            obj = obj[name] if not name.startswith("#") else obj.comments[name[1:]]
        obj.hidden_by_moderation = True


def test_hidden_private_and_unpublished_content_never_appears(platform, beffroi_org,
                                                              beffroi_space):
    beffroi_space("proposals", "debates", slug="place")
    beffroi_space("proposals", slug="secret", visibility="private")
    beffroi_space("proposals", slug="draft", published=False)
    member, _ = participant(platform, space_roles={"secret": ["member"]})
    moderator, _ = participant(platform, space_roles={"place": ["moderator"]})
    writer, _ = make_token(platform, member, scope="write")
    mod_token, _ = make_token(platform, moderator, scope="write")
    api = platform.browser()
    for slug, title in (("place", "Visible proposition"), ("place", "Cachée par modération"),
                        ("secret", "Proposition privée")):
        api.post_json(f"/-/api/v1/spaces/{slug}/proposals",
                      {"title": title, "body": "Un texte assez long pour passer."},
                      headers=auth(writer), status=201)
    hidden = next(p for p in api.get("/-/api/v1/spaces/place/proposals").json["items"]
                  if p["title"].startswith("Cachée"))
    _hide(platform, ["place", "proposals", hidden["id"]])
    comment = api.post_json("/-/api/v1/spaces/place/proposals/1/comments",
                            {"body": "Un commentaire injurieux"}, headers=auth(writer),
                            status=201).json
    _hide(platform, ["place", "proposals", "1", "#" + comment["id"]])
    for headers in ({}, auth(mod_token)):        # not even a moderator's token shows them
        listing = api.get("/-/api/v1/spaces/place/proposals", headers=headers).json
        assert [p["title"] for p in listing["items"]] == ["Visible proposition"]
        _problem(api.get(f"/-/api/v1/spaces/place/proposals/{hidden['id']}", headers=headers,
                         status=404), 404)
        assert api.get("/-/api/v1/spaces/place/proposals/1/comments",
                       headers=headers).json["items"] == []
        slugs = [s["slug"] for s in api.get("/-/api/v1/spaces", headers=headers).json["items"]]
        assert slugs == ["place"]
        _problem(api.get("/-/api/v1/spaces/secret/proposals", headers=headers, status=404), 404)
        _problem(api.get("/-/api/v1/spaces/draft", headers=headers, status=404), 404)
    # a member of the private space reads it with their token, as on the site
    mine = api.get("/-/api/v1/spaces/secret/proposals", headers=auth(writer)).json
    assert [p["title"] for p in mine["items"]] == ["Proposition privée"]
    assert "secret" in [s["slug"] for s in api.get("/-/api/v1/spaces", headers=auth(writer)).json["items"]]


def test_lists_are_paged_by_an_opaque_cursor(platform, beffroi_org, beffroi_space):
    beffroi_space("pages", slug="infos")
    with platform.tx() as app:
        from beffroi_pages.content import add_page
        container = app.organisation_for_host("test.localhost").spaces["infos"]["pages"]
        for i in range(45):
            add_page(container, f"Page {i:02d}", f"<p>Texte {i}</p>")
    api = platform.browser()
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 20, **({"cursor": cursor} if cursor else {})}
        page = api.get("/-/api/v1/spaces/infos/pages", params).json
        pages += 1
        seen.extend(row["title"] for row in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert "page" not in cursor.lower()            # opaque, not a page number
    assert pages == 3 and len(seen) == 45 and len(set(seen)) == 45
    # the item a cursor names is removed meanwhile: the next page neither repeats nor skips
    first = api.get("/-/api/v1/spaces/infos/pages", {"limit": 10}).json
    with platform.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces["infos"]["pages"]
        container.remove(first["items"][-1]["id"])
    second = api.get("/-/api/v1/spaces/infos/pages",
                     {"limit": 10, "cursor": first["next_cursor"]}).json
    assert second["items"][0]["title"] == seen[10]
    _problem(api.get("/-/api/v1/spaces/infos/pages", {"cursor": "n'importe quoi"}, status=422), 422)
    _problem(api.get("/-/api/v1/spaces/infos/pages", {"limit": 1000}, status=400), 400)


def test_comments_and_supports_follow_the_rules_of_the_buttons(platform, beffroi_org,
                                                               beffroi_space):
    beffroi_space("proposals", slug="place")
    with platform.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces["place"]["proposals"]
        container.settings["support_limit"] = 1
    browser, _email = participant(platform)
    writer, _ = make_token(platform, browser, scope="write")
    api = platform.browser()
    base = "/-/api/v1/spaces/place/proposals"
    for title in ("Première proposition", "Seconde proposition"):
        api.post_json(base, {"title": title, "body": "Un texte assez long pour passer."},
                      headers=auth(writer), status=201)
    supported = api.put(f"{base}/1/support", headers=auth(writer)).json
    assert supported["supports"] == 1 and supported["supported"] is True
    _problem(api.put(f"{base}/1/support", headers=auth(writer), status=409), 409)
    body = _problem(api.put(f"{base}/2/support", headers=auth(writer), status=409), 409)
    assert "soutiens" in body["detail"]                # the limit of the space, in French
    assert api.delete(f"{base}/1/support", headers=auth(writer)).json["supports"] == 0
    # a comment, then a reply, shown on the page as from the form
    first = api.post_json(f"{base}/1/comments", {"body": "Bonne idée", "alignment": 1},
                          headers=auth(writer), status=201).json
    reply = api.post_json(f"{base}/1/comments", {"body": "Je précise", "reply_to": first["id"]},
                          headers=auth(writer), status=201).json
    assert reply["depth"] == 1 and reply["reply_to"] == first["id"]
    listed = api.get(f"{base}/1/comments").json["items"]
    assert [c["id"] for c in listed] == [first["id"], reply["id"]]
    assert "Bonne idée" in platform.browser().get("/place/proposals/1").text
    body = _problem(api.post_json(f"{base}/1/comments", {"body": "x" * 5000},
                                  headers=auth(writer), status=422), 422)
    assert body["errors"][0]["field"] == "body"
    _problem(api.post_json(f"{base}/9/comments", {"body": "Où ?"}, headers=auth(writer),
                           status=404), 404)
    with platform.tx() as app:
        space = app.organisation_for_host("test.localhost").spaces["place"]
        space["proposals"].phase_settings[space.active_phase.id] = {"supports": "blocked"}
    body = _problem(api.put(f"{base}/2/support", headers=auth(writer), status=403), 403)
    assert body["detail"]


def test_the_api_pages_are_accessible(platform, beffroi_org):
    """(The crawl of the demo runs the Nu HTML checker over both pages.)"""
    browser, _email = participant(platform)
    _secret, shown = make_token(platform, browser, scope="write")
    for text in (shown.text, browser.get("/-/account/api-tokens").text, browser.get("/-/api").text):
        assert_accessible(text)
    assert "/-/account/api-tokens" in browser.get("/-/account").text


def test_a_blocked_or_deleted_participants_token_is_refused(platform, beffroi_org):
    browser, email = participant(platform)
    secret, _ = make_token(platform, browser)
    api = platform.browser()
    with platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        org.users.find_by_email(email).blocked = True
    _problem(api.get("/-/api/v1/me", headers=auth(secret), status=401), 401)
    with platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        user = org.users.find_by_email(email)
        user.blocked = False
        from beffroi.builtins import on_account_deleted
        from pyramid.testing import DummyRequest
        request = DummyRequest()
        request.organisation = org
        request.registry = platform.app.registry
        on_account_deleted(request, user)
        assert list(org.api_tokens.values()) == []
    _problem(api.get("/-/api/v1/me", headers=auth(secret), status=401), 401)
    with platform.tx() as app:                     # even unblocked, the deleted token is gone
        assert app.organisation_for_host("test.localhost").users.find_by_email(email).blocked is False


def test_a_window_opens_with_the_first_request_and_ends_after_its_length():
    from beffroi.services.webapi.ratelimit import RateLimiter
    now = [1000.0]
    limiter = RateLimiter(limit=2, window=60, clock=lambda: now[0])
    assert [limiter.hit("a").remaining for _ in range(2)] == [1, 0]
    refused = limiter.hit("a")
    assert not refused.allowed and refused.reset == 60 and refused.headers()["Retry-After"] == "60"
    assert limiter.hit("b").allowed                      # another client, its own window
    now[0] += 59.5
    assert not limiter.hit("a").allowed and limiter.hit("a").reset == 1
    now[0] += 0.5
    assert limiter.hit("a").remaining == 1               # a new window


def test_the_api_asks_the_verifications_the_space_requires(platform, beffroi_org, beffroi_space):
    from beffroi.services.verification.authorisations import Requirement, set_requirement
    beffroi_space("proposals", slug="place")
    browser, _email = participant(platform)
    writer, _ = make_token(platform, browser, scope="write")
    api = platform.browser()
    base = "/-/api/v1/spaces/place/proposals"
    api.post_json(base, {"title": "Avant la règle", "body": "Un texte assez long pour passer."},
                  headers=auth(writer), status=201)
    with platform.tx() as app:
        container = app.organisation_for_host("test.localhost").spaces["place"]["proposals"]
        for action in ("create", "support", "comment"):
            set_requirement(container, action, Requirement(("census",)))
    _problem(api.post_json(base, {"title": "Après la règle", "body": "Un texte assez long."},
                           headers=auth(writer), status=403), 403)
    _problem(api.put(f"{base}/1/support", headers=auth(writer), status=403), 403)
    _problem(api.post_json(f"{base}/1/comments", {"body": "Sans vérification"},
                           headers=auth(writer), status=403), 403)
    assert [p["title"] for p in api.get(base).json["items"]] == ["Avant la règle"]


def test_results_and_where_they_came_from_are_read_through_the_api(platform, beffroi_org,
                                                                   beffroi_space):
    """The follow-up of participation is public data: a result, its progress and the
    public items it came from, checked against the document."""
    from beffroi.api import link_items
    from beffroi_accountability.content import add_result
    from beffroi_proposals.models import add_proposal
    beffroi_space("proposals", "results", slug="budget")
    with platform.tx() as app:
        space = app.organisation_for_host("test.localhost").spaces["budget"]
        proposal = add_proposal(space["proposals"], "Des bancs", "Des bancs à l'ombre.",
                                "markdown", None)
        result = add_result(space["results"], "Dix bancs installés", progress=50,
                            territory="Centre")
        link_items(proposal, result, "led_to_result")
        path = f"budget/proposals/{proposal.__name__}"      # the links service's item key
    rows = platform.browser().get("/-/api/v1/spaces/budget/results").json["items"]
    [row] = rows
    assert row["title"] == "Dix bancs installés" and row["progress"] == 50.0
    assert row["origins"] == [path] and row["from_participation"] is True


def test_bodies_the_forms_refuse_are_refused_too(platform, beffroi_org, beffroi_space):
    """A comment of control characters or of invisible characters only is refused (422)
    as by the form; a body nested too deep for the JSON parser is a 400 problem."""
    beffroi_space("proposals", slug="budget")
    with platform.tx() as app:
        from beffroi_proposals.models import add_proposal
        add_proposal(app.organisation_for_host("test.localhost").spaces["budget"]["proposals"],
                     "Des bancs", "Des bancs à l'ombre.", "markdown", None)
    browser, _email = participant(platform)
    secret, _shown = make_token(platform, browser, scope="write")
    api = platform.browser()
    path = "/-/api/v1/spaces/budget/proposals/1/comments"
    for body in ("\u0000", "x\u0000\u0007y", "\u200b"):
        _problem(api.post_json(path, {"body": body}, headers=auth(secret), status=422), 422)
    deep = api.post(path, "[" * 100_000, headers=dict(auth(secret), **{
        "Content-Type": "application/json"}), status=400)
    assert deep.content_type == PROBLEM
