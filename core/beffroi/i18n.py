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
