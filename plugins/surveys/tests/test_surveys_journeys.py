"""A survey with every question type, answered through the pages a participant uses."""
from __future__ import annotations

import csv
import io

import pytest
from webtest import Upload

from beffroi.devkit.testing import assert_accessible

BASE = "/quartier/surveys/"


def _png():
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


PNG = _png()


def fill_everything(form):
    form["q2"] = "Le parc des Tilleuls"
    form["q3"] = "1"                               # "Non": the condition holds
    form["q4"] = "Trop de voitures le samedi."
    form.set("q5", True, index=0)                  # À pied
    form.set("q5", True, index=3)                  # Other
    form["q5-other"] = "En trottinette"
    form["q6-r0"], form["q6-r1"], form["q6-r2"] = "2", "1", "3"
    form["q7-m0"], form["q7-m1"] = "1", "0"
    form.set("q8-m0", True, index=1)
    form["consent"] = True


def test_a_survey_with_every_question_type_is_answered_and_counted(site):
    admin = site.admin()
    url = site.every_type(admin)
    camille = site.participant("camille@example.org")
    page = camille.get(url)
    assert_accessible(page.text)
    condition = page.html.select_one("#q4-cond").text
    assert condition == "Répondez seulement si vous avez répondu « Non » à la question 2 (Venez-vous le samedi ?)."
    form = site.form_with(page, "q2")
    fill_everything(form)
    form["q9"] = Upload("photo.png", PNG, "image/png")
    done = form.submit().follow()
    assert "vos réponses sont enregistrées" in done.text.lower()
    assert "Vous avez répondu à ce questionnaire" in done.text
    assert "q2" not in [f for form in done.forms.values() for f in form.fields]
    with site.platform.tx() as app:
        survey = site.container(app)[url.strip("/").split("/")[-1]]
        assert survey.count() == 1
        [response] = survey.responses.values()
        assert response.answers[2] == "Le parc des Tilleuls"
        assert response.answers[3] == {"choices": [1], "other": None}
        assert response.answers[5] == {"choices": [0], "other": "En trottinette"}
        assert response.answers[6] == [1, 0, 2]
        assert response.answers[7] == {0: 1, 1: 0}
        assert response.answers[8] == {0: [1]}
        assert response.files[9].content_type == "image/png"
    # results: one page per question, table + chart with a text alternative
    results = admin.get(url + "results/5")
    assert_accessible(results.text)
    table = results.html.select_one("table.results-table")
    cells = [[c.text.strip() for c in tr.select("th, td")] for tr in table.select("tbody tr")]
    assert cells[0] == ["À pied", "1", "100,0 %"] and cells[1] == ["À vélo", "0", "0,0 %"]
    assert results.html.select_one("svg[role=img] desc").text.startswith("À pied : 1 (100,0 %)")
    assert "En trottinette" in results.text
    ranking = admin.get(url + "results/6")
    assert "Piste" in ranking.text and ranking.html.select("svg[role=img]")
    matrix = admin.get(url + "results/7")
    assert len(matrix.html.select("svg[role=img]")) == 2
    files = admin.get(url + "results/9")
    link = files.html.select_one("a[href*='file?']")["href"]
    download = admin.get(link)
    assert download.content_type == "image/png" and "attachment" in download.headers["Content-Disposition"]
    camille.get(link, status=403)


def test_a_conditional_question_skipped_is_not_required_and_not_recorded(site):
    admin = site.admin()
    url = site.every_type(admin)
    ana = site.participant("ana@example.org")
    form = site.form_with(ana.get(url), "q2")
    fill_everything(form)
    form["q3"] = "0"                               # "Oui": question 4 is not asked
    form["q4"] = "ce texte ne doit pas compter"
    assert form.submit().status_int == 302
    with site.platform.tx() as app:
        survey = site.container(app)[url.strip("/").split("/")[-1]]
        [response] = survey.responses.values()
        assert 4 not in response.answers
        assert survey.texts_of(4) == []


