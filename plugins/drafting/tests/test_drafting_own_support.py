"""Nobody supports their own suggestion: supports say what the others think of it. The
author sees no button, and a forged request is refused with a message, the count
unchanged; everybody else supports as before."""


def _count(page):
    return page.html.select_one(".support-count").text.strip()


def test_the_author_of_a_suggestion_cannot_support_it(site):
    url = site.create_text(site.admin())
    site.user("ana@example.org", name="Ana Martin")
    ana = site.browser("ana@example.org")
    made = site.suggest(ana, url, "article-1-les-terrasses", "23 heures du dimanche",
                        "22 h 30 du dimanche", "Les riverains se lèvent tôt.")
    suggestion_url = made.location.replace("http://test.localhost", "")
    page = ana.get(suggestion_url)
    assert page.html.select_one(f"form[action$='{suggestion_url}support']") is None
    assert "Soutenir cette suggestion" not in page.text
    assert "Vous avez écrit cette suggestion" in page.text
    # a request made by hand is refused, and says why
    refused = site.post(ana, suggestion_url + "support")
    assert refused.status_int == 302
    page = refused.follow()
    assert "Vous ne pouvez pas soutenir votre propre suggestion." in page.text
    assert _count(page).endswith("0")
    # others support it as before
    site.user("bob@example.org")
    bob = site.browser("bob@example.org")
    page = bob.get(suggestion_url)
    assert page.html.select_one(f"form[action$='{suggestion_url}support']") is not None
    page = site.post(bob, suggestion_url + "support").follow()
    assert "Votre soutien est enregistré." in page.text and _count(page).endswith("1")
    with site.platform.tx() as app:
        suggestion = next(iter(site.container(app).values())).get("s1")
        assert list(suggestion.supporters) == [suggestion.supporters.minKey()]
        assert suggestion.creator not in suggestion.supporters
