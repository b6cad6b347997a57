"""Questionnaires read as codable text plus case attributes (workbench.corpus.survey)."""

from __future__ import annotations

import csv
import datetime as dt
import re
import time
import tracemalloc
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.hostile.conftest import (
    assert_bounded,
    assert_french_advice,
    bounded,
    inflate_first_sheet,
    repeated,
    write_zip,
)
from tests.survey_fixtures import (
    ACTIVITIES,
    ARABIC,
    LABELS,
    NO_OPEN_ANSWER,
    OPEN_QUESTIONS,
    TYPES,
    kobo_form,
    kobo_record,
    kobo_survey,
    odk_survey,
)
from workbench.corpus.model import ParsedDocument
from workbench.corpus.survey import Choices, Survey, document_name, read_survey
from workbench.errors import AttributesError

Valid = Callable[[ParsedDocument], ParsedDocument]


# -- helpers ---------------------------------------------------------------------------------

def write_csv(path: Path, rows: list[list[object]], *, delimiter: str = ",") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out, delimiter=delimiter).writerows(rows)
    return path


def workbook(path: Path, rows: list[list[object]], title: str = "data") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def refused(call: Callable[[], object], *names: str) -> str:
    """`call` raises AttributesError, in French, saying what to do and naming `names`."""
    with pytest.raises(AttributesError) as caught:
        call()
    message = str(caught.value)
    assert_french_advice(message, *names)
    return message


def present(value: object) -> bool:
    return isinstance(value, str) and value.strip() not in ("", "n/a")


