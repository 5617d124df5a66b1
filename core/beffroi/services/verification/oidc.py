"""OpenID Connect (a FranceConnect-style identity provider): log in and verification.

The client is Authlib's (``OAuth2Session``: authorisation code flow with PKCE S256,
RFC 7636; client authentication ``client_secret_basic``); the ID token is checked with
joserfc against the provider's JWKS (signature RS256/ES256, ``iss``, ``aud``, ``exp``,
``nonce``; OpenID Connect Core 1.0 §3.1.3.7). Each organisation configures its
provider (issuer, client id and secret) on ``/-/admin/verifications-oidc``; the
discovery document (``/.well-known/openid-configuration``) and the JWKS are read from
the issuer, cached for ``CACHE_SECONDS``.

Claims mapped to metadata: ``birthdate`` → ``birth_date`` and ``age_bracket``;
``address.postal_code`` (or ``postal_code``) → ``postal_code``. The identity is the
keyed hash of (issuer, ``sub``): one provider identity verifies one account, and logs
that account in.
"""
from __future__ import annotations

import secrets
import threading
import time
from datetime import date

from beffroi.i18n import _
from beffroi.services.verification import model

METHOD = "oidc"
SESSION_KEY = "beffroi.oidc"
CACHE_SECONDS = 3600
TIMEOUT = 10
SCOPES = "openid profile email birthdate address"
_cache: dict = {}
_cache_lock = threading.Lock()


class OIDCError(model.VerificationRefused):
    """The provider could not be used or answered something unacceptable."""


def settings_of(organisation):
    """The organisation's provider settings (``issuer``, ``client_id``,
    ``client_secret``, ``title``, ``login``), or None when not configured."""
    store = model.store_of(organisation)
    settings = getattr(store, "oidc", None) if store is not None else None
    return settings if settings and settings.get("issuer") and settings.get("client_id") else None


