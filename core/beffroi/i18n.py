"""Translation domain, locale choice (participant, then organisation) and helpers."""
from __future__ import annotations

from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("beffroi")

LOCALE_COOKIE = "_LOCALE_"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def locale_negotiator(request):
    """The participant's choice (cookie, then profile), else the organisation default."""
    try:
        org = request.organisation
    except Exception:
        return request.registry.settings.get("pyramid.default_locale_name", "fr")
    wanted = request.cookies.get(LOCALE_COOKIE)
    if wanted in org.locales:
        return wanted
    user = request.user
    if user is not None and user.locale in org.locales:
        return user.locale
    return org.default_locale


def translate(request, message, mapping=None):
    return request.localizer.translate(message, mapping=mapping) if mapping else \
        request.localizer.translate(message)


def localizer_for(plugins, locale):
    """A localizer outside any request (command line, demo), over the core's and every
    plugin's catalogs."""
    import os

    from pyramid.i18n import make_localizer
    dirs = [os.path.join(os.path.dirname(__file__), "locale")]
    for record in plugins.plugins.values():
        folder = os.path.join(os.path.dirname(getattr(record.module, "__file__", "") or ""), "locale")
        if os.path.isdir(folder):
            dirs.append(folder)
    return make_localizer(locale, dirs)


def pluralize(request, singular, plural, n, mapping=None, domain="beffroi"):
    """A message whose wording depends on a count, translated for ``request``'s locale.

    ``singular`` and ``plural`` are the English message ids (plain strings, not
    ``_()`` translation strings), both naming the count ``${n}``:
    ``pluralize(request, "${n} signature", "${n} signatures", total,
    domain="beffroi_initiatives")``. ``n`` (an int) chooses the form by the catalog's
    ``Plural-Forms``: in French 0 and 1 take the singular, in English 1 only.
    ``mapping`` fills the message's other ``${names}``; ``n`` is always there (a
    mapping entry ``"n"`` wins, e.g. a number already formatted). ``domain`` is the
    gettext domain of the calling package (a plugin passes its own). Outside a request
    (a mail worker), pass a localizer (``localizer_for``) as ``request``.

    Returns a plain ``str``. Raises ``TypeError`` when ``n`` is not an int (a count
    of ``None`` or of ``"3"`` is a bug, not a plural). Extraction finds the call
    when the two messages are string literals in second and third place; lingua stops
    at an operator among the arguments (``n or 1``, ``a + b``): pass a name, an
    attribute or a call, or put the expression in ``mapping={...}``.
    """
    from translationstring import TranslationString
    wording = plural_wording(request, singular, plural, n, domain)
    return TranslationString(wording, mapping={"n": n, **(mapping or {})}).interpolate()


def plural_wording(request, singular, plural, n, domain="beffroi"):
    """The translated form of ``pluralize``'s message for ``n``, its ``${names}`` left
    in (for callers that fill them with markup). Raises ``TypeError`` as ``pluralize``."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"pluralize: n must be an int, not {n!r} ({singular!r})")
    # a name lingua's "pluralize" keyword does not match: these arguments are no messages
    choose = getattr(request, "localizer", request).pluralize
    return choose(singular, plural, n, domain=domain)
