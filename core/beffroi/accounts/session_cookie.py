"""The browser session: a signed cookie holding the login (user id, session id), the
CSRF token and flash messages — small, bounded, and set only when there is something
to keep.

Pyramid's signed cookie session, with three changes:

- A visitor without a session gets no cookie until something is stored: reading the
  flash messages of an empty session (every page's layout does) changes nothing, so
  anonymous pages stay cacheable by a shared cache.
- Flash messages are bounded: ``FLASH_LIMIT`` per queue, ``FLASH_MAX_CHARS`` each.
- The cookie never grows past what browsers keep: when it would, the oldest flash
  messages are dropped first, then everything but the login and the CSRF token. The
  cookie is written after the transaction has committed, so raising there would
  answer 500 for a write that was saved.
"""
from __future__ import annotations

from pyramid.session import SignedCookieSessionFactory
from pyramid.settings import asbool

FLASH_LIMIT = 5
FLASH_MAX_CHARS = 300
#: Keys kept when nothing else fits (login, system login, CSRF token).
ESSENTIAL_KEYS = ("uid", "org", "sid", "system_admin", "system_sid", "_csrft_")


def session_factory(secret, settings):
    """The session factory for ``config.set_session_factory``, from the settings
    (``beffroi.session_timeout``, ``beffroi.secure_cookies``)."""
    from beffroi.accounts.sessions import session_timeout
    timeout = session_timeout(settings)
    base = SignedCookieSessionFactory(
        secret, cookie_name="beffroi", httponly=True, samesite="Lax",
        secure=asbool(settings.get("beffroi.secure_cookies", False)),
        timeout=timeout, reissue_time=min(60, timeout // 10), max_age=None)

    class BeffroiSession(base):
        @property
        def will_set_cookie(self):
            """Will this response carry the session cookie (something was stored)?"""
            return self._dirty

        def flash(self, msg, queue="", allow_duplicate=True):
            msg = str(msg)
            if len(msg) > FLASH_MAX_CHARS:
                msg = msg[:FLASH_MAX_CHARS - 1] + "…"
            key = "_f_" + queue
            storage = list(dict.get(self, key, ()))
            if not allow_duplicate and msg in storage:
                return
            storage.append(msg)
            self[key] = storage[-FLASH_LIMIT:]

        def pop_flash(self, queue=""):
            key = "_f_" + queue
            if not dict.__contains__(self, key):
                return []         # nothing to take: the session is left untouched
            return self.pop(key)

        def _set_cookie(self, response):
            while True:
                try:
                    return super()._set_cookie(response)
                except ValueError:          # "Cookie value is too long"
                    if not self._drop_oldest_flash():
                        break
            essential = {k: dict.get(self, k) for k in ESSENTIAL_KEYS if dict.__contains__(self, k)}
            dict.clear(self)
            dict.update(self, essential)
            return super()._set_cookie(response)

        def _drop_oldest_flash(self):
            for key in [k for k in dict.keys(self) if k.startswith("_f_")]:
                messages = dict.get(self, key)
                if messages:
                    dict.__setitem__(self, key, messages[1:])
                    return True
                dict.pop(self, key)
                return True
            return False

    return BeffroiSession
