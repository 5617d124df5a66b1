"""The organisation's home page (its blocks) and ``/-/admin/home`` where its admins
choose, order and fill them; the hero image at ``/-/home-image`` (versioned URL)."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from beffroi.admin.forms import field_error, validate_whole
from beffroi.forms import MemoryTmpStore, make_form
from beffroi.i18n import _
from beffroi.kit import flash
from beffroi.resources.admin import AdminArea
from beffroi.resources.organisation import SiteTools
from beffroi.sanitise import render_markdown
from beffroi.services.actionlog import model as actionlog
from beffroi.services.homepage import model
from beffroi.pictures import clear_picture, picture_response, set_picture
from beffroi.uploads import UploadError, check_image, read_upload

POSITIONS = [("", _("Hidden"))] + [(str(i), str(i)) for i in range(1, len(model.BLOCKS) + 1)]


def home_values(request, organisation, spaces) -> dict:
    """What ``home.pt`` renders, block by block (called by the home view)."""
    home = model.get_home(organisation)
    order = model.blocks_of(organisation)
    values = {"order": order, "home": home,
              "hero_html": render_markdown(home.hero_text, "body") if home and home.hero_text else "",
              "text_html": render_markdown(home.text, "body") if home and home.text else ""}
    if "figures" in order:
        values["figures"] = model.figures(request, organisation, spaces)
    if "calls" in order:
        grouped = {}
        for call in model.open_calls(request, spaces):
            grouped.setdefault(call["space"].__name__, (call["space"], []))[1].append(call)
        values["calls"] = list(grouped.values())
    return values


def _cta_url(node, value):
    if value and not (value.startswith("https://") or (value.startswith("/") and not value.startswith("//"))):
        raise colander.Invalid(node, _("A path on this site (starting with /) or an https:// address."))


def _hero_rules(node, value):
    error = colander.Invalid(node)
    if value.get("hero_image") is not None and not (value.get("hero_image_alt") or "").strip():
        error["hero_image_alt"] = _("Describe the image for people who cannot see it, or "
                                    "write a single dash if it is decorative.")
    if bool(value.get("cta_text")) != bool(value.get("cta_url")):
        error["cta_url" if value.get("cta_text") else "cta_text"] = _(
            "A call to action needs both a text and an address.")
    if error.children:
        raise error


def home_schema():
    schema = colander.SchemaNode(colander.Mapping(), validator=_hero_rules)
    add = schema.add
    add(colander.SchemaNode(colander.String(), name="hero_title", title=_("Hero title"),
                            missing="", validator=colander.Length(max=150),
                            description=_("Empty: the organisation's name.")))
    add(colander.SchemaNode(colander.String(), name="hero_text", title=_("Hero text"), missing="",
                            validator=colander.Length(max=2000),
                            description=_("Markdown; a sentence or two."),
                            widget=deform.widget.TextAreaWidget(rows=3)))
    add(colander.SchemaNode(deform.FileData(), name="hero_image", title=_("Hero image"),
                            missing=None, description=_("PNG, JPEG or WebP; resized to 1600 pixels."),
                            widget=deform.widget.FileUploadWidget(MemoryTmpStore())))
    add(colander.SchemaNode(colander.String(), name="hero_image_alt",
                            title=_("Text alternative of the image"), missing="",
                            validator=colander.Length(max=300),
                            description=_("What the image shows; a single dash (-) for a "
                                          "decorative image.")))
    add(colander.SchemaNode(colander.Boolean(), name="remove_image", title=_("Remove the image"),
                            missing=False))
    add(colander.SchemaNode(colander.String(), name="cta_text", title=_("Call to action"),
                            missing="", validator=colander.Length(max=80)))
    add(colander.SchemaNode(colander.String(), name="cta_url", title=_("Address of the call to action"),
                            missing="", validator=colander.All(colander.Length(max=500), _cta_url)))
    add(colander.SchemaNode(colander.String(), name="text_title", title=_("Title of the free text"),
                            missing="", validator=colander.Length(max=150)))
    add(colander.SchemaNode(colander.String(), name="text", title=_("Free text"), missing="",
                            validator=colander.Length(max=20_000),
                            description=_("Markdown."), widget=deform.widget.TextAreaWidget(rows=6)))
    for block in model.BLOCKS:
        add(colander.SchemaNode(
            colander.String(), name="pos_" + block, title=model.BLOCK_TITLES[block], missing="",
            description=_("Position on the page, or hidden."),
            validator=colander.OneOf([p for p, _t in POSITIONS]),
            widget=deform.widget.SelectWidget(values=POSITIONS)))
    return schema


def _stored(home):
    order = home.blocks if home is not None else model.DEFAULT_ORDER
    values = {"pos_" + b: str(order.index(b) + 1) if b in order else "" for b in model.BLOCKS}
    if home is not None:
        for name in ("hero_title", "hero_text", "cta_text", "cta_url",
                     "text_title", "text"):
            values[name] = getattr(home, name) or ""
        values["hero_image_alt"] = home.hero_image_alt or ("-" if home.hero_image is not None else "")
    return values


@view_config(context=AdminArea, name="home", permission="org.admin",
             request_method=("GET", "POST"), renderer="beffroi:templates/admin/form.pt")
def admin_home(context, request):
    org = context.organisation
    home = model.get_home(org)
    form = make_form(request, home_schema(), action=request.url)
    if request.method == "POST":
        data, html = validate_whole(request, form, lambda: _stored(home))
        if data is not None:
            image = None
            if data["hero_image"] is not None and not data["remove_image"]:
                try:
                    image = read_upload(data["hero_image"]["fp"], org.upload_max_bytes)
                    check_image(image)
                except UploadError as exc:
                    html = field_error(form, dict(data, hero_image=colander.null),
                                       "hero_image", exc.message)
            if html is None:
                home = model.get_home(org, create=True)
                for name in ("hero_title", "hero_text", "cta_text", "cta_url", "text_title", "text"):
                    setattr(home, name, data[name].strip())
                if data["remove_image"]:
                    clear_picture(home, "hero_image")
                elif image is not None:
                    set_picture(home, "hero_image", image, data["hero_image_alt"])
                elif data["hero_image_alt"].strip() and home.hero_image is not None:
                    alt = data["hero_image_alt"].strip()
                    home.hero_image_alt = "" if alt == "-" else alt
                chosen = sorted((int(data["pos_" + b]), i, b) for i, b in enumerate(model.BLOCKS)
                                if data["pos_" + b])
                home.blocks = tuple(b for _p, _i, b in chosen)
                actionlog.record(request, "organisation.home", org.name)
                flash(request, _("The home page is saved."))
                return HTTPFound(location=request.url)
    else:
        html = form.render(_stored(home))
    return {"page_title": _("Home page"), "form": html,
            "intro": _("Choose the blocks of the home page and their order.")}


@view_config(context=SiteTools, name="home-image", request_method="GET")
def home_image(context, request):
    home = model.get_home(context.organisation)
    if home is None:
        raise HTTPNotFound()
    return picture_response(request, home, "hero_image")
