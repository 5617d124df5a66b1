"""CSV import of results: all or nothing, a message per bad line, an export imported back."""
from __future__ import annotations

import pytest
from webtest import Upload

pytestmark = pytest.mark.beffroi_db("memory")      # no blobs here: faster

RESULTS = "/budget/results/"


def send(browser, content: str, encoding="utf-8"):
    page = browser.get(RESULTS + "import")
    form = page.forms["deform"]
    form["upload"] = Upload("results.csv", content.encode(encoding), "text/csv")
    return form.submit("send")


def titles(site):
    with site.platform.tx() as app:
        return sorted(r.title for r in site.container(app).values())


GOOD = """reference;title;parent_reference;status;progress;weight;start;end;category;territory;budget_planned;budget_spent;linked_items
ECOLE;Rénover l'école;;;;;01/09/2027;2028-06-30;Éducation;Nord;250 000,00;;
ECOLE-TOIT;Refaire la toiture;ECOLE;En cours;;3;;;Éducation;Nord;120000;45000,50;/budget/proposals/1/
ECOLE-COUR;Végétaliser la cour;ECOLE;Terminé;;1;;;Éducation;Nord;;;http://test.localhost/budget/proposals/2/
"""


def test_a_good_file_creates_the_tree_and_links_its_proposals(site):
    site.proposal("Une toiture qui ne fuit plus")
    site.proposal("Une cour plantée d'arbres")
    admin = site.admin()
    page = send(admin, GOOD).follow()
    assert "Import terminé. Résultats créés : 3 ; mis à jour : 0." in page.text
    assert titles(site) == ["Refaire la toiture", "Rénover l'école", "Végétaliser la cour"]
    with site.platform.tx() as app:
        by_ref = {r.reference: r for r in site.container(app).values()}
        school = by_ref["ECOLE"]
        assert str(school.budget_planned) == "250000.00" and school.start.isoformat() == "2027-09-01"
        assert by_ref["ECOLE-TOIT"].parent == school.__name__
        assert by_ref["ECOLE-TOIT"].status == "in-progress"
        assert str(by_ref["ECOLE-TOIT"].budget_spent) == "45000.50"
    school_page = site.browser().get(RESULTS + "renover-l-ecole/")
    # (50 % × 3 + 100 % × 1) / 4
    assert school_page.html.select_one(".result-progress strong").text == "62,5 %"
    for number in ("1", "2"):
        assert "Issu de la participation" in site.browser().get(f"/budget/proposals/{number}/").text
    # the same file again updates the three results (their references match)
    page = send(admin, GOOD.replace("Végétaliser la cour", "Planter la cour")).follow()
    assert "Résultats créés : 0 ; mis à jour : 3" in page.text
    assert titles(site) == ["Planter la cour", "Refaire la toiture", "Rénover l'école"]


def test_a_bad_file_writes_nothing_and_names_each_bad_line(site):
    admin = site.admin()
    bad = ("reference,title,parent_reference,status,progress,start,end,budget_planned,linked_items\n"
           "A,Un bon résultat,,,,,,,\n"
           "B,X,,,,,,,\n"                                   # title too short
           "C,Un statut inconnu,,Abandonné,,,,,\n"
           "D,Un avancement faux,,,140,,,,\n"
           "E,Des dates à l'envers,,,,2027-05-01,2027-04-01,,\n"
           "F,Une date illisible,,,,demain,,,\n"
           "G,Un budget négatif,,,,,,-5,\n"
           "H,Un parent inconnu,ZZZ,,,,,,\n"
           "A,Une référence en double,,,,,,,\n"
           "I,Un lien ailleurs,,,,,,,http://autre.example.org/x/proposals/1/\n")
    page = send(admin, bad)
    assert page.status_int == 200
    assert "Rien n'a été importé" in page.text
    lines = [" ".join(li.text.split()) for li in page.html.select(".import-errors li")]
    assert lines == [
        "Ligne 3 : le titre doit avoir de 3 à 200 caractères",
        "Ligne 4 : le statut « Abandonné » n'est pas un des statuts de cet espace",
        "Ligne 5 : l'avancement doit être un nombre de 0 à 100",
        "Ligne 6 : la fin précède le début",
        "Ligne 7 : la colonne start « demain » n'est pas une date : écrivez 2027-03-31 ou 31/03/2027",
        "Ligne 8 : le budget prévu doit être un montant positif ou nul",
        "Ligne 9 : aucun résultat n'a la référence parente « ZZZ »",
        "Ligne 10 : la référence « A » est aussi à la ligne 2",
    ]
    assert titles(site) == []
    # links are checked once the rows are right: still nothing written
    page = send(admin, "title,linked_items\nUn lien ailleurs,http://autre.example.org/x/proposals/1/\n")
    assert "Ligne 2 : aucun élément à lier" in " ".join(page.text.split())
    assert titles(site) == []
    page = send(admin, "titre;statut\nUn résultat;Fait\n")
    assert "Inconnues : titre, statut" in page.text
    page = send(admin, "reference,title,parent_reference\nP,Parent,Q\nQ,Enfant,P\n")
    assert "les références parentes forment une boucle" in page.text
    assert titles(site) == []
    page = admin.get(RESULTS + "import").forms["deform"].submit("send")
    assert page.status_int == 200 and titles(site) == []      # no file: the form says so


def test_an_export_edited_in_a_spreadsheet_imports_back(site):
    admin = site.admin()
    site.add_result(admin, "=Formule piégée", category="Voirie", progress="30")
    export = site.browser().get(RESULTS + "export.csv").body.decode("utf-8-sig")
    assert "'=Formule piégée" in export
    page = send(admin, export.replace("Voirie", "Espaces publics"), encoding="cp1252").follow()
    assert "Résultats créés : 0 ; mis à jour : 1" in page.text
    with site.platform.tx() as app:
        [result] = site.container(app).values()
        assert result.title == "=Formule piégée" and result.category == "Espaces publics"
        assert float(result.progress) == 30
