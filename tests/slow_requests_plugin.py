"""A plugin for the shutdown tests: ``GET /-/test-slow?s=0.8`` answers after a pause,
as a slow page does (on any organisation host)."""
import time

from pyramid.response import Response

from beffroi.hookspecs import hookimpl
from beffroi.resources.organisation import SiteTools


def slow_view(context, request):
    time.sleep(min(float(request.params.get("s", "0.5")), 5))
    return Response("done", content_type="text/plain")


@hookimpl
def on_configure(config):
    config.add_view(slow_view, context=SiteTools, name="test-slow", request_method="GET")


def conflicting_view(context, request):
    """Conflicts on its first attempt, as two writers of one organisation would."""
    from ZODB.POSException import ConflictError
    if request.environ.get("retry.attempt", 0) == 0:
        raise ConflictError(object=context.organisation)
    return Response("written", content_type="text/plain")


@hookimpl(specname="on_configure")
def configure_conflict(config):
    config.add_view(conflicting_view, context=SiteTools, name="test-conflict", request_method="GET")
