"""A small commentable content type ("ideas"), registered as a test plugin, shared by the
comment, follow and notification tests (no tests of its own)."""
from __future__ import annotations

import re

import pytest
from markupsafe import Markup
from pyramid.response import Response

from beffroi import ModuleInfo, NotificationInfo, PermissionInfo, hookimpl
from beffroi.resources.folder import Content

HOST = "test.localhost"


class Idea(Content):
    commentable = True

    def __init__(self, title, creator=None, is_open=True):
        super().__init__(creator)
        self.title = title
        self.is_open = is_open

    def comments_open(self, request):
        return self.is_open


def idea_view(context, request):
    from beffroi.views.layout import Helpers
    h = Helpers(request)
    flash = Markup("").join(Markup('<p class="flash">{}</p>').format(m)
                            for m in request.session.pop_flash())
    body = Markup("<!DOCTYPE html><html lang='en'><body><main>{}<h1>{}</h1>{}{}</main></body></html>")
    return Response(body.format(flash, context.title, h.follow_button(context), h.comments(context)))


def add_idea_view(context, request):
    """POST a title: the idea is created and the space's followers told."""
    from pyramid.httpexceptions import HTTPFound
    from beffroi.services.notifications.queue import publish
    idea = Idea(request.POST["title"], creator=request.user.id)
    context.add(context.unique_name(request.POST["name"]), idea)
    publish(request, "ideas.published", idea)
    return HTTPFound(location=request.resource_url(idea))


class IdeasPlugin:
    """The test plugin: a module whose items are commentable ideas."""

    @hookimpl
    def register_modules(self):
        return [ModuleInfo(name="ideas", title="Ideas",
                           permissions=(PermissionInfo("ideas.create", "Create ideas",
                                                       ("authenticated",)),))]

    @hookimpl
    def register_notifications(self):
        return [NotificationInfo("ideas.published", "New idea")]

    @hookimpl
    def on_configure(self, config):
        from beffroi.resources.module import ModuleContainer
        config.add_view(idea_view, context=Idea, permission="view", request_method="GET")
        config.add_view(add_idea_view, context=ModuleContainer, module="ideas", name="add",
                        permission="ideas.create", request_method="POST")


@pytest.fixture
def beffroi_settings(beffroi_db):
    return {"beffroi.db": beffroi_db, "beffroi.secret": "test-secret-" + "x" * 40,
            "pyramid.default_locale_name": "en", "retry.attempts": "3", "beffroi.url_scheme": "http",
            "beffroi.extra_plugins": [("ideas_test", IdeasPlugin())]}


@pytest.fixture
def site(platform):
    """An organisation (English), a public space with the ideas module and one idea,
    and three participants: Alice, Bob and Carol."""
    platform.add_org("Commune de Test", HOST, default_locale="en")
    platform.add_space(HOST, "place", "The square", modules=["ideas"])
    with platform.tx() as app:
        container = app.organisation_for_host(HOST).spaces["place"]["ideas"]
        container.add("bench", Idea("A bench under the lime trees"))
    from beffroi.resources.user import User
    with platform.tx() as app:
        users = app.organisation_for_host(HOST).users
        for name in ("alice", "bob", "carol"):
            # one argon2 hash for the three (same password): the logins still verify it
            user = User(f"{name}@example.org", name.title(), _password_hash())
            user.confirmed = True
            users.add_user(user)
    return platform


_HASH = []


def _password_hash():
    if not _HASH:
        from beffroi.accounts.passwords import hash_password
        from beffroi.devkit.testing import PASSWORD
        _HASH.append(hash_password(PASSWORD))
    return _HASH[0]


def browse_as(platform, email=None):
    browser = platform.browser(HOST)
    if email:
        platform.login(browser, email)
    return browser


def comment_form(page, index=None):
    """The new-comment form of a page (or the reply form of comment ``index``)."""
    for form in page.forms.values():
        if form.action.endswith("/comment") and "body" in form.fields:
            is_reply = "reply_to" in form.fields
            if (index is None and not is_reply) or (is_reply and form["reply_to"].value == index):
                return form
    raise AssertionError("no such comment form on the page")


def post_comment(browser, text, alignment="0", reply_to=None, url="/place/ideas/bench"):
    page = browser.get(url)
    if reply_to is not None:                 # the "Reply" link leads to the reply form
        page = browser.get(page.html.find(id=f"comment-{reply_to}").find(
            "a", href=lambda h: h and h.endswith(f"/comment?reply_to={reply_to}"))["href"])
    form = comment_form(page, reply_to)
    form["body"] = text
    form["alignment"] = alignment
    return form.submit(status="*")


def name_of(response):
    """The name of the comment a POST made, from its redirect (``…#comment-<name>``)."""
    return response.location.rsplit("#comment-", 1)[1]


def comment_ids(page):
    return re.findall(r'id="comment-(\d+)"', page.text)
