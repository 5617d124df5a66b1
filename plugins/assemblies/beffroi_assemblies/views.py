"""Views of the members module: the roster, adding, editing and removing a member."""
from __future__ import annotations

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.i18n import TranslationStringFactory

from beffroi.api import ModuleContainer, flash, form_view, module_settings
from beffroi_assemblies.roster import Member, add_member, remove_member, update_member

_ = TranslationStringFactory("beffroi_assemblies")
TEMPLATES = "beffroi_assemblies:templates/"


@colander.deferred
def _account_validator(node, kw):
    organisation = kw["request"].organisation

    def check(node, value):
        if value and organisation.users.find_by_email(value.strip()) is None:
            raise colander.Invalid(node, _("No participant of this organisation has this address."))
    return check


class MemberSchema(colander.MappingSchema):
    name = colander.SchemaNode(colander.String(), title=_("Name"),
                               validator=colander.Length(min=1, max=150))
    position = colander.SchemaNode(colander.String(), title=_("Position"),
                                   description=_("President, secretary, member…"),
                                   validator=colander.Length(min=1, max=150))
    account = colander.SchemaNode(
        colander.String(), title=_("Participant account (e-mail address)"), missing="",
        description=_("Optional: the member's account on this platform; it can then take "
                      "part in the assembly's space."),
        validator=_account_validator,
        widget=deform.widget.TextInputWidget(attributes={"type": "email", "autocomplete": "off"}))
    end = colander.SchemaNode(colander.Date(), title=_("End of the mandate"), missing=None,
                              widget=deform.widget.TextInputWidget(attributes={"type": "date"}))


def _user_id(request, email):
    user = request.organisation.users.find_by_email(email.strip()) if email else None
    return user.id if user is not None else None


def roster(context, request):
    """Purpose, composition, how to join, then the members: current ones, then former."""
    from datetime import date
    members = sorted((m for m in context.values() if isinstance(m, Member)),
                     key=lambda m: (m.position.lower(), m.name.lower()))
    today = date.today()
    current = [m for m in members if m.end is None or m.end >= today]
    former = [m for m in members if m.end is not None and m.end < today]
    return {"page_title": _("Members"), "current": current, "former": former,
            "settings": module_settings(request, context),
            "can_manage": request.has_permission("members.manage", context)}


def add_view(context, request):
    def apply(data):
        add_member(context, data["name"].strip(), data["position"].strip(),
                   _user_id(request, data["account"]), data["end"], request.user.id)
        return context
    return form_view(request, MemberSchema().bind(request=request), title=_("Add a member"),
                     buttons=("create",), apply=apply, message=_("Member added."))


def edit_view(context, request):
    def apply(data):
        update_member(context, data["name"].strip(), data["position"].strip(),
                      _user_id(request, data["account"]), data["end"])
        return context.__parent__
    user = request.organisation.users.get(context.user_id) if context.user_id else None
    stored = {"name": context.name, "position": context.position,
              "account": user.email if user is not None else ""}
    if context.end is not None:
        stored["end"] = context.end
    return form_view(request, MemberSchema().bind(request=request), title=_("Edit the member"),
                     appstruct=stored, apply=apply, message=_("Member saved."))


def remove_view(context, request):
    container = context.__parent__
    remove_member(context)
    flash(request, _("Member removed from the roster."))
    return HTTPFound(location=request.resource_url(container))


def includeme(config):
    config.add_view(roster, context=ModuleContainer, module="members", permission="view",
                    request_method="GET", renderer=TEMPLATES + "roster.pt")
    config.add_view(add_view, context=ModuleContainer, module="members", name="add",
                    permission="members.manage", request_method=("GET", "POST"),
                    renderer=TEMPLATES + "form.pt")
    config.add_view(edit_view, context=Member, name="edit", permission="members.manage",
                    request_method=("GET", "POST"), renderer=TEMPLATES + "form.pt")
    config.add_view(remove_view, context=Member, name="remove", permission="members.manage",
                    request_method="POST")
