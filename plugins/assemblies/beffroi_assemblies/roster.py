"""Members of an assembly: a name and a position, optionally linked to a participant
account (who then holds the space's ``member`` role) and an end date."""
from __future__ import annotations

from beffroi.api import Content, slugify


class Member(Content):
    """One seat on the roster. ``end`` is a date (the mandate ended or ends then)."""
    user_id = None
    end = None

    def __init__(self, name, position, user_id=None, end=None, creator=None):
        super().__init__(creator)
        self.name, self.position, self.user_id, self.end = name, position, user_id, end

    @property
    def title(self):
        return self.name


def _space(container):
    return container.__parent__


def add_member(container, name, position, user_id=None, end=None, creator=None):
    """Add a member; a linked participant gets the space's ``member`` role."""
    member = Member(name, position, user_id, end, creator)
    container.add(container.unique_name(slugify(name) or "member"), member)
    if user_id:
        _grant(_space(container), user_id)
    return member


def update_member(member, name, position, user_id=None, end=None):
    old = member.user_id
    member.name, member.position, member.end = name, position, end
    member.user_id = user_id
    member.touch()
    space = _space(member.__parent__)
    if old and old != user_id:
        _revoke_if_unseated(space, member.__parent__, old)
    if user_id:
        _grant(space, user_id)


def remove_member(member):
    """Take ``member`` off the roster; their ``member`` role goes if no seat is left."""
    container = member.__parent__
    user_id = member.user_id
    container.remove(member.__name__)
    if user_id:
        _revoke_if_unseated(_space(container), container, user_id)


def unlink_user(member):
    """Keep the seat (a public roster), forget the account (it was deleted)."""
    member.user_id = None


def _grant(space, user_id):
    space.set_space_roles(user_id, set(space.space_roles(user_id)) | {"member"})


def _revoke_if_unseated(space, container, user_id):
    if not any(getattr(m, "user_id", None) == user_id for m in container.values()):
        space.set_space_roles(user_id, set(space.space_roles(user_id)) - {"member"})
