"""Questionnaire exports for the survey reader's tests, deterministic (no file stored).

- :func:`kobo_survey`: an .xlsx in KoboToolbox's layout ("XML values and headers",
  groups in headers with "/"): Kobo's metadata columns, select_one, select_multiple
  with its 0/1 split columns, integers, a date, a calculate, open questions answered
  in French, some in English or Arabic, some empty or "n/a", and a repeat-group sheet;
- :func:`kobo_form`: the matching XLSForm (French and English labels, choices);
- :func:`odk_survey`: the same questions in ODK Central's CSV layout (groups with "-",
  select_multiple as one space-separated cell, Central's metadata columns).

Row ``i`` depends on ``(seed, i)`` only: ``rows=320`` extends ``rows=300`` with 20 more
respondents and leaves the first 300 as they were (an updated export).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import uuid
from pathlib import Path

import openpyxl

TYPES = {"association": "Association", "federation": "Fédération",
         "cooperative": "Coopérative", "collectif": "Collectif informel"}
ACTIVITIES = {"education": "Éducation", "sante": "Santé", "eau": "Eau potable",
              "agriculture": "Agriculture familiale", "culture": "Culture"}
GENDERS = {"femme": "Femme", "homme": "Homme"}
REGIONS = {"idf": "Île-de-France", "paca": "PACA", "occitanie": "Occitanie",
           "aura": "Auvergne-Rhône-Alpes", "bruxelles": "Bruxelles"}
VILLAGES = ["Tafraout", "Tiznit", "Aït Baha", "Taroudannt", "Tata", "Imi n'Tanout",
            "Anzi", "Tighmi", "Mirleft", "Igherm"]
NAME_WORDS = ["Solidarité", "Avenir", "Développement", "Amitié", "Espoir", "Entraide"]

OPEN = {
    "liens_village": [
        "Je rentre au village chaque été avec mes enfants.",
        "Nous envoyons de l'argent à la famille pour les fêtes et la rentrée.",
        "Le village, c'est ma mère et la maison de mon grand-père.",
        "Les jeunes nés en France connaissent moins le douar, mais ils suivent les projets.",
        "Nous appelons les cousins toutes les semaines par WhatsApp.",
    ],
    "projets": [
        "Nous avons financé le puits et l'adduction d'eau potable avec la commune.",
        "L'association a construit une salle de classe pour l'école du douar.",
        "Un projet de coopérative de safran avec les femmes est en cours.",
        "Nous avons équipé le dispensaire en lits et en médicaments.",
        "Des bourses sont versées chaque année à dix élèves du collège.",
    ],
    "obstacles": [
        "Les autorisations de la province prennent des mois.",
        "Il est difficile de mobiliser les jeunes de la deuxième génération.",
        "Les transferts coûtent cher et les banques demandent beaucoup de papiers.",
        "La commune change d'élus et il faut tout recommencer.",
        "Les femmes ne sont pas au bureau de l'association.",
    ],
    "recommandations": [
        "Il faudrait un guichet unique pour les associations de la diaspora.",
        "La région devrait cofinancer les projets portés par les migrants.",
        "Former les jeunes à la gestion de projet serait utile.",
        "Donner plus de place aux femmes dans les instances.",
        "Simplifier les démarches au BAOM pour les retraités.",
    ],
}
ENGLISH = [
    "We send money every year to repair the well.",
    "Young people born abroad should be involved in the projects.",
    "The municipality never answered our letters.",
]
ARABIC = [
    "نحن نساعد القرية في بناء المدرسة وحفر البئر.",
    "الشباب في المهجر لا يعرفون القرية جيدا.",
    "نطلب من الجماعة دعم المشاريع الصغيرة للنساء.",
]
OPEN_QUESTIONS = list(OPEN)
LABELS = {
    "nom_asso": "Nom de l'association", "type_asso": "Type de structure",
    "annee_creation": "Année de création", "activites": "Domaines d'action",
    "nb_membres": "Nombre de membres", "date_ag": "Date de la dernière assemblée générale",
    "genre": "Genre", "age": "Âge", "region": "Région de résidence",
    "liens_village": "Quels liens gardez-vous avec le village ?",
    "projets": "Quels projets avez-vous menés ?",
    "obstacles": "Quels obstacles avez-vous rencontrés ?",
    "recommandations": "Quelles recommandations feriez-vous ?",
    "score_liens": "Score des liens",
}
GROUPS = {"groupe_asso": ["nom_asso", "type_asso", "annee_creation", "activites", "nb_membres",
                          "date_ag"],
          "groupe_repondant": ["genre", "age", "region"],
          "groupe_liens": [*OPEN_QUESTIONS, "score_liens"]}
GROUP_OF = {name: group for group, names in GROUPS.items() for name in names}
NO_OPEN_ANSWER = 37  # every 37th respondent leaves every open question empty


def _answer(rng: random.Random, question: str) -> str | None:
    draw = rng.random()
    if draw < 0.10:
        return None
    if draw < 0.13:
        return "n/a"
    if draw < 0.15:
        return "   "
    if draw < 0.22:
        return rng.choice(ENGLISH)
    if draw < 0.28:
        return rng.choice(ARABIC)
    sentences = rng.sample(OPEN[question], rng.randint(1, 3))
    joiner = "\n" if rng.random() < 0.2 else " "
    return joiner.join(sentences)


def kobo_record(i: int, seed: int = 7) -> dict[str, object]:
    """Respondent `i` (1-based) of the survey as {question name: value} plus metadata."""
    rng = random.Random(f"{seed}-{i}")
    ident = uuid.UUID(int=rng.getrandbits(128), version=4)
    when = dt.datetime(2024, 3, 1, 9) + dt.timedelta(minutes=97 * i + rng.randint(0, 50))
    chosen = [a for a in ACTIVITIES if rng.random() < 0.4] or [rng.choice(list(ACTIVITIES))]
    record: dict[str, object] = {
        "start": when.isoformat(timespec="milliseconds") + "+01:00",
        "end": (when + dt.timedelta(minutes=25)).isoformat(timespec="milliseconds") + "+01:00",
        "today": when.date().isoformat(),
        "deviceid": f"collect:{rng.getrandbits(40):010x}",
        "username": rng.choice(["enqueteur1", "enqueteur2", "enqueteur3"]),
        "nom_asso": f"Association {rng.choice(NAME_WORDS)} {rng.choice(VILLAGES)}",
        "type_asso": rng.choice(list(TYPES)),
        "annee_creation": rng.randint(1975, 2022),
        "activites": chosen,
        "nb_membres": rng.randint(5, 400),
        "date_ag": (dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 360))).isoformat(),
        "genre": rng.choice(list(GENDERS)),
        "age": rng.randint(19, 81),
        "region": rng.choice(list(REGIONS)),
        "score_liens": rng.randint(0, 10),
        "_id": 480_000 + i,
        "_uuid": str(ident),
        "_submission_time": (when + dt.timedelta(hours=3)).isoformat(timespec="seconds"),
        "_validation_status": ("validation_status_not_approved" if i % 97 == 0 else
                               "validation_status_approved" if i % 3 == 0 else None),
        "_index": i,
    }
    for question in OPEN_QUESTIONS:
        record[question] = None if i % NO_OPEN_ANSWER == 0 else _answer(rng, question)
    return record


def _kobo_header() -> list[str]:
    header = ["start", "end", "today", "deviceid", "username"]
    for name in [n for names in GROUPS.values() for n in names]:
        header.append(f"{GROUP_OF[name]}/{name}")
        if name == "activites":
            header += [f"groupe_asso/activites/{a}" for a in ACTIVITIES]
    return [*header, "meta/instanceID", "_id", "_uuid", "_submission_time",
            "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_tags",
            "_index"]


def _kobo_row(record: dict[str, object]) -> list[object]:
    row: list[object] = [record[k] for k in ("start", "end", "today", "deviceid", "username")]
    for name in [n for names in GROUPS.values() for n in names]:
        value = record[name]
        if name == "activites":
            assert isinstance(value, list)
            row.append(" ".join(value))
            row += [1 if a in value else 0 for a in ACTIVITIES]
        else:
            row.append(value)
    return [*row, f"uuid:{record['_uuid']}", record["_id"], record["_uuid"],
            record["_submission_time"], record["_validation_status"], None, "submitted_via_web",
            record["username"], "vAZ3kd8sLpQe9", None, record["_index"]]


def kobo_survey(path: Path, rows: int = 300, seed: int = 7, *, repeat_sheet: bool = True,
                edits: dict[int, dict[str, object]] | None = None,
                reverse: bool = False) -> Path:
    """An .xlsx export of `rows` respondents in KoboToolbox's layout (see the module).

    `edits`: respondent number → {question name: new value} (an answer edited on the
    server between two exports); `reverse`: the newest submissions first."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Enquête associations")
    ws.append(_kobo_header())
    numbers = range(rows, 0, -1) if reverse else range(1, rows + 1)
    for i in numbers:
        ws.append(_kobo_row({**kobo_record(i, seed), **(edits or {}).get(i, {})}))
    if repeat_sheet:
        members = wb.create_sheet("membres_bureau")
        members.append(["membres_bureau/role", "_index", "_parent_table_name",
                        "_parent_index"])
        for i in range(1, min(rows, 20) + 1):
            members.append(["présidente" if i % 2 else "trésorier", i, "Enquête associations",
                            i])
    wb.save(path)
    return path


