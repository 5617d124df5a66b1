"""Templates shared across the platform: a questionnaire built in one organisation is
used in another, with no answer carried over; a private template stays invisible."""
from __future__ import annotations

import pytest

from beffroi.devkit.testing import assert_accessible

A, B = "a.localhost", "b.localhost"


@pytest.fixture
def two(platform):
    platform.add_org("Commune A", A)
    platform.add_org("Commune B", B)
    platform.add_space(A, "quartier", modules=["surveys"])
    platform.add_space(B, "centre", modules=["surveys"])
    return platform


def _org_admin(platform, host):
    browser = platform.browser(host)
    platform.login_as(browser, role="admin")
    return browser


def _survey_with_answers(platform):
    """A survey in organisation A with a conditional question and two answers."""
    with platform.tx() as app:
        container = app.organisation_for_host(A).spaces["quartier"]["surveys"]
        from beffroi_surveys.model import add_survey
        survey = add_survey(container, "Votre quartier", consent="J'accepte.")
        venue = survey.add_question("single", "Venez-vous ?", options=["Oui", "Non"], mandatory=True)
        survey.add_question("long", "Pourquoi ?", condition=(venue.id, 1))
        survey.add_question("matrix_single", "Avis", rows=["Bruit"], options=["Bon", "Mauvais"])
        survey.submit("someone", {venue.id: {"choices": [1], "other": None}, 2: "secret de Camille"})
        survey.submit("other", {venue.id: {"choices": [0], "other": None}})
        return survey.__name__


def _save(browser, space, name, title, shared):
    page = browser.get(f"/-/admin/spaces/{space}/modules/surveys/save-template?item={name}")
    assert_accessible(page.text)
    form = page.forms["deform"]
    form["title"] = title
    if shared:
        form["shared"] = True
    return form.submit("save")


def test_a_questionnaire_shared_by_one_organisation_is_used_by_another_without_answers(two):
    name = _survey_with_answers(two)
    a_admin = _org_admin(two, A)
    saved = _save(a_admin, "quartier", name, "Questionnaire de quartier", shared=True)
    assert saved.status_int == 302
    library = a_admin.get("/-/admin/templates")
    assert "Questionnaire de quartier" in library.text and "Partagé" in library.text
    assert_accessible(library.text)

    b_admin = _org_admin(two, B)
    pick = b_admin.get("/-/admin/spaces/centre/modules/surveys/templates")
    assert_accessible(pick.text)
    assert "Questionnaire de quartier" in pick.text and "Commune A" in pick.text
    made = pick.forms[[i for i, f in pick.forms.items() if "template" in f.fields][0]].submit()
    assert made.status_int == 302
    with two.tx() as app:
        container = app.organisation_for_host(B).spaces["centre"]["surveys"]
        [survey] = list(container.values())
        assert [q.title for q in survey.questions] == ["Venez-vous ?", "Pourquoi ?", "Avis"]
        assert survey.questions[1].condition == (survey.questions[0].id, 1)
        assert survey.consent == "J'accepte."
        assert survey.count() == 0 and len(survey.responses) == 0 and len(survey.answered) == 0
        assert list(survey.texts.keys()) == [] and list(survey.tally.items()) == []
        assert survey.published is False
        template = next(iter(app.shared_templates.values()))
        assert "secret de Camille" not in template.data_json
        assert "someone" not in template.data_json
    # B's admin edits the copy; A's survey is untouched
    page = b_admin.get(made.location.replace("http://" + B, "") + "questions")
    assert "Venez-vous ?" in page.text


def test_a_private_template_is_invisible_and_unusable_in_another_organisation(two):
    name = _survey_with_answers(two)
    a_admin = _org_admin(two, A)
    _save(a_admin, "quartier", name, "Modèle privé", shared=False)
    b_admin = _org_admin(two, B)
    assert "Modèle privé" not in b_admin.get("/-/admin/spaces/centre/modules/surveys/templates").text
    assert "Modèle privé" not in b_admin.get("/-/admin/templates").text
    with two.tx() as app:
        [template] = list(app.organisation_for_host(A).template_library.templates.values())
        key = template.key
    page = b_admin.get("/-/admin/spaces/centre/modules/surveys/templates")
    from beffroi.devkit.testing import csrf_of
    b_admin.post("/-/admin/spaces/centre/modules/surveys/use-template",
                 {"csrf_token": csrf_of(page), "template": key}, status=404)
    # B cannot delete or share A's template either
    b_admin.post("/-/admin/templates", {"csrf_token": csrf_of(page), "template": key.split(":")[1],
                                        "action": "share"}, status=404)
    # A uses its own private template in another of its spaces
    two.add_space(A, "ecole", modules=["surveys"])
    pick = a_admin.get("/-/admin/spaces/ecole/modules/surveys/templates")
    assert "Modèle privé" in pick.text


