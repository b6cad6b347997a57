"""Recordings made for the tests, never stored in the repository: one French sentence per
turn spoken by Debian's `espeak-ng`, joined by `sox` with short silences, and transcripts
whose times are those of the segments (WebVTT, Praat TextGrid, Transcriber .trs, text with
[hh:mm:ss] marks).

`tools/system_deps.sh test` installs espeak-ng, sox and sox's MP3 format; a test that
needs them is skipped with the reason when they are missing (`needs_tools`,
`needs_format`).
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

PAUSE = 0.4  # seconds of silence between two turns
_SAID: list[str] = []  # the sentences spoken so far (their files are numbered)
RATE = 22050  # espeak-ng's sample rate

TURNS: list[tuple[str, str]] = [
    ("Enquêtrice", "Bonjour, pouvez-vous vous présenter ?"),
    ("Fatima", "Je suis née à Tiznit, je vis à Gennevilliers depuis longtemps."),
    ("Enquêtrice", "Qu'est-ce qui vous relie au village ?"),
    ("Fatima", "Le village, c'est ma mère, et l'odeur de la terre après la pluie."),
]


@dataclass(frozen=True)
class Segment:
    """One spoken turn: who, what, and when in the recording (seconds)."""

    speaker: str
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Recording:
    """A synthesised recording and the segments it holds."""

    path: Path
    segments: list[Segment]
    duration: float


def write_wav(path: Path, seconds: float = 1.0, rate: int = 8000) -> Path:
    """A silent mono 16-bit WAV written by Python's `wave` module (no tool needed)."""
    with wave.open(str(path), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        sound.writeframes(b"\x00\x00" * int(rate * seconds))
    return path


def missing_tools() -> list[str]:
    """The programs of espeak-ng and sox this machine lacks."""
    return [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]


needs_tools = pytest.mark.skipif(
    bool(missing_tools()),
    reason=f"{', '.join(missing_tools())} missing: sh tools/system_deps.sh test installs them")


@cache
def sox_formats() -> frozenset[str]:
    """The file formats this sox reads and writes (from `sox -h`)."""
    if shutil.which("sox") is None:
        return frozenset()
    done = subprocess.run(["sox", "-h"], capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("AUDIO FILE FORMATS:"):
            return frozenset(line.split(":", 1)[1].split())
    return frozenset()


def needs_format(extension: str) -> pytest.MarkDecorator:
    """Skip a test when sox cannot write `extension` here (mp3 needs libsox-fmt-mp3)."""
    return pytest.mark.skipif(
        extension not in sox_formats(),
        reason=f"sox cannot write .{extension} here (Debian: libsox-fmt-mp3 for mp3)")


def _run(*command: str | Path) -> None:
    subprocess.run([str(c) for c in command], check=True, capture_output=True)


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as sound:
        return sound.getnframes() / sound.getframerate()


@cache
def _cache_dir() -> Path:
    """A folder for the sentences spoken in this session, removed at exit."""
    where = Path(tempfile.mkdtemp(prefix="workbench-espeak-"))
    atexit.register(shutil.rmtree, where, ignore_errors=True)
    return where


@cache
def _spoken(text: str) -> Path:
    """A sentence spoken once per session, as a mono wav at `RATE`."""
    out = _cache_dir() / f"say_{len(_SAID)}.wav"
    _SAID.append(text)
    if not out.exists():
        raw = out.with_suffix(".raw.wav")
        _run("espeak-ng", "-v", "fr", "-w", raw, text)
        _run("sox", raw, "-r", str(RATE), "-c", "1", out)
        raw.unlink()
    return out


def synthesise(folder: Path, stem: str, turns: list[tuple[str, str]] = TURNS, *,
               extension: str = "wav", lead: float = 0.5) -> Recording:
    """`folder/<stem>.<extension>`: each turn spoken, `PAUSE` seconds apart, after `lead`
    seconds of silence; returns it with the times of each turn."""
    folder.mkdir(parents=True, exist_ok=True)
    work = folder / f".{stem}-parts"
    work.mkdir(exist_ok=True)
    silence = work / "silence.wav"
    _run("sox", "-n", "-r", str(RATE), "-c", "1", "-b", "16", silence, "trim", "0", str(PAUSE))
    head = work / "lead.wav"
    _run("sox", "-n", "-r", str(RATE), "-c", "1", "-b", "16", head, "trim", "0", str(lead))
    parts: list[Path] = [head]
    segments: list[Segment] = []
    now = _wav_seconds(head)
    for i, (speaker, text) in enumerate(turns):
        said = _spoken(text)
        length = _wav_seconds(said)
        segments.append(Segment(speaker, text, round(now, 3), round(now + length, 3)))
        parts.append(said)
        now += length
        if i < len(turns) - 1:
            parts.append(silence)
            now += _wav_seconds(silence)
    whole = work / "whole.wav"
    _run("sox", *parts, whole)
    out = folder / f"{stem}.{extension}"
    if extension == "wav":
        shutil.copyfile(whole, out)
    else:
        _run("sox", whole, out)
    duration = _wav_seconds(whole)
    shutil.rmtree(work)
    return Recording(out, segments, duration)


# -- transcripts with the same times -------------------------------------------------------
def _clock(seconds: float, separator: str = ".") -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{separator}{ms:03d}"


def write_vtt(path: Path, segments: list[Segment]) -> Path:
    """A WebVTT file, one cue per segment with its speaker as a voice tag."""
    cues = [f"{_clock(s.start)} --> {_clock(s.end)}\n<v {s.speaker}>{s.text}</v>\n"
            for s in segments]
    path.write_text("WEBVTT\n\n" + "\n".join(cues), encoding="utf-8")
    return path


def write_textgrid(path: Path, segments: list[Segment], duration: float) -> Path:
    """A Praat TextGrid (long text format): one interval tier per speaker, the gaps as
    empty intervals."""
    speakers = list(dict.fromkeys(s.speaker for s in segments))
    lines = ['File type = "ooTextFile"', 'Object class = "TextGrid"', "",
             "xmin = 0", f"xmax = {duration}", "tiers? <exists>", f"size = {len(speakers)}",
             "item []:"]
    for n, speaker in enumerate(speakers, start=1):
        intervals: list[tuple[float, float, str]] = []
        at = 0.0
        for s in (s for s in segments if s.speaker == speaker):
            if s.start > at:
                intervals.append((at, s.start, ""))
            intervals.append((s.start, s.end, s.text))
            at = s.end
        if at < duration:
            intervals.append((at, duration, ""))
        lines += [f"    item [{n}]:", '        class = "IntervalTier"',
                  f'        name = "{speaker}"', "        xmin = 0", f"        xmax = {duration}",
                  f"        intervals: size = {len(intervals)}"]
        for i, (a, b, text) in enumerate(intervals, start=1):
            quoted = text.replace('"', '""')
            lines += [f"        intervals [{i}]:", f"            xmin = {a}",
                      f"            xmax = {b}", f'            text = "{quoted}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_trs(path: Path, segments: list[Segment], duration: float) -> Path:
    """A Transcriber .trs file (UTF-8), one <Turn> per segment; the silences between
    segments are turns without a speaker."""
    from xml.sax.saxutils import escape, quoteattr

    speakers = list(dict.fromkeys(s.speaker for s in segments))
    ids = {name: f"spk{i}" for i, name in enumerate(speakers, start=1)}
    turns: list[str] = []
    at = 0.0
    for s in segments:
        if s.start > at:
            turns.append(f'<Turn startTime="{at}" endTime="{s.start}">\n<Sync time="{at}"/>\n'
                         "</Turn>")
        turns.append(f'<Turn speaker="{ids[s.speaker]}" startTime="{s.start}" '
                     f'endTime="{s.end}">\n<Sync time="{s.start}"/>\n{escape(s.text)}\n</Turn>')
        at = s.end
    if at < duration:
        turns.append(f'<Turn startTime="{at}" endTime="{duration}">\n<Sync time="{at}"/>\n'
                     "</Turn>")
    declared = "\n".join(f"<Speaker id=\"{ids[n]}\" name={quoteattr(n)} check=\"no\" "
                         "dialect=\"native\" accent=\"\" scope=\"local\"/>" for n in speakers)
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE Trans SYSTEM "trans-14.dtd">\n'
        f'<Trans scribe="tests" audio_filename="{path.stem}" version="1">\n'
        f"<Speakers>\n{declared}\n</Speakers>\n<Episode>\n"
        f'<Section type="report" startTime="0" endTime="{duration}">\n'
        + "\n".join(turns) + "\n</Section>\n</Episode>\n</Trans>\n", encoding="utf-8")
    return path


def write_marked_text(path: Path, segments: list[Segment], *, every: int = 2) -> Path:
    """Plain text with a ``[hh:mm:ss]`` mark before every `every`-th turn only (the
    others untimed), as transcribers often type them."""
    lines = []
    for i, s in enumerate(segments):
        mark = f"[{_clock(s.start).split('.')[0]}] " if i % every == 0 else ""
        lines.append(f"{mark}{s.speaker} : {s.text}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
