"""What a participant's answers become in "download my data" and when they delete
their account; demo content; open data holds no free text."""
from __future__ import annotations

import io
import json
import zipfile

from beffroi.devkit.testing import PASSWORD


def _answer(site, browser, url, word):
    form = site.form_with(browser.get(url), "q1")
    form["q1"], form["q2"] = "1", word
    assert form.submit().status_int == 302


def _survey(site, anonymous=False):
    if anonymous:
        site.settings(allow_anonymous=True)
    admin = site.admin()
    url = site.create_survey(admin, title="Anonyme" if anonymous else "Nominatif",
                             anonymous=anonymous)
    site.add_question(admin, url, "single", "Couleur", options="Rouge\nVert")
    site.add_question(admin, url, "short", "Un mot")
    site.publish(admin, url)
    return url


def test_download_my_data_holds_my_named_answers_and_only_the_mark_of_anonymous_ones(site):
    named, anonymous = _survey(site), _survey(site, anonymous=True)
    site.user("camille@example.org")
    camille = site.browser("camille@example.org")
    _answer(site, camille, named, "tilleul")
    _answer(site, camille, anonymous, "secret")
    archive = zipfile.ZipFile(io.BytesIO(camille.get("/-/account/data").body))
    data = json.loads(archive.read("plugins/surveys.json"))["quartier"]
    mine = {item["survey"]: item for item in data}
    assert mine["Nominatif"]["answers"] == [{"question": "Couleur", "answer": "Vert"},
                                            {"question": "Un mot", "answer": "tilleul"}]
    assert mine["Anonyme"]["anonymous"] is True and "answers" not in mine["Anonyme"]
    assert "secret" not in json.dumps(data)


def test_a_deleted_account_keeps_its_answers_in_the_results_without_a_link(site):
    url = _survey(site)
    camille_id = site.user("camille@example.org")
    camille = site.browser("camille@example.org")
    _answer(site, camille, url, "tilleul")
    page = camille.get("/-/account/delete")
    form = site.form_with(page, "password")
    form["password"] = PASSWORD
    assert form.submit("delete").status_int == 302
    with site.platform.tx() as app:
        survey = site.container(app)[url.strip("/").split("/")[-1]]
        assert survey.count() == 1 and camille_id not in survey.responses
        assert camille_id not in survey.answered
        [response] = survey.responses.values()
        assert response.user_id is None and response.answers[2] == "tilleul"
        assert all(camille_id not in key for key in survey.texts.keys())
        assert survey.tally.get(1 * 4096 + 2) == 1           # "Vert" still counted


def test_the_demo_survey_has_every_question_type_and_some_answers(platform):
    from beffroi_surveys.demo import fill
    from beffroi_surveys.model import KINDS
    platform.add_org(host="demo.localhost")
    platform.add_space("demo.localhost", "quartier", modules=["surveys"])
    with platform.tx() as app:
        container = app.organisation_for_host("demo.localhost").spaces["quartier"]["surveys"]
        survey = fill(container)
        assert {q.kind for q in survey.questions} == set(KINDS)
        assert survey.count() >= 3
    page = platform.browser("demo.localhost").get(f"/quartier/surveys/{survey.__name__}/results/3")
    assert page.html.select("svg[role=img] desc")
