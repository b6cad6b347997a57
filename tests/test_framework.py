"""The framework matrix (case × theme summaries, ``p.framework``): rows, columns and counts
through the codebook's branches, filters by any attribute, rows by document, writing,
rewriting and validating summaries (roles), undo and the audit log, the snapshot (only
validated summaries, pseudonymised), the REFI-QDA report and the schema migration."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tests.schema_versions import as_version_5
from workbench import Project
from workbench.coding.coders import RoleError
from workbench.errors import CodingError, NotFoundError, StoreError, WorkbenchError
from workbench.store import migrations

FATIMA, YOUSSEF = "Fatima Aït Lahcen", "Youssef Bennani"


def coded(p: Project) -> Project:
    """The `project` fixture with accepted codings under every theme, a suggestion and a
    passage coded twice under one theme."""
    p.code_quote("E01_fatima", "c'est ma mère", "liens.affectifs")
    p.code_quote("E01_fatima", "On envoie de l'argent pour le puits", ["liens.materiels",
                                                                       "actions.eau"])
    p.code_quote("E01_fatima", "l'école du douar", "actions.education")
    p.code_quote("E01_fatima", "Les femmes font tout le travail", "femmes")
    p.code_quote("E02_youssef", "Le puits du village, c'est mon père qui l'a financé.",
                 ["actions.eau", "actions"])  # one passage, two codings under « actions »
    p.code_quote("E02_youssef", "Et l'école aussi", "actions.education")
    p.code_quote("E02_youssef", "Chaque été", "liens", status="suggested")  # not counted
    return p


def as_(p: Project, coder: str) -> Project:
    """The same project opened by another member of the team."""
    return Project.open(p.location, coder=coder)


@pytest.fixture
def team(project: Project) -> Iterator[tuple[Project, Project]]:
    """(the lead claire, the coder amina) on the coded `project`."""
    coded(project)
    project.team.add_coder("amina")
    amina = as_(project, "amina")
    yield project, amina
    amina.close()


# -- the matrix ------------------------------------------------------------------------------
def test_matrix_has_a_row_per_case_and_a_column_per_theme(project: Project) -> None:
    coded(project)
    matrix = project.framework.matrix()
    assert list(matrix.columns) == ["liens", "actions", "femmes"]  # the themes, in order
    assert list(matrix.index) == [FATIMA, YOUSSEF] and matrix.index.name == "case"
    assert matrix.isna().all().all()  # nothing written yet
    cells = project.framework.cells().set_index(["row", "code"])
    # A theme counts its branch; a passage coded twice under one theme is one extract.
    assert cells.loc[(FATIMA, "liens"), "extracts"] == 2
    assert cells.loc[(FATIMA, "actions"), "extracts"] == 2
    assert cells.loc[(YOUSSEF, "actions"), "extracts"] == 2
    assert cells.loc[(YOUSSEF, "liens"), "extracts"] == 0  # the suggestion is not counted
    assert cells.loc[(FATIMA, "femmes"), "people"] == 1
    assert cells.loc[(YOUSSEF, "femmes"), "people"] == 0
    assert cells.loc[(FATIMA, "liens"), "references"] == "E01-T4"
    assert cells.loc[(FATIMA, "actions"), "references"] == "E01-T4"
    assert cells.loc[(YOUSSEF, "actions"), "references"] == "E02-T4, E02-T5"
    assert cells["summary"].isna().all() and cells["status"].isna().all()


def test_chosen_codes_are_columns_and_count_their_own_branch(project: Project) -> None:
    coded(project)
    cells = project.framework.cells(["Eau", "liens.affectifs", "Place des femmes"])
    assert list(dict.fromkeys(cells["code"])) == ["actions.eau", "liens.affectifs", "femmes"]
    counts = cells.set_index(["row", "code"])["extracts"]
    assert counts[(FATIMA, "actions.eau")] == 1 and counts[(YOUSSEF, "actions.eau")] == 1
    assert counts[(FATIMA, "liens.affectifs")] == 1
    with pytest.raises(NotFoundError, match="Vouliez-vous dire : « liens »"):
        project.framework.matrix(["lien"])


def test_a_filter_on_an_attribute_chooses_the_rows(project: Project) -> None:
    coded(project)
    assert list(project.framework.matrix(where={"genre": "F"}).index) == [FATIMA]
    assert list(project.framework.matrix(where={"region_residence": ["PACA"]}).index) == [
        YOUSSEF]
    older = project.framework.cells(where={"age": lambda a: a > 30})
    assert set(older["row"]) == {FATIMA}
    assert project.framework.matrix(where={"genre": "X"}).empty
    with pytest.raises(WorkbenchError, match="aucune colonne ni aucun attribut « couleur »"):
        project.framework.matrix(where={"couleur": "bleu"})


def test_rows_by_document(project: Project) -> None:
    coded(project)
    matrix = project.framework.matrix(rows="documents")
    assert list(matrix.index) == ["E01_fatima", "E02_youssef"]
    assert matrix.index.name == "document"
    cells = project.framework.cells(rows="documents").set_index(["row", "code"])
    assert cells.loc[("E02_youssef", "actions"), "reference"] == "E02"
    assert cells.loc[("E02_youssef", "actions"), "extracts"] == 2
    assert cells.loc[("E02_youssef", "actions"), "people"] == 1
    # a document is found by its name or its reference; its summary is not a case's
    project.framework.write("E02", "actions", "Le puits et l'école, financés par la famille.",
                            rows="documents")
    assert project.framework.matrix(rows="documents").at["E02_youssef", "actions"] == (
        "Le puits et l'école, financés par la famille.")
    assert project.framework.matrix().isna().all().all()
    assert project.framework.summary("E02_youssef", "actions")["rows"] == "documents"
    assert project.framework.summary(YOUSSEF, "actions") is None
    # a filter on a case attribute keeps the documents where such a case speaks
    assert list(project.framework.matrix(rows="documents", where={"genre": "H"}).index) == [
        "E02_youssef"]
    assert list(project.framework.matrix(rows="documents", where={"kind": "interview"}).index
                ) == ["E01_fatima", "E02_youssef"]


def test_the_extracts_of_a_cell(project: Project) -> None:
    coded(project)
    liens = project.framework.extracts(FATIMA, "liens")
    assert liens["code"].tolist() == ["liens.affectifs", "liens.materiels"]
    assert set(liens["status"]) == {"accepted"} and set(liens["case"]) == {FATIMA}
    assert project.framework.extracts(YOUSSEF, "liens").empty  # only a suggestion there
    by_document = project.framework.extracts("E02", "actions", rows="documents")
    assert len(by_document) == 3  # three codings, two passages
    with pytest.raises(NotFoundError, match=f"Cas connus : {FATIMA}, {YOUSSEF}"):
        project.framework.extracts("Fatma", "liens", rows="cases")
    with pytest.raises(NotFoundError, match="ni cas ni document « Personne »"):
        project.framework.extracts("Personne", "liens")
    with pytest.raises(WorkbenchError, match="rows='lignes'"):
        project.framework.extracts(FATIMA, "liens", rows="lignes")


# -- writing and validating ------------------------------------------------------------------
def test_write_rewrite_validate_with_roles(team: tuple[Project, Project]) -> None:
    lead, amina = team
    first = amina.framework.write(FATIMA, "liens", "  Attachement à la mère et à la terre.\r\n"
                                  "Transferts pour le puits.\x07  ")
    cell = amina.framework.summary(FATIMA, "liens")
    assert cell["summary_id"] == first
    assert cell["text"] == "Attachement à la mère et à la terre.\nTransferts pour le puits."
    assert (cell["status"], cell["author"], cell["validated_by"]) == ("draft", "amina", None)
    with pytest.raises(RoleError, match="amina ne peut pas valider .* seul·e un·e "
                                        r"responsable \(claire\)"):
        amina.framework.validate(FATIMA, "liens")
    assert amina.framework.summary(FATIMA, "liens")["status"] == "draft"  # nothing changed
    lead.framework.validate(FATIMA, "liens")
    cell = lead.framework.summary(FATIMA, "liens")
    assert (cell["status"], cell["validated_by"]) == ("validated", "claire")
    assert cell["validated_at"] >= cell["updated_at"]
    # the same text again changes nothing; another text is a draft again, by its writer
    assert amina.framework.write(FATIMA, "liens", "Attachement à la mère et à la terre.\n"
                                 "Transferts pour le puits.") == first
    assert amina.framework.summary(FATIMA, "liens")["status"] == "validated"
    assert amina.framework.write(FATIMA, "liens", "Attachement au village.") == first
    cell = amina.framework.summary(FATIMA, "liens")
    assert (cell["text"], cell["status"], cell["author"]) == ("Attachement au village.",
                                                              "draft", "amina")
    assert cell["validated_by"] is None and cell["validated_at"] is None
    assert cell["created_at"] < cell["updated_at"]
    table = lead.framework.summaries()
    assert table[["case", "code", "status", "author"]].values.tolist() == [
        [FATIMA, "liens", "draft", "amina"]]
    assert lead.framework.summaries("validated").empty
    with pytest.raises(WorkbenchError, match="statut de synthèse 'fini' inconnu"):
        lead.framework.summaries("fini")
    with pytest.raises(CodingError, match="est vide"):
        lead.framework.write(YOUSSEF, "actions", " \n ")
    with pytest.raises(CodingError, match="caractère invalide"):
        lead.framework.write(YOUSSEF, "actions", "moitié \ud800 de caractère")
    with pytest.raises(NotFoundError, match="aucune synthèse à valider"):
        lead.framework.validate(YOUSSEF, "actions")


def test_history_shows_each_change_and_undo_takes_it_back(team: tuple[Project, Project]
                                                         ) -> None:
    lead, amina = team
    lead.framework.write(FATIMA, "femmes", "Le travail sans le bureau.")
    lead.framework.validate(FATIMA, "femmes")
    amina.framework.write(FATIMA, "femmes", "Les femmes travaillent, les hommes décident.")
    log = lead.history()
    log = log[log["entity"] == "summaries"]
    assert log[["action", "actor"]].values.tolist() == [
        ["update", "amina"], ["validate", "claire"], ["create", "claire"]]
    assert "Le travail sans le bureau." in log["before"].iloc[0]  # the former text is kept
    amina.undo()  # her rewrite: the validated text is back
    cell = lead.framework.summary(FATIMA, "femmes")
    assert (cell["text"], cell["status"]) == ("Le travail sans le bureau.", "validated")
    lead.undo()  # the validation
    assert lead.framework.summary(FATIMA, "femmes")["status"] == "draft"
    lead.undo()  # the summary itself
    assert lead.framework.summary(FATIMA, "femmes") is None
    assert lead.framework.summaries().empty


def test_summaries_on_sqlite_and_postgresql(backend_project: Project) -> None:
    p = coded(backend_project)
    p.framework.write(FATIMA, "liens", "Attachement au douar.")
    p.framework.validate(FATIMA, "liens")
    p.framework.write("E02", "actions", "Le puits.", rows="documents")
    assert p.framework.matrix().at[FATIMA, "liens"] == "Attachement au douar."
    assert p.framework.matrix(rows="documents").at["E02_youssef", "actions"] == "Le puits."
    assert p.framework.summaries()[["rows", "status"]].values.tolist() == [
        ["cases", "validated"], ["documents", "draft"]]
    # one summary per cell
    with pytest.raises(IntegrityError, match=r"(?i)unique"), p.store.write("claire") as w:
        w.conn.execute(text("INSERT INTO summaries (case_id, code_id, text, status, author, "
                            "created_at, updated_at) SELECT case_id, code_id, 'autre', "
                            "'draft', 'x', '', '' FROM summaries WHERE case_id IS NOT NULL"))
    # a case or a document, never none
    with pytest.raises(IntegrityError, match=r"(?i)check"), p.store.write("claire") as w:
        w.conn.execute(text("INSERT INTO summaries (code_id, text, status, author, created_at, "
                            "updated_at) SELECT id, 'sans ligne', 'draft', 'x', '', '' "
                            "FROM codes LIMIT 1"))
    for _ in range(3):
        p.undo()
    assert p.framework.summaries().empty


def test_a_write_is_reverted_by_its_transaction(project: Project) -> None:
    coded(project)
    project.framework.write(YOUSSEF, "actions", "Le puits financé par le père.")
    txn = project.history()["txn"].iloc[0]
    assert project.history.revert(txn) == 1
    assert project.framework.summary(YOUSSEF, "actions") is None


# -- the demo and a study with other attribute names ------------------------------------------
def test_demo_cells_agree_with_the_extracts(demo: Project) -> None:
    cells = demo.framework.cells()
    themes = demo.codes().query("depth == 0")["key"].tolist()
    assert list(dict.fromkeys(cells["code"])) == themes
    matrix = demo.framework.matrix()
    assert matrix.shape == (cells["row"].nunique(), len(themes))
    for theme in themes:
        extracts = demo.extracts(theme)  # accepted, with the theme's sub-codes
        passages = extracts.dropna(subset=["case"]).drop_duplicates(["case", "document",
                                                                     "start", "end"])
        expected = passages.groupby("case").size()
        shown = cells[(cells["code"] == theme) & (cells["extracts"] > 0)].set_index("row")
        assert shown["extracts"].to_dict() == expected.to_dict(), theme
    documents = demo.framework.cells(["femmes"], rows="documents")
    femmes = demo.extracts("femmes").drop_duplicates(["document", "start", "end"])
    assert documents.set_index("row")["extracts"].to_dict() == {
        d: int(n) for d, n in femmes.groupby("document").size().items()}
    focus = documents[documents["people"] > 1]
    assert not focus.empty and focus["reference"].str.startswith("FG").all()


def test_demo_filters_by_its_profile_attributes(demo: Project) -> None:
    cases = demo.cases()
    women = set(cases.loc[cases["genre"] == "F", "case"])
    rows = set(demo.framework.matrix(where={"genre": "F"}).index)
    assert rows and rows <= women
    organisations = demo.framework.matrix(where={"case_kind": "organisation"})
    assert set(organisations.index) <= set(cases.loc[cases["case_kind"] == "organisation",
                                                     "case"])


@pytest.fixture
def demo_copy(demo: Project, tmp_path: Path) -> Iterator[Project]:
    """A copy of the demo project that a test may change."""
    demo.backup(tmp_path / "demo" / "project.sqlite")
    with Project.open(tmp_path / "demo" / "project.sqlite", coder="demo") as p:
        yield p


def test_demo_summaries_by_case_and_by_document(demo_copy: Project) -> None:
    p = demo_copy
    p.framework.write("Inès Ouali", "jeunes", "Les jeunes nés en France veulent agir "
                      "autrement que leurs parents.")
    p.framework.write("E07", "jeunes", "Entretien centré sur la relève associative.",
                      rows="documents")
    p.framework.validate("Inès Ouali", "jeunes")
    assert p.framework.matrix().at["Inès Ouali", "jeunes"].startswith("Les jeunes nés")
    assert p.framework.matrix(rows="documents").at["E07_ines_idf", "jeunes"] == (
        "Entretien centré sur la relève associative.")
    table = p.framework.summaries()
    assert table["rows"].tolist() == ["cases", "documents"]
    assert table["status"].tolist() == ["validated", "draft"]
    assert table["reference"].tolist()[1] == "E07"


@pytest.fixture
def rand_copy(random_project_path: Path, tmp_path: Path) -> Iterator[Project]:
    shutil.copytree(random_project_path, tmp_path / "aleatoire")
    with Project.open(tmp_path / "aleatoire", coder="lead") as p:
        yield p


def test_a_study_with_other_attribute_names(rand_copy: Project) -> None:
    p = rand_copy
    cases = p.cases()
    key = p.attribute_names()[0]  # a random word, a category
    value = cases[key].dropna().iloc[0]
    chosen = set(cases.loc[cases[key] == value, "case"])
    matrix = p.framework.matrix(where={key: value})
    assert set(matrix.index) <= chosen and len(matrix.index) >= 1
    assert set(p.framework.matrix().index) > set(matrix.index)
    themes = p.codes().query("depth == 0")["key"].tolist()
    assert list(matrix.columns) == themes
    row = matrix.index[0]
    cells = p.framework.cells(where={key: value})
    theme = cells[(cells["row"] == row) & (cells["extracts"] > 0)]["code"].iloc[0]
    p.framework.write(row, theme, "Synthèse d'un cas de l'étude aléatoire.")
    p.framework.validate(row, theme)
    assert p.framework.matrix(where={key: value}).at[row, theme].startswith("Synthèse")
    assert p.framework.summary(row, theme)["status"] == "validated"
    # a number attribute filters by a predicate
    number = next(k for k in p.attribute_names() if pd.api.types.is_numeric_dtype(cases[k]))
    older = p.framework.matrix(where={number: lambda v: v >= 50})
    assert set(older.index) <= set(cases.loc[cases[number] >= 50, "case"])


# -- the snapshot, REFI-QDA, the schema ----------------------------------------------------
def test_a_snapshot_carries_only_validated_summaries_pseudonymised(project: Project,
                                                                   tmp_path: Path) -> None:
    coded(project)
    project.privacy.propose()
    project.framework.write(FATIMA, "liens", "Fatima parle de sa mère et du douar.")
    project.framework.validate(FATIMA, "liens")
    project.framework.write(YOUSSEF, "actions", "Brouillon sur le puits de Youssef.")
    project.export.snapshot(tmp_path / "copil", "COPIL", names_reviewed=True)
    with Project.open(tmp_path / "copil", coder="claire") as frozen:
        table = frozen.framework.summaries()
        assert table[["code", "status"]].values.tolist() == [["liens", "validated"]]
        shown = table["text"].iloc[0]
        assert "Fatima" not in shown and "mère et du douar" in shown
        pseudonym = table["case"].iloc[0]
        assert pseudonym != FATIMA and FATIMA not in frozen.cases()["case"].tolist()
        assert frozen.framework.matrix().at[pseudonym, "liens"] == shown
        with pytest.raises(StoreError, match="lecture seule"):
            frozen.framework.write(pseudonym, "liens", "autre")
    assert len(project.framework.summaries()) == 2  # the live project keeps its drafts


def test_the_refi_report_counts_the_summaries_left_out(project: Project,
                                                       tmp_path: Path) -> None:
    coded(project)
    report = project.export.qdpx(tmp_path / "sans.qdpx")
    assert not any("synthèse" in w for w in report.warnings)
    project.framework.write(FATIMA, "liens", "Un texte.")
    project.framework.write("E02", "actions", "Un autre.", rows="documents")
    report = project.export.qdpx(tmp_path / "avec.qdpx")
    note = [w for w in report.warnings if "synthèse" in w]
    assert len(note) == 1 and note[0].startswith("2 synthèse(s)")
    assert "REFI-QDA n'a pas de place" in note[0] and note[0] in str(report)


def test_a_project_of_the_previous_schema_gets_the_table(project: Project) -> None:
    """A project at version 5 (the same schema without `summaries`, scores and
    recordings) opens, is migrated to the latest version once, keeps its data and takes
    summaries."""
    coded(project)
    location, n = project.location, len(project.extracts())
    project.close()
    db = Path(location) / "project.sqlite"
    as_version_5(db)
    assert migrations.latest_version() == 8
    with Project.open(location, coder="claire") as p:
        with p.store.read() as conn:
            assert inspect(conn).has_table("summaries")
            assert inspect(conn).has_table("recordings")
            versions = conn.execute(text("SELECT version, description FROM schema_migrations "
                                         "ORDER BY version")).all()
        assert [v for v, _ in versions] == [1, 2, 3, 4, 5, 6, 7, 8]
        assert "framework summaries" in versions[5][1]
        assert "learned models" in versions[6][1]
        assert "recordings" in versions[7][1]
        assert len(p.extracts()) == n
        p.framework.write(FATIMA, "liens", "Après la migration.")
        assert p.framework.summary(FATIMA, "liens")["text"] == "Après la migration."
    Project.open(location).close()  # a second opening applies nothing


def test_the_version_1_project_reaches_the_summaries_table(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "store" / "data" / "project_v1.sqlite"
    shutil.copy(fixture, tmp_path / "project.sqlite")
    with Project.open(tmp_path / "project.sqlite", coder="claire") as p:
        assert p.framework.summaries().empty
        case = p.cases()["case"].iloc[0]
        p.framework.write(case, p.codes()["key"].iloc[0], "Un projet ancien.")
        assert len(p.framework.summaries()) == 1
