"""A sample survey (in French) with every question type and a few answers."""
from __future__ import annotations

from beffroi_surveys.model import add_survey

ANSWERS = [
    {"lieu": "Le parc", "avis": "Plus de bancs et de fontaines.", "venue": [0], "transport": [0, 2],
     "rang": [1, 0, 2], "note": {0: 2, 1: 1}, "jours": {0: [0], 1: [1]}},
    {"lieu": "La médiathèque", "avis": "", "venue": [1], "transport": [1],
     "rang": [0, 1, 2], "note": {0: 1, 1: 2}, "jours": {0: [0, 1]}},
    {"lieu": "Le marché", "avis": "Des animations le dimanche.", "venue": [0], "transport": [3],
     "rang": [2, 1, 0], "note": {0: 0, 1: 2}, "jours": {1: [0]}, "other": "En trottinette"},
]


def fill(container):
    """Add the sample survey once (a filled container is left alone), results public."""
    survey = add_survey(container, "Votre quartier demain",
                        "Quelques minutes pour nous dire comment vous vivez le quartier.",
                        consent="Vos réponses servent uniquement à préparer le projet de "
                                "quartier ; elles sont conservées deux ans.")
    survey.add_question("title", "Vos habitudes")
    q1 = survey.add_question("short", "Quel lieu du quartier préférez-vous ?", mandatory=True)
    venue = survey.add_question("single", "Venez-vous au centre le samedi ?", mandatory=True,
                                options=["Oui", "Non"])
    why = survey.add_question("long", "Qu'est-ce qui vous en empêche ?",
                              condition=(venue.id, 1))
    transport = survey.add_question(
        "multiple", "Comment vous déplacez-vous ?", options=["À pied", "À vélo", "En bus",
                                                             "En voiture"],
        max_choices=2, other=True)
    survey.add_question("title", "Vos priorités")
    rang = survey.add_question("ranking", "Classez ces projets",
                               options=["Des arbres", "Une piste cyclable", "Un terrain de jeux"])
    note = survey.add_question("matrix_single", "Votre avis sur", rows=["La propreté", "Le bruit"],
                               options=["Mauvais", "Moyen", "Bon"])
    jours = survey.add_question("matrix_multiple", "Quand êtes-vous disponibles ?",
                                rows=["Le matin", "Le soir"], options=["En semaine", "Le week-end"])
    avis = survey.add_question("long", "Une idée pour le quartier ?")
    survey.add_question("files", "Une photo d'un lieu à améliorer (facultatif)")
    for n, sample in enumerate(ANSWERS, 1):
        answers = {q1.id: sample["lieu"], venue.id: {"choices": sample["venue"], "other": None},
                   rang.id: sample["rang"], note.id: sample["note"], jours.id: sample["jours"]}
        answers[transport.id] = {"choices": sample["transport"], "other": sample.get("other")}
        if sample["avis"]:
            answers[avis.id] = sample["avis"]
        if sample["venue"] == [1]:
            answers[why.id] = "Le stationnement est difficile."
        survey.submit(f"demo-participant-{n}", answers)
    container.settings["results_public"] = True
    return survey
