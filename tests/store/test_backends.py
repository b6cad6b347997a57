"""Every feature on PostgreSQL: the demo built on a PostgreSQL database gives the same
documents, codings, suggestions, analyses and exports as on SQLite, and the writing
features behave the same on both backends."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from workbench import CodingError, Project
from workbench.demo import CODEBOOK, CODINGS, CORPUS, NAMES, PROFILE

ROOT = Path(__file__).resolve().parents[2]
VOLATILE = ["created_at", "updated_at", "imported_at", "reviewed_at"]


@pytest.fixture(scope="module")
def pg_demo(pg_server, demo: Project,  # type: ignore[no-untyped-def]
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The demo project built as `build_demo` does, in a PostgreSQL database. The spaCy
    parses of the SQLite demo are reused (a PostgreSQL project keeps its parses in the
    user's cache folder, pointed here to a copy)."""
    cache = tmp_path_factory.mktemp("xdg")
    shutil.copytree(Path(demo.location) / "cache" / "spacy", cache / "workbench" / "spacy")
    url = pg_server.create_database("demo")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("XDG_CACHE_HOME", str(cache))
        project = Project.create(url, coder="demo")
        project.load_codebook(ROOT / CODEBOOK)
        project.import_corpus(ROOT / CORPUS, attributes=ROOT / CORPUS / "attributes.xlsx",
                              progress=False)
        project.load_profile(ROOT / PROFILE)
        project.code_many(yaml.safe_load((ROOT / CODINGS).read_text(encoding="utf-8")))
        project.review.autocode(progress=False)
        project.privacy.propose()
        project.privacy.load_review(ROOT / NAMES)
        yield project
    project.close()
    pg_server.drop_database(url)


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    drop = [c for c in VOLATILE if c in a.columns]
    pd.testing.assert_frame_equal(a.drop(columns=drop).reset_index(drop=True),
                                  b.drop(columns=drop).reset_index(drop=True))


def test_demo_on_postgresql_is_the_same_project(pg_demo: Project, demo: Project) -> None:
    assert pg_demo.store.engine.dialect.name == "postgresql"
    same(pg_demo.documents(), demo.documents())
    same(pg_demo.cases(), demo.cases())
    for name in demo.documents()["name"]:
        same(pg_demo.turns(name), demo.turns(name))
        assert pg_demo.text(name) == demo.text(name)
    same(pg_demo.codes(), demo.codes())
    same(pg_demo.privacy.table(), demo.privacy.table())
    assert len(pg_demo.history(limit=None)) == len(demo.history(limit=None))
    report = pg_demo.verify()
    assert report.ok and report.checked == demo.verify().checked > 1000


def test_extracts_queries_and_suggestions_are_the_same(pg_demo: Project, demo: Project) -> None:
    same(pg_demo.extracts(), demo.extracts())
    for codes, where in [("femmes", {"genre": "F"}), ("femmes & ~obstacles", None),
                         (["liens", "actions"], {"region_residence": ["PACA", "Occitanie"]})]:
        found = pg_demo.extracts(codes, where=where, status="accepted")
        assert len(found) > 0
        same(found, demo.extracts(codes, where=where, status="accepted"))
    same(pg_demo.extracts("femmes", scope="turn"), demo.extracts("femmes", scope="turn"))
    same(pg_demo.extracts(pseudonymise=True), demo.extracts(pseudonymise=True))
    assert len(pg_demo.review.suggestions()) > 0
    same(pg_demo.review.suggestions(), demo.review.suggestions())
    same(pg_demo.review.rule_report(), demo.review.rule_report())


def test_analyses_are_the_same(pg_demo: Project, demo: Project) -> None:
    a, b = pg_demo.analysis, demo.analysis
    same(a.code_frequencies(), b.code_frequencies())
    same(a.matrix("genre"), b.matrix("genre"))
    same(a.cooccurrence(scope="turn"), b.cooccurrence(scope="turn"))
    same(a.prevalence("genre"), b.prevalence("genre"))
    same(a.organisations_by_place(), b.organisations_by_place())


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


def test_exports_are_the_same(pg_demo: Project, demo: Project, tmp_path: Path) -> None:
    pg_demo.export.annex(tmp_path / "pg.xlsx", matrix="genre", cooccurrence="turn")
    demo.export.annex(tmp_path / "sqlite.xlsx", matrix="genre", cooccurrence="turn")
    pg_cells, sqlite_cells = _cells(tmp_path / "pg.xlsx"), _cells(tmp_path / "sqlite.xlsx")
    assert len(pg_cells) > 3
    assert pg_cells == sqlite_cells
    pg_demo.export.word_annex(tmp_path / "annexe.docx")
    assert (tmp_path / "annexe.docx").stat().st_size > 10_000


