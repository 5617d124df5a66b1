"""OpenID Connect: log in and verification against a local OpenID provider on loopback
(a small WSGI OP written here: discovery, JWKS, authorize, token with PKCE and client
authentication, userinfo; ID tokens signed RS256 with a real RSA key by joserfc). Real
HTTP on 127.0.0.1 between Beffroi and the provider; nothing of Beffroi is mocked."""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey




import verification_helpers as h  # noqa: E402  (tests/, see conftest.py)
CLIENT_ID, CLIENT_SECRET = "beffroi-test", "s3cret-of-the-client"


class Provider:
    """A minimal OpenID provider: the person who signs in is ``self.person`` (claims)."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self.codes, self.tokens = {}, {}
        self.person = {}
        self.server = make_server("127.0.0.1", 0, self, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if path == "/.well-known/openid-configuration":
            return self._json(start_response, {
                "issuer": self.url, "authorization_endpoint": self.url + "/authorize",
                "token_endpoint": self.url + "/token", "userinfo_endpoint": self.url + "/userinfo",
                "jwks_uri": self.url + "/jwks", "response_types_supported": ["code"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"]})
        if path == "/jwks":
            return self._json(start_response, {"keys": [self.key.as_dict(private=False)]})
        if path == "/authorize":
            assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
            assert query["code_challenge_method"] == "S256" and "openid" in query["scope"]
            code = secrets.token_urlsafe(16)
            self.codes[code] = {**query, "person": dict(self.person)}
            location = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
            start_response("302 Found", [("Location", location)])
            return [b""]
        if path == "/token":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
            form = {k: v[0] for k, v in parse_qs(body).items()}
            auth = environ.get("HTTP_AUTHORIZATION", "")
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            grant = self.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if auth != f"Basic {expected}" or grant is None or challenge != grant["code_challenge"] \
                    or form.get("redirect_uri") != grant["redirect_uri"]:
                return self._json(start_response, {"error": "invalid_grant"}, "400 Bad Request")
            person = grant["person"]
            now = int(time.time())
            id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, {
                "iss": self.url, "aud": CLIENT_ID, "sub": person["sub"], "iat": now,
                "exp": now + 300, "nonce": grant["nonce"]}, self.key)
            access = secrets.token_urlsafe(16)
            self.tokens[access] = person
            return self._json(start_response, {"access_token": access, "token_type": "Bearer",
                                               "expires_in": 300, "id_token": id_token})
        if path == "/userinfo":
            person = self.tokens.get(environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer "))
            if person is None:
                return self._json(start_response, {"error": "invalid_token"}, "401 Unauthorized")
            return self._json(start_response, person)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    @staticmethod
    def _json(start_response, data, status="200 OK"):
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(data).encode()]


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def provider():
    op = Provider()
    yield op
    op.close()


def _configure(town, provider, login=True):
    page = town.admin.get("/-/admin/verifications-oidc")
    assert "http://test.localhost/-/oidc-callback" in page.text
    form = [f for f in page.forms.values() if "issuer" in f.fields][0]
    form["title"], form["issuer"] = "FranceConnect de test", provider.url
    form["client_id"], form["client_secret"] = CLIENT_ID, CLIENT_SECRET
    form["login"] = login
    assert form.submit("save").status_int == 302
    town.offer("oidc", "census")


def _through_provider(browser, response):
    """Follow Beffroi's redirect to the provider over real HTTP, and the provider's
    redirect back into Beffroi."""
    assert response.status_int == 302 and response.location.startswith("http://127.0.0.1:")
    at_provider = requests.get(response.location, allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert back.netloc == "test.localhost" and back.path == "/-/oidc-callback"
    return browser.get(f"{back.path}?{back.query}")


def test_verification_with_the_provider_maps_the_claims(platform, provider):
    town = h.Town(platform)
    _configure(town, provider)
    provider.person = {"sub": "fc-0001", "given_name": "Ana", "family_name": "Martin",
                       "email": "ana@example.org", "birthdate": "1990-07-14",
                       "address": {"postal_code": "59000", "locality": "Lille"}}
    ana = town.participant("ana@example.org")
    page = ana.get("/-/account/verify-oidc?came_from=/budget/proposals/")
    assert "FranceConnect de test" in page.text
    form = [f for f in page.forms.values() if f.action.endswith("verify-oidc")][0]
    done = _through_provider(ana, form.submit())
    assert done.status_int == 302 and done.location == "http://test.localhost/budget/proposals/"
    with platform.tx() as app:
        from beffroi.services.verification.model import granted_verifications
        org = app.organisation_for_host(h.HOST)
        granted = granted_verifications(org, org.users.find_by_email("ana@example.org").id)
    assert granted["oidc"] == {"birth_date": "1990-07-14", "age_bracket": granted["oidc"]["age_bracket"],
                               "postal_code": "59000"}
    assert granted["oidc"]["age_bracket"] in ("35-49", "25-34")
    log = town.admin.get("/-/admin/log?action=verification").text
    assert "verification.oidc_started" in log and "verification.granted" in log


def test_login_with_the_provider_creates_a_verified_account_then_logs_it_in_again(platform, provider):
    town = h.Town(platform)
    _configure(town, provider)
    provider.person = {"sub": "fc-0002", "given_name": "Bob", "family_name": "Durand",
                       "email": "bob@example.org", "birthdate": "2001-01-31",
                       "address": {"postal_code": "59800"}}
    visitor = town.browser()
    assert "Se connecter avec FranceConnect de test" in visitor.get("/-/login").text
    logged = _through_provider(visitor, visitor.get("/-/oidc-login?came_from=/-/account"))
    assert logged.status_int == 302 and logged.location == "http://test.localhost/-/account"
    account = visitor.get("/-/account")
    assert "bob@example.org" in account.text and "Bob Durand" in account.text
    assert "vérifié" in account.text
    # the same identity logs the same account in; no second account
    again = town.browser()
    _through_provider(again, again.get("/-/oidc-login"))
    assert "bob@example.org" in again.get("/-/account").text
    with platform.tx() as app:
        users = [u for u in app.organisation_for_host(h.HOST).users.values() if u.email == "bob@example.org"]
        assert len(users) == 1


def test_login_does_not_take_over_an_existing_account_and_a_forged_state_is_refused(platform, provider):
    town = h.Town(platform)
    _configure(town, provider)
    town.participant("ana@example.org")
    provider.person = {"sub": "fc-0003", "email": "ana@example.org", "given_name": "Ana"}
    visitor = town.browser()
    refused = _through_provider(visitor, visitor.get("/-/oidc-login"))
    assert refused.location.endswith("/-/login")
    assert "Un compte utilise déjà cette adresse" in refused.follow().text
    forged = town.browser().get("/-/oidc-callback?code=abc&state=forged")
    assert forged.location.endswith("/-/login")
    assert "a expiré" in forged.follow().text


def test_a_provider_identity_verifies_one_account_and_not_in_another_organisation(platform, provider):
    town = h.Town(platform)
    _configure(town, provider)
    provider.person = {"sub": "fc-0004", "birthdate": "1980-02-02"}
    ana = town.participant("ana@example.org")
    form = [f for f in ana.get("/-/account/verify-oidc").forms.values() if f.action.endswith("verify-oidc")][0]
    _through_provider(ana, form.submit())
    bob = town.participant("bob@example.org")
    form = [f for f in bob.get("/-/account/verify-oidc").forms.values() if f.action.endswith("verify-oidc")][0]
    refused = _through_provider(bob, form.submit())
    assert "autre compte" in refused.follow().text
    platform.add_org(name="Autre", host=h.OTHER)
    other = town.participant("ana@example.org", host=h.OTHER)
    other.get("/-/account/verify-oidc").follow()        # not offered there: nothing configured
    with platform.tx() as app:
        from beffroi.services.verification.model import store_of
        assert store_of(app.organisation_for_host(h.OTHER)) is None
