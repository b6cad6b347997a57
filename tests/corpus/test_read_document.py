from __future__ import annotations

from pathlib import Path

import pytest

from workbench.corpus import SUPPORTED, read_document, turn_summary
from workbench.errors import CorpusError


def test_supported_suffixes() -> None:
    assert SUPPORTED == (
        ".txt", ".md", ".docx", ".odt", ".pdf", ".vtt", ".srt", ".trs", ".textgrid"
    )


def test_unknown_suffix_lists_the_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "E01.rtf"
    path.write_text("Enquêtrice : bonjour", encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        read_document(path)
    message = str(err.value)
    assert message.startswith("E01.rtf : type de fichier non pris en charge « .rtf »")
    assert ".txt, .md, .docx, .odt, .pdf, .vtt, .srt, .trs, .textgrid" in message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"absent\.txt : fichier introuvable"):
        read_document(tmp_path / "absent.txt")
    with pytest.raises(CorpusError, match=r"absent\.docx : fichier introuvable"):
        read_document(tmp_path / "absent.docx")
    (tmp_path / "dossier.txt").mkdir()
    with pytest.raises(CorpusError, match=r"dossier\.txt : c'est un dossier"):
        read_document(tmp_path / "dossier.txt")


def test_unknown_role_in_roles_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "E01.txt"
    path.write_text("E : a\nR : b\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"E01\.txt : rôle\(s\) inconnu\(s\) .*« enquêteur »"):
        read_document(path, roles={"E": "enquêteur"})


def test_pattern_and_summary_for_text(tmp_path: Path) -> None:
    path = tmp_path / "E02.txt"
    path.write_text("LOC1 > bonjour\nLOC2 > salut\nsuite\n", encoding="utf-8")
    default = read_document(path)
    assert turn_summary(default) == "0 ligne(s) sur 3 commencent par une étiquette de locuteur"
    assert default.warnings and "aucune étiquette de locuteur reconnue" in default.warnings[0]
    doc = read_document(path, pattern=r"(?P<speaker>LOC\d) > ")
    assert [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns] == [
        ("LOC1", "bonjour"), ("LOC2", "salut\nsuite"),
    ]
    assert turn_summary(doc) == "2 ligne(s) sur 3 commencent par une étiquette de locuteur"
    assert doc.warnings == []


def test_summary_is_none_for_timed_formats(tmp_path: Path) -> None:
    path = tmp_path / "E03.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nbonjour\n", encoding="utf-8")
    doc = read_document(path)
    assert turn_summary(doc) is None and doc.matched_lines is None
