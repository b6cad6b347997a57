"""Timed transcripts with impossible numbers: every numeric field of TextGrid, WebVTT,
SubRip and Transcriber files is checked (NaN, infinity, negative, end before start,
counts beyond the file), and the import names the file and the line or turn."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.conftest import GOOD, refused
from workbench import Project
from workbench.errors import CorpusError


def textgrid(*, xmax: str = "9", size: str = "2", start: str = "0", end: str = "4.2",
             second: tuple[str, str] = ("4.5", "9")) -> str:
    return f"""File type = "ooTextFile"
Object class = "TextGrid"

xmin = 0
xmax = {xmax}
tiers? <exists>
size = {size}
item []:
    item [1]:
        class = "IntervalTier"
        name = "Fatima"
        xmin = 0
        xmax = 9
        intervals: size = 1
        intervals [1]:
            xmin = {start}
            xmax = {end}
            text = "le village"
    item [2]:
        class = "IntervalTier"
        name = "Enquêtrice (ENQ)"
        xmin = 0
        xmax = 9
        intervals: size = 1
        intervals [1]:
            xmin = {second[0]}
            xmax = {second[1]}
            text = "et l'école ?"
"""


def import_one(project: Project, tmp_path: Path, name: str, text: str) -> None:
    folder = tmp_path / "corpus_temps"
    folder.mkdir(exist_ok=True)
    (folder / "E05_bon.txt").write_text(GOOD, encoding="utf-8")
    (folder / name).write_text(text, encoding="utf-8")
    project.import_corpus(folder, progress=False)


def test_a_good_textgrid_imports(tmp_path: Path, coded: Project) -> None:
    import_one(coded, tmp_path, "E20.TextGrid", textgrid())
    assert "Fatima : le village" in coded.text("E20")


@pytest.mark.parametrize(("case", "fields", "line", "words"), [
    ("xmax_inf", {"xmax": "inf"}, 5, ("inf", "fini")),
    ("xmax_overflow", {"xmax": "1e999"}, 5, ("1e999", "fini")),
    ("interval_nan", {"end": "nan"}, 17, ("nan", "fini")),
    ("negative_start", {"start": "-4.2"}, 16, ("-4.2", "négatif")),
    ("end_before_start", {"second": ("9.5", "4.5")}, 27, ("4.5", "avant le début")),
    ("size_overflow", {"size": "1e999"}, 7, ("1e999",)),
    ("size_beyond_file", {"size": "1000000000"}, 7, ("1000000000", "entier")),
    ("size_not_whole", {"size": "1.5"}, 7, ("1.5", "entier")),
])
def test_textgrid_impossible_numbers_are_refused(tmp_path: Path, coded: Project, case: str,
                                                 fields: dict, line: int,
                                                 words: tuple[str, ...]) -> None:
    name = f"E21_{case}.TextGrid"
    refused(CorpusError, lambda: import_one(coded, tmp_path, name, textgrid(**fields)),
            name, f"ligne {line}", *words, project=coded)


VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Fatima>Le village.\n\n{timing}\n" \
      "<v Enquêtrice>Et l'école ?\n"


@pytest.mark.parametrize(("case", "suffix", "timing", "words"), [
    ("fin_avant_debut", ".vtt", "00:00:09.000 --> 00:00:05.000", ("ligne 6", "précède")),
    ("minutes_75", ".vtt", "00:75:00.000 --> 00:76:00.000", ("ligne 6", "impossibles")),
    ("heures_sans_fin", ".vtt", "9" * 5000 + ":00:00.000 --> 00:00:05.000", ("ligne 6",)),
    ("srt_fin_avant_debut", ".srt", "00:00:09,000 --> 00:00:05,000", ("ligne 6",)),
])
def test_subtitle_impossible_timings_are_refused(tmp_path: Path, coded: Project, case: str,
                                                 suffix: str, timing: str,
                                                 words: tuple[str, ...]) -> None:
    name = f"E22_{case}{suffix}"
    text = VTT.format(timing=timing)
    if suffix == ".srt":
        text = text.replace("WEBVTT\n\n", "1\n").replace("\n\n00", "\n\n2\n00") \
            .replace(".000", ",000").replace("<v Fatima>", "Fatima : ") \
            .replace("<v Enquêtrice>", "Enquêtrice : ")
    refused(CorpusError, lambda: import_one(coded, tmp_path, name, text), name, *words,
            project=coded)


TRS = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Trans SYSTEM "trans-14.dtd">
<Trans>
<Speakers><Speaker id="spk1" name="Fatima"/><Speaker id="spk2" name="Enquêtrice"/></Speakers>
<Episode><Section type="report" startTime="0" endTime="20">
<Turn speaker="spk2" startTime="0" endTime="4"><Sync time="0"/>Et le village ?</Turn>
<Turn speaker="spk1" startTime="{start}" endTime="{end}"><Sync time="4"/>Le puits.</Turn>
</Section></Episode>
</Trans>
"""


@pytest.mark.parametrize(("case", "start", "end", "words"), [
    ("debut_infini", "inf", "9", ("startTime", "inf")),
    ("fin_nan", "4", "NaN", ("endTime", "NaN")),
    ("debut_negatif", "-4", "9", ("startTime", "-4")),
    ("fin_avant_debut", "9", "4", ("endTime", "avant startTime")),
    ("pas_un_nombre", "quatre", "9", ("startTime", "quatre")),
])
def test_transcriber_impossible_times_are_refused(tmp_path: Path, coded: Project, case: str,
                                                  start: str, end: str,
                                                  words: tuple[str, ...]) -> None:
    name = f"E23_{case}.trs"
    refused(CorpusError, lambda: import_one(coded, tmp_path, name,
                                            TRS.format(start=start, end=end)),
            name, "tour 2", *words, project=coded)