def test_bad_answers_give_messages_beside_each_question_and_keep_what_was_typed(site):
    admin = site.admin()
    url = site.every_type(admin)
    ana = site.participant("ana@example.org")
    form = site.form_with(ana.get(url), "q2")
    form["q2"] = ""                                # required
    form["q3"] = "1"
    form["q4"] = "Parce que."
    for i in range(3):
        form.set("q5", True, index=i)              # three of two at most
    form["q6-r0"], form["q6-r1"] = "1", "1"        # the same rank twice
    form["q7-m0"] = "1"                            # one row of two
    form.set("q8-m1", True, index=0)
    form.set("q8-m1", True, index=1)               # two per row, one allowed
    form["q9"] = Upload("virus.exe", b"MZ\x90\x00 not an image", "application/octet-stream")
    page = form.submit()
    assert page.status_int == 200
    errors = {el["id"]: el.text for el in page.html.select("p.error")}
    assert set(errors) == {"q2-error", "q5-error", "q6-error", "q7-error", "q8-error", "q9-error",
                           "consent-error"}
    assert "au plus : 2" in errors["q5-error"]
    assert "par ligne au plus : 1." in errors["q8-error"]         # not "1 options"
    assert page.html.select_one(".error-summary a[href='#question-2']")
    form = site.form_with(page, "q2")
    assert form["q3"].value == "1" and form["q4"].value == "Parce que."
    assert [f.checked for f in form.fields["q5"]][:3] == [True, True, True]
    assert form["q6-r0"].value == "1" and form["q6-r1"].value == "1"
    assert form["q7-m0"].value == "1"
    assert [f.checked for f in form.fields["q8-m1"]] == [True, True]
    assert_accessible(page.text)
    with site.platform.tx() as app:
        assert site.container(app)[url.strip("/").split("/")[-1]].count() == 0


def test_a_file_sent_with_a_mistake_elsewhere_is_kept_for_the_next_try(site):
    admin = site.admin()
    url = site.every_type(admin)
    ana = site.participant("ana@example.org")
    form = site.form_with(ana.get(url), "q2")
    fill_everything(form)
    form["q2"] = ""
    form["q9"] = Upload("photo.png", PNG, "image/png")
    page = form.submit()
    assert "photo.png" in page.text
    form = site.form_with(page, "q2")
    form["q2"] = "La place"
    assert form.submit().status_int == 302
    with site.platform.tx() as app:
        survey = site.container(app)[url.strip("/").split("/")[-1]]
        [response] = survey.responses.values()
        assert response.files[9].filename == "photo.png"
        assert not list(survey.pending.keys())


def test_results_and_the_csv_export_are_right_on_a_crafted_set(site):
    admin = site.admin()
    url = site.create_survey(admin)
    site.add_question(admin, url, "single", "Couleur", options="Rouge\nVert\n=SUM(A1)")
    site.add_question(admin, url, "short", "Un mot")
    site.publish(admin, url)
    picks = ["0", "0", "1", "2", "0"]
    for i, pick in enumerate(picks):
        browser = site.participant(f"p{i}@example.org")
        form = site.form_with(browser.get(url), "q1")
        form["q1"], form["q2"] = pick, f"mot {i}"
        assert form.submit().status_int == 302
    page = admin.get(url + "results/1")
    cells = [[c.text.strip() for c in tr.select("th, td")]
             for tr in page.html.select("table.results-table tbody tr")]
    assert cells == [["Rouge", "3", "60,0 %"], ["Vert", "1", "20,0 %"], ["=SUM(A1)", "1", "20,0 %"]]
    text = admin.get(url + "answers.csv").text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][2:] == ["1. Couleur", "2. Un mot"]
    assert sorted(r[2] for r in rows[1:]) == ["'=SUM(A1)", "Rouge", "Rouge", "Rouge", "Vert"]
    assert sorted(r[3] for r in rows[1:]) == [f"mot {i}" for i in range(5)]
    assert not any("@example.org" in line for line in text.splitlines())
    data = admin.get(url + "answers.json").json
    assert len(data) == 5
    site.browser("p0@example.org").get(url + "answers.csv", status=403)
    site.browser("p0@example.org").get(url + "results", status=403)
    # public results and open data follow the phase setting
    assert site.browser().get(BASE + "export.json").json == []
    site.phase_settings(results_public=True)
    public = site.browser().get(url + "results/1")
    assert "Rouge" in public.text and "Masquer" not in public.text
    rows = site.browser().get(BASE + "export.json").json
    assert {r["option"]: r["count"] for r in rows if r["number"] == 1} == {
        "Rouge": 3, "Vert": 1, "=SUM(A1)": 1}
    assert not any("mot 0" in str(r.values()) for r in rows)


