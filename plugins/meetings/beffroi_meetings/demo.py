"""Sample meetings (in French) for the demo platform: two upcoming (one in person with
registrations, one online) and one hybrid held last month with its minutes and
contributions collected in person."""
from __future__ import annotations

from datetime import time, timedelta

from beffroi.api import now
from beffroi_meetings.models import add_contribution, add_meeting, local_zone, to_utc
from beffroi_meetings.registrations import register

TERMS = ("Vos nom et adresse électronique servent uniquement à organiser la réunion ; "
         "ils sont effacés trois mois après. Prévenez-nous si vous ne pouvez plus venir : "
         "votre place ira à la personne suivante de la liste d'attente.")


def _at(container, days, hour, minute=0):
    zone = local_zone(container.space.__parent__)
    day = now().astimezone(zone).date() + timedelta(days=days)
    return to_utc(day, time(hour, minute), zone)


def fill(container):
    """Add the samples once, in one space per organisation (a container that already
    holds meetings, or whose organisation shows them elsewhere, is left alone: the
    demo stays small enough to be crawled whole)."""
    from beffroi.api import containers_of
    organisation = container.space.__parent__
    if len(container) or any(len(c) for c in containers_of(organisation, "meetings")):
        return None
    upcoming = add_meeting(
        container, "Réunion publique : l'avenir de la place du marché",
        "Venez découvrir les **trois scénarios** d'aménagement et dire ce que vous en pensez.\n\n"
        "- présentation par les services techniques ;\n- ateliers par table ;\n"
        "- restitution collective.",
        "in_person", _at(container, 12, 18, 30), _at(container, 12, 20, 30),
        address="Salle des fêtes, 2 rue de la Mairie, 59000 Lille",
        location_hints="Entrée de plain-pied par la cour ; boucle magnétique disponible.",
        agenda=[(15, "Accueil et présentation de la démarche"),
                (30, "Les trois scénarios d'aménagement"),
                (60, "Ateliers par table"), (15, "Restitution et suite de la démarche")])
    upcoming.registrations_enabled, upcoming.capacity, upcoming.terms = True, 40, TERMS
    for user in list(organisation.users.values())[:3]:
        register(upcoming, user.id)
    add_meeting(
        container, "Permanence en ligne : vos questions sur le budget participatif",
        "Une heure pour poser vos questions à l'équipe du budget participatif.",
        "online", _at(container, 20, 12, 30), _at(container, 20, 13, 30),
        online_url="https://visio.example.org/budget-participatif")
    past = add_meeting(
        container, "Atelier de quartier : mobilités douces",
        "Un atelier pour repérer les points noirs des trajets à pied et à vélo.",
        "hybrid", _at(container, -25, 18), _at(container, -25, 20),
        address="Maison de quartier, 10 place Jean Jaurès, 59000 Lille",
        online_url="https://visio.example.org/mobilites",
        agenda=[(20, "Accueil"), (80, "Cartographie collective"), (20, "Synthèse")])
    past.minutes_source = ("Une trentaine de personnes ont cartographié **douze points "
                           "noirs**, dont le carrefour de la gare.\n\n"
                           "Prochaine étape : une marche exploratoire au printemps.")
    from beffroi.api import render_markdown
    past.minutes_html = render_markdown(past.minutes_source)
    past.attendees_count = 31
    past.attendees_list = "Association des parents d'élèves\nClub cyclo du quartier"
    past.closed = now()
    collected_on = past.start.astimezone(local_zone(organisation)).date()
    add_contribution(past, "Il faudrait un **passage piéton** devant l'école Jules Ferry.",
                     "Jeanne, habitante du quartier", None, "l'équipe de la mairie", collected_on)
    add_contribution(past, "Des arceaux vélos près du marché couvert.", "", None,
                     "l'équipe de la mairie", collected_on)
    return upcoming
