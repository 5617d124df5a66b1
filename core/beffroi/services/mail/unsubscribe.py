"""Unsubscribe links of the e-mail a participant receives (notifications, newsletters):
one signed token per person and purpose, a confirmation page that changes nothing, and
the one-click POST of RFC 8058 that mail clients send without a CSRF token (the token
proves the request comes from the mail's recipient, which is what a CSRF token would
prove).

A service keeps its own secret, purpose and page; it writes two views::

    @view_config(context=SiteTools, name="unsubscribe", request_method="GET", renderer=…)
    def unsubscribe_page(context, request):
        return unsubscribe_answer(request, context.organisation, title, check)

    @view_config(context=SiteTools, name="unsubscribe", request_method="POST",
                 require_csrf=False, renderer=…)
    def unsubscribe(context, request):
        return unsubscribe_answer(request, context.organisation, title, check, stop=…)
"""
from __future__ import annotations

import hashlib
import hmac


def signed_token(secret: str, purpose: str, user_id: str, length: int | None = None) -> str:
    """HMAC-SHA256 of ``purpose:user_id`` with ``secret``, in hex, cut to ``length``."""
    digest = hmac.new(secret.encode(), f"{purpose}:{user_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:length]


def token_matches(secret: str | None, purpose: str, user_id, token, length: int | None = None
                  ) -> bool:
    """Is ``token`` the ``signed_token`` of ``user_id``? False, never an error, for no
    secret yet (nothing was ever sent), an empty id or token, or any other text."""
    if secret is None or not user_id or not isinstance(token, str) or not token:
        return False
    expected = signed_token(secret, purpose, user_id, length)
    # bytes: a token typed with non-ASCII characters is simply wrong, never an error
    return hmac.compare_digest(expected.encode(), token.encode("utf-8", "replace"))


def unsubscribing_user(request, organisation, check):
    """The participant named by the link's ``u`` whose ``t`` passes ``check(organisation,
    user_id, token)``, or None (unknown, deleted, or a wrong token)."""
    uid = request.params.get("u", "")
    user = organisation.users.get(uid) if isinstance(uid, str) and uid else None
    if user is None or user.deleted or not check(organisation, uid, request.params.get("t", "")):
        return None
    return user


def unsubscribe_answer(request, organisation, title, check, stop=None) -> dict:
    """The values of an unsubscribe page. On GET, the confirmation form (it carries the
    link's ``u`` and ``t``); on POST, ``stop(user)`` has been called and the page says it
    is done. An invalid link answers 400 in both cases and changes nothing."""
    user = unsubscribing_user(request, organisation, check)
    if user is None:
        request.response.status_int = 400
    if request.method != "POST":
        return {"page_title": title, "valid": user is not None, "done": False,
                "u": request.params.get("u", ""), "t": request.params.get("t", "")}
    if user is not None:
        stop(user)
    return {"page_title": title, "valid": user is not None, "done": user is not None,
            "u": "", "t": ""}
