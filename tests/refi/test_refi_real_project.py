"""A real project exported by another tool (qc 1.3.2): no XML declaration, sources named
without GUIDs, selections named "line:N" (the 0-based line they cover, newline included)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from workbench import Project
from workbench.refi.positions import EXCLUSIVE

pytestmark = pytest.mark.realdata


@pytest.fixture
def qc(shared_data: Path) -> Path:
    path = shared_data / "refi" / "qc_demo_project.qdpx"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return path


def test_the_sample_is_what_we_think(qc: Path) -> None:
    with zipfile.ZipFile(qc) as zf:
        qde = zf.read("project.qde")
        assert not qde.startswith(b"<?xml")
        assert sorted(zf.namelist()) == ["project.qde", "sources/admin-1.txt",
                                         "sources/board_2017.txt"]
    assert b'plainTextPath="board_2017.txt"' in qde  # no internal://, no GUID


def test_codes_selections_and_codings_arrive(qc: Path, tmp_path: Path) -> None:
    project, report = Project.import_qdpx(qc, tmp_path / "qc", coder="lead")
    assert (report.codes, report.selections, report.codings) == (262, 158, 205)
    assert report.end_positions == EXCLUSIVE
    assert len(project.codes()) == 262
    assert sorted(project.documents()["name"]) == ["admin-1", "board_2017"]
    extracts = project.extracts()
    assert len(extracts) == 205 and set(extracts["coder"]) == {"cp"}
    assert project.verify().ok
    with zipfile.ZipFile(qc) as zf:
        raw = zf.read("sources/board_2017.txt").decode("utf-8")
        qde = zf.read("project.qde").decode("utf-8")
    lines = raw.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    selections = re.findall(r'name="line:(\d+)" startPosition="(\d+)" endPosition="(\d+)"', qde)
    assert len(selections) == 158
    stored = set(zip(extracts["start"], extracts["end"], extracts["text"], strict=True))
    for number, start, end in selections:
        n, a, b = int(number), int(start), int(end)
        assert (a, b) == (starts[n], starts[n + 1])  # exactly line n and its newline
        assert (a, b, raw[a:b]) in stored
        assert raw[a:b] == lines[n] + "\n"
    project.close()


def test_code_hierarchy_is_kept(qc: Path, tmp_path: Path) -> None:
    project, _report = Project.import_qdpx(qc, tmp_path / "qc", coder="lead")
    paths = set(project.codes()["path"])
    assert "rq1_definition > competencies > programming" in paths
    assert "rq1_definition > concepts > abstraction" in paths
    project.close()
