"""The organisation search at /-/search: accents and plurals, what each person may see,
filters, escaped excerpts, the index kept up to date and rebuilt by `beffroi reindex`."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from beffroi.services.comments.model import add_comment, delete_comment
from beffroi.services.moderation.model import _set_hidden, case_of
from beffroi.services.search.text import query_words, search_query
from beffroi_pages.content import add_page, remove_page
from beffroi_proposals.models import add_proposal, update_proposal, withdraw

HOST = "test.localhost"


def titles(page):
    """Titles of the results, marks removed, in order."""
    found = re.findall(r'<li class="search-result[^"]*">.*?<h2><a href="[^"]*">(.*?)</a></h2>',
                       page.text, re.S)
    return [re.sub(r"</?mark>", "", t) for t in found]


def search(browser, **params):
    return browser.get("/-/search", params=params)


@pytest.fixture
def world(platform):
    """Commune de Test: a public space (proposals, pages, debates), a private space, an
    unpublished one; a participant, a member of the private space, a moderator of the
    public one and an organisation admin."""
    platform.add_org("Commune de Test", HOST)
    platform.add_space(HOST, "budget", "Budget participatif", modules=("proposals", "pages", "debates"))
    platform.add_space(HOST, "conseil", "Conseil des sages", modules=("proposals",),
                       visibility="private")
    platform.add_space(HOST, "brouillon", "Démarche en préparation", modules=("pages",),
                       published=False)
    people = {
        "participant": platform.add_user(HOST, "paul@example.org"),
        "member": platform.add_user(HOST, "marie@example.org", space_roles={"conseil": ["member"]}),
        "moderator": platform.add_user(HOST, "modo@example.org", space_roles={"budget": ["moderator"]}),
        "admin": platform.add_user(HOST, "admin-search@example.org", org_roles=["admin"],
                                   password="a-long-enough-admin-password"),
    }
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        budget = org.spaces["budget"]
        school = add_proposal(budget["proposals"], "Rénover l'école du quartier",
                              "Les **écoles** du centre ont besoin de travaux.", "markdown",
                              people["participant"])
        add_proposal(budget["proposals"], "Un jardin partagé",
                     "Planter des légumes près de la mairie.", "markdown", people["participant"])
        hidden = add_proposal(budget["proposals"], "Une école cachée",
                              "Texte retiré par la modération.", "markdown", people["participant"])
        gone = add_proposal(budget["proposals"], "Une école retirée", "Retirée par son autrice.",
                            "markdown", people["participant"])
        add_page(budget["pages"], "Calendrier des écoles", "<p>Les dates des ateliers.</p>")
        add_proposal(org.spaces["conseil"]["proposals"], "Secret de l'école des sages",
                     "Réservé aux membres.", "markdown", people["member"])
        add_page(org.spaces["brouillon"]["pages"], "Une école en brouillon", "<p>Pas encore.</p>")
        add_comment(school, org, people["participant"], "Mon fils va à cette école, bravo.")
        withdraw(gone)
    with platform.tx() as app:                      # a moderator's decision, after creation
        org = app.organisation_for_host(HOST)
        proposal = org.spaces["budget"]["proposals"][str(hidden.number)]
        _set_hidden(case_of(proposal, org, create=True), True, None)
    return people


def logged_in(platform, email, password=None):
    browser = platform.browser(HOST)
    if password:
        platform.login(browser, email, password)
    else:
        platform.login(browser, email)
    return browser


def test_words_fold_accents_and_plurals_in_both_languages():
    def meet(typed, written):
        (a,), (b,) = query_words(typed), query_words(written)
        return bool(a & b)
    for typed, written in (("ecole", "école"), ("ÉCOLE", "écoles"), ("jardins", "jardin"),
                           ("gardens", "garden"), ("velos", "vélo"), ("oeuvres", "Œuvre"),
                           ("creees", "créées")):
        assert meet(typed, written), (typed, written)
    assert not meet("jardin", "école")
    assert query_words("le la de the and") == []              # common words alone: nothing
    assert search_query("écoles jardins") == "(ecol OR ecole) AND jardin"


def test_ecole_finds_ecole_and_jardins_finds_jardin(platform, world):
    visitor = platform.browser(HOST)
    found = titles(search(visitor, q="ecole"))
    assert "Rénover l&#39;école du quartier" in found or "Rénover l'école du quartier" in found
    assert "Calendrier des écoles" in found
    assert titles(search(visitor, q="jardins")) == ["Un jardin partagé"]
    assert titles(search(visitor, q="JARDIN légumes")) == ["Un jardin partagé"]
    assert titles(search(visitor, q="jardin école")) == []       # every word must be found
    page = search(visitor, q="ecole")
    assert "<mark>école</mark>" in page.text or "<mark>écoles</mark>" in page.text


def test_hidden_withdrawn_private_and_unpublished_content_stays_out(platform, world):
    def everything(browser):
        return " | ".join(titles(search(browser, q="école"))) + " | " + \
            search(browser, q="école", type="comment").text

    anonymous = everything(platform.browser(HOST))
    participant = everything(logged_in(platform, "paul@example.org"))
    for seen in (anonymous, participant):
        assert "Rénover" in seen and "Calendrier des écoles" in seen
        assert "cachée" not in seen                  # hidden by moderation
        assert "retirée" not in seen                 # withdrawn
        assert "sages" not in seen                   # private space
        assert "brouillon" not in seen               # unpublished space
    member = everything(logged_in(platform, "marie@example.org"))
    assert "Secret de l&#39;école des sages" in member or "Secret de l'école des sages" in member
    assert "cachée" not in member
    moderator = everything(logged_in(platform, "modo@example.org"))
    assert "Une école cachée" in moderator and "sages" not in moderator
    admin = everything(logged_in(platform, "admin-search@example.org", "a-long-enough-admin-password"))
    for title in ("Une école cachée", "sages", "Une école en brouillon"):
        assert title in admin
    assert "retirée" not in admin


def test_a_restored_or_deleted_item_follows_at_once(platform, world):
    visitor = platform.browser(HOST)
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        container = org.spaces["budget"]["proposals"]
        hidden = next(p for p in container.values() if p.title == "Une école cachée")
        _set_hidden(case_of(hidden, org), False, None)
        page = next(p for p in org.spaces["budget"]["pages"].values())
        remove_page(page)
        school = next(p for p in container.values() if p.title.startswith("Rénover"))
        update_proposal(school, "Rénover la cantine", "Des repas bios.", "markdown")
    found = titles(search(visitor, q="école", type="content"))
    assert "Une école cachée" in found
    assert "Calendrier des écoles" not in found
    assert not any("Rénover" in t for t in found)
    assert titles(search(visitor, q="cantines")) == ["Rénover la cantine"]


def test_comments_are_found_and_leave_when_deleted(platform, world):
    visitor = platform.browser(HOST)
    page = search(visitor, q="fils", type="comment")
    assert "Comment" in page.text or "Commentaire" in page.text
    assert "#comment-" in page.text and "<mark>fils</mark>" in page.text
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        school = next(p for p in org.spaces["budget"]["proposals"].values()
                      if p.title.startswith("Rénover"))
        _set_hidden(case_of(next(iter(school.comments.values())), org, create=True), True, None)
    assert "#comment-" not in search(visitor, q="fils").text            # hidden by moderation
    assert "#comment-" in search(logged_in(platform, "modo@example.org"), q="fils").text
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        school = next(p for p in org.spaces["budget"]["proposals"].values()
                      if p.title.startswith("Rénover"))
        delete_comment(next(iter(school.comments.values())))
    assert titles(search(visitor, q="fils")) == []


def test_filters_by_space_module_type_and_date(platform, world):
    admin = logged_in(platform, "admin-search@example.org", "a-long-enough-admin-password")
    assert titles(search(admin, q="école", space="conseil")) == ["Secret de l&#39;école des sages"] \
        or titles(search(admin, q="école", space="conseil")) == ["Secret de l'école des sages"]
    assert titles(search(admin, q="école", module="pages")) == \
        ["Calendrier des écoles", "Une école en brouillon"] or \
        sorted(titles(search(admin, q="école", module="pages"))) == \
        ["Calendrier des écoles", "Une école en brouillon"]
    assert len(titles(search(admin, q="école", type="comment"))) == 1
    spaces = titles(search(admin, q="sages", type="space"))
    assert spaces == ["Conseil des <mark>sages</mark>".replace("<mark>", "").replace("</mark>", "")]
    today = date.today()
    assert titles(search(admin, q="jardin", **{"from": str(today - timedelta(days=1)),
                                                "to": str(today + timedelta(days=1))}))
    assert titles(search(admin, q="jardin", **{"from": str(today + timedelta(days=2))})) == []


def test_bad_filters_are_explained_and_what_was_typed_is_kept(platform, world):
    visitor = platform.browser(HOST)
    page = search(visitor, q="jardin", **{"from": "31/12/2026"})
    assert page.status_code == 200
    assert "2026-03-21" in page.text                      # the message shows the format
    assert 'value="31/12/2026"' in page.text and 'value="jardin"' in page.text
    page = search(visitor, q="jardin", space="conseil")   # a space the visitor cannot see
    assert titles(page) == [] and 'class="error"' in page.text
    page = search(visitor, q="x" * 300)
    assert 'class="error"' in page.text
    page = search(visitor, q="jardin", page="abc", sort="nope")
    assert page.status_code == 200 and 'class="error"' in page.text


def test_excerpts_and_titles_are_escaped(platform, world):
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        add_proposal(org.spaces["budget"]["proposals"], "<script>alert('x')</script> Piscine",
                     "Une <b>piscine</b> <img src=x onerror=alert(1)> municipale.", "html", None)
    page = search(platform.browser(HOST), q="piscine")
    assert "<script>alert" not in page.text and "onerror" not in page.text
    assert "&lt;script&gt;" in page.text
    assert "<mark>Piscine</mark>" in page.text and "<mark>piscine</mark>" in page.text


def test_results_are_paged(platform, world):
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        for i in range(23):
            p = add_proposal(org.spaces["budget"]["proposals"], f"Vélo numéro {i}", "Un vélo.",
                             "markdown", None)
            p.created = p.created - timedelta(minutes=30 - i)     # indexed after the commit
    visitor = platform.browser(HOST)
    first = search(visitor, q="velos")
    assert len(titles(first)) == 10 and "23" in first.text
    third = search(visitor, q="velos", page="3")
    assert len(titles(third)) == 3
    assert not set(titles(first)) & set(titles(third))
    newest = titles(search(visitor, q="velos", sort="newest"))
    assert newest[0] == "<mark>Vélo</mark> numéro 22".replace("<mark>", "").replace("</mark>", "")


def test_the_layout_has_an_accessible_search_box(platform, world):
    from beffroi.devkit.a11y import assert_accessible
    page = platform.browser(HOST).get("/")
    assert 'role="search"' in page.text and 'for="site-search-q"' in page.text
    form = next(f for f in page.forms.values() if f.action.endswith("/-/search"))
    form["q"] = "jardins"
    results = form.submit()
    assert titles(results) == ["Un jardin partagé"]
    assert_accessible(results.text)
    errors = search(platform.browser(HOST), q="jardin", **{"from": "hier"})
    assert_accessible(errors.text)
    from beffroi.devkit.nu_checker import nu_checker_unavailable, nu_html_errors
    if nu_checker_unavailable() is None:           # the W3C checker, as the crawl runs it
        assert nu_html_errors({"results": results.text, "errors": errors.text}) == []


def test_a_search_never_writes(platform, world):
    visitor = platform.browser(HOST)
    search(visitor, q="école")                 # warm up
    before = platform.db.lastTransaction()
    search(visitor, q="jardins", space="budget", module="proposals")
    search(visitor, q="zzz")
    assert platform.db.lastTransaction() == before


def test_organisations_do_not_see_each_other(platform, world):
    platform.add_org("Autre commune", "autre.localhost")
    platform.add_space("autre.localhost", "ailleurs", "Ailleurs", modules=("proposals",))
    with platform.tx() as app:
        other = app.organisation_for_host("autre.localhost")
        add_proposal(other.spaces["ailleurs"]["proposals"], "Une école ailleurs", "Loin.",
                     "markdown", None)
    here = titles(search(platform.browser(HOST), q="école"))
    there = titles(search(platform.browser("autre.localhost"), q="école"))
    assert not any("ailleurs" in t for t in here)
    assert there == ["Une école ailleurs"]


def test_reindex_rebuilds_the_index(platform, world):
    from beffroi.services.search.queue import reindex
    with platform.tx() as app:
        org = app.organisation_for_host(HOST)
        org.search_index = None               # lost, or a database from before the search
    assert titles(search(platform.browser(HOST), q="jardins")) == []
    with platform.tx() as app:
        count = reindex(app.organisation_for_host(HOST))
    assert count >= 9                          # 3 spaces, 6 proposals and pages, 1 comment
    assert titles(search(platform.browser(HOST), q="jardins")) == ["Un jardin partagé"]
    assert "Une école cachée" not in titles(search(platform.browser(HOST), q="école"))


def test_the_reindex_command(tmp_path):
    import transaction
    from ZODB import DB
    from ZODB.FileStorage import FileStorage

    from beffroi.cli import main
    from beffroi.resources.root import get_app_root
    ini = tmp_path / "test.ini"
    ini.write_text(f"[app:main]\nuse = egg:beffroi\n"
                   f"zodbconn.uri = file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs\n")
    lines = []
    assert main(["-c", str(ini), "org", "add", "--name", "Ville", "--host", "ville.localhost",
                 "--allow", "proposals"],
                out=lines.append) == 0
    assert main(["-c", str(ini), "space", "add", "ville.localhost", "--slug", "idees",
                 "--title", "Idées", "--publish"], out=lines.append) == 0
    assert main(["-c", str(ini), "module", "ville.localhost", "idees", "proposals"],
                out=lines.append) == 0
    db = DB(FileStorage(str(tmp_path / "Data.fs"), blob_dir=str(tmp_path / "blobs")))
    try:
        conn = db.open()
        with transaction.manager:
            org = get_app_root(conn).organisation_for_host("ville.localhost")
            add_proposal(org.spaces["idees"]["proposals"], "Des jardins partagés", "Ici.",
                         "markdown", None)
        with transaction.manager:
            assert org.search_index.size() == 2         # kept up to date on creation
            org.search_index = None
        conn.close()
    finally:
        db.close()
    lines.clear()
    assert main(["-c", str(ini), "reindex", "ville.localhost"], out=lines.append) == 0
    assert lines == ["ville.localhost: 2 documents indexed for the search"]


def test_concurrent_writers_lose_no_document(platform, world):
    """Four threads create proposals at once, each in its own connection: the index is
    written after each commit, retried on conflict, and finds every one of them."""
    import threading

    import transaction
    from ZODB.POSException import ConflictError

    from beffroi.resources.root import get_app_root
    errors = []

    def write(worker):
        tm = transaction.TransactionManager()
        conn = platform.db.open(transaction_manager=tm)
        try:
            for i in range(5):
                for _attempt in range(10):
                    try:
                        with tm:
                            org = get_app_root(conn).organisation_for_host(HOST)
                            add_proposal(org.spaces["budget"]["proposals"],
                                         f"Composteur {worker}-{i}", "Un bac.", "markdown", None)
                        break
                    except ConflictError:
                        continue
        except Exception as exc:                    # pragma: no cover - reported below
            errors.append(exc)
        finally:
            conn.close()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    page = search(platform.browser(HOST), q="composteurs")
    assert "20 results" in page.text or "20 résultats" in page.text


def test_a_database_from_before_the_search_gets_its_index_by_evolve(platform, world):
    from beffroi.evolve import evolve
    with platform.tx() as app:
        app.organisation_for_host(HOST).search_index = None
        app.evolved.discard("beffroi.0001_search_index")
    assert titles(search(platform.browser(HOST), q="jardins")) == []
    assert "beffroi.0001_search_index" in evolve(platform.db, platform.plugins.evolve_steps,
                                                 out=lambda line: None)
    assert titles(search(platform.browser(HOST), q="jardins")) == ["Un jardin partagé"]


def test_meetings_surveys_and_texts_are_found(platform):
    """Every participation module declares what it indexes: a meeting, a published survey
    and a collaborative text are found; an unpublished survey is not."""
    from datetime import datetime, timedelta, timezone
    platform.add_org("Commune de Test", HOST)
    platform.add_space(HOST, "quartier", "Quartier", modules=("meetings", "surveys", "drafting"))
    with platform.tx() as app:
        space = app.organisation_for_host(HOST).spaces["quartier"]
        from beffroi_meetings.models import add_meeting
        from beffroi_surveys.model import add_survey
        from beffroi_drafting.models import add_text, publish_draft
        start = datetime.now(timezone.utc) + timedelta(days=3)
        add_meeting(space["meetings"], "Permanence des mobilités", "Venez parler vélo.",
                    "in_person", start, start + timedelta(hours=2))
        add_survey(space["surveys"], "Questionnaire nocturne", "Éclairage la nuit.")
        hidden = add_survey(space["surveys"], "Questionnaire secret", "Pas encore prêt.")
        hidden.published = False
        text = add_text(space["drafting"], "Charte des jardins", "Une charte.", "## Article 1\n\nTexte.")
        publish_draft(text, "Première version", None)
    visitor = platform.browser(HOST)
    assert titles(search(visitor, q="mobilites")) == ["Permanence des mobilités"]
    assert titles(search(visitor, q="nocturne")) == ["Questionnaire nocturne"]
    assert titles(search(visitor, q="charte")) == ["Charte des jardins"]
    assert titles(search(visitor, q="secret")) == []
