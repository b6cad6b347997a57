"""Document references: short, unique, stable, never made of a person's name."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from workbench import Project, WorkbenchError
from workbench.coding.extracts import natural_key
from workbench.store import schema as s


def _corpus(folder: Path, names: list[str]) -> Path:
    folder.mkdir()
    for name in names:
        (folder / f"{name}.txt").write_text(
            "Enquêteur : Bonjour.\nRépondant : Je travaille au village depuis dix ans.\n",
            encoding="utf-8")
    return folder


def test_references_unique_and_stable(tmp_path: Path) -> None:
    names = ["E01_fatima", "FG02_femmes", "ESLO1_ENT_001_C", "ESLO1_ENT_002_C",
             "Ozgur_Kilic_H_32", "Lea_Samvarian_F_55"]
    p = Project.create(tmp_path / "p", coder="lead")
    p.import_corpus(_corpus(tmp_path / "c", names), progress=False)
    refs = dict(zip(p.documents()["name"], p.documents()["reference"], strict=True))
    assert refs["E01_fatima"] == "E01" and refs["FG02_femmes"] == "FG02"
    assert len(set(refs.values())) == len(names)
    assert refs["ESLO1_ENT_001_C"].startswith("D") and refs["ESLO1_ENT_002_C"].startswith("D")
    assert not any(part in r for r in refs.values() for part in ("Ozgur", "Lea", "Kilic"))
    # a later import keeps the references given, and continues the numbering
    (tmp_path / "c" / "E01_bis.txt").write_text("Enquêteur : Et alors ?\n", encoding="utf-8")
    p.import_corpus(tmp_path / "c", progress=False)
    after = dict(zip(p.documents()["name"], p.documents()["reference"], strict=True))
    assert {k: after[k] for k in refs} == refs
    assert after["E01_bis"] == "D05"


def test_set_reference_and_extract_references(tmp_path: Path) -> None:
    p = Project.create(tmp_path / "p", coder="lead")
    p.import_corpus(_corpus(tmp_path / "c", ["Mira_F_88", "Gary_H_24"]), progress=False)
    (tmp_path / "g.yaml").write_text("codes:\n  - id: travail\n    name: Travail\n",
                                     encoding="utf-8")
    p.load_codebook(tmp_path / "g.yaml")
    p.code_quote("Mira_F_88", "Je travaille au village", "travail")
    p.set_reference("Mira_F_88", "ENT03")
    assert list(p.extracts()["reference"]) == ["ENT03-T2"]
    with pytest.raises(WorkbenchError, match="déjà celle d'un autre document"):
        p.set_reference("Gary_H_24", "ENT03")
    with pytest.raises(WorkbenchError, match="refusée"):
        p.set_reference("Gary_H_24", "Gary Collard")


def test_old_projects_get_references_on_open(tmp_path: Path) -> None:
    p = Project.create(tmp_path / "p", coder="lead")
    p.import_corpus(_corpus(tmp_path / "c", ["A1_x", "b_y", "c_z"]), progress=False)
    with p.store.write("test") as w:
        w.conn.execute(update(s.documents).values(reference=None))
    p.close()
    with Project.open(tmp_path / "p") as again:
        refs = sorted(again.documents()["reference"])
    assert refs == ["A1", "D01", "D02"]


def test_natural_order() -> None:
    refs = ["D10-T2", "D2-T10", "D2-T9", "E01-T1"]
    assert sorted(refs, key=natural_key) == ["D2-T9", "D2-T10", "D10-T2", "E01-T1"]
