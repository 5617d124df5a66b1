"""``/-/admin/spaces/<slug>/banner``: the banner of a space (its page and its cards),
with its text alternative; ``/<slug>/banner`` serves it."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from beffroi.admin.forms import field_error, validate_whole
from beffroi.forms import MemoryTmpStore, make_form
from beffroi.i18n import _
from beffroi.kit import flash
from beffroi.pictures import clear_picture, picture_response, set_picture
from beffroi.resources.admin import AdminSpace
from beffroi.resources.space import Space
from beffroi.services.actionlog import model as actionlog
from beffroi.uploads import UploadError, check_image, read_upload


def _alt_required(node, value):
    if value.get("image") is not None and not (value.get("alt") or "").strip():
        error = colander.Invalid(node)
        error["alt"] = _("Describe the image for people who cannot see it, or write a single "
                         "dash if it is decorative.")
        raise error


class BannerSchema(colander.MappingSchema):
    image = colander.SchemaNode(deform.FileData(), title=_("Banner"), missing=None,
                                description=_("PNG, JPEG or WebP; resized to 1600 pixels."),
                                widget=deform.widget.FileUploadWidget(MemoryTmpStore()))
    alt = colander.SchemaNode(colander.String(), title=_("Text alternative of the image"),
                              missing="", validator=colander.Length(max=300),
                              description=_("What the image shows; a single dash (-) for a "
                                            "decorative image."))
    remove = colander.SchemaNode(colander.Boolean(), title=_("Remove the banner"), missing=False)


@view_config(context=AdminSpace, name="banner", permission="space.admin",
             request_method=("GET", "POST"), renderer="beffroi:templates/admin/form.pt")
def banner_view(context, request):
    space = context.managed_space
    form = make_form(request, BannerSchema(validator=_alt_required), action=request.url)
    def stored():
        return {"alt": space.banner_alt or ("-" if space.banner is not None else "")}
    if request.method == "POST":
        data, html = validate_whole(request, form, stored)
        if data is not None:
            image = None
            if data["image"] is not None and not data["remove"]:
                try:
                    image = read_upload(data["image"]["fp"], context.organisation.upload_max_bytes)
                    check_image(image)
                except UploadError as exc:
                    html = field_error(form, dict(data, image=colander.null), "image", exc.message)
            if html is None:
                if data["remove"]:
                    clear_picture(space, "banner")
                elif image is not None:
                    set_picture(space, "banner", image, data["alt"])
                elif data["alt"].strip() and space.banner is not None:
                    space.banner_alt = "" if data["alt"].strip() == "-" else data["alt"].strip()
                actionlog.record(request, "space.banner", space.title, space=space.slug)
                flash(request, _("The banner is saved."))
                return HTTPFound(location=request.resource_url(context))
    else:
        html = form.render(stored())
    return {"page_title": _("Banner of the space"), "form": html, "space": space}


@view_config(context=Space, name="banner", permission="view", request_method="GET")
def banner(context, request):
    return picture_response(request, context, "banner")