def test_refi_exchange_through_postgresql(pg_demo: Project, demo: Project, tmp_path: Path,
                                          pg_url: str) -> None:
    """A .qdpx written from PostgreSQL reads back with every coding, and a .qdpx reads
    into a new PostgreSQL project."""
    report = pg_demo.export.qdpx(tmp_path / "pg.qdpx")
    accepted = pg_demo.extracts(status="accepted")
    assert report.codings == len(accepted) > 100  # accepted codings only, by default
    back, _ = Project.import_qdpx(tmp_path / "pg.qdpx", tmp_path / "relu", coder="lea")
    assert sorted(back.extracts()["text"]) == sorted(accepted["text"])
    back.close()
    demo.export.qdpx(tmp_path / "sqlite.qdpx")
    into_pg, _ = Project.import_qdpx(tmp_path / "sqlite.qdpx", pg_url, coder="lea")
    assert into_pg.store.engine.dialect.name == "postgresql"
    assert sorted(into_pg.extracts()["text"]) == sorted(accepted["text"])
    assert into_pg.verify().ok
    into_pg.code_quote(demo.documents()["name"][0], demo.text(demo.documents()["name"][0])[:30],
                       "femmes")  # new ids follow the imported rows
    into_pg.close()


def test_writing_features_behave_the_same(backend_project: Project, corpus_dir: Path) -> None:
    """Coding, review, memos, recoding, undo and revert, re-import with re-anchoring, code
    changes and removal, on SQLite and PostgreSQL alike."""
    p = backend_project
    text = p.text("E01_fatima")
    start = text.index("Le village")
    first = p.code("E01_fatima", start, start + 10, "liens.affectifs", memo="fort")
    quoted = p.code_quote("E01_fatima", "ne sont pas au bureau", "femmes")
    batch = p.code_many([
        {"document": "E02_youssef", "code": "actions.eau", "quote": "Le puits du village"},
        {"document": "E02_youssef", "code": "actions.education", "quote": "l'école aussi"},
        {"document": "E01_fatima", "code": "liens.materiels", "quote": "envoie de l'argent",
         "status": "suggested"},
    ])
    assert len(batch) == 3 and len(set(batch) | {first, quoted}) == 5
    with pytest.raises(CodingError, match="citation introuvable"):
        p.code_many([{"document": "E02_youssef", "code": "femmes", "quote": "Chaque été"},
                     {"document": "E02_youssef", "code": "femmes", "quote": "absent du texte"}])
    assert len(p.extracts(status="all")) == 5  # the failed batch wrote nothing
    assert p.review.accept(batch[2]) == 1
    p.memo("document", "Entretien à compléter.", document="E01_fatima")
    p.memo("coding", "attachement", coding=first)
    assert p.extracts("femmes", where={"genre": "F"})["coding_id"].tolist() == [quoted]
    assert set(p.extracts(status="accepted")["coding_id"]) == {first, quoted, *batch}
    p.recode(first, "liens.materiels")
    p.uncode(batch[0])
    assert batch[0] not in set(p.extracts(status="all")["coding_id"])
    assert p.undo() == 1
    assert batch[0] in set(p.extracts(status="all")["coding_id"])
    recode_txn = p.history().query("action == 'update'")["txn"].iloc[0]  # newest first
    p.history.revert(recode_txn)
    assert p.extracts(status="all").set_index("coding_id").loc[first, "code"] == "liens.affectifs"
    p.rename_code("femmes", "Place et rôle des femmes")
    p.move_code("femmes", "liens")
    assert p.merge_codes("actions.education", "actions.eau") == 1
    (corpus_dir / "E01_fatima.txt").write_text(
        "Enquêtrice : Entretien du 3 mai.\n" + (corpus_dir / "E01_fatima.txt").read_text(
            encoding="utf-8"), encoding="utf-8")
    results = p.import_corpus(corpus_dir, attributes=corpus_dir / "attributes.csv",
                              progress=False)
    assert {r.document: r.status for r in results} == {"E01_fatima": "updated",
                                                       "E02_youssef": "unchanged"}
    assert results[0].reanchored == 3
    moved = p.extracts(status="all").set_index("coding_id").loc[first]
    assert moved["text"] == "Le village" and moved["start"] > start
    p.remove_document("E02_youssef")
    assert set(p.extracts(status="all")["document"]) == {"E01_fatima"}
    assert p.cases()["case"].tolist() == ["Fatima Aït Lahcen", "Youssef Bennani"]
    assert p.verify().ok
    assert p.memos()["text"].tolist() == ["Entretien à compléter."]
