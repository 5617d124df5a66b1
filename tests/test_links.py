"""Links between items (beffroi.services.links): the « issu de la participation » label
follows links and unlinks, through what items came from; links of different items
written at once do not conflict; moves re-key them; other organisations are refused."""
from __future__ import annotations

import pytest
import transaction

from beffroi.services.links.model import (
    LinkRefused, forget_item, from_participation, link_items, linked_items, linked_keys,
    move_links, participation_keys, unlink_items,
)

pytestmark = pytest.mark.beffroi_modules("debates")


@pytest.fixture
def debates(platform, beffroi_space):
    """Six debates in one space: keys d0 … d5 → their catalog paths."""
    from beffroi_debates.content import add_debate
    space = beffroi_space()
    with platform.tx() as app:
        container = app.organisation_for_host(space.host).spaces[space.slug]["debates"]
        names = [add_debate(container, f"Débat numéro {i}", "<p>Texte</p>").__name__
                 for i in range(6)]
    return space, names


def _items(app, space, names):
    container = app.organisation_for_host(space.host).spaces[space.slug]["debates"]
    return [container[n] for n in names]


def test_the_label_goes_up_what_led_to_a_result_and_leaves_with_the_link(platform, debates):
    space, names = debates
    with platform.tx() as app:
        meeting, proposal, project, result, other, _spare = _items(app, space, names)
        assert not from_participation(proposal)                  # nothing linked yet
        assert link_items(proposal, meeting, "born_at")          # proposal born at meeting
        assert link_items(project, proposal, "came_from")        # project came from proposal
        assert not any(from_participation(x) for x in (meeting, proposal, project))
        assert link_items(project, result, "led_to_result")
        assert not link_items(project, result, "led_to_result")  # already there
        assert all(from_participation(x) for x in (meeting, proposal, project, result))
        assert not from_participation(other)
        assert [i.title for i in linked_items(result, direction="origins")] == ["Débat numéro 2"]
        assert {(d, r) for d, r, _k in linked_keys(app.organisation_for_host(space.host),
                                                   proposal)} == {
            ("origins", "born_at"), ("outcomes", "came_from")}
    with platform.tx() as app:
        meeting, proposal, project, result, other, _spare = _items(app, space, names)
        assert unlink_items(project, proposal, "came_from")
        assert not unlink_items(project, proposal, "came_from")
        assert from_participation(project) and from_participation(result)
        assert not from_participation(proposal) and not from_participation(meeting)
        assert forget_item(result) == 1
        assert not from_participation(project)
        assert len(participation_keys(app.organisation_for_host(space.host))) == 0


def test_bad_links_are_refused(platform, debates):
    space, names = debates
    platform.add_org("Autre commune", "autre.localhost")
    platform.add_space("autre.localhost", "ailleurs", modules=["debates"])
    from beffroi_debates.content import add_debate
    with platform.tx() as app:
        here = _items(app, space, names)[0]
        foreign = add_debate(app.organisation_for_host("autre.localhost").spaces["ailleurs"]["debates"],
                             "Ailleurs", "<p>Texte</p>")
        with pytest.raises(LinkRefused, match="different organisations"):
            link_items(here, foreign, "led_to_result")
        with pytest.raises(LinkRefused, match="different organisations"):
            link_items(foreign, here, "came_from")
        with pytest.raises(LinkRefused, match="unknown relation"):
            link_items(here, _items(app, space, names)[1], "inspired")
        with pytest.raises(LinkRefused, match="itself"):
            link_items(here, here, "led_to")
        assert not from_participation(foreign) and not from_participation(here)


def test_links_of_different_items_written_at_once_do_not_conflict(platform, debates):
    space, names = debates
    with platform.tx() as app:
        items = _items(app, space, names)
        link_items(items[4], items[5], "led_to_result")     # the store and its trees exist
    managers = [transaction.TransactionManager() for _ in range(2)]
    connections = [platform.db.open(transaction_manager=tm) for tm in managers]
    try:
        for (tm, conn), (source, target) in zip(zip(managers, connections), ((0, 1), (2, 3))):
            tm.begin()
            from beffroi.resources.root import get_app_root
            items = _items(get_app_root(conn), space, names)
            link_items(items[source], items[target], "led_to_result")
        for tm in managers:
            tm.commit()            # the second commit merges: no ConflictError
    finally:
        for conn in connections:
            conn.close()
    with platform.tx() as app:
        items = _items(app, space, names)
        assert all(from_participation(i) for i in items)
        assert [i.title for i in linked_items(items[1], direction="origins")] == ["Débat numéro 0"]
        assert [i.title for i in linked_items(items[3], direction="origins")] == ["Débat numéro 2"]


def test_links_follow_a_move_and_a_deleted_or_hidden_item_is_not_shown(platform, debates):
    space, names = debates
    with platform.tx() as app:
        org = app.organisation_for_host(space.host)
        items = _items(app, space, names)
        link_items(items[0], items[1], "led_to_result")
        link_items(items[2], items[1], "led_to_result")
        container = items[0].__parent__
        # a module renames an item: it moves the object and its links in one transaction
        moved = container.remove(names[0])
        container.add("renamed", moved)
        assert move_links(org, f"{space.slug}/debates/{names[0]}", f"{space.slug}/debates/renamed") == 1
        assert from_participation(moved)
        assert sorted(i.__name__ for i in linked_items(items[1])) == sorted(["renamed", names[2]])
        items[2].hidden_by_moderation = True
        assert [i.__name__ for i in linked_items(items[1])] == ["renamed"]
        container.remove("renamed")             # deleted without telling the links
        assert linked_items(items[1]) == []
        # a whole space moving re-keys everything under it
        assert move_links(org, space.slug, "nouvel-espace") >= 2
        keys = {k for _d, _r, k in linked_keys(org, f"nouvel-espace/debates/{names[1]}")}
        assert keys == {f"nouvel-espace/debates/renamed", f"nouvel-espace/debates/{names[2]}"}
        assert f"nouvel-espace/debates/{names[1]}" in participation_keys(org)


def test_a_read_of_the_label_never_writes(platform, debates):
    space, names = debates
    before = platform.db.lastTransaction()
    browser = platform.browser(space.host)
    browser.get(f"/{space.slug}/debates/{names[0]}/")
    assert platform.db.lastTransaction() == before


def test_a_debate_page_shows_the_label_and_what_it_led_to(platform, debates):
    space, names = debates
    with platform.tx() as app:
        first, second = _items(app, space, names)[:2]
        link_items(first, second, "led_to_result")
    visitor = platform.browser(space.host)
    page = visitor.get(f"/{space.slug}/debates/{names[0]}/")
    assert "Issu de la participation" in page.html.select_one("article .participation-label").text
    assert [a.text for a in page.html.select(".item-links-outcomes a")] == ["Débat numéro 1"]
    page = visitor.get(f"/{space.slug}/debates/{names[1]}/")
    assert [a.text for a in page.html.select(".item-links-origins a")] == ["Débat numéro 0"]
    plain = visitor.get(f"/{space.slug}/debates/{names[2]}/")
    assert not plain.html.select(".participation-label") and not plain.html.select(".item-links")
