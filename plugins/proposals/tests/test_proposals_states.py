"""Hidden, withdrawn and unpublished states, and notifications sent once (issue 11,
kinds 2, 6 and 7): each input of the issue is a test asserting the right value."""
from __future__ import annotations

import csv
import io

from beffroi.devkit.testing import csrf_of

BASE = "/budget/proposals/"


def _kinds(site, email):
    from beffroi.services.notifications.model import inbox_events
    with site.platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        user = org.users.find_by_email(email)
        return [event.kind for event, _unread in inbox_events(org, user.id)]


def _answer(site, browser, url, state="accepted", text="<p>Oui, dès l'été.</p>"):
    form = site.form_with(browser.get(url + "answer"), "answer")
    form["state"], form["answer"] = state, text
    return form.submit("save")


def _hide(site, url_number, amendment=None):
    """Three reports by three participants (the default threshold)."""
    for i in range(3):
        email = f"reporter{i}@example.org"
        site.user(email)
        browser = site.browser(email)
        page = browser.get(BASE + f"{url_number}/")
        target = BASE + f"{url_number}/" + (f"{amendment}/" if amendment else "")
        browser.post(target + "report", {"csrf_token": csrf_of(page), "reason": "spam",
                                         "came_from": BASE})


def test_an_answer_is_notified_only_once_answers_are_published_then_once(site):
    site.user("admin@example.org", org_roles=["admin"])
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    url = site.create(ana).location
    site.phase_settings(answers_published=False)
    admin = site.browser("admin@example.org")
    _answer(site, admin, url)
    _answer(site, admin, url, text="<p>Oui, dès l'automne.</p>")     # answered again
    assert "proposals.answered" not in _kinds(site, "ana@example.org")
    # the admin publishes the answers of the active phase with the phase settings form
    with site.platform.tx() as app:
        space = app.organisation_for_host("test.localhost").spaces["budget"]
        phase_id = space.active_phase_id
    page = admin.get(f"/-/admin/spaces/budget/modules/proposals?phase={phase_id}")
    form = site.form_with(page, "answers_published")
    form["answers_published"] = True
    form.submit("save")
    assert _kinds(site, "ana@example.org").count("proposals.answered") == 1
    form = site.form_with(admin.get(f"/-/admin/spaces/budget/modules/proposals?phase={phase_id}"),
                          "answers_published")
    form.submit("save")                                              # saved again: nothing new
    assert _kinds(site, "ana@example.org").count("proposals.answered") == 1
    assert "dès l'automne" in ana.get(url).text


def test_answers_given_in_a_phase_without_publication_are_notified_when_the_next_phase_starts(site):
    site.user("admin@example.org", org_roles=["admin"])
    site.user("ana@example.org")
    url = site.create(site.browser("ana@example.org")).location
    site.phase_settings(answers_published=False)
    admin = site.browser("admin@example.org")
    _answer(site, admin, url)
    form = site.form_with(admin.get("/-/admin/spaces/budget/phases/"), "title")
    form["title"] = "Résultats"
    page = form.submit("create").follow()
    with site.platform.tx() as app:
        results = app.organisation_for_host("test.localhost").spaces["budget"].phases[-1].id
    assert "proposals.answered" not in _kinds(site, "ana@example.org")
    admin.post(f"/-/admin/spaces/budget/phases/{results}/activate", {"csrf_token": csrf_of(page)})
    assert _kinds(site, "ana@example.org").count("proposals.answered") == 1


