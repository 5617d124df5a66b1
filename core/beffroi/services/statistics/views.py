"""``/-/admin/statistics``: the organisation's figures, their CSV export, and the
choice of organisations it shares them with (a metropolis and its communes)."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.view import view_config

from beffroi.admin.forms import INCOMPLETE, missing_fields, refuse_incomplete
from beffroi.charts import bar_chart
from beffroi.i18n import _
from beffroi.kit import csv_response, flash
from beffroi.resources.admin import AdminArea
from beffroi.services.actionlog import model as actionlog
from beffroi.services.statistics import model

TEMPLATE = "beffroi:templates/statistics/index.pt"


def _app_root(organisation):
    """The installation's root (every organisation), read through the request's connection."""
    from beffroi.resources.root import get_app_root
    return get_app_root(organisation._p_jar)


def _verified_counter(request):
    """``organisation → number of verified participants`` when a verification service
    is installed (``beffroi.services.verification``), else None."""
    try:
        from beffroi.services.verification.model import verified_count
    except ImportError:
        return None
    return verified_count


def _figures(request, organisation, fresh=False):
    return model.figures_of(organisation, request.registry.beffroi, fresh=fresh,
                            verified_count=_verified_counter(request))


def _charts(request, figures):
    t = request.localizer.translate
    return {
        "module": bar_chart(figures.by_module, t(_("Contributions per module"))),
        "space": bar_chart([(title, n) for title, n, _p in figures.by_space],
                           t(_("Contributions per space"))),
        "territory": bar_chart([(label or t(_("No territory")), n)
                                for label, n in figures.by_territory],
                               t(_("Contributions per territory"))),
        "month": bar_chart([(month, n) for month, _a, n in figures.by_month],
                           t(_("Contributions per month"))),
    }


@view_config(context=AdminArea, name="statistics", permission="org.admin",
             request_method="GET", renderer=TEMPLATE)
def statistics(context, request):
    org = context.organisation
    figures = _figures(request, org, fresh=request.params.get("refresh") == "1")
    app_root = _app_root(org)
    others = model.possible_readers(app_root, org)        # never every tenant's name
    shared = [(o, _figures(request, o).for_others()) for o in model.sharing_with_me(app_root, org)]
    return {"page_title": _("Statistics"), "figures": figures, "charts": _charts(request, figures),
            "others": others, "shared_with": set(model.shared_with(org)), "shared": shared,
            "listed": model.is_listed(org), "cache_minutes": model.CACHE_SECONDS // 60}


@view_config(context=AdminArea, name="statistics", permission="org.admin",
             request_method="POST")
def statistics_sharing(context, request):
    """Save whether this organisation is listed to the others, and which of those shown
    may read its figures. Only a whole form counts (``beffroi.admin.forms``): its
    boxes say "none" by their absence, so a POST without the form's marker changes
    nothing."""
    org = context.organisation
    if request.POST.get("csrf_token") != request.session.get_csrf_token():
        flash(request, _("This form has expired; please send it again."), "error")
        return HTTPFound(location=request.path_url)
    missing = missing_fields(request, [("sharing", None)])
    if missing:
        refuse_incomplete(request, missing)
        flash(request, INCOMPLETE, "error")
        return HTTPFound(location=request.path_url)
    app_root = _app_root(org)
    allowed = {o.id for o in model.possible_readers(app_root, org)}   # what the page showed
    chosen = [oid for oid in request.POST.getall("share") if oid in allowed]
    model.set_shared_with(org, chosen)
    model.set_listed(org, request.POST.get("listed") == "1")
    names = ", ".join(app_root.organisations[oid].name for oid in sorted(chosen)) or "-"
    actionlog.record(request, "statistics.share", names,
                     listed="yes" if model.is_listed(org) else "no")
    flash(request, _("Your choice of organisations is saved."))
    return HTTPFound(location=request.path_url)


@view_config(context=AdminArea, name="statistics.csv", permission="org.admin",
             request_method="GET")
def statistics_csv(context, request):
    """The figures as CSV; ``?organisation=<id>`` for one that shares its figures with
    this organisation (403 otherwise)."""
    org = context.organisation
    wanted = request.params.get("organisation", "")
    if wanted and wanted != org.id:
        app_root = _app_root(org)
        other = app_root.organisations.get(wanted)
        if other is None:
            raise HTTPNotFound()
        if org.id not in model.shared_with(other):
            raise HTTPForbidden()
        org = other
    figures = _figures(request, org)
    if org is not context.organisation:
        figures = figures.for_others()
    rows = [dict(row, organisation=figures.organisation_name) for row in figures.rows()]
    return csv_response(rows, ("organisation", "figure", "label", "value"),
                        f"statistics-{figures.computed:%Y-%m-%d}.csv", request=request)
