"""Organisation settings and branding: ``/-/admin/settings`` (organisation admins only)."""
from __future__ import annotations

import io

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from beffroi.services.actionlog import model as actionlog
from beffroi.forms import MemoryTmpStore, make_form
from beffroi.i18n import LANGUAGE_NAMES, _
from beffroi.resources.admin import AdminArea
from beffroi.resources.organisation import LOCALES
from beffroi.sanitise import sanitise_html
from beffroi.uploads import UploadError, clean_image
from beffroi.admin.forms import checkbox_set, field_error, validate_whole

#: Image types accepted as a logo, by what Pillow finds in the file (not its name).
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
LOGO_MAX_PIXELS = 4000 * 4000


@colander.deferred
def _skin_widget(node, kw):
    skins = kw["request"].registry.beffroi.skins
    return deform.widget.SelectWidget(values=[(name, name) for name in sorted(skins)])


@colander.deferred
def _skin_validator(node, kw):
    return colander.OneOf(sorted(kw["request"].registry.beffroi.skins))


def _check_locales(node, value):
    if value["default_locale"] not in value["locales"]:
        error = colander.Invalid(node)
        error["default_locale"] = _("The default language must be one of the languages chosen.")
        raise error


class SettingsSchema(colander.MappingSchema):
    name = colander.SchemaNode(colander.String(), title=_("Name"),
                               validator=colander.Length(min=1, max=200))
    description = colander.SchemaNode(
        colander.String(), title=_("Description"), missing="",
        description=_("Shown on the home page. HTML is allowed: paragraphs, lists, links."),
        validator=colander.Length(max=20_000), widget=deform.widget.TextAreaWidget(rows=6))
    primary_colour = colander.SchemaNode(
        colander.String(), title=_("Main colour"),
        description=_("Six hexadecimal digits after #, for example #1f5fa8."),
        validator=colander.Regex(r"^#[0-9a-fA-F]{6}$", _("Write the colour as #rrggbb, for example #1f5fa8.")),
        widget=deform.widget.TextInputWidget(attributes={"autocomplete": "off"}))
    logo = colander.SchemaNode(
        deform.FileData(), title=_("Logo"), missing=None,
        description=_("PNG, JPEG, GIF or WebP image."),
        widget=deform.widget.FileUploadWidget(MemoryTmpStore()))
    remove_logo = colander.SchemaNode(colander.Boolean(), title=_("Remove the logo"), missing=False)
    skin = colander.SchemaNode(colander.String(), title=_("Look (skin)"),
                               widget=_skin_widget, validator=_skin_validator)
    locales = checkbox_set([(c, LANGUAGE_NAMES.get(c, c)) for c in LOCALES], _("Languages"),
                           validator=colander.Length(min=1))
    default_locale = colander.SchemaNode(
        colander.String(), title=_("Default language"), validator=colander.OneOf(LOCALES),
        widget=deform.widget.SelectWidget(values=[(c, LANGUAGE_NAMES.get(c, c)) for c in LOCALES]))
    moderation_threshold = colander.SchemaNode(
        colander.Integer(), title=_("Reports before content is hidden"),
        description=_("Content reported this many times is hidden until a moderator decides."),
        validator=colander.Range(1, 100))


def read_logo(upload, max_bytes):
    """``(bytes, mime type)`` of an uploaded logo, or raise ``ValueError`` with a message.

    The type comes from the file's content as Pillow reads it, never from its name or
    the browser's claim; an SVG (scriptable) or a truncated image is refused."""
    from PIL import Image
    fp = upload["fp"]
    data = fp.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(_("The image is too large (${mb} MB at most).",
                           mapping={"mb": max(1, max_bytes // (1024 * 1024))}))
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            if image.width * image.height > LOGO_MAX_PIXELS:
                raise ValueError(_("The image has too many pixels."))
            image.verify()
    except ValueError:
        raise
    except Exception:
        raise ValueError(_("This file is not an image we can show (PNG, JPEG, GIF or WebP).")) from None
    if kind not in LOGO_TYPES:
        raise ValueError(_("This file is not an image we can show (PNG, JPEG, GIF or WebP)."))
    try:        # re-encoded like every uploaded image: no EXIF (camera, GPS), no comment
        return clean_image(data, max_side=None, allowed=LOGO_TYPES)
    except UploadError:
        raise ValueError(_("This file is not an image we can show (PNG, JPEG, GIF or WebP).")) from None


def store_logo(org, data, mime):
    from ZODB.blob import Blob
    blob = Blob()
    with blob.open("w") as f:
        f.write(data)
    org.logo, org.logo_type = blob, mime


@view_config(context=AdminArea, name="settings", permission="org.admin",
             request_method=("GET", "POST"), renderer="beffroi:templates/admin/form.pt")
def settings_view(context, request):
    org = context.organisation
    schema = SettingsSchema(validator=_check_locales)
    form = make_form(request, schema, action=request.url)

    def stored():
        return {"name": org.name, "description": org.description,
                "primary_colour": org.primary_colour, "skin": org.skin,
                "locales": set(org.locales), "default_locale": org.default_locale,
                "moderation_threshold": org.moderation_threshold}
    if request.method == "POST":
        appstruct, html = validate_whole(request, form, stored)
        if appstruct is not None:
            logo = None
            if appstruct["logo"] is not None and not appstruct["remove_logo"]:
                try:
                    logo = read_logo(appstruct["logo"], org.upload_max_bytes)
                except ValueError as exc:
                    html = field_error(form, dict(appstruct, logo=colander.null), "logo", exc.args[0])
            if html is None:
                org.name = appstruct["name"].strip()
                org.description = sanitise_html(appstruct["description"])
                org.primary_colour = appstruct["primary_colour"].lower()
                org.skin = appstruct["skin"]
                org.locales = tuple(c for c in LOCALES if c in appstruct["locales"])
                org.default_locale = appstruct["default_locale"]
                org.moderation_threshold = appstruct["moderation_threshold"]
                if appstruct["remove_logo"]:
                    org.logo = org.logo_type = None
                elif logo is not None:
                    store_logo(org, *logo)
                actionlog.record(request, "organisation.settings", org.name,
                                 logo="removed" if appstruct["remove_logo"] else
                                 "changed" if logo else "kept")
                request.session.flash(request.localizer.translate(_("Settings saved.")))
                return HTTPFound(location=request.url)
    else:
        html = form.render(stored())
    return {"page_title": _("Settings and look"), "form": html}