def expected_answer(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def by_key(survey: Survey) -> dict[str, object]:
    return {q.key: q for q in survey.questions}


FREE = [
    "Nous avons construit l'école du village avec la commune et les parents d'élèves.",
    "Le puits a été financé par les migrants installés à Gennevilliers depuis longtemps.",
    "Les jeunes de la deuxième génération ne viennent plus aux réunions de l'association.",
    "La coopérative de safran fait vivre vingt femmes du douar toute l'année maintenant.",
    "Il faudrait que la région cofinance les projets des associations de la diaspora.",
]


# -- the 300-row Kobo survey -------------------------------------------------------------------

@pytest.fixture(scope="module")
def kobo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kobo_survey(tmp_path_factory.mktemp("kobo") / "enquete_kobo.xlsx", rows=300)


@pytest.fixture(scope="module")
def form_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kobo_form(tmp_path_factory.mktemp("form") / "formulaire.xlsx")


@pytest.fixture(scope="module")
def kobo(kobo_path: Path) -> Survey:
    return read_survey(kobo_path)


@pytest.fixture(scope="module")
def kobo_with_form(kobo_path: Path, form_path: Path) -> Survey:
    return read_survey(kobo_path, form=form_path)


RECORDS = [kobo_record(i) for i in range(1, 301)]


def test_kobo_one_case_per_respondent_linked_to_its_document(kobo: Survey) -> None:
    cases = kobo.sheet.cases
    assert len(cases) == 300
    assert [c.name for c in cases] == [f"Q{r['_uuid']}" for r in RECORDS]
    assert [c.row for c in cases] == list(range(2, 302))
    assert {c.kind for c in cases} == {"person"}
    with_text = {f"Q{r['_uuid']}" for r in RECORDS
                 if any(present(r[q]) for q in OPEN_QUESTIONS)}
    assert set(kobo.documents) == with_text
    for case in cases:
        assert case.links == ([(case.name, None)] if case.name in with_text else [])
    silent = cases[NO_OPEN_ANSWER - 1]
    assert silent.name not in kobo.documents and silent.links == []
    assert silent.attributes["annee_creation"] == (RECORDS[NO_OPEN_ANSWER - 1]["annee_creation"],
                                                   "int")


def test_kobo_kinds_groups_and_labels_are_inferred_without_a_form(kobo: Survey) -> None:
    kinds = {q.key: q.kind for q in kobo.questions}
    assert {k: kinds[k] for k in ("groupe_asso/nom_asso", "groupe_asso/type_asso",
                                  "groupe_asso/annee_creation", "groupe_asso/activites",
                                  "groupe_asso/date_ag", "groupe_repondant/genre",
                                  "groupe_liens/liens_village", "groupe_liens/projets",
                                  "groupe_liens/obstacles", "groupe_liens/recommandations")} \
        == {"groupe_asso/nom_asso": "single", "groupe_asso/type_asso": "single",
            "groupe_asso/annee_creation": "number", "groupe_asso/activites": "multiple",
            "groupe_asso/date_ag": "date", "groupe_repondant/genre": "single",
            "groupe_liens/liens_village": "open", "groupe_liens/projets": "open",
            "groupe_liens/obstacles": "open", "groupe_liens/recommandations": "open"}
    for meta in ("start", "end", "today", "deviceid", "username", "meta/instanceID", "_id",
                 "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
                 "_submitted_by", "__version__", "_tags", "_index"):
        assert kinds[meta] == "meta", meta
    assert not any(k.startswith("groupe_asso/activites/") for k in kinds)  # split columns
    activites = next(q for q in kobo.questions if q.key == "groupe_asso/activites")
    assert (activites.group, activites.label, activites.attribute) == \
        ("groupe_asso", "Activites", "activites")
    assert next(q for q in kobo.questions if q.key == "start").group is None


def test_kobo_closed_answers_are_typed_attributes(kobo: Survey) -> None:
    assert kobo.sheet.columns == ["nom_asso", "type_asso", "annee_creation", "activites",
                                  "nb_membres", "date_ag", "genre", "age", "region",
                                  "score_liens", "date de soumission"]
    for case, record in zip(kobo.sheet.cases, RECORDS, strict=True):
        a = case.attributes
        assert a["annee_creation"] == (record["annee_creation"], "int")
        assert a["type_asso"] == (record["type_asso"], "text")
        activities, kind = a["activites"]
        assert isinstance(activities, Choices) and kind == "text"
        assert activities == record["activites"]
        assert case.texts["activites"] == "; ".join(record["activites"])  # type: ignore[arg-type]
        assert str(activities) == case.texts["activites"]
        assert a["date_ag"] == (dt.date.fromisoformat(str(record["date_ag"])), "date")
        assert a["date de soumission"] == (
            dt.datetime.fromisoformat(str(record["_submission_time"])).date(), "date")
        assert not set(a) & {"start", "_uuid", "_id", "username", "liens_village", "projets"}


def test_kobo_document_has_one_section_per_open_answer(kobo: Survey, valid: Valid) -> None:
    arabic = 0
    for case, record in zip(kobo.sheet.cases, RECORDS, strict=True):
        answers = [(q, expected_answer(str(record[q]))) for q in OPEN_QUESTIONS
                   if present(record[q])]
        if not answers:
            continue
        doc = valid(kobo.documents[case.name])
        assert [doc.text[t.start:t.end] for t in doc.turns] == [a for _, a in answers]
        labels = [q.replace("_", " ").capitalize() for q, _ in answers]
        assert [t.section for t in doc.turns] == labels
        assert {t.speaker for t in doc.turns} == {None}
        for turn, label in zip(doc.turns, labels, strict=True):
            assert doc.text[:turn.start].endswith(label + "\n")  # heading, not in the span
        arabic += any(a in ARABIC for _, a in answers)
        assert "n/a" not in doc.text
    assert arabic > 10
    multiline = next(d for d in kobo.documents.values()
                     if any("\n" in d.text[t.start:t.end] for t in d.turns))
    assert "\r" not in multiline.text


def test_kobo_warns_of_other_sheets_and_rejected_answers(kobo: Survey) -> None:
    sheets = next(w for w in kobo.warnings if "membres_bureau" in w)
    assert "sheet=" in sheets
    rejected = next(w for w in kobo.warnings if "non approuvée" in w)
    assert "lignes 98, 195, 292" in rejected


def test_reading_the_300_row_survey_is_quick_and_small(kobo_path: Path) -> None:
    start = time.perf_counter()
    read_survey(kobo_path)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        read_survey(kobo_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"300 rows: {seconds:.2f} s, peak {peak / 1024**2:.1f} MB")
    assert seconds < 5
    assert peak < 60 * 1024**2


def test_reading_a_5000_row_survey_stays_within_time_and_memory(tmp_path: Path) -> None:
    path = kobo_survey(tmp_path / "enquete_5000.xlsx", rows=5000, repeat_sheet=False)
    code = ('from workbench.corpus.survey import read_survey\n'
            'out["value"] = len(read_survey(V["path"]).sheet.cases)')
    result = bounded(code, path=path)
    assert_bounded(result, None)
    assert result["value"] == 5000
    assert result["seconds"] < 30
    assert result["peak_mb"] < 600


# -- the form ---------------------------------------------------------------------------------

def test_form_decides_kinds_labels_and_choice_labels(kobo_with_form: Survey) -> None:
    survey = kobo_with_form
    questions = {q.key: q for q in survey.questions}
    assert questions["groupe_asso/nom_asso"].kind == "open"  # a text question
    assert questions["groupe_liens/score_liens"].kind == "meta"  # a calculate
    assert questions["groupe_asso/activites"].kind == "multiple"
    assert questions["groupe_asso/annee_creation"].kind == "number"
    assert questions["groupe_asso/date_ag"].kind == "date"
    # French labels although English comes first; Markdown emphasis removed
    assert questions["groupe_liens/liens_village"].label == LABELS["liens_village"]
    assert questions["groupe_liens/obstacles"].label == LABELS["obstacles"]
    assert questions["groupe_repondant/genre"].label == "Genre"
    assert questions["groupe_asso/activites"].group == "groupe_asso"
    first, record = survey.sheet.cases[0], RECORDS[0]
    assert first.attributes["type_asso"] == (TYPES[str(record["type_asso"])], "text")
    assert first.attributes["activites"][0] == \
        [ACTIVITIES[a] for a in record["activites"]]  # type: ignore[union-attr]
    assert "score_liens" not in first.attributes
    doc = survey.documents[first.name]
    assert doc.turns[0].section == "Nom de l'association"
    assert {t.section for d in survey.documents.values() for t in d.turns} >= {
        LABELS["liens_village"], LABELS["projets"]}
    assert not any("absente" in w for w in survey.warnings)
    assert survey.attribute_labels["type_asso"] == "Type de structure"


def test_form_with_one_language_old_spellings_and_unknown_columns(tmp_path: Path) -> None:
    form = tmp_path / "form_simple.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in (["type", "name", "label"], ["begin group", "g", "Groupe"],
                ["select all that apply langues", "langues", "Langues parlées"],
                ["select one oui_non", "membre", "Membre d'un bureau ?"],
                ["text", "avis", "<span style='color:red'>Votre avis</span>"],
                ["end group", None, None]):
        ws.append(row)
    choices = wb.create_sheet("choices")
    for row in (["list name", "name", "label"], ["langues", "fr", "Français"],
                ["langues", "ar", "Arabe"], ["langues", "ber", "Amazighe"],
                ["oui_non", "oui", "Oui"], ["oui_non", "non", "Non"]):
        choices.append(row)
    wb.save(form)
    sheet = write_csv(tmp_path / "reponses.csv", [
        ["_uuid", "g/langues", "g/membre", "g/avis", "g/ville"],
        ["u1", "fr ar", "oui", "Bien", "Tiznit"],
        ["u2", "ber", "non", "", "Agadir"],
    ])
    survey = read_survey(sheet, form=form)
    kinds = {q.key: (q.kind, q.label) for q in survey.questions}
    assert kinds["g/langues"] == ("multiple", "Langues parlées")
    assert kinds["g/avis"] == ("open", "Votre avis")
    assert kinds["g/ville"] == ("single", "Ville")  # not in the form: guessed
    u1, u2 = survey.sheet.cases
    assert u1.attributes["langues"] == (["Français", "Arabe"], "text")
    assert u1.attributes["membre"] == (True, "bool")  # "Oui", typed like the attributes sheet
    assert u2.attributes["langues"] == (["Amazighe"], "text")
    assert list(survey.documents) == ["Qu1"]
    assert any("g/ville" in w and "formulaire" in w for w in survey.warnings)


