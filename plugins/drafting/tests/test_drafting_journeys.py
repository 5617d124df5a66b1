"""A text drafted together: annotated without JavaScript, a suggestion supported and
accepted with a reason, a new version published with its changelog, the differences
shown with <ins>/<del>, and the final text naming where its passages came from."""
from __future__ import annotations

import re

from beffroi.devkit.testing import assert_accessible, csrf_of


def test_a_text_is_annotated_without_javascript(site):
    admin = site.admin()
    url = site.create_text(admin)
    site.user("ana@example.org", name="Ana Martin")
    ana = site.browser("ana@example.org")
    page = ana.get(url)
    link = page.html.select_one("#section-article-1-les-terrasses a[href*=annotate]")
    form = site.form_with(ana.get(link["href"]), "quote")
    assert form["section"].value == "article-1-les-terrasses"          # chosen by the link
    form["quote"] = "ferment à 23 heures du dimanche"                   # as read: no ** marks
    form["body"] = "Et pendant les vacances scolaires ?"
    shown = form.submit("annotate").follow()
    assert "Votre annotation est publiée." in shown.text
    note = shown.html.select_one("#section-article-1-les-terrasses .drafting-annotation")
    assert "ferment à 23 heures du dimanche" in note.select_one("blockquote").text
    assert "pendant les vacances scolaires" in note.text and "Ana Martin" in note.text


def test_a_quote_not_in_the_section_gives_a_message_and_keeps_what_was_typed(site):
    url = site.create_text(site.admin())
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    form = site.form_with(ana.get(url + "annotate"), "quote")
    form["section"] = "article-2-la-propreté"[:0] + "article-2-la-proprete"
    form["quote"] = "ferment à 23 heures"                                # from article 1
    form["body"] = "Mon annotation soigneusement écrite"
    page = form.submit("annotate")
    assert page.status_int == 200
    assert "Ce passage n’est pas dans la section" in page.text or \
        "Ce passage n'est pas dans la section" in page.text
    again = site.form_with(page, "quote")
    assert again["quote"].value == "ferment à 23 heures"
    assert again["body"].value == "Mon annotation soigneusement écrite"
    assert again["section"].value == "article-2-la-proprete"
    with site.platform.tx() as app:
        text = next(iter(site.container(app).values()))
        assert not text.annotations()


def test_a_suggestion_supported_accepted_published_compared_and_credited(site, mail_outbox):
    admin = site.admin()
    url = site.create_text(admin)
    site.user("ana@example.org", name="Ana Martin")
    ana = site.browser("ana@example.org")
    made = site.suggest(ana, url, "article-1-les-terrasses", "23 heures du dimanche",
                        "22 h 30 du dimanche", "Les riverains se lèvent tôt.")
    suggestion_url = made.location.replace("http://test.localhost", "")
    page = made.follow()
    assert "Votre suggestion est publiée." in page.text
    assert page.html.select_one(".drafting-diff-text ins") is not None
    for i in range(3):
        site.user(f"p{i}@example.org")
        supporter = site.browser(f"p{i}@example.org")
        response = site.post(supporter, suggestion_url + "support").follow()
        assert "Votre soutien est enregistré." in response.text
    again = site.post(supporter, suggestion_url + "support").follow()
    assert "Vous soutenez déjà cette suggestion." in again.text
    assert again.html.select_one(".support-count").text.strip().endswith("3")
    # a comment, like on debates: the author (following) hears of it
    form = site.form_with(again, "body")
    form["body"] = "Bonne idée pour les familles."
    form.submit().follow()

    decided = site.decide(admin, suggestion_url, "accept", "L'horaire répond aux riverains.")
    page = decided.follow()
    assert "La suggestion est acceptée" in page.text
    decision = page.html.select_one("#decision")
    assert "Acceptée" in decision.text and "L'horaire répond aux riverains." in decision.text
    draft = admin.get(url + "draft")
    assert "22 h 30 du dimanche" in site.form_with(draft, "source")["source"].value
    publish = site.form_with(admin.get(url + "publish"), "changelog")
    publish["changelog"] = "Horaires des terrasses revus."
    text_page = publish.submit("publish").follow()
    assert "La version 2 est publiée." in text_page.text

    visitor = site.browser()
    page = visitor.get(url)
    assert "Version 2" in page.html.select_one("h1 + p, .muted").text or "Version 2" in page.text
    changelog = page.html.select_one(".drafting-changelog")
    assert "Horaires des terrasses revus." in changelog.text
    assert changelog.select_one(f"a[href$='{suggestion_url}']") is not None
    # the participant origin, marked and linked, with its author
    section = page.html.select_one("#section-article-1-les-terrasses")
    mark = section.select_one("mark.drafting-origin")
    assert mark is not None and "22 h 30 du dimanche" in mark.text
    credit = section.select_one("a.drafting-origin-link")
    assert credit["href"].endswith(suggestion_url) and "Ana Martin" in credit.text
    assert "suggestion n° 1" in credit.text
    # the differences between the versions, word by word
    compare = visitor.get(url + "compare", {"from": "1", "to": "2"})
    diff = compare.html.select_one(".drafting-diff--changed")
    assert "Article 1" in diff.select_one("h3").text
    assert [d.text for d in diff.select("del")] and "23" in " ".join(d.text for d in diff.select("del"))
    assert "22" in " ".join(i.text for i in diff.select("ins"))
    assert diff.select_one("ins .visually-hidden").text.strip() == "ajouté :"
    assert diff.select_one("del .visually-hidden").text.strip() == "supprimé :"
    assert len(compare.html.select(".drafting-diff--same")) == 2
    # the old version is still readable, unchanged
    old = visitor.get(url + "version/1")
    assert "23 heures" in old.text and "Vous lisez une version antérieure." in old.text
    for html in (page.text, compare.text, old.text, visitor.get(suggestion_url).text):
        assert_accessible(html)