def kobo_form(path: Path) -> Path:
    """The XLSForm of the survey: French and English labels, choice lists, groups, a note,
    a calculate, a repeat group."""
    wb = openpyxl.Workbook()
    survey = wb.active
    survey.title = "survey"
    survey.append(["type", "name", "label::English (en)", "label::French (fr)", "required",
                   "calculation"])
    for meta in ("start", "end", "today", "deviceid", "username"):
        survey.append([meta, meta])
    english = {"nom_asso": "Name of the organisation", "genre": "Gender",
               "liens_village": "What ties do you keep with the village?"}
    types = {"nom_asso": "text", "type_asso": "select_one type_asso",
             "annee_creation": "integer", "activites": "select_multiple activites",
             "nb_membres": "integer", "date_ag": "date", "genre": "select_one genre",
             "age": "integer", "region": "select_one region", "score_liens": "calculate"}
    for group, names in GROUPS.items():
        survey.append(["begin_group", group, None, f"Groupe {group}"])
        if group == "groupe_liens":
            survey.append(["note", "note_liens", None, "Les questions suivantes sont "
                           "<b>ouvertes</b>."])
        for name in names:
            survey.append([types.get(name, "text"), name, english.get(name),
                           f"**{LABELS[name]}**" if name == "obstacles" else LABELS[name],
                           "yes", "1" if name == "score_liens" else None])
        survey.append(["end_group", None])
    survey.append(["begin_repeat", "membres_bureau", None, "Membres du bureau"])
    survey.append(["select_one role", "role", None, "Rôle"])
    survey.append(["end_repeat", None])
    choices = wb.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)", "label::French (fr)"])
    for list_name, options in (("type_asso", TYPES), ("activites", ACTIVITIES),
                               ("genre", GENDERS), ("region", REGIONS),
                               ("role", {"presidente": "Présidente", "tresorier": "Trésorier"})):
        for name, label in options.items():
            choices.append([list_name, name, name.capitalize(), label])
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "default_language"])
    settings.append(["Enquête associations", "enquete_asso", "French (fr)"])
    wb.save(path)
    return path