def _get_json(url):
    import requests
    with _cache_lock:
        cached = _cache.get(url)
        if cached and cached[0] > time.monotonic():
            return cached[1]
    try:
        response = requests.get(url, timeout=TIMEOUT, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OIDCError(_("The identity provider cannot be reached (${error}). Try again later.",
                          mapping={"error": type(exc).__name__})) from exc
    with _cache_lock:
        _cache[url] = (time.monotonic() + CACHE_SECONDS, data)
    return data


def discovery(issuer):
    """The provider's metadata (OpenID Connect Discovery 1.0), checked to name ``issuer``."""
    data = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if data.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
        raise OIDCError(_("The identity provider announced another issuer."))
    return data


def _client(request, settings, **kw):
    from authlib.integrations.requests_client import OAuth2Session
    return OAuth2Session(settings["client_id"], settings["client_secret"], scope=SCOPES,
                         redirect_uri=callback_url(request), code_challenge_method="S256",
                         timeout=TIMEOUT, **kw)


def callback_url(request):
    """The redirection URI to register at the provider: ``<site>/-/oidc-callback``."""
    return request.application_url + "/-/oidc-callback"


def start(request, purpose, came_from=""):
    """The provider's authorisation URL for ``purpose`` (``"login"`` or ``"verify"``);
    state, nonce and PKCE verifier wait in the session. Raises ``OIDCError``."""
    from authlib.common.security import generate_token
    settings = settings_of(request.organisation)
    if settings is None:
        raise OIDCError(_("No identity provider is configured for this organisation."))
    meta = discovery(settings["issuer"])
    verifier, nonce = generate_token(64), secrets.token_urlsafe(24)
    client = _client(request, settings)
    url, state = client.create_authorization_url(meta["authorization_endpoint"],
                                                 code_verifier=verifier, nonce=nonce)
    request.session[SESSION_KEY] = {"state": state, "nonce": nonce, "verifier": verifier,
                                    "purpose": purpose, "came_from": came_from or "",
                                    "user": request.user.id if request.user else None}
    return url


def finish(request):
    """Exchange the code of the callback for tokens, check the ID token and read the
    user info; returns ``(pending, claims)``. Raises ``OIDCError``."""
    pending = request.session.pop(SESSION_KEY, None)
    state = request.params.get("state", "")
    if not pending or not state or not secrets.compare_digest(str(state).encode("utf-8", "replace"),
                                                                  str(pending["state"]).encode()):
        raise OIDCError(_("This sign-in has expired or did not start here. Start again."))
    if request.params.get("error"):
        raise OIDCError(_("The identity provider refused: ${error}.",
                          mapping={"error": request.params.get("error", "")[:80]}))
    settings = settings_of(request.organisation)
    if settings is None:
        raise OIDCError(_("No identity provider is configured for this organisation."))
    meta = discovery(settings["issuer"])
    client = _client(request, settings, state=pending["state"])
    try:
        token = client.fetch_token(meta["token_endpoint"], code=request.params.get("code", ""),
                                   code_verifier=pending["verifier"],
                                   grant_type="authorization_code")
    except Exception as exc:       # network or OAuth error: tell, never a 500
        raise OIDCError(_("The identity provider refused the sign-in (${error}).",
                          mapping={"error": type(exc).__name__})) from exc
    claims = check_id_token(token.get("id_token", ""), settings, meta, pending["nonce"])
    if meta.get("userinfo_endpoint"):
        try:
            response = client.get(meta["userinfo_endpoint"])
            response.raise_for_status()
            info = response.json()
        except Exception as exc:
            raise OIDCError(_("The identity provider refused the sign-in (${error}).",
                              mapping={"error": type(exc).__name__})) from exc
        if info.get("sub") != claims["sub"]:
            raise OIDCError(_("The identity provider answered for another person."))
        claims = {**claims, **info}
    return pending, claims


def check_id_token(id_token, settings, meta, nonce) -> dict:
    """The claims of ``id_token`` after checking its signature (JWKS of the provider),
    issuer, audience, expiry and nonce; raises ``OIDCError``."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet
    try:
        keys = KeySet.import_key_set(_get_json(meta["jwks_uri"]))
        decoded = jwt.decode(id_token, keys, algorithms=["RS256", "ES256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": meta["issuer"]},
            aud={"essential": True, "value": settings["client_id"]},
            exp={"essential": True}, sub={"essential": True},
            nonce={"essential": True, "value": nonce}, leeway=60,
        ).validate(decoded.claims)
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise OIDCError(_("The identity provider's answer failed its checks (${error}).",
                          mapping={"error": type(exc).__name__})) from exc
    return dict(decoded.claims)


def metadata_of(claims) -> dict:
    """Metadata from OpenID claims: ``birthdate`` (YYYY-MM-DD) and the postal code."""
    birth = None
    try:
        birth = date.fromisoformat(str(claims.get("birthdate", ""))[:10])
    except ValueError:
        pass
    address = claims.get("address") if isinstance(claims.get("address"), dict) else {}
    postal = address.get("postal_code") or claims.get("postal_code") or ""
    return model.person_metadata(birth, str(postal)[:20])


def identity(organisation, claims) -> str:
    settings = settings_of(organisation)
    return model.keyed_hash(organisation, METHOD, settings["issuer"].rstrip("/"), str(claims["sub"]))


def verify(request, user_id, claims):
    """Grant the OpenID verification to ``user_id`` from ``claims``."""
    return model.grant(request, user_id, METHOD, metadata_of(claims),
                       unique_id=identity(request.organisation, claims))


def account_for_login(request, claims):
    """The account the provider's identity logs in: the one it verifies, else a new
    account made from the claims (open registration only). Raises ``OIDCError`` when an
    account already uses the e-mail (its owner links it from their account page)."""
    from beffroi.accounts.users import AccountError, create_user
    org = request.organisation
    store = model.store_of(org, create=True)
    holder = store.claims.get(identity(org, claims))
    if holder is not None and model._still_holds(org, holder):
        return org.users[holder[0]]
    if org.registration_mode != "open":
        raise OIDCError(_("No account is linked to this identity and registration is closed."))
    email = str(claims.get("email") or "")
    if email and org.users.find_by_email(email) is not None:
        raise OIDCError(_(
            "An account already uses this e-mail address: log in with your password, then "
            "verify your identity from your account page to link it."))
    name = " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name")).strip() \
        or str(claims.get("name") or "") or email.split("@")[0]
    try:
        user = create_user(org, email, name, secrets.token_urlsafe(32) + "aA1!", confirmed=True)
    except AccountError as exc:
        raise OIDCError(exc.message) from exc
    model.log(request, "oidc_account_created", user.id, METHOD)
    verify(request, user.id, claims)
    return user


def login_links(request) -> list:
    """``[(url, text)]``: "Log in with <provider>" for the login page, when offered."""
    from urllib.parse import quote
    settings = settings_of(request.organisation)
    if settings is None or not settings.get("login"):
        return []
    back = quote(request.params.get("came_from", "/"), safe="/")
    text = _("Log in with ${provider}", mapping={"provider": settings.get("title") or "OpenID Connect"})
    return [(f"{request.application_url}/-/oidc-login?came_from={back}", text)]
