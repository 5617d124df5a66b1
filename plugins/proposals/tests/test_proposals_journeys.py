"""Participants' journeys: create, read, edit, withdraw, attach, support, amend."""
from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image

from beffroi.devkit.testing import csrf_of

BASE = "/budget/proposals/"


def test_a_participant_publishes_a_proposal_in_markdown_without_scripts(site):
    site.user("ana@example.org")
    browser = site.browser("ana@example.org")
    response = site.create(browser, body="Il faut **des bancs**.\n\n- à l'ombre\n\n<script>alert(1)</script>")
    assert response.status_int == 302
    page = response.follow()
    assert "<h1>Des bancs sur la place</h1>" in page.text
    assert "<strong>des bancs</strong>" in page.text
    assert "<li>à l'ombre</li>" in page.text
    assert "<script>alert" not in page.text
    listing = browser.get(BASE)
    assert "Des bancs sur la place" in listing.text


def test_bad_input_is_explained_next_to_the_field_and_kept(site):
    site.user("ana@example.org")
    browser = site.browser("ana@example.org")
    page = site.create(browser, title="Ab", body="Un texte assez long pour être accepté.")
    assert page.status_int == 200
    assert "error" in page.text and "Un texte assez long pour être accepté." in page.text
    with site.platform.tx() as app:
        assert len(site.container(app)) == 0


def test_the_author_edits_within_the_window_then_no_more(site):
    site.user("ana@example.org")
    site.user("bob@example.org")
    browser = site.browser("ana@example.org")
    url = site.create(browser).location
    form = site.form_with(browser.get(url + "edit"), "title")
    form["title"] = "Des bancs et des arbres"
    assert "Des bancs et des arbres" in form.submit("save").follow().text
    # somebody else cannot edit
    assert site.browser("bob@example.org").get(url + "edit", status=403)
    with site.platform.tx() as app:
        proposal = site.container(app)["1"]
        proposal.created -= timedelta(minutes=16)        # the window is 15 minutes
    page = browser.get(url)
    assert url + "edit" not in page.text
    browser.get(url + "edit", status=403)


def test_a_withdrawn_proposal_leaves_the_listing_and_takes_no_support(site):
    site.user("ana@example.org")
    site.user("bob@example.org")
    browser = site.browser("ana@example.org")
    url = site.create(browser).location
    page = site.post(browser, url + "withdraw").follow()
    assert "Retirée" in page.text or "Withdrawn" in page.text
    assert "Des bancs sur la place" not in browser.get(BASE).text
    assert "Des bancs sur la place" in browser.get(BASE + "?state=withdrawn").text
    bob = site.browser("bob@example.org")
    assert "/support" not in bob.get(url).text


def _png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_attachments_are_checked_by_their_real_type(site):
    site.user("ana@example.org")
    browser = site.browser("ana@example.org")
    page = browser.get(BASE + "add")
    form = site.form_with(page, "title")
    form["title"], form["body"] = "Un plan du quartier", "Voici le plan du quartier en pièce jointe."
    form["upload"] = ("plan.pdf", b"<html><script>alert(1)</script></html>")
    refused = form.submit("create")
    assert refused.status_int == 200
    assert "PDF" in refused.text and "Voici le plan du quartier" in refused.text
    form = site.form_with(refused, "title")
    form["upload"] = ("plan.png", _png_bytes())
    page = form.submit("create").follow()
    assert "plan.png" in page.text
    download = browser.get(page.request.path + "attachment?n=0")
    assert download.content_type == "image/png"
    assert download.body == _png_bytes()
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    # the listing's card shows the image's small copy
    import re
    listing = browser.get(BASE)
    thumb = re.search(r'<img class="card-image" src="http://test.localhost([^"]+)" alt=""',
                      listing.text).group(1).replace("&amp;", "&")
    small = browser.get(thumb)
    assert small.content_type == "image/png" and "private" in small.headers["Cache-Control"]


