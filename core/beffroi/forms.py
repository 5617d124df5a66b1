"""Forms built by deform from colander schemas, with a CSRF token and translated messages.

``make_form`` also applies the rules every field of every module obeys, so a module
(those to come included) gets them without asking:

- text fields refuse control characters (NUL and the other C0 characters except tab,
  line feed and carriage return, DEL, the C1 range, and U+FFFD, the mark of bytes that
  were not text): they are invisible, break mail and CSV, and are never meant;
- one-line text fields (text inputs) refuse line breaks, and number fields NaN and
  infinities;
- file fields refuse a submission that carries no file (a form posted without
  ``multipart/form-data``), with a message instead of a crash in the module's check.
"""
from __future__ import annotations

import re

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


#: Characters no text field accepts (see the module docstring).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


def has_control_characters(text) -> bool:
    """Does ``text`` (a str; anything else is False) hold a character of
    ``CONTROL_CHARACTERS``? For text taken outside a deform form (comments, reports)."""
    return isinstance(text, str) and CONTROL_CHARACTERS.search(text) is not None


#: The message shown next to a field holding control characters.
CONTROL_CHARACTERS_MESSAGE = _("This text contains invisible control characters (such as NUL); "
                               "remove them and send it again.")


LINE_BREAK_MESSAGE = _("This field is one line: remove the line breaks.")
NOT_FINITE_MESSAGE = _("Write a number.")


def one_line(node, value):
    """Colander validator of one-line text fields (text inputs): no line break (a text
    input cannot hold one; only a forged request sends it, and it breaks mail headers,
    CSV rows and calendar lines)."""
    if isinstance(value, str) and ("\n" in value or "\r" in value):
        raise colander.Invalid(node, LINE_BREAK_MESSAGE)


def finite_number(node, value):
    """Colander validator of number fields: refuse NaN and infinities (colander's
    Decimal accepts "NaN", which then breaks every comparison)."""
    import math
    try:
        finite = value is None or value is colander.null or math.isfinite(value)
    except (TypeError, ValueError, ArithmeticError):
        finite = False
    if not finite:
        raise colander.Invalid(node, NOT_FINITE_MESSAGE)


def no_control_characters(node, value):
    """Colander validator: refuse strings holding ``CONTROL_CHARACTERS`` (also inside
    the items of a set or a list of strings)."""
    values = value if isinstance(value, (set, frozenset, list, tuple)) else (value,)
    if any(has_control_characters(v) for v in values):
        raise colander.Invalid(node, CONTROL_CHARACTERS_MESSAGE)


NO_FILE_MESSAGE = _("No file was received. Choose the file again and send the form.")


def file_received(node, value):
    """Colander validator of file fields: the value must be an uploaded file. A form
    posted without ``multipart/form-data`` sends only the file's name, or nothing."""
    fp = value.get("fp") if isinstance(value, dict) else None
    if fp is None or not hasattr(fp, "read"):
        raise colander.Invalid(node, NO_FILE_MESSAGE)


class UploadWidget(deform.widget.FileUploadWidget):
    """deform's file widget, saying what went wrong in words a person understands when
    the form carried a file's name instead of the file (deform says "Invalid pstruct")."""

    def deserialize(self, field, pstruct):
        try:
            return super().deserialize(field, pstruct)
        except colander.Invalid:
            raise colander.Invalid(field.schema, NO_FILE_MESSAGE, colander.null) from None


def _friendly_upload_widget(widget):
    if isinstance(widget, UploadWidget) or not isinstance(widget, deform.widget.FileUploadWidget):
        return widget
    friendly = UploadWidget.__new__(UploadWidget)
    friendly.__dict__.update(widget.__dict__)      # deform widgets keep their options there
    return friendly


def _before(first, validator):
    """``first`` then ``validator``, stopping at the first error (``colander.All`` would
    run the second on a value the first refused)."""
    if validator is None:
        return first

    def check(node, value):
        first(node, value)
        validator(node, value)
    return check


def apply_field_rules(node):
    """Put the rules of the module docstring on ``node`` and its descendants (in place:
    call it on a clone or a bound copy)."""
    if isinstance(node.typ, deform.FileData):
        node.validator = _before(file_received, node.validator)
        node.widget = _friendly_upload_widget(node.widget)
    elif isinstance(node.typ, (colander.String, colander.Set, colander.List)) \
            and not isinstance(node.widget, deform.widget.HiddenWidget):
        # hidden fields are not typed by the person; their own checks judge them
        # (came_from goes through safe_came_from, which drops control characters)
        node.validator = _before(no_control_characters, node.validator)
        widget = node.widget
        if isinstance(node.typ, colander.String) and (
                widget is None or type(widget) is deform.widget.TextInputWidget):
            node.validator = _before(one_line, node.validator)
    elif isinstance(node.typ, (colander.Decimal, colander.Float)):
        node.validator = _before(finite_number, node.validator)
    for child in node.children:
        apply_field_rules(child)
    return node


class MemoryTmpStore(dict):
    """deform's upload widget wants a store; uploads are checked and kept in the same
    request, so a dict living for the request is enough (a re-shown form asks again)."""

    def preview_url(self, uid):
        return None


def upload_node(name, title, validator=None, description=None, accept=None, missing=None):
    """An optional file field for any module: ``validator(node, value)`` receives
    deform's file dict (``fp``, ``filename``, ``mimetype``, ``size``) only when a file
    really arrived (``file_received``), and raises ``colander.Invalid`` to refuse it."""
    widget_kw = {"accept": accept} if accept else {}
    return colander.SchemaNode(
        deform.FileData(), name=name, title=title, missing=missing,
        description=description or "", validator=_before(file_received, validator),
        widget=UploadWidget(MemoryTmpStore(), **widget_kw))


def make_form(request, schema, buttons=("save",), action="", **kw):
    """A deform Form over ``schema`` bound to ``request`` (CSRF included), every field
    under the rules of the module docstring.

    No field takes the focus on load (``focus="off"`` unless given): a page may hold
    several forms, and moving a screen-reader user past the page's start loses them."""
    kw.setdefault("focus", "off")
    bound = apply_field_rules(with_csrf(schema).bind(request=request, **kw.pop("bindings", {})))
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
