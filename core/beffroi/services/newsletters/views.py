"""Newsletter pages: the organisation admin's ``/-/admin/newsletters/…``, the
participant's ``/-/account/newsletter`` and the one-click unsubscribe link of every
newsletter (``/-/newsletter-unsubscribe``)."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from beffroi.accounts.users import AccountArea
from beffroi.admin.forms import checkbox_set
from beffroi.forms import make_form, validate
from beffroi.i18n import _
from beffroi.kit import flash
from beffroi.resources.admin import AdminArea
from beffroi.resources.organisation import SiteTools
from beffroi.services.actionlog import model as actionlog
from beffroi.services.mail.unsubscribe import unsubscribe_answer
from beffroi.services.newsletters import model
from beffroi.urls import mail_url

TEMPLATES = "beffroi:templates/newsletters/"


@colander.deferred
def _space_widget(node, kw):
    org = kw["request"].organisation
    return deform.widget.CheckboxChoiceWidget(
        values=[(slug, space.title) for slug, space in org.spaces.items()])


def newsletter_schema():
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(
        colander.String(), name="subject", title=_("Subject"),
        validator=colander.Length(min=1, max=model.MAX_SUBJECT)))
    schema.add(colander.SchemaNode(
        colander.String(), name="body", title=_("Text"),
        description=_("Markdown: **bold**, *italics*, [a link](https://…), lists, headings. "
                      "Scripts and styles are removed."),
        validator=colander.Length(min=1, max=model.MAX_BODY),
        widget=deform.widget.TextAreaWidget(rows=14)))
    schema.add(colander.SchemaNode(
        colander.String(), name="audience", title=_("Recipients"), default="all",
        description=_("Only participants who agreed to receive newsletters get them, "
                      "whatever the audience."),
        validator=colander.OneOf(model.AUDIENCES),
        widget=deform.widget.RadioChoiceWidget(
            values=[(key, model.AUDIENCE_TITLES[key]) for key in model.AUDIENCES])))
    schema.add(checkbox_set((), _("Spaces"), name="spaces", missing=set(),
                            description=_("For the followers or participants of spaces.")))
    schema.add(colander.SchemaNode(
        colander.String(), name="territory", title=_("Territory of the verified participants"),
        missing="", validator=colander.Length(max=500),
        description=_("Postal codes or districts, separated by commas; empty: every verified "
                      "participant.")))
    schema["spaces"].widget = _space_widget
    return schema


def _base(request):
    return request.application_url + "/-/admin/newsletters/"


@view_config(context=AdminArea, name="newsletters", permission="org.admin")
def newsletters_admin(context, request):
    """Dispatch ``/-/admin/newsletters/[new | <id>[/edit|test|send|delete]]``."""
    org = context.organisation
    path = list(request.subpath)
    if not path:
        if request.method != "GET":
            raise HTTPNotFound()
        return _render(request, "list.pt", {
            "page_title": _("Newsletters"), "newsletters": model.newsletters_of(org),
            "statuses": model.STATUS_TITLES, "base": _base(request),
            "consenting": len(model.audience_ids(org, "all"))})
    if path == ["new"]:
        return _edit(request, org, None)
    newsletter = model.get_newsletter(org, path[0])
    if newsletter is None or len(path) > 2:
        raise HTTPNotFound()
    action = path[1] if len(path) == 2 else ""
    if action == "":
        if request.method != "GET":
            raise HTTPNotFound()
        return _preview(request, org, newsletter)
    if action == "edit":
        return _edit(request, org, newsletter)
    if request.method != "POST" or action not in ("test", "send", "delete"):
        raise HTTPNotFound()
    if request.POST.get("csrf_token") != request.session.get_csrf_token():
        flash(request, _("This form has expired; please send it again."), "error")
        return HTTPFound(location=_base(request) + newsletter.id)
    return {"test": _send_test, "send": _send, "delete": _delete}[action](request, org, newsletter)


def _render(request, template, values):
    from pyramid.renderers import render_to_response
    return render_to_response(TEMPLATES + template, values, request=request)


def _edit(request, org, newsletter):
    if newsletter is not None and newsletter.status != "draft":
        flash(request, _("This newsletter has been sent: it can no longer be changed."), "error")
        return HTTPFound(location=_base(request) + newsletter.id)
    form = make_form(request, newsletter_schema(), buttons=("save",), action=request.path_url)
    error = None
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            spaces = sorted(data["spaces"])
            try:
                if newsletter is None:
                    newsletter = model.create_newsletter(org, data["subject"], data["body"],
                                                         request.user.id, data["audience"], spaces,
                                                         data["territory"])
                else:
                    model.update_newsletter(org, newsletter, data["subject"], data["body"],
                                            data["audience"], spaces, data["territory"])
            except model.NewsletterError as exc:
                error = exc.message
                html = form.render(data)
            else:
                flash(request, _("The newsletter is saved. Check the preview before sending it."))
                return HTTPFound(location=_base(request) + newsletter.id)
    elif newsletter is not None:
        html = form.render({"subject": newsletter.subject, "body": newsletter.body,
                            "audience": newsletter.audience, "spaces": set(newsletter.spaces),
                            "territory": newsletter.territory})
    else:
        html = form.render()
    title = _("New newsletter") if newsletter is None else _("Edit the newsletter")
    return _render(request, "form.pt", {"page_title": title, "form": html, "error": error,
                                        "base": _base(request)})


def _preview(request, org, newsletter):
    recipients = (model.audience_ids(org, newsletter.audience, newsletter.spaces,
                                     newsletter.territory)
                  if newsletter.status == "draft" else None)
    spaces = [org.spaces[s].title for s in newsletter.spaces if s in org.spaces]
    queued, planned = newsletter.progress
    return _render(request, "preview.pt", {
        "page_title": newsletter.subject, "newsletter": newsletter, "base": _base(request),
        "body": model.render_body(newsletter), "recipients": recipients, "spaces": spaces,
        "audience": model.AUDIENCE_TITLES[newsletter.audience],
        "status": model.STATUS_TITLES[newsletter.status], "queued": queued, "planned": planned})


def _send_test(request, org, newsletter):
    model.queue_test(org, newsletter, mail_url(request, "").rstrip("/"), request.user,
                     request.localizer.translate)
    flash(request, _("A test was sent to ${email}.", mapping={"email": request.user.email}))
    return HTTPFound(location=_base(request) + newsletter.id)


def _send(request, org, newsletter):
    try:
        count = model.start_sending(org, newsletter, request.user.id)
    except model.NewsletterError as exc:
        flash(request, exc.message, "error")
        return HTTPFound(location=_base(request) + newsletter.id)
    actionlog.record(request, "newsletter.send", newsletter.subject, count=count)
    flash(request, _("The newsletter is being sent (recipients: ${count}).",
                     mapping={"count": count}))
    return HTTPFound(location=_base(request) + newsletter.id)


def _delete(request, org, newsletter):
    try:
        model.delete_newsletter(org, newsletter)
    except model.NewsletterError as exc:
        flash(request, exc.message, "error")
        return HTTPFound(location=_base(request) + newsletter.id)
    flash(request, _("The draft is deleted."))
    return HTTPFound(location=_base(request))


# --- the participant's choice ------------------------------------------------------------------

class ConsentSchema(colander.MappingSchema):
    wanted = colander.SchemaNode(
        colander.Boolean(), title=_("Newsletters"), missing=False,
        widget=deform.widget.CheckboxWidget(),
        description=_("I want to receive the newsletters of this organisation by e-mail. "
                      "I can stop at any time."))


@view_config(context=AccountArea, name="newsletter", permission="participate",
             request_method=("GET", "POST"), renderer=TEMPLATES + "account.pt")
def account_newsletter(context, request):
    """Give or withdraw consent to newsletters; the date of consent is shown."""
    user = request.user
    form = make_form(request, ConsentSchema(), buttons=("save",), action=request.path_url)
    if request.method == "POST":
        data, html = validate(request, form)
        if data is not None:
            model.set_consent(user, bool(data["wanted"]))
            flash(request, _("Your choice is saved."))
            return HTTPFound(location=request.path_url)
    else:
        html = form.render({"wanted": model.has_consent(user)})
    return {"page_title": _("Newsletters"), "form": html,
            "since": getattr(user, "newsletter_consent", None)}


@view_config(context=SiteTools, name="newsletter-unsubscribe", request_method="GET",
             renderer=TEMPLATES + "unsubscribe.pt")
def unsubscribe_page(context, request):
    """The link of every newsletter: a confirmation button (a GET changes nothing)."""
    return unsubscribe_answer(request, context.organisation, _("Stop newsletters"),
                              model.check_unsubscribe_token)


# The signed token proves the request comes from the newsletter's recipient; mail clients'
# one-click unsubscribe (RFC 8058) posts without a CSRF token.
@view_config(context=SiteTools, name="newsletter-unsubscribe", request_method="POST",
             require_csrf=False, renderer=TEMPLATES + "unsubscribe.pt")
def unsubscribe(context, request):
    """Withdraw the newsletter consent of the token's participant, without logging in."""
    return unsubscribe_answer(request, context.organisation, _("Stop newsletters"),
                              model.check_unsubscribe_token,
                              stop=lambda user: model.set_consent(user, False))
