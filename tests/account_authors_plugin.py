"""A small plugin for the account tests: it lists who wrote the pages of every space
(through ``author_name``), exports a participant's pages (``extra_portable_data``) and
records the accounts it was told were deleted (``on_account_deleted``)."""
from pyramid.response import Response

from beffroi.accounts.users import author_name
from beffroi.hookspecs import hookimpl
from beffroi.resources.organisation import SiteTools

DELETED = []


def _pages(org):
    for space in org.spaces.values():
        container = space.modules.get("pages")
        if container is not None:
            yield from container.values()


def authors_view(context, request):
    lines = [f"{page.title}: {author_name(request, page.creator)}"
             for page in _pages(context.organisation)]
    return Response("\n".join(lines), content_type="text/plain")


@hookimpl
def on_configure(config):
    config.add_view(authors_view, context=SiteTools, name="test-authors", request_method="GET")


@hookimpl
def extra_portable_data(request, user):
    pages = [p.title for p in _pages(request.organisation) if p.creator == user.id]
    return {"account_authors_plugin": {"pages": pages}}


@hookimpl
def on_account_deleted(user):
    DELETED.append(user.id)