def test_a_form_that_is_not_an_xlsform_is_refused(tmp_path: Path, kobo_path: Path) -> None:
    not_form = workbook(tmp_path / "pas_un_formulaire.xlsx", [["a", "b"], [1, 2]])
    refused(lambda: read_survey(kobo_path, form=not_form), "pas_un_formulaire.xlsx", "survey")
    text_form = tmp_path / "formulaire.txt"
    text_form.write_text("type,name\n", encoding="utf-8")
    refused(lambda: read_survey(kobo_path, form=text_form), "formulaire.txt", "XLSForm")


# -- explicit lists ---------------------------------------------------------------------------

def test_closed_questions_win_over_the_form(kobo_path: Path, form_path: Path) -> None:
    survey = read_survey(kobo_path, form=form_path, closed_questions=["nom_asso"])
    nom = next(q for q in survey.questions if q.key == "groupe_asso/nom_asso")
    assert (nom.kind, nom.attribute) == ("single", "nom_asso")
    assert survey.sheet.cases[0].attributes["nom_asso"] == (RECORDS[0]["nom_asso"], "text")
    assert "Nom de l'association" not in {t.section for d in survey.documents.values()
                                          for t in d.turns}


def test_open_questions_is_the_complete_list_of_open_questions(kobo_path: Path) -> None:
    survey = read_survey(kobo_path, open_questions=["groupe_liens/liens_village",
                                                    "Recommandations"])
    kinds = {q.key: q.kind for q in survey.questions}
    assert kinds["groupe_liens/liens_village"] == kinds["groupe_liens/recommandations"] == "open"
    assert kinds["groupe_liens/projets"] == "single"
    assert kinds["_uuid"] == "meta" and kinds["groupe_asso/activites"] == "multiple"
    sections = {t.section for d in survey.documents.values() for t in d.turns}
    assert sections == {"Liens village", "Recommandations"}
    first = next(c for c in survey.sheet.cases if present(RECORDS[c.row - 2]["projets"]))
    assert first.attributes["projets"][0] == expected_answer(
        " ".join(str(RECORDS[first.row - 2]["projets"]).split()))


