"""A participant's journey through the proposals module, in a real browser: write a
proposal (with a mistake first), support someone else's, comment on it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COMMUNE = "commune.localhost"
SPACE = "/place-du-marche/"
EMAIL_LABEL = re.compile("^(adresse électronique|adresse e-mail|courriel|e-mail)", re.I)


@pytest.fixture
def with_proposals(world):
    """The commune's space also holds proposals, one of them written by a neighbour."""
    pytest.importorskip("beffroi_proposals", reason="the proposals plugin is not installed")
    from beffroi.spaces import enable_module
    from beffroi_proposals.models import add_proposal
    neighbour = world.add_user(COMMUNE, "voisin@commune.localhost", "Sacha Voisin")
    with world.tx() as app:
        org = app.organisation_for_host(COMMUNE)
        container = enable_module(world.plugins, org, org.spaces["place-du-marche"], "proposals")
        proposal = add_proposal(container, "Des bancs à l'ombre sur la place",
                                "La place manque d'endroits où s'asseoir **à l'ombre**.",
                                "markdown", neighbour)
        if notifications_available():
            from beffroi.services.follows import model as follows
            follows.follow(org, neighbour, proposal)     # the author hears about comments
    return world


def notifications_available():
    try:
        import beffroi.services.follows.model  # noqa: F401
        import beffroi.services.notifications.model  # noqa: F401
    except ImportError:
        return False
    return True


def log_in(page, live, email):
    page.goto(live.url(COMMUNE, "/-/login"))
    main = page.locator("main")
    main.get_by_label(EMAIL_LABEL).fill(email)
    main.get_by_label(re.compile("^(mot de passe|password)", re.I)).fill("correct horse battery")
    main.locator("button[type=submit]").click()
    expect(page.get_by_role("navigation", name=re.compile("compte|account", re.I))
           .get_by_role("button", name=re.compile("Se déconnecter|Log out"))).to_be_visible()


def test_a_participant_proposes_supports_and_comments(with_proposals, live, page, axe):
    log_in(page, live, "habitant@commune.localhost")
    page.goto(live.url(COMMUNE, SPACE))
    main = page.locator("main")
    main.get_by_role("link", name=re.compile("^(Propositions|Proposals)$")).click()
    expect(page.locator("h1")).to_have_text(re.compile("Propositions|Proposals"))
    axe(page, "proposals: listing")

    # write a proposal: too short a title first, then a good one
    main.get_by_role("link", name=re.compile("Nouvelle proposition|New proposal")).click()
    axe(page, "proposals: new")
    main.get_by_label(re.compile("^(Titre|Title)", re.I)).fill("Ab")
    main.get_by_label(re.compile("^(Texte|Text)", re.I)).fill(
        "Planter des arbres le long de la rue du marché pour rafraîchir la place.")
    main.locator("button[type=submit]").first.click()
    expect(main.locator(".error, .invalid-feedback, .help-block.error, .alert-danger").first) \
        .to_be_visible()
    expect(main.get_by_label(re.compile("^(Texte|Text)", re.I))).to_have_value(
        re.compile("Planter des arbres"))
    axe(page, "proposals: form with errors")
    main.get_by_label(re.compile("^(Titre|Title)", re.I)).fill("Des arbres rue du marché")
    main.locator("button[type=submit]").first.click()
    expect(page.locator("h1")).to_have_text("Des arbres rue du marché")
    expect(main).to_contain_text("Planter des arbres le long de la rue du marché")
    axe(page, "proposals: proposal")

    # support the neighbour's proposal
    page.get_by_role("navigation", name=re.compile("fil d'ariane|breadcrumb", re.I)) \
        .get_by_role("link", name=re.compile("^(Propositions|Proposals)$")).click()
    main.get_by_role("link", name="Des bancs à l'ombre sur la place").click()
    expect(main.locator(".support-count")).to_contain_text("0")
    main.get_by_role("button", name=re.compile("^(Soutenir|Support)$")).click()
    expect(main.locator(".support-count")).to_contain_text("1")
    expect(main.get_by_role("button", name=re.compile("Retirer mon soutien|Withdraw my support"))) \
        .to_be_visible()

    # comment on it, in favour
    comments = page.locator("#comments")
    comments.get_by_label(re.compile("^(Pour|In favour)$", re.I)).first.check()
    comments.get_by_label(re.compile("Votre commentaire|Your comment", re.I)).fill(
        "Oui, et avec une fontaine à côté des bancs.")
    comments.get_by_role("button", name=re.compile("Publier le commentaire|Publish the comment")) \
        .click()
    expect(page.locator("#comments")).to_contain_text("Oui, et avec une fontaine à côté des bancs.")
    expect(page.locator("#comments .comment-meta").first).to_contain_text("Camille Habitant")
    axe(page, "proposals: proposal with comments")
    assert not page.problems, page.problems

    # the author of the proposal, who follows it, is told about the comment
    if not notifications_available():
        return
    page.get_by_role("button", name=re.compile("Se déconnecter|Log out")).click()
    log_in(page, live, "voisin@commune.localhost")
    account = page.get_by_role("navigation", name=re.compile("compte|account", re.I))
    expect(account.locator(".unread-count")).to_contain_text("1")
    account.get_by_role("link", name=re.compile("^Notifications")).click()
    axe(page, "notifications")
    entry = main.locator(".notifications li").first
    expect(entry).to_contain_text("Camille Habitant")
    entry.get_by_role("link", name="Des bancs à l'ombre sur la place").click()
    expect(page.locator("#comments")).to_contain_text("Oui, et avec une fontaine")


def test_a_visitor_is_invited_to_log_in_before_supporting(with_proposals, live, page):
    page.goto(live.url(COMMUNE, SPACE + "proposals/"))
    page.locator("main").get_by_role("link", name="Des bancs à l'ombre sur la place").click()
    expect(page.get_by_role("button", name=re.compile("^(Soutenir|Support)$"))).to_have_count(0)
    page.get_by_role("link", name=re.compile("Connectez-vous pour soutenir|Log in to support")) \
        .click()
    main = page.locator("main")
    main.get_by_label(EMAIL_LABEL).fill("habitant@commune.localhost")
    main.get_by_label(re.compile("^(mot de passe|password)", re.I)).fill("correct horse battery")
    main.locator("button[type=submit]").click()
    # back on the proposal, now able to support it
    expect(page.locator("h1")).to_have_text("Des bancs à l'ombre sur la place")
    expect(page.get_by_role("button", name=re.compile("^(Soutenir|Support)$"))).to_be_visible()
