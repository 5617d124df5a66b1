"""A participant's verification pages under ``/-/account/``: the list of their
authorisations and one page per method, each sending them back (``came_from``) to what
they were doing once verified."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from beffroi.accounts import throttle
from beffroi.accounts.users import AccountArea
from beffroi.forms import make_form, upload_node, validate
from beffroi.i18n import _
from beffroi.services.verification import census, documents, letter, model, oidc
from beffroi.services.verification.methods import all_methods, offered_methods
from beffroi.views.site import safe_came_from

TPL = "beffroi:services/verification/templates/"
CENSUS_ATTEMPTS = throttle.Rule("verify-census", 5, 3600)     # per account
STATUS_TITLES = {"pending": _("Pending"), "granted": _("Granted"), "revoked": _("Revoked")}


def came_from_of(request):
    """The ``came_from`` of the request if it is a local path, else ''."""
    value = request.params.get("came_from", "")
    home = request.application_url + "/"
    return value if value and (value == "/" or safe_came_from(request, value) != home) else ""


def _with_back(request, url):
    from urllib.parse import quote
    back = came_from_of(request)
    return f"{url}?came_from={quote(back, safe='/')}" if back else url


def _came_from_node():
    return colander.SchemaNode(colander.String(), name="came_from", missing="",
                               widget=deform.widget.HiddenWidget())


def _not_offered(request, method):
    if method not in offered_methods(request):
        request.session.flash(request.localizer.translate(
            _("This organisation does not offer this verification.")), "error")
        return HTTPFound(location=request.application_url + "/-/account/verifications")
    return None


def _done_or_form(request, form, apply, page_title, intro=None, extra=None):
    """The form cycle of a method page: ``apply(appstruct)`` returns a response or
    raises ``VerificationRefused`` (shown above the form, what was typed kept)."""
    error = None
    if request.method == "POST":
        appstruct, html = validate(request, form)
        if appstruct is not None:
            try:
                return apply(appstruct)
            except model.VerificationRefused as refused:
                error = refused.message
                shown = {k: v for k, v in appstruct.items() if not isinstance(v, dict)}
                html = form.render(shown)
    else:
        html = form.render({"came_from": came_from_of(request)})
    return {"page_title": page_title, "form": html, "intro": intro, "error": error,
            "in_account": True, **(extra or {})}


@view_config(context=AccountArea, name="verifications", permission="participate",
             request_method="GET", renderer=TPL + "account_verifications.pt")
def my_verifications(context, request):
    """Every method the organisation offers, with the participant's status and a link to
    start it (carrying ``came_from``); the methods an action asked for come first."""
    records = model.records_of_user(request.organisation, request.user.id)
    wanted = [m for m in request.params.get("methods", "").split(",") if m]
    offered = offered_methods(request)
    installed = all_methods(request.registry)
    rows = []
    for name in sorted(set(offered) | set(records), key=lambda n: (n not in wanted, n)):
        info = installed.get(name)
        if info is None:
            continue
        record = records.get(name)
        rows.append({"name": name, "info": info, "record": record,
                     "wanted": name in wanted, "offered": name in offered,
                     "start": _with_back(request, request.application_url + info.start_path)
                     if name in offered and (record is None or not record.is_granted) else None})
    return {"page_title": _("My verifications"), "rows": rows, "status_titles": STATUS_TITLES,
            "metadata_titles": model.METADATA_TITLES, "age_titles": model.AGE_BRACKET_TITLES,
            "came_from": came_from_of(request), "in_account": True}


# --- census ---------------------------------------------------------------------------------

def _birth_date_validator(node, value):
    if census.parse_date(value) is None:
        raise colander.Invalid(node, _("Write the date as DD/MM/YYYY, for example 14/07/1990."))


def census_schema():
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(
        colander.String(), name="document_number", title=_("Identity document number"),
        description=_("As written on your identity card or passport."),
        validator=colander.Length(min=4, max=40)))
    schema.add(colander.SchemaNode(
        colander.String(), name="birth_date", title=_("Birth date"),
        description=_("DD/MM/YYYY"), validator=_birth_date_validator,
        widget=deform.widget.TextInputWidget(autocomplete="bday")))
    schema.add(_came_from_node())
    return schema


@view_config(context=AccountArea, name="verify-census", permission="participate",
             request_method=("GET", "POST"), renderer="beffroi:templates/account/form.pt")
def verify_census(context, request):
    refused = _not_offered(request, census.METHOD)
    if refused:
        return refused
    org, user = request.organisation, request.user

    def apply(appstruct):
        if throttle.is_throttled(org, CENSUS_ATTEMPTS, user.id):
            raise model.VerificationRefused(_(
                "Too many attempts: try again in an hour, or ask the town hall."))
        try:
            census.verify(request, appstruct["document_number"],
                          census.parse_date(appstruct["birth_date"]))
        except model.VerificationRefused:
            throttle.record(org, CENSUS_ATTEMPTS, user.id)
            raise
        return model.verification_done(request, came_from=appstruct["came_from"])

    form = make_form(request, census_schema(), buttons=("send",), action=request.url)
    return _done_or_form(request, form, apply, _("Verify with the census"), intro=_(
        "The organisation checks that you are in its census of residents. Your document "
        "number is compared with the census and is not kept."))


# --- postal letter ------------------------------------------------------------------------

def address_schema():
    schema = colander.SchemaNode(colander.Mapping())
    for name, title, low, high, auto in (
            ("recipient", _("Name on the letter box"), 2, 100, "name"),
            ("street", _("Street and number"), 3, 200, "street-address"),
            ("postal_code", _("Postal code"), 4, 10, "postal-code"),
            ("city", _("Town"), 2, 100, "address-level2")):
        schema.add(colander.SchemaNode(colander.String(), name=name, title=title,
                                       validator=colander.Length(min=low, max=high),
                                       widget=deform.widget.TextInputWidget(autocomplete=auto)))
    schema.add(_came_from_node())
    return schema


def code_schema():
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(colander.String(), name="code", title=_("Code of the letter"),
                                   validator=colander.Length(min=4, max=20),
                                   widget=deform.widget.TextInputWidget(autocomplete="one-time-code")))
    schema.add(_came_from_node())
    return schema


@view_config(context=AccountArea, name="verify-letter", permission="participate",
             request_method=("GET", "POST"), renderer="beffroi:templates/account/form.pt")
def verify_letter(context, request):
    refused = _not_offered(request, letter.METHOD)
    if refused:
        return refused
    record = model.record_of(request.organisation, request.user.id, letter.METHOD)
    if record is not None and record.is_granted:
        return model.verification_done(request, _("You are already verified by this method."))
    if record is not None and record.status == "pending" and record.data.get("sent"):
        def enter(appstruct):
            letter.enter_code(request, appstruct["code"])
            return model.verification_done(request, came_from=appstruct["came_from"])
        form = make_form(request, code_schema(), buttons=("send",), action=request.url)
        return _done_or_form(request, form, enter, _("Type the code of your letter"), intro=_(
            "The organisation has posted you a letter. Type the code it carries."))

    def ask(appstruct):
        address = {k: " ".join(appstruct[k].split()) for k in ("recipient", "street",
                                                                 "postal_code", "city")}
        letter.request_letter(request, address)
        request.session.flash(request.localizer.translate(_(
            "Your request is recorded: the organisation will post you a letter with a code.")))
        return HTTPFound(location=_with_back(request, request.application_url
                                             + "/-/account/verifications"))

    form = make_form(request, address_schema(), buttons=("send",), action=request.url)
    pending = record is not None and record.status == "pending" and "address" in record.data
    intro = _("Your letter is being prepared. You may correct your address below.") if pending \
        else _("Give your postal address: the organisation will post you a letter with a code "
               "to type here.")
    result = _done_or_form(request, form, ask, _("Verify with a postal letter"), intro=intro)
    if pending and request.method == "GET":
        result["form"] = form.render({**record.data["address"], "came_from": came_from_of(request)})
    return result


# --- identity document ----------------------------------------------------------------------

def _image_validator(node, value):
    from beffroi.uploads import UploadError, clean_image, read_upload
    try:
        data = read_upload(value["fp"], documents.IMAGE_MAX_BYTES)
        value["data"], value["media_type"] = clean_image(data, max_side=2400)
    except UploadError as exc:
        raise colander.Invalid(node, exc.message)


def document_schema(request):
    translate = request.localizer.translate
    schema = colander.SchemaNode(colander.Mapping())
    schema.add(colander.SchemaNode(
        colander.String(), name="document_type", title=_("Type of document"),
        validator=colander.OneOf(list(documents.DOCUMENT_TYPES)),
        widget=deform.widget.SelectWidget(values=[(k, translate(v)) for k, v in
                                                  documents.DOCUMENT_TYPES.items()])))
    schema.add(colander.SchemaNode(colander.String(), name="number", title=_("Document number"),
                                   validator=colander.Length(min=4, max=40)))
    schema.add(colander.SchemaNode(colander.String(), name="postal_code", title=_("Postal code"),
                                   missing="", validator=colander.Length(max=10),
                                   widget=deform.widget.TextInputWidget(autocomplete="postal-code")))
    schema.add(upload_node("image", _("Picture of the document"), validator=_image_validator,
                           description=_("A PNG, JPEG or WebP image of 8 MB at most. It is seen "
                                         "only by the staff who check it and deleted after "
                                         "their decision."),
                           accept="image/png,image/jpeg,image/webp", missing=colander.required))
    schema.add(_came_from_node())
    return schema


@view_config(context=AccountArea, name="verify-document", permission="participate",
             request_method=("GET", "POST"), renderer="beffroi:templates/account/form.pt")
def verify_document(context, request):
    refused = _not_offered(request, documents.METHOD)
    if refused:
        return refused
    record = model.record_of(request.organisation, request.user.id, documents.METHOD)
    if record is not None and record.is_granted:
        return model.verification_done(request, _("You are already verified by this method."))
    if record is not None and record.status == "pending" and record.data.get("mode") == "online":
        return {"page_title": _("Verify with an identity document"), "form": "",
                "intro": _("Your document is waiting for the staff's check. You will be "
                           "verified once two staff members have checked it."),
                "error": None, "in_account": True}

    def apply(appstruct):
        image = appstruct["image"]
        documents.submit_online(request, appstruct["document_type"], appstruct["number"],
                                image["data"], image["media_type"], appstruct["postal_code"])
        request.session.flash(request.localizer.translate(_(
            "Your document is sent. Staff will check it.")))
        return HTTPFound(location=_with_back(request, request.application_url
                                             + "/-/account/verifications"))

    form = make_form(request, document_schema(request), buttons=("send",), action=request.url)
    return _done_or_form(request, form, apply, _("Verify with an identity document"), intro=_(
        "Send a picture of your identity document, or show it at the town hall: staff "
        "will record it there."))


# --- OpenID Connect ---------------------------------------------------------------------------

@view_config(context=AccountArea, name="verify-oidc", permission="participate",
             request_method="GET", renderer=TPL + "oidc_start.pt")
def verify_oidc_page(context, request):
    refused = _not_offered(request, oidc.METHOD)
    if refused:
        return refused
    settings = oidc.settings_of(request.organisation)
    return {"page_title": _("Verify with an identity provider"), "in_account": True,
            "provider": (settings or {}).get("title") or "OpenID Connect",
            "came_from": came_from_of(request)}


@view_config(context=AccountArea, name="verify-oidc", permission="participate",
             request_method="POST")
def verify_oidc_start(context, request):
    refused = _not_offered(request, oidc.METHOD)
    if refused:
        return refused
    try:
        url = oidc.start(request, "verify", came_from_of(request))
    except oidc.OIDCError as exc:
        request.session.flash(request.localizer.translate(exc.message), "error")
        return HTTPFound(location=request.application_url + "/-/account/verifications")
    model.log(request, "oidc_started", request.user.id, oidc.METHOD)
    return HTTPFound(location=url)
