from __future__ import annotations

from pathlib import Path

import pytest

from workbench.corpus import read_document
from workbench.errors import CorpusError

TRANSCRIPT = (
    "Entretien E07, Agadir\r\n"
    "Enquêtrice : Vous êtes arrivée quand ?\r\n"
    "Naïma : En 1991, à Bruxelles.\r"
    "On était quatre.\n"
    "Enquêtrice : Et l’association ?\r\n"
    "Naïma : Créée en 2003, pour l’école du douar.\r\n"
)


def test_cp1252_crlf_transcript(tmp_path: Path, valid) -> None:
    path = tmp_path / "E07.txt"
    path.write_bytes(TRANSCRIPT.encode("cp1252"))
    doc = valid(read_document(path))
    assert doc.encoding == "cp1252"
    assert doc.text == TRANSCRIPT.replace("\r\n", "\n").replace("\r", "\n")
    assert [(t.speaker, t.role, doc.text[t.start : t.end]) for t in doc.turns] == [
        (None, None, "Entretien E07, Agadir"),
        ("Enquêtrice", "interviewer", "Vous êtes arrivée quand ?"),
        ("Naïma", "respondent", "En 1991, à Bruxelles.\nOn était quatre."),
        ("Enquêtrice", "interviewer", "Et l’association ?"),
        ("Naïma", "respondent", "Créée en 2003, pour l’école du douar."),
    ]
    assert (doc.matched_lines, doc.total_lines) == (4, 6)
    assert doc.warnings == []


def test_utf16_transcript_with_uppercase_suffix(tmp_path: Path, valid) -> None:
    path = tmp_path / "E08.TXT"
    path.write_bytes("E : Bonjour.\nR : Salam.\n".encode("utf-16"))
    doc = valid(read_document(path))
    assert doc.encoding == "utf-16-le"
    assert [t.speaker for t in doc.turns] == ["E", "R"]


def test_markdown_headings_are_sections_and_bold_labels_speakers(tmp_path: Path, valid) -> None:
    path = tmp_path / "FG1.md"
    path.write_text(
        "# Focus group, Tiznit\n\n## Thème 1 : l'eau\n\n**Modératrice** : Parlons du puits.\n"
        "**Hassan** : Le puits a été financé en 2010.\n\n## Thème 2 : l'école ##\n\n"
        "**Khadija** : Les filles y vont.\n",
        encoding="utf-8",
    )
    doc = valid(read_document(path))
    assert [(t.speaker, t.role, t.section) for t in doc.turns] == [
        ("Modératrice", "interviewer", "Thème 1 : l'eau"),
        ("Hassan", "respondent", "Thème 1 : l'eau"),
        ("Khadija", "respondent", "Thème 2 : l'école"),
    ]
    assert doc.text[doc.turns[2].start : doc.turns[2].end] == "Les filles y vont."


def test_text_without_labels_is_one_block_with_a_warning(tmp_path: Path, valid) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Visite au douar.\nRéunion avec l'association.\n", encoding="utf-8")
    doc = valid(read_document(path))
    assert [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns] == [
        (None, "Visite au douar.\nRéunion avec l'association.")
    ]
    assert len(doc.warnings) == 1
    assert ("notes.txt : aucune étiquette de locuteur reconnue, importé en un seul bloc"
            in doc.warnings[0])


def test_binary_file_named_txt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with pytest.raises(CorpusError, match=r"photo\.txt : .*\(c'est une image PNG\)"):
        read_document(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "vide.txt"
    path.write_bytes(b"")
    with pytest.raises(CorpusError, match=r"vide\.txt : le fichier est vide"):
        read_document(path)
