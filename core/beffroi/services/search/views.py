"""``/-/search``: the organisation's search page (works without JavaScript)."""
from __future__ import annotations

from urllib.parse import urlencode

from pyramid.view import view_config

from beffroi.resources.organisation import SiteTools
from beffroi.services.search import query
from beffroi.services.search.sources import searchable_modules
from beffroi.i18n import _


@view_config(context=SiteTools, name="search", permission="view", request_method="GET",
             renderer="beffroi:services/search/templates/search.pt")
def search_view(context, request):
    from beffroi.views.public import visible_spaces
    organisation = request.organisation
    spaces = visible_spaces(request, organisation)
    plugins = request.registry.beffroi
    modules = [(name, plugins.modules[name].title) for name in searchable_modules()
               if name in organisation.allowed_plugins and name in plugins.modules]
    criteria = query.read_criteria(request.params, {s.__name__ for s in spaces},
                                   {name for name, _title in modules})
    results = query.run(request, criteria)
    base = {k: v for k, v in (("q", criteria.q), ("space", criteria.space),
                              ("module", criteria.module), ("type", criteria.type),
                              ("from", criteria.start), ("to", criteria.end),
                              ("sort", criteria.sort if criteria.sort != "relevance" else ""))
            if v}
    page = min(criteria.page, results.pages)

    def page_url(number):
        params = dict(base, page=number) if number > 1 else base
        return request.application_url + "/-/search" + ("?" + urlencode(params) if params else "")

    if criteria.q and results.searched:
        title = _("Search results for “${q}”", mapping={"q": criteria.q})
    else:
        title = _("Search")
    return {"page_title": request.localizer.translate(title), "criteria": criteria,
            "results": results, "spaces": spaces, "modules": modules, "types": query.TYPES,
            "sorts": query.SORTS, "page": page,
            "previous_url": page_url(page - 1) if page > 1 else None,
            "next_url": page_url(page + 1) if page < results.pages else None}
