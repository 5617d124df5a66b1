"""Download my data (GDPR art. 20): a ZIP of the account's profile, avatar and what every
module holds of the person (``ModuleInfo.portable_data``, ``extra_portable_data``)."""
from __future__ import annotations

import io
import json
import zipfile

from beffroi.i18n import _


# --- download my data -------------------------------------------------------------------------

def profile_data(request, user):
    """The account's own data, as JSON-serialisable values."""
    org = request.organisation
    return {
        "id": user.id,
        "organisation": {"id": org.id, "name": org.name, "host": org.host},
        "email": user.email,
        "name": user.name,
        "nickname": user.nickname,
        "locale": user.locale,
        "confirmed": user.confirmed,
        "official": user.official,
        "created": user.created.isoformat() if user.created else None,
        "organisation_roles": list(org.org_roles(user.id)),
        "space_roles": {slug: list(space.space_roles(user.id))
                        for slug, space in org.spaces.items() if space.space_roles(user.id)},
        "has_avatar": user.avatar is not None,
        "newsletter_consent": (user.newsletter_consent.isoformat()
                               if getattr(user, "newsletter_consent", None) else None),
    }


def data_archive(request, user) -> bytes:
    """A ZIP of ``profile.json``, ``avatar.*`` and one ``plugins/<module>.json`` per module
    declaring ``portable_data`` that holds something of ``user``."""
    from beffroi.kit import portable_data_of_modules
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("profile.json", _json(profile_data(request, user)))
        if user.avatar is not None:
            ext = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}.get(user.avatar_type, "bin")
            with user.avatar.open("r") as f:
                archive.writestr(f"avatar.{ext}", f.read())
        for module, data in portable_data_of_modules(request, user):
            archive.writestr(f"plugins/{module}.json", _json(data))
        archive.writestr("README.txt", request.localizer.translate(_(
            "Your data on ${org}, as JSON files: profile.json for your account, and one file "
            "per module under plugins/.", mapping={"org": request.organisation.name})))
    return buffer.getvalue()


def _json(value):
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