def test_answers_are_notified_when_the_dates_open_a_phase_that_publishes_them(site):
    from datetime import date, timedelta

    from beffroi.resources.space import Phase
    site.user("admin@example.org", org_roles=["admin"])
    site.user("ana@example.org")
    site.user("bob@example.org")
    today = date.today()
    with site.platform.tx() as app:
        space = app.organisation_for_host("test.localhost").spaces["budget"]
        for phase in list(space.phases):
            phase.start = phase.end = today - timedelta(days=30)
        space.add_phase(Phase("Étude", today - timedelta(days=1), today + timedelta(days=1)))
        space.add_phase(Phase("Résultats", today + timedelta(days=2)))
        study, results = space.phases[-2].id, space.phases[-1].id
        container = site.container(app)
        container.phase_settings[study] = {"answers_published": False}
        container.phase_settings[results] = {"answers_published": True}
    url = site.create(site.browser("ana@example.org")).location
    _answer(site, site.browser("admin@example.org"), url)
    assert "proposals.answered" not in _kinds(site, "ana@example.org")
    with site.platform.tx() as app:                  # the days pass: results start today
        space = app.organisation_for_host("test.localhost").spaces["budget"]
        space.phases[-2].end, space.phases[-1].start = today - timedelta(days=1), today
    site.post(site.browser("bob@example.org"), url + "support")     # the next write sends it
    assert _kinds(site, "ana@example.org").count("proposals.answered") == 1


def test_an_answer_published_at_once_is_notified_at_once(site):
    site.user("admin@example.org", org_roles=["admin"])
    site.user("ana@example.org")
    url = site.create(site.browser("ana@example.org")).location
    _answer(site, site.browser("admin@example.org"), url)
    assert _kinds(site, "ana@example.org").count("proposals.answered") == 1


def test_the_threshold_reached_is_notified_once_whatever_supports_come_and_go(site):
    from beffroi.services.follows import model as follows
    site.settings(support_threshold=2)
    site.user("ana@example.org")
    fan = site.user("fan@example.org")
    site.user("bob@example.org")
    site.user("carl@example.org")
    url = site.create(site.browser("ana@example.org")).location
    with site.platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        follows.follow(org, fan, site.container(app)["1"])
    bob, carl = site.browser("bob@example.org"), site.browser("carl@example.org")
    site.post(bob, url + "support")
    site.post(carl, url + "support")
    for _ in range(3):
        site.post(carl, url + "unsupport")
        site.post(carl, url + "support")
    assert site.support_count(bob.get(url)) == 2
    assert _kinds(site, "fan@example.org").count("proposals.threshold_reached") == 1
    site.settings(support_threshold=3)                 # a higher threshold is news again
    site.user("dan@example.org")
    site.post(site.browser("dan@example.org"), url + "support")
    assert _kinds(site, "fan@example.org").count("proposals.threshold_reached") == 2


