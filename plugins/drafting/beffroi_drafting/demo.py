"""A sample text (in French) in two versions for the demo platform: suggestions made on
version 1, one accepted (its wording marked in version 2) and one rejected with its
reason, an annotation and a pending suggestion on version 2."""
from __future__ import annotations

from beffroi_drafting.models import (
    add_annotation, add_suggestion, add_text, decide, publish_draft, support,
)

TITLE = "Charte de la vie nocturne du centre-ville"
SUMMARY = ("La commune écrit avec les habitantes, les habitants et les commerces une charte "
           "pour concilier animation et tranquillité le soir.")
SOURCE = """# Préambule

Le centre-ville est un lieu de vie, de travail et de fête. Cette charte fixe des
engagements partagés pour que chacun y trouve sa place, de jour comme de nuit.

# Article 1 — Les terrasses

Les terrasses ferment à 23 heures du dimanche au jeudi, et à minuit le vendredi et le
samedi. Les exploitants rangent le mobilier sans bruit.

# Article 2 — La propreté

La commune installe des cendriers et des poubelles de tri près des établissements
ouverts le soir. Les commerces nettoient leurs abords chaque matin.

# Article 3 — Le suivi de la charte

Un comité réunissant habitants, commerçants et élus se réunit deux fois par an pour
faire le bilan de la charte.
"""


def _people(container):
    """Three authors among the organisation's accounts (the demo's participants first,
    its administrators after; the same one again when there are fewer), else None."""
    organisation = getattr(getattr(container, "__parent__", None), "__parent__", None)
    users = getattr(organisation, "users", None)
    roles = getattr(organisation, "org_roles", lambda uid: ())
    found = sorted((u for u in (users.values() if users else ())
                    if not getattr(u, "deleted", False)),
                   key=lambda u: (bool(roles(u.id)), u.id))
    ids = [u.id for u in found[:3]]
    while ids and len(ids) < 3:
        ids.append(ids[0])
    return ids or [None, None, None]


def fill(container):
    """Add the sample text once (a filled container is left alone by the kit)."""
    ana, bea, chloe = _people(container)
    text = add_text(container, TITLE, SUMMARY, SOURCE)
    publish_draft(text, "Première version soumise à la concertation.", None)
    hours = add_suggestion(
        text, "article-1-les-terrasses", "ferment à 23 heures du dimanche au jeudi",
        "ferment à 22 h 30 du dimanche au jeudi, et à 23 heures en été",
        "Les riverains se lèvent tôt en semaine ; l'été, les soirées sont plus longues.", ana)
    for person in (bea, chloe):
        if person and person != ana:
            support(hours, person)
    closing = add_suggestion(
        text, "article-3-le-suivi-de-la-charte", "",
        "Un comité ouvert à toutes et à tous se réunit chaque mois et publie ses comptes rendus.",
        "", bea)
    decide(hours, True, "Retenu : l'horaire d'été répond aux inquiétudes des riverains.", None)
    decide(closing, False, "Une réunion mensuelle n'est pas tenable ; les comptes rendus "
                           "seront publiés (article 3 modifié en ce sens).", None)
    draft = text.ensure_draft()
    source = draft.source.replace("faire le bilan de la charte.",
                                  "faire le bilan de la charte ; ses comptes rendus sont publiés.")
    draft.edit(source, "")
    publish_draft(text, "Horaires des terrasses revus et publication des comptes rendus du "
                        "comité.", None)
    add_annotation(text, "article-2-la-proprete", "nettoient leurs abords chaque matin",
                   "Qui s'en charge le dimanche, quand les commerces sont fermés ?", chloe)
    add_suggestion(text, "article-2-la-proprete", "des cendriers",
                   "des cendriers, des toilettes publiques", "", chloe)
    return text
