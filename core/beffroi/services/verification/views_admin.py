"""Staff pages of verifications under ``/-/admin/`` (organisation admins only: the
records say who lives where and how old people are): the overview (methods offered,
pending and granted authorisations, revocation), the census upload, postal letters,
identity documents (online, with a second staff member; in person) and the identity
provider's settings. Every act is in the action log."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.response import FileIter, Response
from pyramid.view import view_config

from beffroi.forms import make_form, upload_node, validate
from beffroi.i18n import _, pluralize
from beffroi.resources.admin import AdminArea
from beffroi.services.verification import census, documents, letter, model, oidc
from beffroi.services.verification.methods import all_methods
from beffroi.services.verification.views_participant import STATUS_TITLES

TPL = "beffroi:services/verification/templates/"
PERM = "org.admin"
PAGE = 100


def _back(request, page="verifications", message=None, queue=""):
    if message is not None:
        request.session.flash(request.localizer.translate(message), queue)
    return HTTPFound(location=f"{request.application_url}/-/admin/{page}")


def _user(request, user_id=None):
    user = request.organisation.users.get(user_id or request.params.get("user", ""))
    if user is None or user.deleted:
        raise HTTPNotFound()
    return user


def _listed(org, store, status, method, q, after):
    """``(rows, next key)``: the records the filters keep, ``PAGE`` at most.

    Pending records come from the small pending index, by date; a search by e-mail reads
    one participant's records; otherwise the records are paged in key order from
    ``after`` so that a page costs the same with 100,000 verified participants."""
    def keep(record):
        return (not status or record.status == status) and (not method or record.method == method)

    if store is None:
        return [], None
    if q:
        user = org.users.find_by_email(q)
        if user is None or user.deleted:
            return [], None
        return [(r, user) for r in model.records_of_user(org, user.id).values() if keep(r)], None
    if status == "pending":
        rows = []
        for key in store.pending or ():
            record, user = store.records.get(key), org.users.get(key[0])
            if record is not None and user is not None and not user.deleted and keep(record):
                rows.append((record, user))
        return sorted(rows, key=lambda pair: pair[0].created)[:PAGE], None
    rows, last = [], None
    items = store.records.items(min=after, excludemin=True) if after else store.records.items()
    for key, record in items:
        if not keep(record):
            continue
        user = org.users.get(key[0])
        if user is None or user.deleted:
            continue
        if len(rows) == PAGE:
            return rows, last
        rows.append((record, user))
        last = key
    return rows, None


@view_config(context=AdminArea, name="verifications", permission=PERM, request_method="GET",
             renderer=TPL + "admin_verifications.pt")
def overview(context, request):
    from urllib.parse import urlencode
    org = context.organisation
    store = model.store_of(org)
    status = request.params.get("status", "")
    status = status if status in model.STATUSES else ""
    method = request.params.get("method", "")[:50]
    q = request.params.get("q", "").strip()[:254]
    after = tuple(request.params.get("after", "").split(":", 1)) if ":" in request.params.get(
        "after", "") else None
    rows, last = _listed(org, store, status, method, q, after)
    next_url = None
    if last is not None:
        next_url = request.path_url + "?" + urlencode(
            {"status": status, "method": method, "after": ":".join(last)})
    return {"page_title": _("Verifications"), "rows": rows, "next_url": next_url,
            "methods": all_methods(request.registry), "q": q,
            "offered": set(store.offered) if store else set(),
            "status": status, "method": method, "status_titles": STATUS_TITLES,
            "metadata_titles": model.METADATA_TITLES, "age_titles": model.AGE_BRACKET_TITLES,
            "census_info": store.census_info if store else None,
            "pending_letters": len(letter.pending_letters(org)),
            "pending_documents": len(documents.pending_documents(org))}


@view_config(context=AdminArea, name="verifications-offer", permission=PERM, request_method="POST")
def offer(context, request):
    """Choose the methods the organisation offers its participants."""
    from beffroi.admin.forms import INCOMPLETE, missing_fields, refuse_incomplete
    missing = missing_fields(request, [("offer", None)])    # boxes say "none" by absence
    if missing:
        refuse_incomplete(request, missing)
        return _back(request, message=INCOMPLETE, queue="error")
    installed = all_methods(request.registry)
    wanted = {m for m in request.POST.getall("method") if m in installed}
    store = model.store_of(context.organisation, create=True)
    if set(store.offered) != wanted:
        store.offered.clear()
        store.offered.update(wanted)
        model.log(request, "offered", "", ",".join(sorted(wanted)) or "-")
    return _back(request, message=_("The verification methods offered are saved."))


@view_config(context=AdminArea, name="verifications-revoke", permission=PERM, request_method="POST")
def revoke_view(context, request):
    user = _user(request, request.POST.get("user"))
    if model.revoke(request, user.id, request.POST.get("method", "")):
        return _back(request, message=_("The verification is revoked."))
    return _back(request, message=_("There was nothing to revoke."), queue="error")


# --- census ---------------------------------------------------------------------------------

def _census_file(node, value):
    from beffroi.uploads import UploadError, read_upload
    try:
        value["data"] = read_upload(value["fp"], census.MAX_BYTES)
    except UploadError as exc:
        raise colander.Invalid(node, exc.message)


def census_upload_schema():
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(upload_node("census", _("Census file (CSV)"), validator=_census_file,
                           accept=".csv,text/csv", missing=colander.required,
                           description=_("Columns: document_number, birth_date (YYYY-MM-DD or "
                                         "DD/MM/YYYY), and optionally postal_code and district. "
                                         "The file replaces the current census; it is not kept.")))
    return schema


@view_config(context=AdminArea, name="verifications-census", permission=PERM,
             request_method=("GET", "POST"), renderer=TPL + "admin_census.pt")
def census_upload(context, request):
    form = make_form(request, census_upload_schema(), buttons=("send",), action=request.url)
    errors = []
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            try:
                rows = census.replace_census(request, appstruct["census"]["data"])
            except census.CensusError as exc:
                errors = exc.messages
                html = form.render()
            else:
                request.session.flash(pluralize(request, "The census is replaced: ${n} resident.",
                                                "The census is replaced: ${n} residents.", rows))
                return HTTPFound(location=request.url)
    else:
        html = form.render()
    store = model.store_of(context.organisation)
    return {"page_title": _("Census"), "form": html, "errors": errors,
            "census_info": store.census_info if store else None}


# --- postal letters -------------------------------------------------------------------------

@view_config(context=AdminArea, name="verifications-letters", permission=PERM,
             request_method="GET", renderer=TPL + "admin_letters.pt")
def letters(context, request):
    return {"page_title": _("Postal letters"), "letters": letter.pending_letters(context.organisation),
            "max_attempts": letter.MAX_ATTEMPTS}


@view_config(context=AdminArea, name="verification-letter", permission=PERM,
             request_method="GET", renderer=TPL + "admin_letter_print.pt")
def letter_print(context, request):
    """The letter to print: the address, the code and what to do with it."""
    user = _user(request)
    record = model.record_of(context.organisation, user.id, letter.METHOD)
    if record is None or record.status != "pending" or "address" not in record.data:
        raise HTTPNotFound()
    request.response.cache_control = "private, no-store"
    return {"page_title": _("Letter of verification"), "address": record.data["address"],
            "code": record.data["code"], "participant": user,
            "url": request.application_url + "/-/account/verify-letter"}


@view_config(context=AdminArea, name="verification-letter-sent", permission=PERM,
             request_method="POST")
def letter_sent(context, request):
    user = _user(request, request.POST.get("user"))
    try:
        letter.mark_sent(request, user.id)
    except model.VerificationRefused as refused:
        return _back(request, "verifications-letters", refused.message, "error")
    return _back(request, "verifications-letters", _("The letter is marked as sent."))


@view_config(context=AdminArea, name="verification-letter-reset", permission=PERM,
             request_method="POST")
def letter_reset(context, request):
    user = _user(request, request.POST.get("user"))
    try:
        letter.resend(request, user.id)
    except model.VerificationRefused as refused:
        return _back(request, "verifications-letters", refused.message, "error")
    return _back(request, "verifications-letters", _("A new code is ready: print the letter again."))


# --- identity documents -----------------------------------------------------------------------

@view_config(context=AdminArea, name="verifications-documents", permission=PERM,
             request_method="GET", renderer=TPL + "admin_documents.pt")
def documents_page(context, request):
    return {"page_title": _("Identity documents"),
            "pending": documents.pending_documents(context.organisation),
            "types": documents.DOCUMENT_TYPES,
            "users": context.organisation.users}


@view_config(context=AdminArea, name="verification-document-image", permission=PERM,
             request_method="GET")
def document_image(context, request):
    """The picture of a pending document: never cached, never sniffed."""
    user = _user(request)
    record = model.record_of(context.organisation, user.id, documents.METHOD)
    if record is None or record.status != "pending" or "image" not in record.data:
        raise HTTPNotFound()
    response = Response(content_type=record.data["image_type"])
    response.app_iter = FileIter(record.data["image"].open("r"))
    response.cache_control = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@view_config(context=AdminArea, name="verification-document-check", permission=PERM,
             request_method="POST")
def document_check(context, request):
    user = _user(request, request.POST.get("user"))
    accept = request.POST.get("decision") == "accept"
    try:
        outcome = documents.check(request, user.id, accept)
    except model.VerificationRefused as refused:
        return _back(request, "verifications-documents", refused.message, "error")
    messages = {"first": _("Checked: a second staff member must now confirm."),
                "granted": _("Confirmed: the participant is verified and the picture deleted."),
                "rejected": _("Rejected: the picture is deleted.")}
    return _back(request, "verifications-documents", messages[outcome])


def in_person_schema(request):
    translate = request.localizer.translate
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(colander.String(), name="email",
                                   title=_("E-mail address of the participant"),
                                   validator=colander.Length(max=254),
                                   widget=deform.widget.TextInputWidget(type="email", autocomplete="off")))
    schema.add(colander.SchemaNode(
        colander.String(), name="document_type", title=_("Type of document"),
        validator=colander.OneOf(list(documents.DOCUMENT_TYPES)),
        widget=deform.widget.SelectWidget(values=[(k, translate(v)) for k, v in
                                                  documents.DOCUMENT_TYPES.items()])))
    schema.add(colander.SchemaNode(colander.String(), name="number", title=_("Document number"),
                                   validator=colander.Length(min=4, max=40)))
    schema.add(colander.SchemaNode(colander.String(), name="postal_code", title=_("Postal code"),
                                   missing="", validator=colander.Length(max=10)))
    schema.add(colander.SchemaNode(colander.String(), name="district", title=_("District"),
                                   missing="", validator=colander.Length(max=100)))
    return schema


@view_config(context=AdminArea, name="verifications-in-person", permission=PERM,
             request_method=("GET", "POST"), renderer=TPL + "admin_form.pt")
def in_person(context, request):
    """Record a document seen at the town hall: the participant is verified at once."""
    form = make_form(request, in_person_schema(request), buttons=("save",), action=request.url)
    error = None
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            user = context.organisation.users.find_by_email(appstruct["email"])
            if user is None or user.deleted:
                error = _("No participant has this e-mail address.")
            else:
                try:
                    documents.record_in_person(request, user, appstruct["document_type"],
                                               appstruct["number"], appstruct["postal_code"],
                                               appstruct["district"])
                except model.VerificationRefused as refused:
                    error = refused.message
                else:
                    return _back(request, "verifications", _(
                        "${name} is verified.", mapping={"name": user.name}))
            html = form.render(appstruct)
    else:
        html = form.render()
    return {"page_title": _("Identity document seen in person"), "form": html, "error": error,
            "intro": _("Look at the document in front of the participant, then record it.")}


# --- identity provider -------------------------------------------------------------------------

def oidc_schema():
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(colander.String(), name="title", title=_("Name shown"),
                                   description=_("For example FranceConnect."),
                                   validator=colander.Length(min=2, max=60)))
    schema.add(colander.SchemaNode(colander.String(), name="issuer", title=_("Issuer URL"),
                                   validator=colander.All(colander.Length(max=300),
                                                          colander.url)))
    schema.add(colander.SchemaNode(colander.String(), name="client_id", title=_("Client id"),
                                   validator=colander.Length(min=1, max=200)))
    schema.add(colander.SchemaNode(
        colander.String(), name="client_secret", title=_("Client secret"), missing="",
        description=_("Left empty, the secret already saved is kept."),
        validator=colander.Length(max=500),
        widget=deform.widget.PasswordWidget(autocomplete="off")))
    schema.add(colander.SchemaNode(colander.Boolean(), name="login", missing=False,
                                   title=_("Participants may also log in with it"),
                                   widget=deform.widget.CheckboxWidget()))
    return schema


@view_config(context=AdminArea, name="verifications-oidc", permission=PERM,
             request_method=("GET", "POST"), renderer=TPL + "admin_form.pt")
def oidc_settings(context, request):
    store = model.store_of(context.organisation)
    current = dict(store.oidc or {}) if store is not None else {}
    form = make_form(request, oidc_schema(), buttons=("save",), action=request.url)
    error = None
    if request.method == "POST":
        from beffroi.admin.forms import validate_whole
        appstruct, html = validate_whole(
            request, form, lambda: {k: v for k, v in current.items() if k != "client_secret"})
        if appstruct is not None:
            appstruct.pop("csrf_token", None)
            secret = appstruct["client_secret"] or current.get("client_secret", "")
            if not secret:
                error = _("Give the client secret.")
                html = form.render({k: v for k, v in appstruct.items() if k != "client_secret"})
            else:
                store = model.store_of(context.organisation, create=True)
                store.oidc = {**appstruct, "client_secret": secret,
                              "issuer": appstruct["issuer"].rstrip("/")}
                model.log(request, "oidc_configured", "", oidc.METHOD, issuer=store.oidc["issuer"])
                return _back(request, "verifications-oidc", _("The identity provider is saved."))
    else:
        html = form.render({k: v for k, v in current.items() if k != "client_secret"})
    return {"page_title": _("Identity provider (OpenID Connect)"), "form": html, "error": error,
            "intro": _("Register this address at the provider as the redirection URI: ${url}",
                       mapping={"url": oidc.callback_url(request)})}
