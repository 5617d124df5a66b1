"""Forms built by deform from colander schemas, with a CSRF token and translated messages."""
from __future__ import annotations

import colander
import deform
from importlib.resources import files
from pyramid.threadlocal import get_current_request

from beffroi.i18n import _


def _translator(term):
    request = get_current_request()
    if request is None:
        return term
    return request.localizer.translate(term)


@colander.deferred
def _csrf_default(node, kw):
    return kw["request"].session.get_csrf_token()


def _check_csrf(node, value):
    request = node.bindings["request"] if node.bindings else None
    if request is None or value != request.session.get_csrf_token():
        raise colander.Invalid(node, _("This form has expired; please send it again."))


class CSRFSchema(colander.MappingSchema):
    """Base schema for every form: a hidden CSRF token checked on submission."""
    csrf_token = colander.SchemaNode(
        colander.String(), widget=deform.widget.HiddenWidget(), default=_csrf_default,
        validator=_check_csrf, missing=colander.required)


def with_csrf(schema: colander.SchemaNode) -> colander.SchemaNode:
    """A copy of ``schema`` with the CSRF token node first."""
    out = schema.clone()
    out.children.insert(0, CSRFSchema().get("csrf_token").clone())
    return out


def make_form(request, schema, buttons=("save",), action="", **kw):
    """A deform Form over ``schema`` bound to ``request`` (CSRF included)."""
    bound = with_csrf(schema).bind(request=request, **kw.pop("bindings", {}))
    labels = {
        "save": _("Save"), "create": _("Create"), "send": _("Send"), "login": _("Log in"),
        "delete": _("Delete"),
    }
    btns = [deform.Button(b, request.localizer.translate(labels.get(b, b))) for b in buttons]
    return deform.Form(bound, buttons=btns, action=action, **kw)


def validate(request, form):
    """Return ``(appstruct, None)`` on success or ``(None, html)`` with errors shown next
    to the fields and what the person typed kept."""
    controls = list(request.POST.items())
    try:
        return form.validate(controls), None
    except deform.ValidationFailure as failure:
        return None, failure.render()


def includeme(config):
    # our few overrides first (accessible groups of checkboxes and radios), then deform's
    search_path = (str(files("beffroi") / "templates" / "deform"),
                   str(files("deform") / "templates"))
    deform.Form.set_zpt_renderer(search_path, translator=_translator)
    config.add_static_view("-/deform", "deform:static", cache_max_age=3600)
