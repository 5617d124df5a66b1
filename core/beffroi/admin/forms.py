"""Form helpers shared by the administration views (organisation and system)."""
from __future__ import annotations

import colander
import deform

from beffroi.i18n import _
from beffroi.system.organisations import HOST_RE, OrganisationError, check_host
from beffroi.tenancy import normalise_host


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
