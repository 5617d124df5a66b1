"""``/-/open-data`` (what the organisation publishes, the README of the archive) and
``/-/open-data.zip`` (the archive), both public; and the periodic job that refreshes."""
from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta, timezone

from pyramid.events import ApplicationCreated, subscriber
from pyramid.response import Response
from pyramid.view import view_config

from beffroi.resources.organisation import SiteTools
from beffroi.services.opendata import store
from beffroi.uploads import content_disposition


def current_archive(request):
    """``(data or None, readme, built, files)`` of the organisation's archive: the
    stored one while fresh (``data`` None: read it from its blob), else one built from
    this request's snapshot and kept in this process for ``max_age`` (a GET never
    writes; the job ``opendata.refresh`` and ``beffroi open-data`` store archives)."""
    organisation = request.organisation
    archive = store.stored(organisation)
    settings = request.registry.settings
    if store.is_fresh(archive, settings):
        return None, archive.readme, archive.built, archive.files
    now = datetime.now(timezone.utc)
    key = organisation._p_oid or id(organisation)
    with _LOCK:
        cached = _built_of(request.registry).get(key)
    if cached is not None and now - cached[0] < store.max_age(settings):
        built_at, built = cached
    else:
        built_at, built = now, store.build_for(request.registry, organisation,
                                               request.application_url, now)
        with _LOCK:
            _built_of(request.registry)[key] = (built_at, built)
    return built.data, built.readme, built_at, built.files


_LOCK = threading.Lock()


def _built_of(registry) -> dict:
    """{organisation oid: (when, archive.Built)} built for visitors by this app."""
    found = getattr(registry, "beffroi_open_data_built", None)
    if found is None:
        found = registry.beffroi_open_data_built = {}
    return found


def forget_built(registry) -> None:
    """Drop the archives this app built for visitors (tests; max_age later)."""
    with _LOCK:
        _built_of(registry).clear()


@view_config(context=SiteTools, name="open-data", permission="view", request_method="GET",
             renderer="beffroi:services/opendata/templates/open_data.pt")
def open_data_page(context, request):
    import markdown

    from beffroi.i18n import _
    from beffroi.sanitise import sanitise_html
    data, readme, built, files = current_archive(request)
    size = len(data) if data is not None else store.stored(request.organisation).size
    # the README's first heading is the page's <h1>; the rest is shown below it
    body = readme.split("\n", 1)[1] if readme.startswith("# ") else readme
    body = body.replace("\n## ", "\n### ")
    return {"page_title": request.localizer.translate(_("Open data")),
            # the README is generated (no participant's HTML), escaped then sanitised anyway
            "readme_html": _captioned(sanitise_html(markdown.markdown(
                body.replace("<", "&lt;"), extensions=["tables"]))),
            "built": built, "size_kb": max(1, round(size / 1024)), "tables": len(files),
            "download_url": request.application_url + "/-/open-data.zip"}


_SECTION = re.compile(r"(<h3>(.*?)</h3>\s*<p>.*?</p>\s*)<table>", re.S)


def _captioned(html):
    """Each field table of the (sanitised) README gets its section title as caption."""
    return _SECTION.sub(lambda m: f'{m.group(1)}<table>\n<caption class="visually-hidden">'
                                  f'{m.group(2)}</caption>', html)


@view_config(context=SiteTools, name="open-data.zip", permission="view", request_method="GET")
def open_data_zip(context, request):
    data, _readme, built, _files = current_archive(request)
    if data is None:
        data = store.stored(request.organisation).read()
    response = Response(body=data, content_type="application/zip")
    slug = (request.organisation.id or "organisation").replace("/", "-")
    response.content_disposition = content_disposition(
        f"open-data-{slug}-{built.strftime('%Y%m%d')}.zip")
    response.last_modified = built
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@subscriber(ApplicationCreated)
def refresh_job(event):
    """The core's ``opendata.refresh`` job (``beffroi.ops.jobs_core``) also rebuilds the
    stale archives of every organisation, and runs every ``beffroi.open_data.max_age``
    minutes instead of once a day (it still calls the plugins' ``on_open_data_refresh``
    hook when one exists). Excluded with the job (``beffroi.jobs.exclude``)."""
    from beffroi.ops.jobs import PeriodicJob
    registry = event.app.registry
    jobs = getattr(registry, "beffroi_jobs", None)
    core = jobs.jobs.get("opendata.refresh") if jobs is not None else None
    if core is None:
        return
    period = store.max_age(registry.settings)

    def run(ctx):
        count = store.refresh_all(ctx.db, registry, ctx.settings)
        hooks = core.run(ctx)
        return "; ".join(x for x in (f"{count} open-data archive(s) rebuilt", hooks) if x)
    jobs.jobs["opendata.refresh"] = PeriodicJob(
        core.name, core.title, period, run, lease=min(period, timedelta(hours=1)))
