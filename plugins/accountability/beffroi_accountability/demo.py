"""Sample results (in French) for the demo platform, linked to the demo proposals of the
same space so that they carry the « issu de la participation » label."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from beffroi.api import link_items
from beffroi_accountability.content import add_milestone, add_result


def _proposal(space, start_of_title):
    """The first item of the space's proposals module whose title starts so, or None."""
    container = space.modules.get("proposals") if hasattr(space, "modules") else None
    if container is None:
        return None
    for item in container.values():
        if getattr(item, "title", "").startswith(start_of_title):
            return item
    return None


def fill(container):
    """Add the sample results once (the demo fills an empty container only)."""
    today = date.today()
    space = container.space
    territory = getattr(space, "scope", "") or "Centre-ville"
    square = add_result(
        container, "Aménagement de la place", reference="PLACE",
        description="<p>Les idées des habitantes et des habitants pour une place plus "
                    "agréable, suivies pas à pas.</p>",
        category="Cadre de vie", territory=territory, start=today - timedelta(days=90),
        end=today + timedelta(days=180), budget_planned=Decimal("60000"),
        budget_spent=Decimal("21500"))
    benches = add_result(
        container, "Six bancs à l'ombre des platanes", reference="PLACE-BANCS",
        parent=square.__name__, status="in-progress", progress=Decimal("60"),
        description="<p>Les bancs sont commandés ; la pose commence au printemps.</p>",
        category="Cadre de vie", territory=territory, start=today - timedelta(days=60),
        end=today + timedelta(days=60), budget_planned=Decimal("12000"),
        budget_spent=Decimal("7200"))
    add_milestone(benches, today - timedelta(days=60), "Choix du modèle de banc avec les habitants")
    add_milestone(benches, today - timedelta(days=20), "Commande passée")
    add_milestone(benches, today + timedelta(days=45), "Pose des bancs")
    lights = add_result(
        container, "Éclairage public économe", reference="PLACE-ECLAIRAGE",
        parent=square.__name__, status="done",
        description="<p>Les lampadaires du centre éclairent vers le sol et consomment moitié "
                    "moins.</p>", category="Énergie", territory=territory,
        start=today - timedelta(days=90), end=today - timedelta(days=10),
        budget_planned=Decimal("48000"), budget_spent=Decimal("14300"), weight=Decimal("2"))
    add_milestone(lights, today - timedelta(days=10), "Travaux terminés")
    cycle = add_result(
        container, "Continuité de la piste cyclable vers la gare", reference="VELO",
        status="not-started", category="Mobilités", territory="Quartier de la gare",
        description="<p>Étude de tracé lancée à la suite des propositions.</p>",
        start=today + timedelta(days=30), end=today + timedelta(days=400),
        budget_planned=Decimal("150000"))
    add_milestone(cycle, today + timedelta(days=30), "Étude de tracé")
    for result, title in ((benches, "Des bancs à l'ombre"), (lights, "Rénover l'éclairage"),
                          (cycle, "Une piste cyclable")):
        proposal = _proposal(space, title)
        if proposal is not None:
            link_items(proposal, result, "led_to_result")
    return square