def test_attachments_larger_than_the_setting_are_refused(site):
    site.user("ana@example.org")
    site.settings(attachment_max_mb=1)
    browser = site.browser("ana@example.org")
    form = site.form_with(browser.get(BASE + "add"), "title")
    form["title"], form["body"] = "Un gros fichier", "Une pièce jointe beaucoup trop lourde."
    form["upload"] = ("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10) + b"\n%%EOF")
    page = form.submit("create")
    assert page.status_int == 200 and ("1 Mo" in page.text or "1 MB" in page.text)


def test_supports_with_a_threshold_a_limit_and_a_progress_bar(site):
    site.settings(support_limit=2, support_threshold=2)
    site.user("ana@example.org")
    site.user("bob@example.org")
    ana = site.browser("ana@example.org")
    urls = [site.create(ana, title=f"Proposition numéro {i}").location for i in range(3)]
    bob = site.browser("bob@example.org")
    page = site.post(bob, urls[0] + "support").follow()
    assert site.support_count(page) == 1
    assert '<progress id="support-progress" max="2" value="1">' in page.text
    site.post(bob, urls[1] + "support")
    page = site.post(bob, urls[2] + "support").follow()
    assert site.support_count(page) == 0          # the limit of 2 is reached
    assert "tous vos soutiens" in page.text or "all your supports" in page.text
    page = site.post(bob, urls[0] + "unsupport").follow()
    assert site.support_count(page) == 0
    page = site.post(bob, urls[2] + "support").follow()
    assert site.support_count(page) == 1


def test_supports_count_only_once_a_participant_has_cast_the_minimum(site):
    site.settings(minimum_supports_to_count=2)
    site.user("ana@example.org")
    site.user("bob@example.org")
    ana = site.browser("ana@example.org")
    first, second = (site.create(ana, title=f"Proposition numéro {i}").location for i in range(2))
    bob = site.browser("bob@example.org")
    page = site.post(bob, first + "support").follow()
    assert site.support_count(page) == 0
    site.post(bob, second + "support")
    assert site.support_count(bob.get(first)) == 1
    assert site.support_count(bob.get(second)) == 1
    site.post(bob, second + "unsupport")
    assert site.support_count(bob.get(first)) == 0


def test_a_support_needs_a_login_and_a_csrf_token(site):
    site.user("ana@example.org")
    url = site.create(site.browser("ana@example.org")).location
    visitor = site.browser()
    assert "/-/login" in visitor.get(url).text
    visitor.post(url + "support", {}, status=(400, 403))
    bob_id = site.user("bob@example.org")
    bob = site.browser("bob@example.org")
    bob.post(url + "support", {"csrf_token": "forged"}, status=400)
    with site.platform.tx() as app:
        assert bob_id not in site.container(app)["1"].supporters


def test_an_amendment_accepted_updates_the_proposal_and_a_rejected_one_can_stand_alone(site):
    site.user("ana@example.org")
    site.user("bob@example.org")
    ana = site.browser("ana@example.org")
    url = site.create(ana).location
    bob = site.browser("bob@example.org")
    form = site.form_with(bob.get(url + "amend"), "title")
    form["title"] = "Des bancs et une fontaine"
    form.submit("send")
    page = ana.get(url)
    amendment_id = page.html.find("input", attrs={"name": "amendment"})["value"]
    site.post(ana, url + "accept-amendment", amendment=amendment_id)
    assert "<h1>Des bancs et une fontaine</h1>" in ana.get(url).text
    form = site.form_with(bob.get(url + "amend"), "title")
    form["title"] = "Des bancs en bois local"
    form.submit("send")
    second = [i["value"] for i in ana.get(url).html.find_all("input", attrs={"name": "amendment"})]
    site.post(ana, url + "reject-amendment", amendment=second[0])
    assert "Amendement rejeté" in bob.get(url).text
    page = site.post(bob, url + "promote-amendment", amendment=second[0]).follow()
    assert "<h1>Des bancs en bois local</h1>" in page.text
    # the author cannot amend their own proposal; the amendment cannot be decided twice
    ana.get(url + "amend", status=403)
    ana.post(url + "accept-amendment", {"csrf_token": csrf_of(ana.get(url)), "amendment": amendment_id},
             status=403)


def test_official_proposals_are_made_by_admins_only(site):
    site.user("admin@example.org", org_roles=["admin"])
    site.user("ana@example.org")
    assert "official" not in site.form_with(site.browser("ana@example.org").get(BASE + "add"), "title").fields
    admin = site.browser("admin@example.org")
    page = site.create(admin, title="Rénover l'éclairage public", official=True).follow()
    assert "Proposition officielle" in page.text or "Official proposal" in page.text
    csrf_of(page)


def test_supports_left_and_the_threshold_read_in_the_singular_for_one(site):
    """"1 support" in English and "1 soutien" in French, never "1 supports"."""
    site.settings(support_limit=2, support_threshold=1)
    site.user("ana@example.org")
    site.user("bob@example.org")
    ana = site.browser("ana@example.org")
    urls = [site.create(ana, title=f"Proposition numéro {i}").location for i in range(2)]
    bob = site.browser("bob@example.org")
    page = bob.get(urls[0])
    assert "Progression vers 1 soutien<" in page.text
    assert "Il vous reste 2 soutiens." in page.text
    page = site.post(bob, urls[0] + "support").follow()
    assert "Il vous reste 1 soutien." in page.text
    bob.set_cookie("_LOCALE_", "en")
    page = bob.get(urls[1])
    assert "You can still cast 1 support." in page.text
    assert "Progress towards 1 support<" in page.text
    site.settings(support_threshold=2)
    page = site.post(bob, urls[0] + "unsupport").follow()
    assert "You can still cast 2 supports." in page.text
    assert "Progress towards 2 supports<" in page.text
