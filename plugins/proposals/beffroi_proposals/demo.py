"""Sample proposals (in French) for the demo platform."""
from __future__ import annotations

from beffroi_proposals.models import add_proposal, set_state

SAMPLES = [
    ("Des bancs à l'ombre sur la place",
     "La place manque d'endroits où s'asseoir **à l'ombre**. Nous proposons :\n\n"
     "- six bancs sous les platanes ;\n- une fontaine d'eau potable.", "accepted",
     "<p>Les bancs seront installés au printemps.</p>", "12000.00"),
    ("Une piste cyclable continue jusqu'à la gare",
     "Aujourd'hui la piste s'interrompt au carrefour : il faut la prolonger pour que les "
     "enfants puissent aller au collège à vélo en sécurité.", "evaluating", "", None),
    ("Un jardin partagé derrière l'école",
     "Le terrain en friche derrière l'école pourrait accueillir un *jardin partagé* ouvert "
     "aux habitantes et aux habitants, avec des bacs accessibles.", None, "", None),
    ("Des ateliers de réparation de vélos",
     "Un samedi par mois, des bénévoles aideraient à réparer les vélos du quartier.",
     None, "", None),
]


def fill(container):
    """Add the samples once (the demo is idempotent: a filled container is left alone)."""
    for title, body, state, answer, cost in SAMPLES:
        proposal = add_proposal(container, title, body, "markdown", None)
        if state:
            set_state(proposal, state, answer, cost)
    official = add_proposal(container, "Rénover l'éclairage public du centre",
                            "La commune propose de remplacer les lampadaires par des "
                            "éclairages économes, orientés vers le sol.", "markdown", None,
                            official=True)
    return official