def test_a_moderator_hides_a_free_text_answer_from_the_public_results(site):
    admin = site.admin()
    url = site.create_survey(admin)
    site.add_question(admin, url, "short", "Un mot")
    site.publish(admin, url)
    browser = site.participant("p@example.org")
    form = site.form_with(browser.get(url), "q1")
    form["q1"] = "Propos injurieux"
    form.submit()
    site.phase_settings(results_public=True)
    assert "Propos injurieux" in site.browser().get(url + "results/1").text
    page = admin.get(url + "results/1")
    site.form_with(page, "decision").submit("decision", value="hide").follow()
    assert "Propos injurieux" not in site.browser().get(url + "results/1").text
    assert "Propos injurieux" in admin.get(url + "results/1").text


def test_anonymous_answers_keep_no_link_to_the_person(site):
    site.settings(allow_anonymous=True)
    admin = site.admin()
    url = site.create_survey(admin, anonymous=True)
    site.add_question(admin, url, "short", "Un mot")
    site.publish(admin, url)
    user_id = site.user("anon@example.org")
    browser = site.browser("anon@example.org")
    form = site.form_with(browser.get(url), "q1")
    form["q1"] = "secret"
    form.submit()
    assert "Vous avez répondu" in browser.get(url).text
    with site.platform.tx() as app:
        survey = site.container(app)[url.strip("/").split("/")[-1]]
        [response] = survey.responses.values()
        assert response.user_id is None and user_id not in response.key
        assert user_id not in survey.responses and user_id in survey.answered
        assert all(user_id not in str(key) for key in survey.texts.keys())
    data = browser.get("/-/account/data").body if False else None  # noqa: F841


def test_anonymous_surveys_need_the_module_setting(site):
    admin = site.admin()
    page = admin.get(BASE + "add")
    form = page.forms["deform"]
    form["title"], form["anonymous"] = "Anonyme", True
    page = form.submit("create")
    assert page.status_int == 200 and "ne permettent pas" in page.text
    assert page.forms["deform"]["title"].value == "Anonyme"


def test_answers_close_with_the_phase_and_visitors_are_asked_to_log_in(site):
    admin = site.admin()
    url = site.create_survey(admin)
    site.add_question(admin, url, "short", "Un mot")
    assert site.browser().get(BASE).text.count("Votre quartier") == 0     # unpublished
    site.browser().get(url, status=404)
    site.publish(admin, url)
    assert "Connectez-vous pour répondre" in site.browser().get(url).text
    site.phase_settings(answers_open=False)
    browser = site.participant("late@example.org")
    page = browser.get(url)
    assert "Les réponses sont closes" in page.text
    assert not any("q1" in f.fields for f in page.forms.values())


def test_questions_are_locked_once_answered(site):
    admin = site.admin()
    url = site.create_survey(admin)
    site.add_question(admin, url, "short", "Un mot")
    site.publish(admin, url)
    browser = site.participant("p@example.org")
    form = site.form_with(browser.get(url), "q1")
    form["q1"] = "oui"
    form.submit()
    page = admin.get(url + "add-question").follow()
    assert "ne peuvent plus changer" in page.text
    assert_accessible(admin.get(url + "questions").text)