def test_sharing_can_stop_and_a_deleted_template_leaves_what_was_made(two):
    name = _survey_with_answers(two)
    a_admin = _org_admin(two, A)
    _save(a_admin, "quartier", name, "Modèle partagé", shared=True)
    b_admin = _org_admin(two, B)
    assert "Modèle partagé" in b_admin.get("/-/admin/spaces/centre/modules/surveys/templates").text
    library = a_admin.get("/-/admin/templates")
    form = next(f for f in library.forms.values() if "template" in f.fields)
    form.submit("action", value="unshare")
    assert "Modèle partagé" not in b_admin.get("/-/admin/spaces/centre/modules/surveys/templates").text
    library = a_admin.get("/-/admin/templates")
    form = next(f for f in library.forms.values() if "template" in f.fields)
    form.submit("action", value="delete")
    assert "Modèle partagé" not in a_admin.get("/-/admin/templates").text
    with two.tx() as app:
        assert len(app.organisation_for_host(A).spaces["quartier"]["surveys"]) == 1
        assert len(app.shared_templates) == 0


def test_only_organisation_admins_save_templates_and_space_admins_use_them(two):
    name = _survey_with_answers(two)
    space_admin = two.browser(A)
    two.login_as(space_admin, role="admin", space="quartier")
    space_admin.get(f"/-/admin/spaces/quartier/modules/surveys/save-template?item={name}", status=403)
    space_admin.get("/-/admin/templates", status=403)
    assert space_admin.get("/-/admin/spaces/quartier/modules/surveys/templates").status_int == 200
    member = two.browser(A)
    two.login_as(member, role="member", space="quartier")
    member.get("/-/admin/spaces/quartier/modules/surveys/templates", status=403)


def test_damaged_template_data_is_refused_and_nothing_is_made(two):
    from beffroi.services.templates import model
    with two.tx() as app:
        org = app.organisation_for_host(B)
        model.save_template(org, "surveys", "Abîmé", "", {"surveys": [{"questions": [
            {"kind": "single", "title": "ok", "options": ["a", "b"]},
            {"kind": "nope", "title": "bad"}]}]}, False, None)
    b_admin = _org_admin(two, B)
    pick = b_admin.get("/-/admin/spaces/centre/modules/surveys/templates")
    page = pick.forms[[i for i, f in pick.forms.items() if "template" in f.fields][0]].submit().follow()
    assert "abîmé" in page.text
    with two.tx() as app:
        assert len(app.organisation_for_host(B).spaces["centre"]["surveys"]) == 0


def test_template_data_must_be_plain():
    from beffroi.api import TemplateError, template_json
    assert template_json({"a": [1, "x", None, True]}) == '{"a": [1, "x", null, true]}'
    with pytest.raises(TemplateError):
        template_json({"a": object()})


