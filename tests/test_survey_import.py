"""Questionnaires imported into a project, end to end on real project files
(`Project.import_survey`, `import_files.import_survey`, `workbench import-survey`).

The exports are the deterministic ones of tests/survey_fixtures.py: 300 Kobo respondents
with their XLSForm, every 37th leaving every open question empty; an updated export has
more rows, one answer edited, one respondent removed. The association's name is a text
question of the form: the tests read it as closed (``closed_questions=["nom_asso"]``), as
a study would, so that only respondents with an open answer get a document.
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.survey_fixtures import (
    ACTIVITIES,
    GENDERS,
    LABELS,
    NO_OPEN_ANSWER,
    OPEN_QUESTIONS,
    REGIONS,
    TYPES,
    kobo_form,
    kobo_record,
    kobo_survey,
    odk_survey,
)
from workbench import Project
from workbench.analysis.labels import KIND_FORMS, KIND_LABELS
from workbench.cli import main
from workbench.corpus.attributes import normalise_kind
from workbench.corpus.survey import document_name
from workbench.errors import AttributesError, CodingError, StoreError, WorkbenchError
from workbench.export.people import case_documents
from workbench.export.word_annex import met_in
from workbench.import_files import SurveyImport, document_kind
from workbench.importer import KINDS

ROWS = 300
OPTIONS = {"closed_questions": ["nom_asso"], "progress": False}
LIENS = LABELS["liens_village"]
PROJETS = LABELS["projets"]
RULES = """\
codebook:
  name: Grille du questionnaire
codes:
  - id: eau
    name: Eau
    rules:
      - id: eau-puits
        lemmas: [puits]
        unit: sentence
        speaker_role: respondent
  - id: liens
    name: Liens au village
