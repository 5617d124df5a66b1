"""``/favicon.ico`` on every host: the icon of the organisation's skin (browsers and
crawlers ask for it at this address whatever the page links to)."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound
from pyramid.path import AssetResolver
from pyramid.response import FileResponse
from pyramid.view import view_config

from beffroi.views.layout import org_or_none, skin_for

ONE_DAY = 86400


@view_config(route_name="favicon", request_method=("GET", "HEAD"))
def favicon(request):
    """The skin's ``static/favicon.ico``; 404 when the skin ships none."""
    skin = skin_for(request, org_or_none(request))
    path = AssetResolver().resolve(f"{skin.static.rstrip('/')}/favicon.ico").abspath()
    try:
        return FileResponse(path, request=request, content_type="image/x-icon",
                            cache_max_age=ONE_DAY)
    except FileNotFoundError:
        raise HTTPNotFound()


def includeme(config):
    config.add_route("favicon", "/favicon.ico")
