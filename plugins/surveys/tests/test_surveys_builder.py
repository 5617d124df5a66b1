"""The survey team's builder: questions checked with messages, reads that never write."""
from __future__ import annotations

from beffroi.devkit.testing import assert_accessible

BASE = "/quartier/surveys/"


def test_a_question_with_mistakes_is_shown_again_with_messages_and_what_was_typed(site):
    admin = site.admin()
    url = site.create_survey(admin)
    page = admin.get(url + "add-question")
    assert_accessible(page.text)
    form = page.forms["deform"]
    form["kind"], form["title"] = "matrix_single", "Votre avis"
    form["options"] = "Bon"                         # one option, no rows
    page = form.submit("save")
    assert page.status_int == 200
    assert "Donnez au moins deux options" in page.text and "Donnez les lignes" in page.text
    form = page.forms["deform"]
    assert form["title"].value == "Votre avis" and form["options"].value == "Bon"
    form["options"], form["rows"] = "Bon\nMauvais", "Bruit"
    assert form.submit("save").status_int == 302
    page = admin.get(url + "edit-question?q=1")
    assert page.forms["deform"]["rows"].value == "Bruit"


def test_a_condition_can_only_name_an_earlier_choice(site):
    admin = site.admin()
    url = site.create_survey(admin)
    site.add_question(admin, url, "single", "Venez-vous ?", options="Oui\nNon")
    site.add_question(admin, url, "short", "Pourquoi ?", condition="1-1")
    page = admin.get(url + "edit-question?q=1")            # the first question: nothing before
    values = [option[0] for option in page.forms["deform"]["condition"].options]
    assert values == [""]
    page = admin.get(url + "questions")
    assert "Seulement si la réponse à la question 1 est « Non »" in page.text
    # deleting the question a condition names removes the condition
    form = next(f for f in page.forms.values() if f.get("q", default=None) is not None
                and f["q"].value == "1")
    form.submit("action", value="delete")
    with site.platform.tx() as app:
        survey = site.container(app)[url.strip("/").split("/")[-1]]
        assert [q.condition for q in survey.questions] == [None]


def test_reading_a_survey_and_its_results_writes_nothing(site):
    admin = site.admin()
    url = site.create_survey(admin)
    site.add_question(admin, url, "single", "Couleur", options="Rouge\nVert")
    site.publish(admin, url)
    site.phase_settings(results_public=True)
    browser = site.participant("p@example.org")
    browser.get(url)
    db = site.platform.db
    before = db.lastTransaction()
    for path in (BASE, url, url + "results", url + "results/1"):
        browser.get(path)
        site.browser().get(path)
    assert db.lastTransaction() == before


def test_modules_offering_templates_are_linked_from_the_space_administration(site):
    admin = site.admin()
    page = admin.get("/-/admin/spaces/quartier/")
    assert page.html.select_one("a[href$='/modules/surveys/templates']")
    assert_accessible(admin.get("/-/admin/spaces/quartier/modules/surveys/templates").text)
