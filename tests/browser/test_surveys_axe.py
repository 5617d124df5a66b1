"""The surveys module's pages and the templates pages, checked with axe in a real
browser: the questionnaire (empty and with mistakes), the results with their charts,
the team's builder, and the template library."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COMMUNE = "commune.localhost"
SPACE = "enquete"


@pytest.fixture
def survey_world(world):
    from beffroi_surveys.demo import fill
    world.add_space(COMMUNE, SPACE, "Enquête de quartier", modules=["surveys"])
    with world.tx() as app:
        container = app.organisation_for_host(COMMUNE).spaces[SPACE]["surveys"]
        survey = fill(container)
        return f"/{SPACE}/surveys/{survey.__name__}/"


def test_survey_pages_and_charts_have_no_serious_accessibility_fault(survey_world, live, page, axe):
    url = survey_world
    failures = []
    page.goto(live.url(COMMUNE, "/-/login"))
    main = page.locator("main")
    main.get_by_label(re.compile("^(adresse électronique|adresse e-mail|e-mail)", re.I)) \
        .fill("admin@commune.localhost")
    main.get_by_label(re.compile("^(mot de passe|password)", re.I)).fill("correct horse battery")
    main.locator("button[type=submit]").click()
    expect(page.get_by_role("link", name="Administration")).to_be_visible()
    page.goto(live.url(COMMUNE, url))
    failures += axe.problems(page, "surveys: questionnaire")
    # with JavaScript a conditional question waits for its answer
    expect(page.locator("#question-4")).to_be_hidden()
    page.locator("#q3-1").check()                      # "Non"
    expect(page.locator("#question-4")).to_be_visible()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.locator(".error-summary")).to_be_visible()
    failures += axe.problems(page, "surveys: questionnaire with mistakes")
    for page_type, path in [
            ("surveys: listing", f"/{SPACE}/surveys/"),
            ("surveys: results", url + "results"),
            ("surveys: results, single choice (chart)", url + "results/3"),
            ("surveys: results, multiple choice (chart)", url + "results/5"),
            ("surveys: results, ranking (chart)", url + "results/7"),
            ("surveys: results, matrix (charts)", url + "results/8"),
            ("surveys: results, free texts", url + "results/10"),
            ("surveys: questions", url + "questions"),
            ("surveys: new survey", f"/{SPACE}/surveys/add"),
            ("templates: library", "/-/admin/templates"),
            ("templates: pick", f"/-/admin/spaces/{SPACE}/modules/surveys/templates"),
            ("templates: save", f"/-/admin/spaces/{SPACE}/modules/surveys/save-template"),
            ("templates: save a whole space", f"/-/admin/spaces/{SPACE}/save-template"),
    ]:
        response = page.goto(live.url(COMMUNE, path))
        assert response.status == 200, f"{path} answered {response.status}"
        if "(chart" in page_type:
            expect(page.locator("svg[role=img]").first).to_be_visible()
        failures += axe.problems(page, page_type)
    assert not failures, "accessibility problems:\n" + "\n".join(failures)
