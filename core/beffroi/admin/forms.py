"""Form helpers shared by the administration views (organisation and system).

Whole forms only (``validate_whole``, ``missing_fields``): a form of checkboxes says
"none" by sending nothing for them, so a POST that lacks a form's fields — forged, cut
short, or sent by a script with only the CSRF token — would read as "untick
everything, empty every field" and wipe the settings. A browser always sends some
fields of the form it shows: its text fields, selects and text areas, its hidden
fields, and deform's ``__start__`` markers around every group of checkboxes (sent even
when every box is unticked). A POST lacking one of them did not come from the form: it
is refused, the form shown again with the stored values and a message, nothing changed.
"""
from __future__ import annotations

import logging
from html.parser import HTMLParser

import colander
import deform

from beffroi.i18n import _
from beffroi.system.organisations import HOST_RE, OrganisationError, check_host
from beffroi.tenancy import normalise_host

log = logging.getLogger(__name__)

#: Inputs a browser may leave out of a submission (unticked, unchosen, no file).
_OPTIONAL_INPUTS = {"checkbox", "radio", "submit", "button", "image", "reset", "file"}

INCOMPLETE = _("This form arrived incomplete (some of its fields were missing), so nothing "
               "was changed. Check the values below and save again.")


def field_error(form, appstruct, field, message):
    """Render ``form`` with what was typed and ``message`` next to ``field`` — for
    errors only found after validation (a host taken meanwhile, a unique e-mail …)."""
    error = colander.Invalid(form.schema)
    error[field] = message
    form.widget.handle_error(form, error)
    return form.render(appstruct)


def host_problem(app_root, host, organisation=None):
    """A translatable message saying why ``host`` cannot be used, or None."""
    try:
        check_host(app_root, host, organisation)
    except OrganisationError:
        if not HOST_RE.match(normalise_host(host)):
            return _("Not a valid host name (example: commune.example.org).")
        return _("This host is already used by another organisation.")
    return None


def lines(value):
    """Non-empty stripped lines of a textarea."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def checkbox_set(values, title, **kw):
    """A set of choices shown as accessible checkboxes."""
    return colander.SchemaNode(colander.Set(), title=title,
                               widget=deform.widget.CheckboxChoiceWidget(values=values), **kw)


def changed_roles(stored, shown, chosen):
    """The roles to keep after a form of checkboxes: ``stored`` with the boxes the
    person ticked (in ``chosen``, not in ``shown``) added and those they unticked (in
    ``shown``, not in ``chosen``) removed. A role nobody touched — given meanwhile by
    someone else, or not shown — stays: saving changes only what was changed."""
    return (set(stored) | (set(chosen) - set(shown))) - (set(shown) - set(chosen))


class _SentFields(HTMLParser):
    """The ``(name, value)`` pairs a browser always submits with a form's HTML; value
    None stands for any value (only markers such as ``__start__`` need theirs)."""

    def __init__(self):
        super().__init__()
        self.fields = []
        self._select = None          # [name, options seen] of the open <select>

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "option" and self._select is not None:
            self._select[1] += 1
        name = attributes.get("name")
        if not name or "disabled" in attributes or name == "_charset_":
            return
        if tag == "input":
            if (attributes.get("type") or "text").lower() in _OPTIONAL_INPUTS:
                return
            marker = name in ("__start__", "__end__")
            self.fields.append((name, (attributes.get("value") or "") if marker else None))
        elif tag == "textarea":
            self.fields.append((name, None))
        elif tag == "select" and "multiple" not in attributes:
            self._select = [name, 0]

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            if self._select[1]:               # a select without options sends nothing
                self.fields.append((self._select[0], None))
            self._select = None


def always_sent(html: str) -> list[tuple[str, str | None]]:
    """The fields a browser always sends with the form ``html`` (see the module
    docstring), as ``(name, value or None)``."""
    parser = _SentFields()
    parser.feed(html)
    return parser.fields


def missing_fields(request, expected) -> list[str]:
    """The names (markers: their value) of ``expected`` ``(name, value or None)`` that
    the POST of ``request`` lacks; empty for a whole form."""
    missing = []
    for name, value in expected:
        sent = request.POST.getall(name)
        if not sent or (value is not None and value not in sent):
            missing.append(name if value is None else value)
    return missing


def refuse_incomplete(request, missing) -> None:
    """Log a POST that lacks ``missing`` and make the answer a 400 (the page shows the
    form again)."""
    log.warning("incomplete form refused at %s: missing %s", request.path,
                ", ".join(missing[:10]))
    request.response.status_int = 400


def validate_whole(request, form, shown):
    """``beffroi.forms.validate`` for a form that changes stored settings, after
    checking that the POST carries every field the form's page sends (module
    docstring). ``shown()`` gives the stored values, as the GET renders them. Returns
    ``(appstruct, None)``, or ``(None, html)``: the errors next to the fields, or for
    an incomplete POST the stored values with ``INCOMPLETE`` above them (and a 400)."""
    from beffroi.forms import validate
    values = shown()
    missing = missing_fields(request, always_sent(form.render(values)))
    if missing:
        refuse_incomplete(request, missing)
        form.widget.handle_error(form, colander.Invalid(
            form.schema, request.localizer.translate(INCOMPLETE)))
        return None, form.render(values)
    return validate(request, form)