def test_a_rejected_suggestion_shows_its_reason_and_its_author_is_told(site, mail_outbox):
    admin = site.admin()
    url = site.create_text(admin)
    site.user("ana@example.org", name="Ana Martin")
    ana = site.browser("ana@example.org")
    made = site.suggest(ana, url, "article-2-la-proprete", "", "Des poubelles partout.")
    suggestion_url = made.location.replace("http://test.localhost", "")
    site.decide(admin, suggestion_url, "reject", "Le budget ne le permet pas cette année.")
    page = site.browser().get(suggestion_url)
    decision = page.html.select_one("#decision")
    assert "Rejetée" in decision.text and "Le budget ne le permet pas cette année." in decision.text
    assert "Soutenir cette suggestion" not in page.text
    inbox = ana.get("/-/notifications")
    assert "#1" in inbox.text
    text_page = site.browser().get(url)
    assert "Rejetée" in text_page.html.select_one("#section-article-2-la-proprete").text


def test_a_participant_cannot_decide_nor_publish(site):
    admin = site.admin()
    url = site.create_text(admin)
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    made = site.suggest(ana, url, "article-2-la-proprete", "", "Des poubelles partout.")
    suggestion_url = made.location.replace("http://test.localhost", "")
    ana.get(suggestion_url + "decide", status=403)
    page = ana.get(suggestion_url)
    ana.post(suggestion_url + "decide", {"csrf_token": re.search(
        r'name="csrf_token" value="([^"]+)"', page.text).group(1), "decision": "accept",
        "reason": "moi"}, status=403)
    ana.get(url + "draft", status=403)
    ana.get(url + "publish", status=403)
    ana.get("/charte/drafting/add", status=403)
    with site.platform.tx() as app:
        text = next(iter(site.container(app).values()))
        assert text.get("s1").state == "pending" and text.draft is None


def test_authors_withdraw_waiting_suggestions_and_admins_see_what_waits(site):
    admin = site.admin()
    url = site.create_text(admin)
    site.user("ana@example.org")
    ana = site.browser("ana@example.org")
    first = site.suggest(ana, url, "preambule", "", "Un préambule.").location
    second = site.suggest(ana, url, "article-2-la-proprete", "", "Des poubelles.").location
    first, second = (u.replace("http://test.localhost", "") for u in (first, second))
    waiting = admin.get(url).html.select(".drafting-admin li a")
    assert [a["href"].replace("http://test.localhost", "") for a in waiting] == [
        first + "decide", second + "decide"]
    site.user("bob@example.org")
    bob = site.browser("bob@example.org")
    bob.post(second + "withdraw", {"csrf_token": csrf_of(bob.get(second))}, status=403)
    page = site.post(ana, second + "withdraw").follow()
    assert "Votre suggestion est retirée." in page.text
    assert "Cette suggestion a été retirée." in page.text and "Retirer ma suggestion" not in page.text
    assert "Soutenir cette suggestion" not in bob.get(second).text
    waiting = admin.get(url).html.select(".drafting-admin li a")
    assert len(waiting) == 1
    admin.get(second + "decide", status=403)