def test_the_full_export_says_which_proposals_are_hidden(site):
    site.user("admin@example.org", org_roles=["admin"])
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    site.create(ana, title="Une proposition visible")
    site.create(ana, title="Une proposition signalée")
    _hide(site, 2)
    admin = site.browser("admin@example.org")
    text = admin.get(BASE + "export-full.csv").text.lstrip("\ufeff")
    rows = {r["title"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["Une proposition signalée"]["hidden"] == "True"
    assert rows["Une proposition visible"]["hidden"] == "False"
    public = site.browser().get(BASE + "export.csv").text
    assert "Une proposition signalée" not in public and "hidden" not in public.splitlines()[0]


def test_export_cells_stay_empty_and_only_formula_starts_are_guarded(site):
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    site.create(ana, title="-5 degrés sur la place")
    site.create(ana, title="Des bancs, 2 + 2 à l'ombre")
    text = site.browser().get(BASE + "export.csv").text.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    by_id = {r["id"]: r for r in rows}
    assert by_id["1"]["title"] == "'-5 degrés sur la place"
    assert by_id["2"]["title"] == "Des bancs, 2 + 2 à l'ombre"
    # no answer, no cost, no category: empty, not "'"
    assert by_id["1"]["answer"] == "" and by_id["1"]["cost"] == "" and by_id["1"]["category"] == ""


def test_the_french_admin_export_names_a_deleted_author_in_french(site):
    site.user("admin@example.org", org_roles=["admin"])
    site.user("ana@example.org")
    site.create(site.browser("ana@example.org"))
    with site.platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        org.users.find_by_email("ana@example.org").deleted = True
    text = site.browser("admin@example.org").get(BASE + "export-full.csv").text
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["author_name"] == "Participant·e supprimé·e" and "Deleted participant" not in text


def _amend(site, browser, url, title="Des bancs et une fontaine"):
    form = site.form_with(browser.get(url + "amend"), "title")
    form["title"] = title
    form.submit("send")
    with site.platform.tx() as app:
        proposal = site.container(app)[url.rstrip("/").rsplit("/", 1)[1]]
        return sorted(proposal.amendments.values(), key=lambda a: a.created)[-1].id


def test_an_amendment_is_reported_and_hidden_like_any_participant_text(site):
    site.user("ana@example.org")
    site.user("bob@example.org")
    ana = site.browser("ana@example.org")
    url = site.create(ana).location
    amendment = _amend(site, site.browser("bob@example.org"), url, "Des bancs et de la publicité")
    page = ana.get(url)
    assert f'action="{url}{amendment}/report"' in page.text
    _hide(site, 1, amendment)
    assert "Des bancs et de la publicité" not in ana.get(url).text
    assert "Des bancs et de la publicité" not in site.browser().get(url).text
    # the author cannot accept hidden text into the proposal
    ana.post(url + "accept-amendment", {"csrf_token": csrf_of(ana.get(url)), "amendment": amendment},
             status=404)
    # it waits in the space's moderation queue, where a moderator restores it
    site.user("modo@example.org", space_roles={"budget": ["moderator"]})
    moderator = site.browser("modo@example.org")
    queue = moderator.get("/-/admin/spaces/budget/moderation")
    assert "Des bancs et de la publicité" in queue.text
    assert "Des bancs et de la publicité" in moderator.get(url).text       # moderators see it
    case = queue.html.find("input", attrs={"name": "case"})["value"]
    moderator.post("/-/admin/spaces/budget/moderation",
                   {"csrf_token": csrf_of(queue), "case": case, "decision": "restore"})
    assert "Des bancs et de la publicité" in ana.get(url).text


def test_an_older_database_gives_its_amendments_a_place_in_the_tree(site):
    from beffroi_proposals import _locate_amendments
    site.user("ana@example.org")
    site.user("bob@example.org")
    url = site.create(site.browser("ana@example.org")).location
    amendment = _amend(site, site.browser("bob@example.org"), url)
    with site.platform.tx() as app:
        stored = site.container(app)["1"].amendments[amendment]
        del stored.__parent__, stored.__name__             # as stored before this version
    with site.platform.tx() as app:
        _locate_amendments(app)
    with site.platform.tx() as app:
        proposal = site.container(app)["1"]
        assert proposal.amendments[amendment].__parent__ is proposal
        assert proposal[amendment].__name__ == amendment


def test_admins_decide_amendments_to_an_official_proposal_or_one_whose_author_left(site):
    site.user("admin@example.org", org_roles=["admin"])
    site.user("ana@example.org")
    site.user("bob@example.org")
    admin = site.browser("admin@example.org")
    official = site.create(admin, title="Rénover l'éclairage public", official=True).location
    bob = site.browser("bob@example.org")
    first = _amend(site, bob, official, "Rénover l'éclairage en LED")
    page = admin.get(official)
    assert "Accepter cet amendement" in page.text or "Accept this amendment" in page.text
    site.post(admin, official + "accept-amendment", amendment=first)
    assert "<h1>Rénover l'éclairage en LED</h1>" in bob.get(official).text
    # a participant other than the author decides nothing
    url = site.create(site.browser("ana@example.org")).location
    second = _amend(site, bob, url)
    bob.post(url + "reject-amendment", {"csrf_token": csrf_of(bob.get(url)), "amendment": second},
             status=403)
    admin.post(url + "reject-amendment", {"csrf_token": csrf_of(admin.get(url)), "amendment": second},
               status=403)                                    # Ana still answers for it
    with site.platform.tx() as app:
        app.organisation_for_host("test.localhost").users.find_by_email("ana@example.org").deleted = True
    site.post(admin, url + "reject-amendment", amendment=second)
    with site.platform.tx() as app:
        assert site.container(app)["2"].amendments[second].state == "rejected"


def test_with_no_supports_left_the_button_says_why_and_refusals_look_like_errors(site):
    site.settings(support_limit=1)
    site.user("ana@example.org")
    site.user("bob@example.org")
    ana = site.browser("ana@example.org")
    first = site.create(ana, title="Proposition numéro un").location
    second = site.create(ana, title="Proposition numéro deux").location
    bob = site.browser("bob@example.org")
    page = site.post(bob, first + "support").follow()
    assert 'class="wrap flash"' in page.text and "flash-error" not in page.text
    page = bob.get(second)
    button = page.html.find("button", attrs={"aria-describedby": "support-unavailable"})
    assert button is not None and button.has_attr("disabled")
    assert "tous vos soutiens" in page.html.find(id="support-unavailable").text
    assert second + "support" not in page.text
    page = bob.post(second + "support", {"csrf_token": csrf_of(page)}).follow()   # sent anyway
    error = page.html.find("div", class_="flash-error")
    assert error is not None and error["role"] == "alert" and "tous vos soutiens" in error.text


def test_a_withdrawn_or_hidden_proposal_can_be_neither_supported_nor_followed(site):
    site.user("ana@example.org")
    site.user("bob@example.org")
    ana = site.browser("ana@example.org")
    url = site.create(ana).location
    site.post(ana, url + "withdraw")
    bob = site.browser("bob@example.org")
    page = bob.get(url)
    assert "follow-form" not in page.text and url + "support" not in page.text
    with site.platform.tx() as app:
        org = app.organisation_for_host("test.localhost")
        key = "/budget/proposals/1"
        bob_id = org.users.find_by_email("bob@example.org").id
    page = bob.post("/-/follow", {"csrf_token": csrf_of(page), "target": key, "action": "follow",
                                  "came_from": url}).follow()
    assert "flash-error" in page.text
    from beffroi.services.follows import model as follows
    with site.platform.tx() as app:
        assert not follows.is_following(app.organisation_for_host("test.localhost"), bob_id, key)
        assert bob_id not in site.container(app)["1"].supporters
    bob.post(url + "support", {"csrf_token": csrf_of(page)})
    with site.platform.tx() as app:
        assert bob_id not in site.container(app)["1"].supporters
    # hidden by moderation: the page, supports and follows are refused
    other = site.create(ana, title="Une proposition signalée").location
    _hide(site, 2)
    bob.post(other + "support", {"csrf_token": csrf_of(page)}, status=410)
    bob.post("/-/follow", {"csrf_token": csrf_of(page), "target": "/budget/proposals/2",
                           "action": "follow", "came_from": url})
    with site.platform.tx() as app:
        assert not follows.is_following(app.organisation_for_host("test.localhost"), bob_id,
                                        "/budget/proposals/2")


def test_assigning_evaluators_changes_only_the_boxes_the_admin_changed(site):
    site.user("admin@example.org", org_roles=["admin"])
    eva = site.user("eva@example.org", name="Eva", space_roles={"budget": ["evaluator"]})
    leo = site.user("leo@example.org", name="Léo", space_roles={"budget": ["evaluator"]})
    url = site.create(site.browser("admin@example.org"), title="Une proposition à évaluer").location
    admin = site.browser("admin@example.org")
    form = site.form_with(admin.get(url), "shown")
    with site.platform.tx() as app:                 # another admin assigns Léo meanwhile
        site.container(app)["1"].evaluators = (leo,)
    for box in form.fields["evaluator"]:
        box.checked = box._value == eva
    form.submit()
    with site.platform.tx() as app:
        assert set(site.container(app)["1"].evaluators) == {eva, leo}
    form = site.form_with(admin.get(url), "shown")
    assert {b._value for b in form.fields["evaluator"] if b.checked} == {eva, leo}
    for box in form.fields["evaluator"]:
        box.checked = box._value == leo
    form.submit()
    with site.platform.tx() as app:
        assert site.container(app)["1"].evaluators == (leo,)
