from __future__ import annotations

from pathlib import Path

import pytest

from workbench.corpus import read_document
from workbench.errors import CorpusError

VTT = """WEBVTT - export Teams

NOTE the recording started late
and this note has two lines

STYLE
::cue { color: white }

1
00:00:01.000 --> 00:00:04.000 align:start
<v Sonia (ENQ)>Bonjour, merci d'être là.</v>

00:00:04.500 --> 00:00:06.000
<v.loud Salma>Avec plaisir,

00:00:06.000 --> 00:01:08.250
<v Salma>je suis née à <i>Taroudannt</i> &amp; j'ai grandi
à <00:01:07.000>Montpellier.

01:00:08.000 --> 01:00:09.000
<v Sonia>D'accord. <v Salma>Oui.
"""

SRT = (
    "1\r\n00:00:01,000 --> 00:00:02,500\r\nKarim : bonjour\r\n\r\n"
    "2\r\n00:00:03,000 --> 00:00:04,000\r\n{\\an8}<i>ça va</i>\r\n\r\n"
    "3\r\n00:00:05,000 --> 00:00:06,000\r\nKarim: re\r\nsur deux lignes\r\n\r\n"
    "4\r\n00:00:06,000 --> 00:00:07,000\r\nKarim : et encore\r\n\r\n"
    "5\r\n00:00:08,000 --> 00:00:09,000\r\nNote : un seul label\r\n"
)


def test_vtt_voices_merge_same_speaker_cues_and_keep_times(tmp_path: Path, valid) -> None:
    path = tmp_path / "E03.vtt"
    path.write_text(VTT, encoding="utf-8")
    doc = valid(read_document(path))
    assert doc.text == (
        "Sonia : Bonjour, merci d'être là.\n"
        "Salma : Avec plaisir, je suis née à Taroudannt & j'ai grandi à Montpellier.\n"
        "Sonia : D'accord.\n"
        "Salma : Oui."
    )
    got = [(t.speaker, t.role, t.t_start, t.t_end, doc.text[t.start : t.end]) for t in doc.turns]
    assert got == [
        ("Sonia", "interviewer", 1.0, 4.0, "Bonjour, merci d'être là."),
        ("Salma", "respondent", 4.5, 68.25,
         "Avec plaisir, je suis née à Taroudannt & j'ai grandi à Montpellier."),
        ("Sonia", "interviewer", 3608.0, 3609.0, "D'accord."),
        ("Salma", "respondent", 3608.0, 3609.0, "Oui."),
    ]


def test_srt_leading_labels_need_to_recur_and_unnamed_cues_stay_apart(
    tmp_path: Path, valid
) -> None:
    path = tmp_path / "E14.srt"
    path.write_bytes(SRT.encode("cp1252"))
    doc = valid(read_document(path))
    got = [(t.speaker, t.t_start, t.t_end, doc.text[t.start : t.end]) for t in doc.turns]
    assert got == [
        ("Karim", 1.0, 2.5, "bonjour"),
        (None, 3.0, 4.0, "ça va"),
        ("Karim", 5.0, 7.0, "re sur deux lignes et encore"),
        (None, 8.0, 9.0, "Note : un seul label"),
    ]
    assert doc.encoding == "latin-1"


def test_malformed_timing_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "E15.srt"
    path.write_text("1\n00:00:01,000 --> bientôt\nbonjour\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"E15\.srt, ligne 2 : horaire de sous-titre mal formé"):
        read_document(path)


def test_file_without_cues_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "E16.vtt"
    path.write_text("WEBVTT\n\nNOTE rien\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"E16\.vtt : aucun sous-titre"):
        read_document(path)


def test_pattern_is_ignored_with_a_warning_for_subtitles(tmp_path: Path) -> None:
    path = tmp_path / "E03.vtt"
    path.write_text(VTT, encoding="utf-8")
    doc = read_document(path, pattern=r"(?P<speaker>\w+):", roles={"Salma": "interviewer"})
    assert {t.role for t in doc.turns} == {"interviewer"}
    assert doc.warnings == [
        "E03.vtt : le motif de locuteur (pattern) est ignoré : les fichiers .vtt nomment "
        "eux-mêmes leurs locuteurs."
    ]
