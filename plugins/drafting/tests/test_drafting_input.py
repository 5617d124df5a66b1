"""Bad input gives messages on the page with what was typed kept, never a 500 nor a
half-written object; phases open and close contributions and supports."""
from __future__ import annotations

from beffroi.devkit.testing import csrf_of


def _texts(site):
    with site.platform.tx() as app:
        text = next(iter(site.container(app).values()))
        return len(text.suggestions()), len(text.annotations())


def test_empty_nul_and_huge_suggestions_give_messages_and_write_nothing(site):
    url = site.create_text(site.admin())
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    empty = site.suggest(ana, url, "article-1-les-terrasses", "", "")
    assert empty.status_int == 200 and "Requis" in empty.text
    nul = site.suggest(ana, url, "article-1-les-terrasses", "", "Une formulation\x00 cachée")
    assert nul.status_int == 200 and "caractères de contrôle invisibles" in nul.text
    assert site.form_with(nul, "wording")["wording"].value == "Une formulation\x00 cachée" or \
        "Une formulation" in site.form_with(nul, "wording")["wording"].value
    huge = site.suggest(ana, url, "article-1-les-terrasses", "", "mot " * 10_000)
    assert huge.status_int == 200 and "C'est trop long" in huge.text
    quote = site.suggest(ana, url, "article-1-les-terrasses", "x" * 3000, "Autre")
    assert quote.status_int == 200 and "C'est trop long" in quote.text
    page = ana.get(url + "suggest")
    bad_section = ana.post(url + "suggest", {"csrf_token": csrf_of(page), "section": "nope",
                                             "quote": "", "wording": "Bonjour",
                                             "explanation": "", "suggest": "suggest"})
    assert bad_section.status_int == 200 and "Bonjour" in bad_section.text
    assert _texts(site) == (0, 0)


def test_annotations_need_a_passage_and_a_text(site):
    url = site.create_text(site.admin())
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    form = site.form_with(ana.get(url + "annotate"), "quote")
    form["section"], form["quote"], form["body"] = "preambule", "", "Mon idée"
    page = form.submit("annotate")
    assert page.status_int == 200 and "Mon idée" in page.text
    form = site.form_with(page, "quote")
    form["quote"], form["body"] = "**", "Mon idée"
    page = form.submit("annotate")
    assert "Le passage ne contient aucun mot." in page.text
    assert _texts(site) == (0, 0)


def test_decisions_versions_and_comparisons_refuse_bad_input_with_messages(site):
    admin = site.admin()
    url = site.create_text(admin)
    site.user("ana@example.org")
    made = site.suggest(site.browser("ana@example.org"), url, "preambule", "", "Nouveau préambule.")
    suggestion_url = made.location.replace("http://test.localhost", "")
    page = admin.get(suggestion_url + "decide")
    no_reason = admin.post(suggestion_url + "decide", {"csrf_token": csrf_of(page),
                                                        "reason": "", "decide": "decide"})
    assert no_reason.status_int == 200 and "Requis" in no_reason.text
    for params in ({"from": "abc", "to": "1"}, {"from": "1", "to": "99"}, {"from": "1", "to": "1"}):
        compared = admin.get(url + "compare", params)
        assert compared.status_int == 200 and compared.html.select_one("[role=alert]") is not None
    site.browser().get(url + "version/abc", status=404)
    site.browser().get(url + "version/7", status=404)
    empty_text = site.form_with(admin.get(url + "draft"), "source")
    empty_text["source"] = "\x00"
    assert "caractères de contrôle invisibles" in empty_text.submit("save").text
    with site.platform.tx() as app:
        text = next(iter(site.container(app).values()))
        assert text.get("s1").state == "pending" and text.draft is None


def test_published_versions_never_change_and_drafts_are_for_admins(site):
    admin = site.admin()
    url = site.create_text(admin)
    form = site.form_with(admin.get(url + "draft"), "source")
    form["source"] = "# Préambule\n\nUn tout autre texte."
    form.submit("save")
    visitor = site.browser()
    assert "Un tout autre texte" not in visitor.get(url).text
    assert "lieu de vie" in visitor.get(url).text
    visitor.get(url + "draft", status=302)                       # to the login page
    compared = admin.get(url + "compare", {"from": "1", "to": "2"})
    assert "Un tout autre texte" in compared.text                # admins compare with the draft
    assert visitor.get(url + "compare", {"from": "1", "to": "2"}).html.select_one("[role=alert]")


def test_phase_settings_close_contributions_and_supports(site):
    url = site.create_text(site.admin())
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    made = site.suggest(ana, url, "preambule", "", "Nouveau préambule.")
    suggestion_url = made.location.replace("http://test.localhost", "")
    site.phase_settings(annotations_open=False, suggestions_open=False, supports_open=False)
    page = ana.get(url)
    assert "Annoter un passage" not in page.text and "Suggérer une formulation" not in page.text
    ana.get(url + "annotate", status=403)
    ana.get(url + "suggest", status=403)
    site.user("bob@example.org")
    bob = site.browser("bob@example.org")
    page = bob.get(suggestion_url)
    assert "Les soutiens sont fermés pendant cette phase." in page.text
    bob.post(suggestion_url + "support", {"csrf_token": csrf_of(page)}, status=403)
    site.phase_settings(annotations_open=True, suggestions_open=True, supports_open=True)
    assert "Annoter un passage" in ana.get(url).text


def test_an_unpublished_text_is_shown_to_its_admins_only(site):
    admin = site.admin()
    form = site.form_with(admin.get("/charte/drafting/add"), "source")
    form["title"], form["source"] = "Brouillon secret", "# Un\n\nTexte."
    draft = form.submit("create").follow()
    url = draft.request.path.rsplit("draft", 1)[0]
    assert "Brouillon secret" in admin.get("/charte/drafting/").text
    visitor = site.browser()
    assert "Brouillon secret" not in visitor.get("/charte/drafting/").text
    visitor.get(url, status=404)
    assert visitor.get("/charte/drafting/export.json").json == []