def test_unknown_or_contradictory_question_names_are_refused(kobo_path: Path) -> None:
    message = refused(lambda: read_survey(kobo_path, open_questions=["temoignage"]),
                      "enquete_kobo.xlsx", "temoignage", "open_questions")
    assert "groupe_liens/projets" in message and "groupe_asso/activites" in message
    refused(lambda: read_survey(kobo_path, closed_questions=["projets"],
                                open_questions=["projets"]), "groupe_liens/projets",
            "closed_questions")
    refused(lambda: read_survey(kobo_path, id_column="numero"), "numero", "id_column")


# -- ODK Central -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def odk_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return odk_survey(tmp_path_factory.mktemp("odk") / "central.csv", rows=60)


def test_odk_central_csv_groups_meta_and_ids(odk_path: Path, valid: Valid) -> None:
    survey = read_survey(odk_path)
    q = {x.key: x for x in survey.questions}
    assert (q["groupe_liens-projets"].group, q["groupe_liens-projets"].label,
            q["groupe_liens-projets"].kind) == ("groupe_liens", "Projets", "open")
    for meta in ("SubmissionDate", "start", "end", "meta-instanceID", "KEY", "SubmitterID",
                 "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
                 "ReviewState", "DeviceID", "Edits", "FormVersion"):
        assert q[meta].kind == "meta", meta
    # space-separated values without split columns: not guessed multiple
    assert q["groupe_asso-activites"].kind == "single"
    records = [kobo_record(i, 11) for i in range(1, 61)]
    assert [c.name for c in survey.sheet.cases] == [f"Q{r['_uuid']}" for r in records]
    assert survey.sheet.cases[0].attributes["date de soumission"][1] == "date"
    rows = f"lignes {survey.sheet.cases[28].row}, {survey.sheet.cases[57].row}"  # 29th, 58th
    assert any("rejetée" in w and rows in w for w in survey.warnings), survey.warnings
    for doc in survey.documents.values():
        valid(doc)