def test_a_whole_process_becomes_a_template_another_organisation_starts_from(two):
    name = _survey_with_answers(two)
    with two.tx() as app:
        space = app.organisation_for_host(A).spaces["quartier"]
        from beffroi.resources.space import Phase
        first = space.add_phase(Phase("Concertation", description="Ateliers"))
        space.add_phase(Phase("Restitution"))
        space["surveys"].settings["allow_anonymous"] = True
        space["surveys"].phase_settings[first.id] = {"results_public": True}
    a_admin = _org_admin(two, A)
    page = a_admin.get("/-/admin/spaces/quartier/save-template")
    assert_accessible(page.text)
    form = page.forms["deform"]
    form["title"], form["shared"] = "Démarche de quartier", True
    assert form.submit("save").status_int == 302
    b_admin = _org_admin(two, B)
    library = b_admin.get("/-/admin/templates")
    link = library.html.select_one("a[href*='new-space?template=']")["href"]
    page = b_admin.get(link)
    assert_accessible(page.text)
    form = page.forms["deform"]
    form["title"], form["slug"] = "Notre démarche", "centre"        # taken in B
    page = form.submit("create")
    assert page.status_int == 200, page.text[:200]
    assert "déjà prise" in page.text
    form = page.forms["deform"]
    form["slug"] = "notre-demarche"
    made = form.submit("create")
    assert made.status_int == 302 and made.location.endswith("/-/admin/spaces/notre-demarche/")
    with two.tx() as app:
        space = app.organisation_for_host(B).spaces["notre-demarche"]
        assert space.published is False and space.title == "Notre démarche"
        titles = [p.title for p in space.phases]
        assert titles[-2:] == ["Concertation", "Restitution"]
        container = space["surveys"]
        assert container.settings["allow_anonymous"] is True
        concertation = next(p for p in space.phases if p.title == "Concertation")
        assert container.phase_settings[concertation.id] == {"results_public": True}
        [survey] = list(container.values())
        assert [q.title for q in survey.questions] == ["Venez-vous ?", "Pourquoi ?", "Avis"]
        assert survey.count() == 0 and len(survey.answered) == 0
        assert space.roles.get(next(iter(app.organisation_for_host(A).users.keys()), ""), None) is None
    # A's original is untouched
    with two.tx() as app:
        assert app.organisation_for_host(A).spaces["quartier"]["surveys"][name].count() == 2


def test_an_organisation_taken_off_the_platform_takes_its_shared_templates_along(two):
    from beffroi.services.templates import model
    from beffroi.system.portability import remove_organisation
    with two.tx() as app:
        org = app.organisation_for_host(A)
        model.save_template(org, "surveys", "Partagé", "", {"surveys": []}, True, None)
        assert len(model.shared_by_others(app.organisation_for_host(B))) == 1
        remove_organisation(app, org)
        assert model.shared_by_others(app.organisation_for_host(B)) == []
        # the same organisation coming back (an import) shares it again under its id
        app.organisations.add("commune-a-2", org)
        org.id = "commune-a-2"
        model.organisation_arrived(app, org)
        [template] = model.shared_by_others(app.organisation_for_host(B))
        assert template.key.startswith("commune-a-2:")


def test_a_text_outline_travels_without_suggestions_or_authors(platform):
    """Collaborative drafting offers its texts as templates: the headings and wording go,
    suggestions, annotations and authors stay home."""
    platform.add_org("Commune A", A)
    platform.add_org("Commune B", B)
    platform.add_space(A, "charte", modules=["drafting"])
    platform.add_space(B, "reglement", modules=["drafting"])
    with platform.tx() as app:
        from beffroi_drafting.models import add_suggestion, add_text, publish_draft
        container = app.organisation_for_host(A).spaces["charte"]["drafting"]
        text = add_text(container, "Charte de la vie associative", "Notre charte.",
                        "## Article 1\n\nLes associations sont libres.\n\n## Article 2\n\n"
                        "La commune les soutient.", creator="author-a")
        publish_draft(text, "Première version", "author-a")
        section = next(s for s in text.current.sections if s.title == "Article 1")
        add_suggestion(text, section.key, "libres", "libres et indépendantes",
                       "Plus précis", "citizen-secret")
        name = text.__name__
    a_admin = _org_admin(platform, A)
    page = a_admin.get(f"/-/admin/spaces/charte/modules/drafting/save-template?item={name}")
    form = page.forms["deform"]
    form["title"], form["shared"] = "Modèle de charte", True
    assert form.submit("save").status_int == 302
    b_admin = _org_admin(platform, B)
    pick = b_admin.get("/-/admin/spaces/reglement/modules/drafting/templates")
    assert "Modèle de charte" in pick.text
    made = pick.forms[[i for i, f in pick.forms.items() if "template" in f.fields][0]].submit()
    assert made.status_int == 302
    with platform.tx() as app:
        container = app.organisation_for_host(B).spaces["reglement"]["drafting"]
        [copy] = list(container.values())
        assert copy.title == "Charte de la vie associative"
        assert [s.title for s in copy.draft.sections if s.title] == ["Article 1", "Article 2"]
        assert copy.current is None and not list(copy.suggestions())
        template = next(iter(app.shared_templates.values()))
        assert "citizen-secret" not in template.data_json
        assert "author-a" not in template.data_json
        assert "indépendantes" not in template.data_json
