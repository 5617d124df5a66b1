"""Error pages: a neutral 404 for unknown hosts, friendly 403/404/400/500, no traceback."""
import logging

from pyramid.events import NewRequest, subscriber
from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPBadRequest, HTTPFound
from pyramid.renderers import render_to_response
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config

from beffroi.i18n import _
from beffroi.tenancy import UnknownHost

log = logging.getLogger(__name__)

NEUTRAL_404 = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
<body><main><h1>Not found</h1><p>There is nothing at this address.</p></main></body></html>"""


def _page(request, status, title, message):
    response = render_to_response("beffroi:templates/error.pt",
                                  {"page_title": title, "message": message}, request=request)
    response.status_int = status
    return response


@notfound_view_config()
def not_found(exc, request):
    if isinstance(exc, UnknownHost) or isinstance(request.exception, UnknownHost):
        return _neutral(request)
    try:
        request.organisation
    except UnknownHost:
        return _neutral(request)
    return _page(request, 404, _("Page not found"),
                 _("There is nothing at this address. It may have been moved or removed."))


def _neutral(request):
    response = request.response
    response.status_int = 404
    response.content_type = "text/html"
    response.text = NEUTRAL_404
    return response


@forbidden_view_config()
def forbidden(exc, request):
    try:
        request.organisation
    except UnknownHost:
        return _neutral(request)
    if _in_hidden_private_space(request):
        # a private space does not exist for those who may not see it: 404, not 403
        return not_found(exc, request)
    from beffroi.accounts.views_password import longer_password_redirect
    redirect = longer_password_redirect(request)      # an admin with a short password
    if redirect is not None:
        return redirect
    if request.user is None and request.method == "GET":
        return HTTPFound(location=request.application_url + "/-/login?came_from=" +
                         request.path_qs.replace("&", "%26"))
    return _page(request, 403, _("Access refused"),
                 _("You do not have access to this page."))


def _in_hidden_private_space(request) -> bool:
    from pyramid.traversal import find_interface

    from beffroi.resources.space import Space
    space = find_interface(getattr(request, "context", None), Space) \
        if getattr(request, "context", None) is not None else None
    if space is None:
        space = getattr(getattr(request, "context", None), "managed_space", None)
    return space is not None and space.visibility == "private" and \
        not request.has_permission("view", space)


@exception_view_config(BadCSRFToken)
def bad_csrf(exc, request):
    return _page(request, 400, _("Form expired"),
                 _("This form has expired or was sent from elsewhere. Go back, reload the page "
                   "and send it again."))


@exception_view_config(UnicodeDecodeError)
def undecodable(exc, request):
    """A query string or form that is not UTF-8: the sender's mistake, not ours."""
    return _page(request, 400, _("Bad request"),
                 _("The address or the form sent is not valid text (UTF-8). Go back and try again."))


class UnreadableForm(HTTPBadRequest):
    """A form body that cannot be parsed (multipart without a boundary, broken parts)."""


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


@subscriber(NewRequest)
def refuse_unreadable_forms(event):
    """Parse a posted form before any view or CSRF check reads it, so that a body the
    sender broke answers 400 wherever it is sent, never a 500 from deep inside."""
    request = event.request
    if request.method not in ("POST", "PUT", "PATCH") or request.content_type not in FORM_TYPES:
        return
    try:
        request.POST
    except UnicodeDecodeError:
        raise                           # answered by ``undecodable`` below
    except (ValueError, KeyError, IndexError, TypeError, EOFError) as exc:
        log.info("unreadable form on %s %s: %s", request.method, request.path, exc)
        raise UnreadableForm() from None


@exception_view_config(UnreadableForm)
def unreadable_form(exc, request):
    return _page(request, 400, _("Bad request"),
                 _("The form sent could not be read. Go back, reload the page and send it again."))


# A conflict (retryable) is tried again by pyramid_retry before anyone sees it; every other
# error gets this page at once, and a conflict only once the last attempt failed.
@exception_view_config(Exception, retryable_error=False)
@exception_view_config(Exception, last_retry_attempt=True)
def server_error(exc, request):
    log.exception("error on %s %s", request.method, request.url)
    try:
        request.organisation
        return _page(request, 500, _("Something went wrong"),
                     _("An error occurred on our side. Nothing you sent was saved; please try "
                       "again in a moment."))
    except Exception:
        response = request.response
        response.status_int = 500
        response.text = "Internal error"
        return response