def test_odk_multiple_choices_from_the_form_or_the_closed_list(odk_path: Path,
                                                               form_path: Path) -> None:
    record = kobo_record(1, 11)
    closed = read_survey(odk_path, closed_questions=["activites"])
    assert next(x for x in closed.questions if x.key == "groupe_asso-activites").kind \
        == "multiple"
    assert closed.sheet.cases[0].attributes["activites"] == (record["activites"], "text")
    others_closed = read_survey(odk_path, open_questions=["projets"])  # activites not listed
    assert next(x for x in others_closed.questions if x.key == "groupe_asso-activites").kind \
        == "single"
    assert others_closed.sheet.cases[0].attributes["activites"] == (
        " ".join(record["activites"]), "text")  # type: ignore[arg-type]
    formed = read_survey(odk_path, form=form_path)
    assert formed.sheet.cases[0].attributes["activites"][0] == \
        [ACTIVITIES[a] for a in record["activites"]]  # type: ignore[union-attr]
    assert next(x for x in formed.questions if x.key == "groupe_liens-projets").label == \
        LABELS["projets"]


# -- guessing open and closed ----------------------------------------------------------------

def test_kinds_are_guessed_from_the_answers(tmp_path: Path) -> None:
    rows: list[list[object]] = [["id", "commentaire", "avis", "commune", "nom", "membres",
                                 "creation", "langues", "satisfaction"]]
    communes = ["Tiznit", "Agadir", "Tata"]
    for i in range(12):
        rows.append([f"R{i}", FREE[i % 5] + f" ({i})",
                     "Oui, bien sûr. Nous sommes contents du projet." if i == 0
                     else "Oui",
                     communes[i % 3], f"Association Amitié {i}", 10 + i,
                     f"{1 + i:02d}/03/2020", ["fr", "ar", "fr ar", "ber fr"][i % 4],
                     ["Très satisfait", "Pas satisfait", "Assez satisfait"][i % 3]])
    path = write_csv(tmp_path / "devine.csv", rows, delimiter=";")
    kinds = {q.key: q.kind for q in read_survey(path).questions}
    assert kinds == {"id": "meta", "commentaire": "open", "avis": "open", "commune": "single",
                     "nom": "single", "membres": "number", "creation": "date",
                     "langues": "single", "satisfaction": "single"}
    closed = read_survey(path, closed_questions=["langues", "satisfaction", "avis"])
    kinds = {q.key: q.kind for q in closed.questions}
    assert (kinds["langues"], kinds["satisfaction"], kinds["avis"]) == \
        ("multiple", "single", "single")
    third = closed.sheet.cases[2]
    assert third.attributes["langues"] == (["fr", "ar"], "text")
    assert third.attributes["creation"] == (dt.date(2020, 3, 3), "date")
    assert [c.name for c in closed.sheet.cases][:2] == ["QR0", "QR1"]


def test_split_columns_true_false_and_a_ticked_option_without_its_summary(
        tmp_path: Path) -> None:
    path = write_csv(tmp_path / "splits.csv", [
        ["_uuid", "domaines", "domaines/eau", "domaines/sante", "domaines/ecole", "texte"],
        ["a", "eau sante", "True", "True", "False", FREE[0]],
        ["b", "", "False", "False", "True", ""],
        ["c", "", "", "", "", FREE[1]],
    ])
    survey = read_survey(path)
    assert [q.key for q in survey.questions] == ["_uuid", "domaines", "texte"]
    a, b, c = survey.sheet.cases
    assert a.attributes["domaines"] == (["eau", "sante"], "text")
    assert b.attributes["domaines"] == (["ecole"], "text")
    assert "domaines" not in c.attributes
    assert b.links == [] and list(survey.documents) == ["Qa", "Qc"]


def test_empty_answers_and_placeholders_are_skipped(tmp_path: Path, valid: Valid) -> None:
    path = write_csv(tmp_path / "vides.csv", [
        ["_uuid", "genre", "q1", "q2", "q3"],
        ["a", "n/a", FREE[0], "  ", "N/A"],
        ["b", "F", "-", "", FREE[2] + "\r\n\r\n\r\n" + FREE[3] + "   "],
        ["c", "", "", "…", "null"],
    ])
    survey = read_survey(path)
    a, b, c = survey.sheet.cases
    assert "genre" not in a.attributes and b.attributes["genre"] == ("F", "text")
    assert [t.section for t in valid(survey.documents["Qa"]).turns] == ["Q1"]
    doc = valid(survey.documents["Qb"])
    assert [doc.text[t.start:t.end] for t in doc.turns] == [FREE[2] + "\n\n" + FREE[3]]
    assert "Qc" not in survey.documents and c.links == []


