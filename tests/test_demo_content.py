"""`beffroi demo` shows every kind of space: a metropolitan process run commune by
commune, a process group, an assembly with its roster and a debate with arguments."""
from beffroi.devkit.demo import create_demo


def test_the_demo_shows_a_metropolitan_process_an_assembly_and_a_debate(platform):
    with platform.tx() as app:
        create_demo(app, platform.plugins)
        create_demo(app, platform.plugins)                  # idempotent
    browser = platform.browser("metropole.localhost")
    group = browser.get("/budget-metropolitain/")
    assert [h.text for h in group.html.select("section .card h3")] == [
        "Budget participatif de Lille", "Budget participatif de Roubaix"]
    assert "Budget participatif métropolitain" in browser.get("/").html.select_one(
        "section.promoted").text
    with platform.tx() as app:
        org = app.organisation_for_host("metropole.localhost")
        lille = org.users.find_by_email("espace-lille@metropole.localhost")
        assert org.spaces["budget-lille"].space_roles(lille.id) == ("admin",)
        assert org.spaces["budget-roubaix"].space_roles(lille.id) == ()
        assert "members" not in org.spaces["budget-lille"].modules        # assemblies only
    roster = browser.get("/conseil-de-developpement/members/")
    assert len(roster.html.select("table.roster tbody tr")) == 3
    debates = browser.get("/conseil-de-developpement/debates/")
    debate = browser.get(debates.html.select_one(".card h2 a")["href"])
    assert "plus agréable sans voitures" in debate.text and "livraisons" in debate.text
