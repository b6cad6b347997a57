"""Hostile values at the coding entry points: offsets that are not numbers, memos with
half characters or control characters, codes a codebook load retired."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from tests.conftest import CODEBOOK_YAML
from tests.hostile.conftest import Unchanged, refused
from workbench import Project
from workbench.cli import main
from workbench.errors import CodingError, NotFoundError
from workbench.store import schema as s


@pytest.mark.parametrize("start", ["abc", None, 12.5, True, "3e2", [1]])
def test_offset_that_is_not_a_position_is_refused(coded: Project, start: object) -> None:
    refused(CodingError, lambda: coded.code("E01_fatima", start, 40, "femmes"), "E01_fatima",
            "start", project=coded)


def test_offset_in_a_batch_is_refused_and_nothing_of_the_batch_is_coded(coded: Project) -> None:
    rows = [{"document": "E01_fatima", "code": "femmes", "start": 0, "end": 10},
            {"document": "E02_youssef", "code": "femmes", "start": 5, "end": "vingt"}]
    refused(CodingError, lambda: coded.code_many(rows), "E02_youssef", "end", "vingt",
            project=coded)


def test_integral_offsets_of_other_types_are_accepted(coded: Project) -> None:
    import numpy as np

    coding = coded.code("E01_fatima", np.int64(0), "10", "femmes")
    assert coded.extracts(status="all").set_index("coding_id").loc[coding, "end"] == 10


@pytest.mark.parametrize("where", ["document", "coding", "new coding"])
def test_memo_with_a_lone_surrogate_is_refused(coded: Project, where: str) -> None:
    text = "attachement \udc80 fort"
    coding = int(coded.extracts(status="all")["coding_id"].iloc[0])
    calls = {
        "document": lambda: coded.memo("document", text, document="E01_fatima"),
        "coding": lambda: coded.memo("coding", text, coding=coding),
        "new coding": lambda: coded.code("E01_fatima", 0, 10, "femmes", memo=text),
    }
    message = refused(CodingError, calls[where], "mémo", "U+DC80", "attachement",
                      project=coded)
    assert "\udc80" not in message  # the message itself can be printed and logged


def test_control_characters_in_a_memo_are_removed_and_the_excel_export_works(
        coded: Project, tmp_path: Path) -> None:
    coding = coded.code("E01_fatima", 0, 10, "femmes", memo="note\x00 avec\x07 bip\rsuite\x1b")
    coded.memo("document", "mémo\x0b avec\x0c sauts", document="E02_youssef")
    memo = coded.extracts(status="all").set_index("coding_id").loc[coding, "memo"]
    assert memo == "note avec bip\nsuite"
    assert "mémo avec sauts" in set(coded.memos()["text"])
    out = tmp_path / "extraits.xlsx"
    location = str(coded.location)
    coded.close()
    assert main(["extracts", "-p", location, "--out", str(out), "--status", "all"]) == 0
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True)
             for c in row]
    assert "note avec bip\nsuite" in cells


SMALLER = CODEBOOK_YAML.split("  - id: femmes")[0]
REPLACED = SMALLER + """  - id: genre
    name: Genre
    children:
      - id: genre.femmes
        name: Femmes
        replaces: [femmes]
"""


def test_coding_with_a_code_the_last_load_retired_is_refused(coded: Project,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "sans_femmes.yaml"
    path.write_text(SMALLER, encoding="utf-8")
    assert coded.load_codebook(path)["removed"] == ["femmes"]
    message = refused(NotFoundError, lambda: coded.code("E01_fatima", 0, 10, "femmes"),
                      "femmes", "retiré", project=coded)
    assert "p.codes()" in message
    refused(NotFoundError, lambda: coded.code("E01_fatima", 0, 10, "Place des femmes"),
            "femmes", project=coded)


def test_coding_with_a_replaced_code_names_its_replacement(coded: Project,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "genre.yaml"
    path.write_text(REPLACED, encoding="utf-8")
    assert coded.load_codebook(path)["merged"] == ["femmes → genre.femmes"]
    refused(NotFoundError, lambda: coded.code("E01_fatima", 0, 10, "femmes"), "femmes",
            "genre.femmes", project=coded)
    assert coded.code("E01_fatima", 0, 10, "genre.femmes")


def test_codings_of_a_retired_code_still_export_labelled(coded: Project, tmp_path: Path) -> None:
    """A project coded before this check may hold codings of a retired code: extracts,
    the annex and the CLI export keep them, under the code's name marked retired."""
    coding = coded.code("E02_youssef", 0, 10, "femmes")
    coded.privacy.propose()  # a pseudonymised annex names nobody by a real name
    with coded.store.write("test") as w:  # what an older version let happen
        w.conn.execute(s.codes.update().where(s.codes.c.key == "femmes").values(active=False))
    with Unchanged(coded):
        codes = coded.codes().set_index("key")
        assert codes.loc["femmes", "name"] == "Place des femmes (retiré de la grille)"
        assert coding in set(coded.extracts()["coding_id"])
        report = coded.export.annex(tmp_path / "annexe.xlsx", names_reviewed=True)
        assert report.extracts == 2
        assert any("retiré" in sheet for sheet in report.sheets)
    with coded.store.read() as conn:
        assert conn.execute(select(s.codes.c.active).where(s.codes.c.key == "femmes")
                            ).scalar() is False
    location = str(coded.location)
    coded.close()
    assert main(["extracts", "-p", location, "--out", str(tmp_path / "x.xlsx")]) == 0
