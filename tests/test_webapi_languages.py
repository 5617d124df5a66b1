"""Problems of the JSON API speak the reader's language: the organisation's, or the one
``Accept-Language`` asks for among the organisation's; ``type`` stays the same in every
language (programs read it), ``Content-Language`` says which language the text is in."""
import re

import pytest

PROBLEM = "application/problem+json"


@pytest.fixture
def beffroi_settings(beffroi_settings):
    return dict(beffroi_settings, **{"beffroi.api.validate_responses": "true",
                                     "beffroi.api.rate_limit": "1000"})


def write_token(platform, host="test.localhost"):
    browser = platform.browser(host)
    platform.login_as(browser, "participant")
    page = browser.get("/-/account/api-tokens")
    form = next(f for f in page.forms.values() if "name" in f.fields)
    form["name"], form["scope"] = "Script", "write"
    shown = form.submit("create")
    return browser, {"Authorization": "Bearer " + re.search(r'value="(bfr_[^"]+)"',
                                                            shown.text).group(1)}


def problem(response, status):
    assert response.status_int == status and response.content_type == PROBLEM, response.text
    return response.json


def test_problems_are_in_french_on_a_french_site(platform, beffroi_org, beffroi_space):
    beffroi_space("proposals", slug="place")
    browser, token = write_token(platform)
    response = browser.get("/-/api/v1/nowhere", status=404)
    body = problem(response, 404)
    assert body["title"] == "Introuvable" and response.headers["Content-Language"] == "fr"
    assert body["type"].endswith("/-/api#problem-not-found")
    body = problem(browser.post_json("/-/api/v1/spaces/place/proposals", {"title": "x"},
                                     status=401), 401)
    assert body["title"] == "Authentification requise"
    # what the description of the API refuses (openapi-core speaks English) is said in French
    body = problem(browser.get("/-/api/v1/spaces?limit=abc", status=400), 400)
    assert body["title"] == "Requête incorrecte" and "limit" in body["detail"]
    assert "paramètre" in body["detail"]
    body = problem(browser.post_json("/-/api/v1/spaces/place/proposals", {"title": "Sans texte"},
                                     headers=token, status=422), 422)
    assert body["title"] == "Données non valides"
    assert {"field": "body", "message": "Ce champ est obligatoire."} in body["errors"]
    body = problem(browser.post_json("/-/api/v1/spaces/place/proposals",
                                     {"title": "Un titre", "body": "Un texte", "x": 1},
                                     headers=token, status=422), 422)
    assert all(re.search(r"[a-z]", e["message"]) and "not" not in e["message"]
               for e in body["errors"]), body["errors"]
    body = problem(browser.get("/-/api/v1/spaces?limit=0", status=400), 400)
    assert body["errors"][0]["message"] == "La plus petite valeur permise est 1."
    made = browser.post_json("/-/api/v1/spaces/place/proposals",
                             {"title": "Des bancs au parc", "body": "Des bancs à l'ombre."},
                             headers=token, status=201).json
    body = problem(browser.post_json(f"/-/api/v1/spaces/place/proposals/{made['id']}/comments",
                                     {"body": ""}, headers=token, status=422), 422)
    assert body["errors"] == [{"field": "body",
                               "message": "Trop court : la longueur minimale est 1."}]


def test_accept_language_chooses_among_the_organisations_languages(platform, beffroi_org):
    browser = platform.browser()
    english = browser.get("/-/api/v1/nowhere", headers={"Accept-Language": "en-GB,en;q=0.8"},
                          status=404)
    assert problem(english, 404)["title"] == "Not found"
    assert english.headers["Content-Language"] == "en"
    # a language the organisation does not offer: its default
    german = browser.get("/-/api/v1/nowhere", headers={"Accept-Language": "de"}, status=404)
    assert problem(german, 404)["title"] == "Introuvable"
    platform.add_org("English town", "en.localhost", default_locale="en")
    other = platform.browser("en.localhost")
    assert problem(other.get("/-/api/v1/nowhere", status=404), 404)["title"] == "Not found"
    french = other.get("/-/api/v1/nowhere", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"},
                       status=404)
    body = problem(french, 404)
    assert body["title"] == "Introuvable" and french.headers["Content-Language"] == "fr"
    assert body["type"].endswith("/-/api#problem-not-found")          # the same for programs


def test_the_site_cookie_does_not_choose_the_apis_language(platform, beffroi_org):
    browser = platform.browser()
    browser.set_cookie("_LOCALE_", "en")
    assert problem(browser.get("/-/api/v1/nowhere", status=404), 404)["title"] == "Introuvable"
