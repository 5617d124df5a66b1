"""Sample budget (in French) for the demo platform: projects, checked paper ballots
(so that the demo has votes without participants' accounts), results published."""
from __future__ import annotations

from beffroi.api import now
from beffroi_budgets.models import PaperBallot, add_budget, add_project
from beffroi_budgets.voting import count_in

PROJECTS = [
    ("Un jardin partagé derrière l'école",
     "Des bacs de culture **accessibles en fauteuil**, un composteur et un abri à outils.",
     18_000, "Quartier du Centre"),
    ("Des bancs et une fontaine place du Marché",
     "Six bancs à l'ombre des platanes et une fontaine d'eau potable.", 25_000,
     "Place du Marché"),
    ("Une piste cyclable jusqu'à la gare",
     "Relier la piste existante à la gare, avec un marquage au sol et des arceaux.",
     60_000, "Avenue de la Gare"),
    ("Un atelier de réparation de vélos",
     "Outils et formation pour un atelier mensuel animé par des bénévoles.", 6_000,
     "Maison des associations"),
    ("L'éclairage du terrain de sport",
     "Des projecteurs économes pour jouer le soir en hiver.", 30_000, "Stade municipal"),
]
#: (projects by position in PROJECTS, identical ballots)
BALLOTS = [((0, 1, 3), 42), ((2,), 35), ((0, 3), 20), ((1, 4), 12), ((4, 3), 9)]


def fill(container):
    """One budget with five projects and checked paper ballots; results shown."""
    budget = add_budget(container, "Budget participatif du Centre", 100_000,
                        "Proposez puis choisissez les projets du quartier : **100 000 €** "
                        "pour l'année.", territory="Quartier du Centre",
                        vote_rule="minimum", minimum_percent=20)
    projects = [add_project(budget, title, cost, text, territory)
                for title, text, cost, territory in PROJECTS]
    for i, (positions, count) in enumerate(BALLOTS):
        numbers = tuple(projects[p].number for p in positions)
        key = f"{now().isoformat()}-demo{i}"
        paper = budget.paper[key] = PaperBallot(key, numbers, count, "demo-entry",
                                                "Accueil de la mairie")
        paper.checked_by, paper.checked_name, paper.checked_at = \
            "demo-check", "Service participation", now()
        count_in(budget, numbers, count)
    container.settings.update({"voting_open": False, "results_shown": True})
    return budget