def test_same_labels_and_names_in_two_groups_stay_apart(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "groupes.csv", [
        ["_uuid", "asso/precisez", "projet/precisez", "asso/type", "projet/type"],
        ["a", FREE[0], FREE[1], "ong", "eau"],
        ["b", FREE[2], FREE[3], "ong", "sante"],
    ])
    survey = read_survey(path)
    q = {x.key: x for x in survey.questions}
    assert q["asso/precisez"].label == "Precisez (asso)"
    assert q["projet/precisez"].label == "Precisez (projet)"
    assert (q["asso/type"].attribute, q["projet/type"].attribute) == ("asso/type", "projet/type")
    assert [t.section for t in survey.documents["Qa"].turns] == ["Precisez (asso)",
                                                                 "Precisez (projet)"]


def test_case_kind_and_name_prefix(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orgs.csv", [["_id", "texte"], ["12", FREE[0]]])
    survey = read_survey(path, case_kind="organisation", name_prefix="ASSO-")
    assert [(c.name, c.kind) for c in survey.sheet.cases] == [("ASSO-12", "organisation")]
    refused(lambda: read_survey(path, case_kind="village"), "village", "case_kind")
    refused(lambda: read_survey(path, name_prefix="../x"), "name_prefix")


# -- respondent ids and names ------------------------------------------------------------------

def test_the_id_column_in_order_of_preference(kobo_path: Path, tmp_path: Path) -> None:
    by_id = read_survey(kobo_path, id_column="_id")
    assert [c.name for c in by_id.sheet.cases[:2]] == ["Q480001", "Q480002"]
    path = write_csv(tmp_path / "ident.csv", [
        ["Identifiant", "ville", "texte"], ["E-07", "Tiznit", FREE[0]], ["E-08", "Tata", ""]])
    survey = read_survey(path)
    assert [c.name for c in survey.sheet.cases] == ["QE-07", "QE-08"]
    assert next(q for q in survey.questions if q.key == "Identifiant").kind == "meta"


def test_without_an_id_column_rows_are_numbered_with_a_warning(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "sans_id.csv", [["ville", "texte"], ["Tiznit", FREE[0]],
                                                 ["Tata", FREE[1]]])
    survey = read_survey(path)
    assert [c.name for c in survey.sheet.cases] == ["Q1", "Q2"]
    assert any("id_column" in w and "identifiant" in w for w in survey.warnings)


def test_duplicate_and_empty_ids_are_refused_naming_the_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "doublons.csv", [
        ["_uuid", "texte"], ["Fatima", FREE[0]], ["", FREE[1]], ["fatima", FREE[2]],
        ["b", FREE[3]]])
    message = refused(lambda: read_survey(path), "doublons.csv", "ligne 3", "ligne 4",
                      "ligne 2", "_uuid")
    assert "Fatima" not in message and "fatima" not in message  # an id may be a name
    odk = write_csv(tmp_path / "cles.csv", [
        ["KEY", "texte"], ["R 12", FREE[0]], ["r  12", FREE[1]], ["uuid:x1", FREE[2]],
        ["X1", FREE[3]], ["R 13", FREE[4]]])
    message = refused(lambda: read_survey(odk), "cles.csv", "ligne 3", "ligne 5", "KEY")
    assert "ligne 6" not in message


def test_document_names_are_safe_short_unique_and_depend_on_the_id_alone() -> None:
    ids = ["3f2a1b7c-89ab-4cde-8f01-23456789abcd", "uuid:3f2a1b7c-89ab-4cde-8f01-23456789abce",
           "عبد الله", "a/b c", "../../etc/passwd", "R 12", "R_12", "x" * 300, "Élodie #3",
           "12", "12.5"]
    names = [document_name(i) for i in ids]
    assert names[0] == "Q3f2a1b7c-89ab-4cde-8f01-23456789abcd"
    assert names[1] == "Q3f2a1b7c-89ab-4cde-8f01-23456789abce"  # "uuid:" dropped
    assert names[9] == "Q12"
    assert len(set(names)) == len(names)
    for name in names:
        assert re.fullmatch(r"Q[A-Za-z0-9_-]+", name), name
        assert len(name) <= 48
    assert names == [document_name(i) for i in ids]  # no state, no order
    assert document_name(" R  12 ") == document_name("R 12")
    assert names[4].startswith("Qetc_passwd-")