"""


# -- what the export holds, from the fixture's own records ----------------------------------

def present(value: object) -> bool:
    return isinstance(value, str) and value.strip() not in ("", "n/a")


def answer(value: object) -> str:
    assert isinstance(value, str)
    return unicodedata.normalize("NFC", value).strip()


def records(rows: int = ROWS) -> list[dict[str, object]]:
    return [kobo_record(i) for i in range(1, rows + 1)]


def name_of(record: dict[str, object]) -> str:
    return document_name(str(record["_uuid"]), "Q")


def with_answers(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [r for r in rows if any(present(r[q]) for q in OPEN_QUESTIONS)]


RECORDS = records()
WITH_DOCUMENT = {name_of(r) for r in with_answers(RECORDS)}


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports")
    return {"kobo": kobo_survey(folder / "enquete.xlsx"), "form": kobo_form(folder / "form.xlsx"),
            "odk": odk_survey(folder / "central.csv", rows=60)}


@pytest.fixture
def fresh(tmp_path: Path) -> Project:
    p = Project.create(tmp_path / "etude", coder="claire")
    p.load_codebook(write(tmp_path / "grille.yaml", RULES))
    yield p
    p.close()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def state(p: Project) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return p.documents(), p.cases(), p.history(limit=None), p.profile_versions()


def files(p: Project) -> dict[str, str]:
    folder = Path(p.location)
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.glob("project.sqlite*")) if not f.name.endswith("-shm")}


def assert_same(before: tuple[pd.DataFrame, ...], after: tuple[pd.DataFrame, ...]) -> None:
    for old, new in zip(before, after, strict=True):
        pd.testing.assert_frame_equal(old, new)


def codings(p: Project) -> dict[int, tuple[str, int, int, str]]:
    frame = p.extracts(status=["accepted", "suggested"])
    return {int(r.coding_id): (r.document, int(r.start), int(r.end), r.text)
            for r in frame.itertuples()}


# -- a new project ---------------------------------------------------------------------------

def test_a_new_project_gets_a_case_per_row_and_a_document_per_open_answerer(
        fresh: Project, exports: dict[str, Path]) -> None:
    result = fresh.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)

    # Every row has a _uuid: 300 cases; 8 respondents (every 37th) answered no open
    # question and got no document; nobody else left all four empty.
    assert len(RECORDS) // NO_OPEN_ANSWER == 8
    assert len(WITH_DOCUMENT) == ROWS - 8
    cases = fresh.cases().set_index("case")
    assert len(cases) == ROWS and set(cases.index) == {name_of(r) for r in RECORDS}
    assert set(cases["case_kind"]) == {"person"}
    documents = fresh.documents().set_index("name")
    assert set(documents.index) == WITH_DOCUMENT
    assert set(documents["kind"]) == {"survey"}

    assert isinstance(result, SurveyImport)
    assert result.respondents == ROWS
    assert sorted(result.documents_added) == sorted(WITH_DOCUMENT)
    assert result.documents_updated == result.documents_unchanged == []
    assert len(result.cases_added) == ROWS and result.cases_updated == []
    assert result.absent == result.emptied == []
    assert result.open_questions == [LABELS[q] for q in OPEN_QUESTIONS]
    assert result.closed_questions == [LABELS[k] for k in (
        "nom_asso", "type_asso", "annee_creation", "activites", "nb_membres", "date_ag",
        "genre", "age", "region")]
    assert any("rejetée" in w for w in result.warnings)  # every 97th row is not approved
    text = str(result)
    assert f"Questionnaire enquete.xlsx : {ROWS} répondant·es." in text
    assert f"Documents : {ROWS - 8} ajouté(s), 0 mis à jour, 0 inchangé(s)." in text
    assert f"Cas : {ROWS} ajouté(s), 0 mis à jour, 0 inchangé(s)." in text
    assert "Attention : enquete.xlsx" in text

    # One respondent, read back from the project: closed answers as attributes (choice
    # labels, several values for a multiple choice), the open ones as sections.
    first = RECORDS[0]
    row = cases.loc[name_of(first)]
    assert row["type_asso"] == TYPES[str(first["type_asso"])]
    assert row["genre"] == GENDERS[str(first["genre"])]
    assert row["region"] == REGIONS[str(first["region"])]
    assert row["activites"] == "; ".join(ACTIVITIES[a] for a in first["activites"])
    assert row["age"] == first["age"] and row["nom_asso"] == first["nom_asso"]
    own = fresh.text(name_of(first))
    for question in OPEN_QUESTIONS:
        if present(first[question]):
            assert f"{LABELS[question]}\n{answer(first[question])}" in own


def test_the_profile_gets_the_questions_labels_and_types(fresh: Project,
                                                          exports: dict[str, Path]) -> None:
    fresh.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    profile = fresh.profile()
    for key in ("nom_asso", "type_asso", "annee_creation", "activites", "nb_membres",
                "date_ag", "genre", "age", "region"):
        assert profile.label(key) == LABELS[key]
    assert profile.label("date de soumission") == "Date de soumission"
    types = {a.key: a.type for a in profile.attributes}
    assert types["activites"] == "multi"  # select_multiple
    assert (types["annee_creation"], types["nb_membres"], types["age"]) == ("number",) * 3
    assert types["date_ag"] == types["date de soumission"] == "date"
    assert types["type_asso"] == types["region"] == "category"
    assert profile.key("gender") == "genre"
    assert {profile.gender_of(v) for v in GENDERS.values()} == {"women", "men"}
    versions = fresh.profile_versions()
    assert len(versions) == 2 and versions["source"].str.contains("enquete.xlsx").all()


def test_a_multiple_choice_chosen_alone_everywhere_is_still_several_valued(
        fresh: Project, tmp_path: Path, exports: dict[str, Path]) -> None:
    # Without the form's type, every cell holding one option would read as a category.
    single = {i: {"activites": ["eau"]} for i in range(1, 31)}
    path = kobo_survey(tmp_path / "un_choix.xlsx", rows=30, edits=single)
    fresh.import_survey(path, form=exports["form"], **OPTIONS)
    assert fresh.profile().get("activites").type == "multi"
    assert set(fresh.cases()["activites"]) == {"Eau potable"}


def test_a_label_the_researcher_changed_survives_a_reimport(fresh: Project,
                                                             exports: dict[str, Path]) -> None:
    fresh.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    fresh.set_attribute("type_asso", label="Forme juridique")
    fresh.set_attribute("activites", type="category")
    result = fresh.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    assert fresh.profile().label("type_asso") == "Forme juridique"
    assert fresh.profile().get("activites").type == "category"
    assert result.profile_labels == []
    assert len(result.documents_unchanged) == len(WITH_DOCUMENT)
    assert len(result.cases_unchanged) == ROWS
    assert result.documents_added == result.cases_added == result.cases_updated == []


# -- coding the answers ----------------------------------------------------------------------

def test_coding_by_section_gives_one_extract_per_answer_with_its_respondent(
        fresh: Project, exports: dict[str, Path]) -> None:
    fresh.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    ids = fresh.code_turns("liens", section="liens.*village")
    extracts = fresh.extracts(codes="liens")
    answered = {name_of(r): answer(r["liens_village"]) for r in RECORDS
                if present(r["liens_village"])}
    assert len(ids) == len(extracts) == len(answered)
    assert dict(zip(extracts["document"], extracts["text"], strict=True)) == answered
    assert (extracts["case"] == extracts["document"]).all()  # the respondent is the case
    assert set(extracts["section"]) == {LIENS}
    assert set(extracts["speaker_role"]) == {"respondent"}
    by_case = fresh.cases().set_index("case")["genre"]
    assert (extracts["genre"] == extracts["case"].map(by_case)).all()
    assert fresh.verify().ok


@pytest.mark.filterwarnings("ignore::workbench.nlp.languages.LanguageWarning")  # English
def test_autocoding_a_respondent_rule_codes_answers_never_the_questions(
        fresh: Project, exports: dict[str, Path]) -> None:
    fresh.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    report = fresh.review.autocode(progress=False)
    assert int(report.set_index("rule").loc["eau-puits", "new_suggestions"]) > 0
    found = fresh.extracts(codes="eau", status="suggested")
    # French documents (others are left to their language's model) whose answer about
    # projects mentions the well: one suggested sentence each, in that section.
    languages = fresh.documents().set_index("name")["language"]
    expected = {name_of(r) for r in RECORDS if present(r["projets"])
                and "puits" in str(r["projets"]) and languages.get(name_of(r)) == "fr"}
    assert set(found["document"]) == expected
    assert len(found) == len(expected)
    assert set(found["section"]) == {PROJETS}
    assert found["text"].str.contains("puits").all()
    assert (found["case"] == found["document"]).all()
    assert not found["text"].isin(LABELS.values()).any()


# -- an updated export -----------------------------------------------------------------------

def updated_export(path: Path, *, edits: dict[int, dict[str, object]], removed: int,
                   rows: int = 320) -> Path:
    kobo_survey(path, rows=rows, edits=edits, repeat_sheet=False)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    uuid_column = [c.value for c in ws[1]].index("_uuid") + 1
    row = next(r for r in range(2, ws.max_row + 1)
               if ws.cell(r, uuid_column).value == RECORDS[removed - 1]["_uuid"])
    ws.delete_rows(row)
    wb.save(path)
    return path


def first_with(question: str, *, after: int = 0) -> int:
    return next(i for i, r in enumerate(RECORDS, start=1)
                if i > after and present(r[question]))


def test_reimporting_an_updated_export_keeps_coded_answers_in_place(
        fresh: Project, exports: dict[str, Path], tmp_path: Path) -> None:
    fresh.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    fresh.code_turns("liens", section="liens.*village")
    before = codings(fresh)
    ids = dict(zip(fresh.documents()["name"], fresh.documents()["id"], strict=True))

    edited = first_with("liens_village")
    removed = first_with("liens_village", after=edited)
    moved = first_with("liens_village", after=removed)  # a closed answer changed
    old = answer(RECORDS[edited - 1]["liens_village"])
    new_region = next(k for k in REGIONS if k != RECORDS[moved - 1]["region"])
    path = updated_export(tmp_path / "enquete_avril.xlsx", removed=removed, edits={
        edited: {"liens_village": f"Tout a changé depuis. {old}"},
        moved: {"region": new_region}})
    result = fresh.import_survey(path, form=exports["form"], **OPTIONS)

    newcomers = records(320)[ROWS:]
    assert sorted(result.cases_added) == sorted(name_of(r) for r in newcomers)
    assert sorted(result.documents_added) == sorted(name_of(r) for r in with_answers(newcomers))
    edited_name, removed_name = name_of(RECORDS[edited - 1]), name_of(RECORDS[removed - 1])
    assert result.documents_updated == [edited_name]
    assert result.reanchored == 1 and result.dropped == []
    assert sorted(result.documents_unchanged) == sorted(WITH_DOCUMENT - {edited_name,
                                                                         removed_name})
    assert result.cases_updated == [name_of(RECORDS[moved - 1])]
    assert len(result.cases_unchanged) == ROWS - 2
    assert result.absent == [removed_name]
    assert result.respondents == 319
    text = str(result)
    assert "Absent·e(s) de cet export mais d'un import précédent : 1 répondant·e(s)" in text
    assert removed_name in text and "1 codage replacé" in text

    # Unchanged documents keep their ids and codings; the edited answer's coding moved
    # with its words; the removed respondent is still there, coded.
    after = codings(fresh)
    assert set(after) == set(before)
    now = dict(zip(fresh.documents()["name"], fresh.documents()["id"], strict=True))
    assert {n: now[n] for n in ids} == ids
    shift = len("Tout a changé depuis. ")
    for coding_id, (document, start, end, quote) in before.items():
        if document == edited_name:
            assert after[coding_id] == (document, start + shift, end + shift, quote)
        else:
            assert after[coding_id] == (document, start, end, quote)
    assert removed_name in set(fresh.cases()["case"])
    assert removed_name in now
    cases = fresh.cases().set_index("case")
    assert cases.loc[name_of(RECORDS[moved - 1]), "region"] == REGIONS[new_region]
    assert fresh.verify().ok

    log = fresh.history(limit=None)
    last = log[log["txn"] == log["txn"].iloc[0]]
    assert {"import-survey", "import", "reimport", "reanchor", "set-attributes"} \
        <= set(last["action"])

    # The next export no longer lists the removed respondent as new, and still says so.
    again = fresh.import_survey(path, form=exports["form"], **OPTIONS)
    assert again.absent == [removed_name]
    assert again.documents_added == again.cases_added == again.documents_updated == []


def test_absent_respondents_are_those_of_the_same_questionnaire(
        fresh: Project, exports: dict[str, Path], tmp_path: Path) -> None:
    fresh.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    other = write(tmp_path / "autre.csv", "id,commune,avis\n1,Tiznit,Bien\n2,Tata,Moyen\n")
    assert fresh.import_survey(other, progress=False).absent == []  # another questionnaire
    assert fresh.import_survey(other, name_prefix="R", progress=False).absent == []
    # The same questionnaire exported by ODK Central ("-" groups, uuid: ids), 60 rows:
    # the same 60 respondents, the 240 others reported absent.
    central = odk_survey(tmp_path / "central.csv", rows=60, seed=7)
    result = fresh.import_survey(central, form=exports["form"], **OPTIONS)
    assert result.cases_added == []
    assert result.absent == [name_of(r) for r in RECORDS[60:]]
    # Another prefix is another set of respondents.
    result = fresh.import_survey(central, form=exports["form"], name_prefix="C", **OPTIONS)
    assert len(result.cases_added) == 60 and result.absent == []


def test_an_edited_answer_that_loses_a_coded_passage_refuses_or_drops(
        fresh: Project, exports: dict[str, Path], tmp_path: Path) -> None:
    fresh.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    fresh.code_turns("liens", section="liens.*village")
    edited = first_with("liens_village")
    name = name_of(RECORDS[edited - 1])
    path = kobo_survey(tmp_path / "reecrit.xlsx", edits={
        edited: {"liens_village": "Plus rien à voir avec la réponse d'avant."}})
    before, on_disk = state(fresh), files(fresh)
    with pytest.raises(CodingError) as refused:
        fresh.import_survey(path, form=exports["form"], **OPTIONS)
    assert name in str(refused.value) and "drop_unplaced" in str(refused.value)
    assert_same(before, state(fresh))
    assert files(fresh) == on_disk

    result = fresh.import_survey(path, form=exports["form"], drop_unplaced=True, **OPTIONS)
    assert result.documents_updated == [name] and len(result.dropped) == 1
    assert "supprimé(s)" in str(result)
    assert name not in set(fresh.extracts(codes="liens")["document"])


def test_an_answer_emptied_on_the_server_keeps_its_document(
        fresh: Project, exports: dict[str, Path], tmp_path: Path) -> None:
    fresh.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    fresh.code_turns("liens", section="liens.*village")
    emptied = first_with("liens_village")
    name = name_of(RECORDS[emptied - 1])
    path = kobo_survey(tmp_path / "vide.xlsx", edits={
        emptied: dict.fromkeys(OPEN_QUESTIONS)})
    result = fresh.import_survey(path, form=exports["form"], **OPTIONS)
    assert result.emptied == [name] and result.cases_unchanged.count(name) == 1
    assert name in set(fresh.extracts(codes="liens")["case"])  # still linked, still coded
    assert "Sans plus aucune réponse ouverte dans cet export : 1 répondant·e(s)" in str(result)


# -- undo and the audit log ------------------------------------------------------------------

def test_undo_takes_the_whole_first_import_back(fresh: Project,
                                                exports: dict[str, Path]) -> None:
    before = state(fresh)
    fresh.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    log = fresh.history(limit=None)
    assert log["action"].iloc[0] == "import-survey"
    assert (log["action"] == "import").sum() == len(WITH_DOCUMENT)
    assert (log["action"] == "set-attributes").sum() == ROWS
    assert fresh.undo() > ROWS
    assert fresh.documents().empty and fresh.cases().empty
    assert_same(before[:2], state(fresh)[:2])
    assert len(fresh.profile_versions()) == len(before[3])
    # An undone import no longer counts as the earlier import of this questionnaire.
    again = fresh.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    assert again.absent == [] and len(again.cases_added) == ROWS


def test_undo_of_a_reimport_that_changed_an_answer_is_refused_untouched(
        fresh: Project, exports: dict[str, Path], tmp_path: Path) -> None:
    """The log keeps a document's row, not its former text nor its turns: undoing a
    re-import that changed an answer would put codings back on a text they were not made
    on, so it is refused in French and nothing changes."""
    fresh.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    fresh.code_turns("liens", section="liens.*village")
    edited = first_with("liens_village")
    name = name_of(RECORDS[edited - 1])
    path = kobo_survey(tmp_path / "modifie.xlsx", edits={
        edited: {"liens_village": "Ajout. " + answer(RECORDS[edited - 1]["liens_village"])}})
    fresh.import_survey(path, form=exports["form"], **OPTIONS)
    new_text, extracts, log = fresh.text(name), fresh.extracts(), fresh.history(None)
    with pytest.raises(StoreError, match=f"a remplacé le texte de « {name} ».*rien n'a été "
                                         "changé"):
        fresh.undo()
    assert fresh.text(name) == new_text
    assert fresh.extracts().equals(extracts)
    assert fresh.history(None).equals(log)
    assert fresh.verify().ok


# -- bad sheets write nothing ----------------------------------------------------------------

def test_a_bad_sheet_leaves_the_project_as_it_was(project: Project, tmp_path: Path,
                                                  exports: dict[str, Path]) -> None:
    project.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    before, on_disk = state(project), files(project)
    duplicate = kobo_survey(tmp_path / "doublon.xlsx", rows=400,
                            edits={350: {"_uuid": RECORDS[4]["_uuid"]}})
    with pytest.raises(AttributesError) as caught:
        project.import_survey(duplicate, form=exports["form"], **OPTIONS)
    message = str(caught.value)
    assert "ligne 351" in message and "ligne 6" in message and "rien n'a été lu" in message
    assert str(RECORDS[4]["_uuid"]) not in message
    header_only = write(tmp_path / "entete.csv", "_uuid,genre,liens_village\n")
    with pytest.raises(AttributesError, match="aucune réponse"):
        project.import_survey(header_only, **OPTIONS)
    with pytest.raises(AttributesError, match="vide"):
        project.import_survey(write(tmp_path / "vide.csv", ""), **OPTIONS)
    assert_same(before, state(project))
    assert files(project) == on_disk


def test_a_respondent_named_like_an_interview_refuses_the_import(project: Project,
                                                                  tmp_path: Path) -> None:
    sheet = write(tmp_path / "codes.csv", "id,genre,liens_village\n"
                  "01_fatima,Femme,\"Je rentre chaque été au village avec les enfants, "
                  "et nous aidons la coopérative des femmes.\"\n")
    before, on_disk = state(project), files(project)
    with pytest.raises(WorkbenchError) as caught:
        project.import_survey(sheet, name_prefix="E", open_questions=["liens_village"],
                              progress=False)
    assert "« E01_fatima » (entretien)" in str(caught.value)
    assert "name_prefix" in str(caught.value)
    assert_same(before, state(project))
    assert files(project) == on_disk


# -- beside interviews -----------------------------------------------------------------------

def test_on_a_project_with_interviews_the_survey_joins_the_population(
        project: Project, exports: dict[str, Path]) -> None:
    project.code_quote("E01_fatima", "ne sont pas au bureau", "femmes")
    interviews = project.documents().set_index("name")
    result = project.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    assert len(result.documents_added) == len(WITH_DOCUMENT)
    documents = project.documents().set_index("name")
    pd.testing.assert_frame_equal(documents.loc[interviews.index, ["id", "sha256", "kind"]],
                                  interviews[["id", "sha256", "kind"]])
    assert len(project.extracts(codes="femmes")) == 1

    # Interviewees and survey respondents with an open answer are one population; those
    # who answered no open question speak nowhere and are not counted.
    respondents = set(project.analysis.respondents()["case"])
    assert respondents == WITH_DOCUMENT | {"Fatima Aït Lahcen", "Youssef Bennani"}

    # The profile the researcher has keeps its labels; the interviews' gender attribute
    # learns the survey's spellings, so both count in gender analyses; a survey label
    # already read by another attribute says where it comes from.
    profile = project.profile()
    assert profile.label("genre") == "Genre" and profile.label("age") == "Âge"
    assert profile.get("genre").values == {"F": "women", "H": "men", "Femme": "women",
                                           "Homme": "men"}
    assert profile.label("region_residence") == "Région de résidence"
    assert profile.label("region") == "Région de résidence (questionnaire)"
    assert profile.get("activites").type == "multi"
    project.code_turns("liens", section="liens.*village")
    frequencies = project.analysis.code_frequencies().set_index("code")
    answered = sum(present(r["liens_village"]) for r in RECORDS)
    assert frequencies.loc["liens", "cases"] == answered
    women = project.analysis.prevalence("genre", rows=["liens"])
    assert not women.empty


def test_the_word_annex_counts_questionnaires(project: Project,
                                              exports: dict[str, Path]) -> None:
    project.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    links = case_documents(project, project.profile())
    assert met_in(links) == f"2 entretiens individuels et {len(WITH_DOCUMENT)} questionnaires"


def test_the_survey_kind_is_known_everywhere_kinds_are_listed() -> None:
    assert "survey" in KINDS
    assert set(KINDS) == set(KIND_LABELS) == set(KIND_FORMS)
    assert KIND_LABELS["survey"] == "questionnaire"
    assert KIND_FORMS["survey"] == ("questionnaire", "questionnaires")
    for word in ("questionnaire", "Questionnaire", "enquête", "ENQUETE", "survey"):
        assert normalise_kind(word) == "survey"
        assert document_kind(word) == "survey"
    with pytest.raises(WorkbenchError, match="questionnaire"):
        document_kind("sondage téléphonique")


def test_a_qdpx_export_keeps_the_survey_kind(fresh: Project, exports: dict[str, Path],
                                             tmp_path: Path) -> None:
    fresh.import_survey(exports["odk"], form=exports["form"], **OPTIONS)
    fresh.export.qdpx(tmp_path / "enquete.qdpx")
    again, _report = Project.import_qdpx(tmp_path / "enquete.qdpx", tmp_path / "retour",
                                         coder="claire")
    try:
        assert set(again.documents()["kind"]) == {"survey"}
        assert set(again.documents()["name"]) == set(fresh.documents()["name"])
    finally:
        again.close()


# -- ODK Central's CSV ------------------------------------------------------------------------

def test_an_odk_central_csv_is_imported_like_a_kobo_sheet(fresh: Project,
                                                         exports: dict[str, Path]) -> None:
    result = fresh.import_survey(exports["odk"], form=exports["form"], **OPTIONS)
    rows = [kobo_record(i, 11) for i in range(1, 61)]
    odk_open = ("liens_village", "projets", "obstacles")
    names = {document_name(f"uuid:{r['_uuid']}", "Q"): r for r in rows}
    assert set(fresh.cases()["case"]) == set(names)
    expected = {n for n, r in names.items() if any(present(r[q]) for q in odk_open)}
    assert set(fresh.documents()["name"]) == expected == set(result.documents_added)
    assert result.open_questions == [LABELS[q] for q in odk_open]
    cases = fresh.cases().set_index("case")
    for name, r in list(names.items())[:10]:
        assert cases.loc[name, "activites"] == "; ".join(ACTIVITIES[a] for a in r["activites"])
        assert cases.loc[name, "type_asso"] == TYPES[str(r["type_asso"])]
    assert fresh.profile().get("activites").type == "multi"
    assert fresh.profile().label("date de soumission") == "Date de soumission"
    assert any("rejetée" in w for w in result.warnings)  # ReviewState "rejected"


# -- the command line ------------------------------------------------------------------------

def test_the_command_line_imports_and_prints_the_report(
        tmp_path: Path, exports: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "etude"
    assert main(["init", str(target), "--coder", "claire"]) == 0
    capsys.readouterr()
    assert main(["import-survey", str(exports["kobo"]), "-p", str(target), "--coder", "claire",
                 "--form", str(exports["form"]), "--closed", "nom_asso"]) == 0
    out, err = capsys.readouterr()
    assert f"Questionnaire enquete.xlsx : {ROWS} répondant·es." in out
    assert f"Documents : {ROWS - 8} ajouté(s), 0 mis à jour, 0 inchangé(s)." in out
    assert "attention : enquete.xlsx" in err and "rejetée" in err

    assert main(["import-survey", str(exports["kobo"]), "-p", str(target), "--coder", "claire",
                 "--form", str(exports["form"]), "--closed", "nom_asso"]) == 0
    out, _ = capsys.readouterr()
    assert f"Documents : 0 ajouté(s), 0 mis à jour, {ROWS - 8} inchangé(s)." in out

    # --open is the complete list of open questions, --id the respondents' column.
    assert main(["import-survey", str(exports["odk"]), "-p", str(target), "--coder", "claire",
                 "--id", "KEY", "--open", "liens_village", "projets", "--prefix", "C"]) == 0
    out, _ = capsys.readouterr()
    assert "Questions ouvertes (documents), 2 :" in out and "Cas : 60 ajouté(s)" in out
    central = {document_name(f"uuid:{kobo_record(i, 11)['_uuid']}", "C") for i in range(1, 61)}
    with Project.open(target, coder="claire") as p:
        assert central <= set(p.cases()["case"])
        assert set(p.documents()["name"]) & central
        assert len(p.cases()) == ROWS + 60

    bad = write(tmp_path / "doublon.csv", "id,liens_village\nA1,Oui\nA1,Non\n")
    assert main(["import-survey", str(bad), "-p", str(target), "--coder", "claire"]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("erreur : doublon.csv") and "ligne 3" in err
    assert "Traceback" not in err


def test_the_command_has_a_french_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["import-survey", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: workbench import-survey")
    for option in ("--id COLONNE", "--form FORMULAIRE", "--open Q", "--closed Q"):
        assert option in out
    assert "afficher cette aide" in out


def test_the_word_annex_does_not_list_respondents_as_people_met(project: Project,
                                                                 exports: dict[str, Path],
                                                                 tmp_path: Path) -> None:
    """Questionnaire respondents were not met: « Personnes rencontrées » lists the two
    interviewees and says how many people only answered the questionnaire."""
    from docx import Document

    project.import_survey(exports["kobo"], form=exports["form"], **OPTIONS)
    project.code_quote("E01_fatima", "le puits", "actions.eau")
    project.privacy.propose()
    path = project.export.word_annex(tmp_path / "annexe.docx", names_reviewed=True)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    answered = sum(1 for r in RECORDS if name_of(r) in set(project.documents()["name"]))
    assert "2 personnes" in text and "2 entretiens" in text
    assert f"{answered} personnes ont seulement répondu au questionnaire" in text
    assert "questionnaires" not in text.split("Personnes rencontrées")[-1].split(".")[0]