CENTRAL_HEADER = ["SubmissionDate", "start", "end", "groupe_asso-nom_asso",
                  "groupe_asso-type_asso", "groupe_asso-activites", "groupe_asso-annee_creation",
                  "groupe_repondant-genre", "groupe_liens-liens_village", "groupe_liens-projets",
                  "groupe_liens-obstacles", "meta-instanceID", "KEY", "SubmitterID",
                  "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
                  "ReviewState", "DeviceID", "Edits", "FormVersion"]


def odk_survey(path: Path, rows: int = 60, seed: int = 11) -> Path:
    """A CSV export of `rows` respondents in ODK Central's layout (see the module)."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CENTRAL_HEADER)
        for i in range(1, rows + 1):
            r = kobo_record(i, seed)
            key = f"uuid:{r['_uuid']}"
            activities = r["activites"]
            assert isinstance(activities, list)
            writer.writerow([
                str(r["_submission_time"]) + ".000Z", r["start"], r["end"], r["nom_asso"],
                r["type_asso"], " ".join(activities), r["annee_creation"], r["genre"],
                *("" if r[q] is None else r[q] for q in ("liens_village", "projets",
                                                          "obstacles")),
                key, key, 7 + i % 3, f"Enquêteur {1 + i % 3}", 0, 0, None,
                "rejected" if i % 29 == 0 else "approved" if i % 2 else None,
                f"collect:{i:06d}", 0, "2024031201"])
    return path