def test_names_are_stable_across_an_updated_export(tmp_path: Path, kobo: Survey) -> None:
    edited = "Nous avons aussi ouvert une bibliothèque au douar cette année."
    path = kobo_survey(tmp_path / "enquete_kobo_v2.xlsx", rows=320, reverse=True,
                       edits={10: {"projets": edited}})
    later = read_survey(path)
    before = {c.name: c for c in kobo.sheet.cases}
    after = {c.name: c for c in later.sheet.cases}
    assert set(before) < set(after) and len(set(after) - set(before)) == 20
    tenth = f"Q{RECORDS[9]['_uuid']}"
    assert edited in later.documents[tenth].text
    assert edited not in kobo.documents[tenth].text
    for name, doc in kobo.documents.items():
        if name != tenth:
            assert later.documents[name].text == doc.text
        assert after[name].attributes == before[name].attributes


# -- hostile and bad input ----------------------------------------------------------------------

def test_files_that_are_not_survey_sheets_are_refused(tmp_path: Path) -> None:
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    refused(lambda: read_survey(pdf), "rapport.pdf", ".xlsx", ".csv")
    png = tmp_path / "photo.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    refused(lambda: read_survey(png), "photo.csv", "CSV")
    fake = tmp_path / "faux.xlsx"
    fake.write_text("_uuid,texte\na,b\n", encoding="utf-8")
    refused(lambda: read_survey(fake), "faux.xlsx", "zip")
    zipped = tmp_path / "classeur.csv"
    zipped.write_bytes((tmp_path / "faux.xlsx").read_bytes())
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("a.txt", "x")
    refused(lambda: read_survey(zipped), "classeur.csv", ".xlsx")
    old = tmp_path / "ancien.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    refused(lambda: read_survey(old), "ancien.xls", ".xlsx")
    refused(lambda: read_survey(tmp_path / "absent.csv"), "absent.csv", "introuvable")


def test_empty_sheets_and_sheets_without_a_header_row_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    refused(lambda: read_survey(empty), "vide.csv")
    blank = workbook(tmp_path / "vide.xlsx", [])
    refused(lambda: read_survey(blank), "vide.xlsx", "vide")
    header_only = write_csv(tmp_path / "entete.csv", [["_uuid", "texte"]])
    refused(lambda: read_survey(header_only), "entete.csv", "aucune réponse")
    numbers = workbook(tmp_path / "sans_entete.xlsx", [[1, "Tiznit", FREE[0]],
                                                       [2, "Tata", FREE[1]]])
    refused(lambda: read_survey(numbers), "sans_entete.xlsx", "en-tête", "colonne A")


def test_duplicate_and_missing_headers_are_refused_naming_the_columns(tmp_path: Path) -> None:
    dup = workbook(tmp_path / "doublon.xlsx", [["_uuid", "texte", "ville", "texte"],
                                               ["a", FREE[0], "Tata", FREE[1]]])
    refused(lambda: read_survey(dup), "doublon.xlsx", "« texte »", "colonne B", "colonne D")
    nameless = workbook(tmp_path / "sans_nom.xlsx", [["_uuid", None, "texte"],
                                                     ["a", "Tata", FREE[0]]])
    refused(lambda: read_survey(nameless), "sans_nom.xlsx", "colonne B", "en-tête")


def test_a_sheet_name_is_found_or_refused(kobo_path: Path) -> None:
    members = read_survey(kobo_path, sheet="membres_bureau")
    assert [c.name for c in members.sheet.cases[:2]] == ["Q1", "Q2"]  # no id: positions
    refused(lambda: read_survey(kobo_path, sheet="reponses"), "reponses",
            "Enquête associations")


