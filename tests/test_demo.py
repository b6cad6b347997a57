"""The demo project behind `make demo`: built, coded, verified, exported."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from workbench import Project
from workbench.demo import CODINGS
from workbench.export.tables import export_tables

ROOT = Path(__file__).resolve().parents[1]


def test_demo_corpus_is_large_and_varied_enough(demo: Project) -> None:
    docs = demo.documents()
    assert len(docs) >= 12
    suffixes = {Path(s).suffix for s in docs["source"]}
    assert {".docx", ".txt", ".vtt"} <= suffixes
    assert "focus_group" in set(docs["kind"])
    texts = [demo.text(n) for n in docs["name"]]
    assert any(any("\u0600" <= ch <= "\u06ff" for ch in t) for t in texts)  # Arabic script
    assert any(any("\u2d30" <= ch <= "\u2d7f" for ch in t) for t in texts)  # Tifinagh
    interviews = docs[docs["kind"] == "interview"]
    for name in interviews["name"]:
        words = len(demo.text(name).split())
        assert 1500 <= words <= 4000, (name, words)


def test_every_demo_coding_landed_and_verifies(demo: Project) -> None:
    expected = yaml.safe_load((ROOT / CODINGS).read_text(encoding="utf-8"))
    frame = demo.extracts(status="accepted")
    assert len(frame) == len(expected)
    assert set(frame["origin"]) == {"manual"}
    assert demo.verify().ok
    for row in expected[:20]:
        hit = frame[(frame["document"] == row["document"]) & (frame["code"] == row["code"])]
        assert any(" ".join(row["quote"].split()) == " ".join(t.split()) for t in hit["text"])


def test_demo_cases_cover_the_study_design(demo: Project) -> None:
    cases = demo.cases()
    people = cases[cases["case_kind"] == "person"]
    assert set(people["genre"]) == {"F", "H"}
    regions = set(people["region_residence"].dropna())
    assert {"Île-de-France", "PACA", "Occitanie", "Auvergne-Rhône-Alpes", "Bruxelles"} <= regions
    assert (cases["case_kind"] == "organisation").any()
    women = demo.extracts("femmes", where={"genre": "F"})
    assert len(women) > 0 and set(women["genre"]) == {"F"}


def test_demo_exports_open(demo: Project, tmp_path: Path) -> None:
    paths = export_tables(demo, tmp_path)
    extracts = pd.read_csv(tmp_path / "extraits.csv", encoding="utf-8-sig")
    assert len(extracts) == len(demo.extracts(status="all"))
    assert set(extracts["status"]) == {"accepted", "suggested"}
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)


def test_demo_writes_the_annexes_fiches_and_exchange_file(demo: Project, tmp_path: Path) -> None:
    import zipfile

    from openpyxl import load_workbook

    from workbench.demo import write_demo_outputs

    written = write_demo_outputs(demo, tmp_path)
    names = {p.name for p in written}
    assert {"annexe_extraits.xlsx", "annexe_extraits.docx", "projet_demo.qdpx",
            "fiches_signaletiques.xlsx", "fiches_capitalisation.xlsx"} <= names
    assert all(p.exists() and p.stat().st_size > 0 for p in written)
    organisations = (demo.cases()["case_kind"] == "organisation").sum()
    assert sum(n.startswith("fiche_signaletique_") for n in names) == organisations
    book = load_workbook(tmp_path / "exports" / "annexe_extraits.xlsx", read_only=True)
    assert "Sommaire" in book.sheetnames[0]
    with zipfile.ZipFile(tmp_path / "exports" / "projet_demo.qdpx") as archive:
        assert "project.qde" in archive.namelist()
