"""Every page type of the module is valid HTML for the W3C Nu checker (as the crawl of
the demo checks it) and passes the parser-visible accessibility checks."""
from __future__ import annotations

from beffroi.devkit.nu_checker import nu_html_errors, require_nu_checker
from beffroi.devkit.testing import assert_accessible


def test_every_page_type_is_valid_html(site):
    require_nu_checker()
    admin = site.admin()
    url = site.create_text(admin)
    site.user("ana@example.org", name="Ana Martin")
    ana = site.browser("ana@example.org")
    made = site.suggest(ana, url, "article-1-les-terrasses", "23 heures du dimanche",
                        "22 h 30 du *dimanche*\n\n- une liste\n- de points")
    suggestion_url = made.location.replace("http://test.localhost", "")
    form = site.form_with(ana.get(url + "annotate"), "quote")
    form["section"], form["quote"], form["body"] = "preambule", "lieu de vie", "Et de repos"
    form.submit("annotate")
    site.decide(admin, suggestion_url, "accept", "Oui.")
    bad = site.suggest(ana, url, "preambule", "pas dans le texte", "x")
    pages = {
        "listing": admin.get("/charte/drafting/").text,
        "draft": admin.get(url + "draft").text,
        "publish": admin.get(url + "publish").text,
        "decide": admin.get(site.suggest(ana, url, "preambule", "", "y").location + "decide").text,
        "annotate": ana.get(url + "annotate").text,
        "suggest-error": bad.text,
        "add": admin.get("/charte/drafting/add").text,
    }
    form = site.form_with(admin.get(url + "publish"), "changelog")
    form.submit("publish")
    pages.update({
        "text": ana.get(url).text,
        "text-admin": admin.get(url).text,
        "old-version": ana.get(url + "version/1").text,
        "compare": ana.get(url + "compare").text,
        "compare-error": ana.get(url + "compare", {"from": "x"}).text,
        "suggestion": ana.get(suggestion_url).text,
        "suggestion-admin": admin.get(suggestion_url).text,
    })
    for name, html in pages.items():
        assert_accessible(html), name
    assert nu_html_errors(pages) == []