def test_a_zip_bomb_posing_as_xlsx_is_refused_before_it_inflates(tmp_path: Path) -> None:
    path = kobo_survey(tmp_path / "bombe.xlsx", rows=3, repeat_sheet=False)
    inflate_first_sheet(path)
    code = 'from workbench.corpus.survey import read_survey\nread_survey(V["path"])'
    assert_bounded(bounded(code, path=path), "AttributesError", "bombe.xlsx", "bombe zip")
    form = write_zip(tmp_path / "formulaire_bombe.xlsx", {
        "xl/worksheets/sheet1.xml": repeated(b"<a>", b"<b/>", 4 * 1024**3, b"</a>")})
    code = ('from workbench.corpus.survey import read_survey\n'
            'read_survey(V["path"], form=V["form"])')
    assert_bounded(bounded(code, path=tmp_path / "bombe.xlsx", form=form), "AttributesError",
                   "formulaire_bombe.xlsx", "bombe zip")


def test_csv_with_a_huge_cell_or_too_many_cells_is_refused(tmp_path: Path) -> None:
    huge = write_csv(tmp_path / "cellule.csv", [["_uuid", "texte"], ["a", FREE[0]],
                                                ["b", "x" * 300_000]])
    refused(lambda: read_survey(huge), "cellule.csv", "ligne 3", "131 072")
    big = tmp_path / "enorme.csv"
    with open(big, "wb") as out:
        out.write(b"_uuid,texte\n")
        out.truncate(33 * 1024**2)
    refused(lambda: read_survey(big), "enorme.csv", "32 Mo")
    cells = tmp_path / "cellules.csv"
    cells.write_bytes(b"_uuid,texte\n" + b"," * 5_000_000)
    refused(lambda: read_survey(cells), "cellules.csv", "cellules")
    quote = tmp_path / "guillemet.csv"
    quote.write_text(f'_uuid,texte\na,"{FREE[0]}\nb,{FREE[1]}\n', encoding="utf-8")
    refused(lambda: read_survey(quote), "guillemet.csv", "ligne 2", "guillemet")


def test_formulas_are_read_by_their_saved_value_or_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "formules.xlsx", [
        ["_uuid", "membres", "texte"], ["a", "=10+2", FREE[0]],
        ["b", 3, '=HYPERLINK("http://exemple.org", "cliquez")']])
    refused(lambda: read_survey(path), "formules.xlsx", "B2", "C3", "enregistrez")
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet, n = re.subn(r'<c r="B2"><f>(.*?)</f><v></v></c>',
                       r'<c r="B2"><f>\1</f><v>12</v></c>', sheet)
    sheet, m = re.subn(r'<c r="C3"><f>(.*?)</f><v></v></c>',
                       r'<c r="C3" t="str"><f>\1</f><v>cliquez</v></c>', sheet)
    assert n == m == 1, sheet
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    survey = read_survey(path, open_questions=["texte"])
    a, b = survey.sheet.cases
    assert a.attributes["membres"] == (12, "int")
    assert b.attributes["membres"] == (3, "int")
    assert survey.documents["Qb"].text.endswith("\ncliquez")


def test_formula_text_in_a_csv_stays_text(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "formule.csv", [
        ["_uuid", "texte", "ville"],
        ["a", '=HYPERLINK("http://exemple.org/x", "Cliquez ici pour voir notre projet")',
         "=1+1"],
        ["b", FREE[0], "Tata"]])
    survey = read_survey(path, open_questions=["texte"])
    doc = survey.documents["Qa"]
    assert doc.text[doc.turns[0].start:].startswith('=HYPERLINK("http://exemple.org/x"')
    assert survey.sheet.cases[0].attributes["ville"] == ("=1+1", "text")
    assert any("2 cellule(s)" in w and "« = »" in w for w in survey.warnings)


def test_merged_cells_are_refused_with_their_range(tmp_path: Path) -> None:
    path = workbook(tmp_path / "fusion.xlsx", [["_uuid", "ville", "texte"],
                                              ["a", "Tata", FREE[0]], ["b", None, FREE[1]]])
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("B2:B3")
    wb.save(path)
    refused(lambda: read_survey(path), "fusion.xlsx", "B2:B3")
