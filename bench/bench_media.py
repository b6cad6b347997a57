"""Recordings of hours (issue 19): attaching, listing, timing turns, streaming through the
server's media route and seeking in a real browser, on files generated at run time
(never stored in the repository) and deleted at the end.

Files (sox; speech: French sentences spoken by espeak-ng, `tests/media_fixtures.py`):
a 60 s block (spoken turns over faint pink noise) made at the file's rate and channels,
then repeated by sox to the full length, so every file is real, dense PCM (not sparse):

* E01.wav  — a 1-hour interview, 16 kHz mono 16-bit WAV (≈ 115 MB);
* E02.mp3  — the same hour as a 44.1 kHz stereo 128 kbit/s CBR MP3 (≈ 58 MB; sox's
  libmp3lame, no Xing table); M4A/MP4 is not made: there is no ffmpeg here and sox
  does not write it;
* FG01.wav — a 4-hour focus group, 16 kHz mono 16-bit WAV (≈ 461 MB);
* FG02.wav — the largest claimed: the 4-hour focus group as a field recorder makes it,
  48 kHz stereo 16-bit WAV (≈ 2.76 GB, 2.57 GiB: above 2 GiB, under the 4 GiB of a
  RIFF header).

Transcripts: WebVTT with one cue per turn (500 turns for each hour file, 2,000 for each
4-hour file), plus FG01_marques.txt, the same 2,000 turns as text with a ``[hh:mm:ss]``
mark every 10 turns (200 marks, starts only: every other time is interpolated), also
attached to FG01.wav.

Measured:

1. ``p.media.add`` per file, each in a fresh process (``--child add``), the file first
   evicted from the page cache (``posix_fadvise(DONTNEED)`` after ``fsync``: a cold
   read, as for a file just copied from a recorder), then again warm (the digest is
   read again: status « unchanged »). Peak memory: the process's VmHWM, reset with
   ``/proc/self/clear_refs`` once the project is open, so it is the peak during the add.
2. ``p.media.list()`` and ``p.media.list(check=True)`` (cold, then warm) over the five
   recordings, in a fresh process.
3. ``p.media.timeline``, ``p.play(doc, turn=1500)`` and ``p.media.span`` on a passage,
   on the 2,000-turn WebVTT and on the marked text (median of 5).
4. Streaming: the COPIL Voila server (``tests/browser.voila_server``, a one-cell notebook,
   no WORKBENCH_PROJECT: any valid grant is served) and grants issued here
   (``p.media.link(doc).url``, runtime folder in a temporary directory). Per file: a
   1 MiB Range request at 95 % of the file (time to first byte and total; cold, then
   the median of 5 warm), and the whole file in one GET (cold: evicted first; read in
   1 MiB chunks by http.client in this process, so client and server share the 2
   cores). The resident memory (VmRSS) of the server's process group (Voila and the
   kernel its first page started) is sampled every 50 ms throughout; before and after
   streaming, and the peak while each file streams.
5. Seeking in headless chromium (Debian's, through playwright, with
   ``--autoplay-policy=no-user-gesture-required``; the page is on the server's origin):
   an ``<audio preload=metadata>`` gets the route's address; time to ``loadedmetadata``;
   then ``currentTime`` is set to 95 % of the duration and ``play()`` called: times to
   ``seeked``, ``playing`` and to ``currentTime`` past the target (polled every 5 ms).
   Then a fresh element with ``p.play(doc, turn=…).src`` (the media fragment
   ``#t=a,b`` of the turn at 95 %, as a notebook shows it) and ``autoplay``: time from
   setting ``src`` to the playhead moving past ``a``. Each 3 times (medians; the file
   evicted and a fresh address each time, so neither the page cache nor chromium's
   media cache helps); the Range headers of chromium's requests are kept (first time).

Figures: outputs/bench/media.json, and a table printed. Measured on a 2-core x86_64
virtual machine (Intel Xeon with SHA extensions, Python's hashlib ≈ 1.6 GB/s), 24 GB of
RAM, a virtio disk (0.45-1.4 GB/s read once out of the guest's page cache: the host may
still cache it, so "cold" is cold for this machine, not necessarily for the platters);
the load average at the start is recorded. The whole run takes about 70 s there and
needs ≈ 3.5 GB of free disk space (the system's temporary folder), freed at the end.

    .venv/bin/python bench/bench_media.py [--quick]   # --quick: 1/20th of the lengths
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, WORDS, report

sys.path.insert(0, str(ROOT))

MiB = 1 << 20
HOUR = 3600.0
SPEAKERS_FG = ("Animatrice", "Fatima", "Youssef", "Naïma", "Brahim", "Aïcha")
SENTENCES = [
    ("Enquêtrice", "Pouvez-vous me parler de l'association du village ?"),
    ("Fatima", "Nous avons construit le puits avec l'argent de la diaspora."),
    ("Enquêtrice", "Et la commune, qu'a-t-elle fait ?"),
    ("Youssef", "La commune a signé une convention pour la route et l'école."),
]

# (name, document, rate, channels, hours, extension, turns)
FILES = [
    ("E01", "E01", 16000, 1, 1.0, "wav", 500),
    ("E02", "E02", 44100, 2, 1.0, "mp3", 500),
    ("FG01", "FG01", 16000, 1, 4.0, "wav", 2000),
    ("FG02", "FG02", 48000, 2, 4.0, "wav", 2000),
]
MARKED = "FG01_marques"  # the 2,000 turns as text, a [hh:mm:ss] mark every 10 turns


# -- memory and the page cache ----------------------------------------------------------
def status(pid: int | str = "self") -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB (0 when it is gone)."""
    found = {"VmRSS": 0.0, "VmHWM": 0.0}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line.split(":", 1)[0]
            if key in found:
                found[key] = int(line.split()[1]) / 1000
    return found


def reset_peak() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux ≥ 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def evict(path: Path) -> None:
    """Drop a file's pages from the page cache (written back first): the next read
    comes from the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


# -- generating the files ----------------------------------------------------------------
def sox(*args: str | Path | float) -> None:
    subprocess.run(["sox", *map(str, args)], check=True, capture_output=True)


def make_recording(work: Path, out: Path, rate: int, channels: int, seconds: float,
                   speech: Path) -> None:
    """`seconds` of sound at `rate`/`channels`: a 60 s block (the spoken turns over faint
    pink noise) repeated by sox; encoded as the extension of `out` says."""
    block = work / f"block_{rate}_{channels}.wav"
    if not block.exists():
        voice, noise = work / "voice.wav", work / "noise.wav"
        sox(speech, "-r", rate, "-c", channels, "-b", 16, voice)
        sox("-n", "-r", rate, "-c", channels, "-b", 16, noise, "synth", 60, "pinknoise",
            "vol", 0.05)
        sox("-m", voice, noise, block, "trim", 0, 60)
        voice.unlink()
        noise.unlink()
    repeats = max(1, round(seconds / 60))
    if out.suffix == ".mp3":
        sox(block, "-C", 128, out, "repeat", repeats - 1)
    else:
        sox(block, "-b", 16, out, "repeat", repeats - 1)


def segments(seconds: float, turns: int, seed: int) -> list[Any]:
    """`turns` turns spread over `seconds`, speakers in turn, texts of 8-60 words."""
    from tests.media_fixtures import Segment

    rng = random.Random(seed)
    step = seconds / turns
    found = []
    for i in range(turns):
        speaker = SPEAKERS_FG[0] if i % 2 == 0 else rng.choice(SPEAKERS_FG[1:])
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60))) + "."
        start = round(i * step + 0.3, 3)
        found.append(Segment(speaker, text, start, round(start + step * 0.85, 3)))
    return found


def build(folder: Path, scale: float) -> tuple[dict[str, Any], Path]:
    """The recordings (folder/sons) and the project with their transcripts, not yet
    attached; returns what each file is and the project folder."""
    from tests.media_fixtures import synthesise, write_marked_text, write_vtt

    sounds, corpus, work = folder / "sons", folder / "corpus", folder / "work"
    for d in (sounds, corpus, work):
        d.mkdir(parents=True)
    speech = synthesise(work, "voix", SENTENCES, lead=0.5).path
    made: dict[str, Any] = {}
    for name, document, rate, channels, hours, extension, turns in FILES:
        seconds = hours * HOUR * scale
        out = sounds / f"{name}.{extension}"
        start = time.perf_counter()
        make_recording(work, out, rate, channels, seconds, speech)
        evict(out)  # written back to the disk (fsync) and out of the page cache
        made[name] = {"document": document, "path": out, "format": extension,
                      "rate": rate, "channels": channels, "seconds": round(seconds / 60) * 60,
                      "bytes": out.stat().st_size, "turns": turns,
                      "generate_s": round(time.perf_counter() - start, 2)}
        parts = segments(made[name]["seconds"], turns, seed=len(made))
        write_vtt(corpus / f"{document}.vtt", parts)
        if name == "FG01":
            write_marked_text(corpus / f"{MARKED}.txt", parts, every=10)
    shutil.rmtree(work)

    from workbench import Project

    p = Project.create(folder / "projet", coder="bench")
    p.import_corpus(corpus, progress=False)
    p.close()
    return made, folder / "projet"


# -- fresh processes ---------------------------------------------------------------------
def child(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", *args],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"child {args} failed:\n{done.stderr[-5000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_add(project: str, path: str, document: str) -> None:
    from workbench import Project

    p = Project.open(project, coder="bench")
    reset = reset_peak()
    before = status()["VmRSS"]
    start = time.perf_counter()
    done = p.media.add(path, document)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": round(seconds, 3), "rss_before_mb": before,
                      "peak_mb": status()["VmHWM"], "peak_reset": reset,
                      "status": done.status, "duration": done.duration,
                      "warnings": done.warnings}))


def child_list(project: str) -> None:
    from workbench import Project

    p = Project.open(project, coder="bench")
    reset = reset_peak()
    before = status()["VmRSS"]
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        frame = p.media.list()
        samples.append(time.perf_counter() - start)
    checks = []
    for _ in range(2):  # cold (the parent evicted the files), then warm
        start = time.perf_counter()
        checked = p.media.list(check=True)
        checks.append(time.perf_counter() - start)
    print(json.dumps({"list_ms": round(statistics.median(samples) * 1000, 2),
                      "check_cold_s": round(checks[0], 2), "check_warm_s": round(checks[1], 2),
                      "rows": len(frame), "statuses": sorted(set(checked["status"])),
                      "rss_before_mb": before, "peak_mb": status()["VmHWM"],
                      "peak_reset": reset}))


# -- turns and passages ------------------------------------------------------------------
def median_ms(fn: Any, repeat: int = 5) -> tuple[float, Any]:
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 2), result


def transcript_times(p: Any, turns: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    turn = min(1500, turns)
    for document in ("FG01", MARKED):
        ms, frame = median_ms(lambda d=document: p.media.timeline(d))
        play_ms, playback = median_ms(lambda d=document: p.play(d, turn=turn))
        row = frame.iloc[turn + 4]  # a turn five further on, untimed in the marked text
        a, b = int(row["start"]) + 10, int(row["end"]) - 5
        span_ms, span = median_ms(lambda d=document, a=a, b=b: p.media.span(d, start=a, end=b))
        figures[document] = {
            "turns": len(frame), "interpolated_turns": int(frame["interpolated"].sum()),
            "timeline_ms": ms, f"play_turn_{turn}_ms": play_ms, "span_ms": span_ms,
            f"play_turn_{turn}": [round(playback.start, 2), round(playback.end, 2),
                                  playback.interpolated],
            "span": [round(span[0], 2), round(span[1], 2), span[2]]}
    return figures


# -- streaming ---------------------------------------------------------------------------
class Sampler(threading.Thread):
    """The total VmRSS of a process and its descendants, every 50 ms; `mark()` starts a
    new window and returns the peak of the one it closes."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.running, self.window = pid, True, 0.0
        self.lock = threading.Lock()

    def total(self) -> float:
        from workbench import serve_process

        pids = [self.pid, *(p.pid for p in serve_process.descendants(self.pid))]
        return round(sum(status(pid)["VmRSS"] for pid in pids), 1)

    def run(self) -> None:
        while self.running:
            now = self.total()
            with self.lock:
                self.window = max(self.window, now)
            time.sleep(0.05)

    def mark(self) -> float:
        with self.lock:
            peak, self.window = self.window, self.total()
        return peak


def get(url: str, first: int | None = None, last: int | None = None) -> dict[str, Any]:
    """GET `url` (bytes first..last when given) read in 1 MiB chunks and dropped: status,
    bytes, time to the first byte of the body and total time (s)."""
    parts = urllib.parse.urlsplit(url)
    headers = {} if first is None else {"Range": f"bytes={first}-{last}"}
    buffer = bytearray(MiB)
    start = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port,
                                            timeout=120)
    try:
        connection.request("GET", parts.path, headers=headers)
        response = connection.getresponse()
        received = len(response.read1(64 * 1024))
        ttfb = time.perf_counter() - start
        while n := response.readinto(buffer):
            received += n
        total = time.perf_counter() - start
        return {"status": response.status, "bytes": received, "ttfb_s": ttfb, "total_s": total}
    finally:
        connection.close()


def voila_process() -> int:
    """The Voila server this process started (its own session: pid = process group)."""
    from workbench import serve_process

    for proc in serve_process.descendants(os.getpid()):
        with contextlib.suppress(OSError):
            cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
            if b"workbench.serve_voila" in cmdline and proc.pgid == proc.pid:
                return proc.pid
    raise RuntimeError("the Voila server process was not found")


def streaming(base: str, links: dict[str, str], made: dict[str, Any],
              sampler: Sampler) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for name, url in links.items():
        path, size = made[name]["path"], made[name]["bytes"]
        at = min(int(size * 0.95), size - MiB)
        evict(path)
        cold = get(base + url, at, at + MiB - 1)
        assert cold["status"] == 206 and cold["bytes"] == MiB, cold
        warm = [get(base + url, at, at + MiB - 1) for _ in range(5)]
        evict(path)
        sampler.mark()
        whole = get(base + url)
        peak = sampler.mark()
        assert whole["status"] == 200 and whole["bytes"] == size, whole
        figures[name] = {
            "range_cold_ttfb_ms": round(cold["ttfb_s"] * 1000, 1),
            "range_cold_total_ms": round(cold["total_s"] * 1000, 1),
            "range_warm_ttfb_ms": round(statistics.median(w["ttfb_s"] for w in warm) * 1000, 1),
            "range_warm_total_ms": round(statistics.median(w["total_s"] for w in warm) * 1000,
                                         1),
            "whole_ttfb_ms": round(whole["ttfb_s"] * 1000, 1),
            "whole_s": round(whole["total_s"], 2),
            "whole_mb_per_s": round(size / whole["total_s"] / 1e6, 1),
            "server_rss_peak_mb": peak}
    return figures


# -- seeking in chromium -------------------------------------------------------------------
SEEK_SCRIPT = """
async ([src, fraction]) => {
  const limit = (p, what) => Promise.race([p, new Promise((_, no) =>
    setTimeout(() => no(new Error(what + ': timeout')), 60000))]);
  const a = document.createElement('audio');
  a.preload = 'metadata';
  document.body.append(a);
  const r = {};
  let t0 = performance.now();
  const meta = new Promise((ok, no) => {
    a.onloadedmetadata = ok;
    a.onerror = () => no(new Error('media error ' + (a.error && a.error.message)));
  });
  a.src = src;
  await limit(meta, 'loadedmetadata');
  r.metadata_ms = performance.now() - t0;
  r.duration = a.duration;
  const target = a.duration * fraction;
  r.target = target;
  t0 = performance.now();
  const moved = new Promise(ok => {
    a.addEventListener('seeked', () => { r.seeked_ms ??= performance.now() - t0; });
    a.addEventListener('playing', () => { r.playing_ms ??= performance.now() - t0; });
    const poll = setInterval(() => {
      if (a.currentTime > target + 0.01 && !a.paused) {
        r.advancing_ms = performance.now() - t0;
        r.at = a.currentTime;
        clearInterval(poll);
        ok();
      }
    }, 5);
  });
  a.currentTime = target;
  await a.play();
  await limit(moved, 'playhead past the target');
  a.pause();
  a.removeAttribute('src');
  a.load();
  a.remove();
  return r;
}
"""

FRAGMENT_SCRIPT = """
async ([src, start]) => {
  const a = document.createElement('audio');
  a.autoplay = true;
  document.body.append(a);
  const r = {};
  const t0 = performance.now();
  const moved = new Promise((ok, no) => {
    a.onerror = () => no(new Error('media error ' + (a.error && a.error.message)));
    a.addEventListener('loadedmetadata', () => { r.metadata_ms = performance.now() - t0; });
    a.addEventListener('playing', () => { r.playing_ms ??= performance.now() - t0; });
    const poll = setInterval(() => {
      if (a.currentTime > start + 0.01 && !a.paused) {
        r.advancing_ms = performance.now() - t0;
        r.at = a.currentTime;
        clearInterval(poll);
        ok();
      }
    }, 5);
  });
  a.src = src;
  await Promise.race([moved, new Promise((_, no) =>
    setTimeout(() => no(new Error('fragment: timeout')), 60000))]);
  a.pause();
  a.removeAttribute('src');
  a.load();
  a.remove();
  return r;
}
"""


SEEKS = 3  # repetitions per file and way of seeking, each on a fresh address, file evicted


def browser_seeks(base: str, links: dict[str, str], fragments: dict[str, tuple[str, float]],
                  made: dict[str, Any]) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_FLAGS

    def median(samples: list[dict[str, Any]], key: str) -> float | None:
        values = [s[key] for s in samples if key in s]
        return round(statistics.median(values), 1) if values else None

    figures: dict[str, Any] = {}
    flags = [*CHROMIUM_FLAGS, "--autoplay-policy=no-user-gesture-required"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=flags)
        try:
            page = browser.new_page()
            requests: list[str] = []  # the Range header of each media request
            page.on("request", lambda r: requests.append(r.headers.get("range", "(none)"))
                    if "/workbench/media/" in r.url else None)
            page.goto(base + "/workbench/media/nothing-here")  # the server's origin (a 404)
            page.set_content("<!doctype html><title>seek</title><body></body>")
            for name, url in links.items():
                seeks: list[dict[str, Any]] = []
                plays: list[dict[str, Any]] = []
                ranges: dict[str, list[str]] = {}
                src, start = fragments[name]
                route, fragment_part = src.split("#", 1)
                for i in range(SEEKS):
                    # Each time another address for the same grant (a query the route
                    # ignores): nothing fetched before is reused from chromium's cache.
                    evict(made[name]["path"])
                    requests.clear()
                    seeks.append(page.evaluate(SEEK_SCRIPT, [f"{base}{url}?seek{i}", 0.95]))
                    ranges.setdefault("seek_ranges", list(requests))
                    evict(made[name]["path"])
                    requests.clear()
                    plays.append(page.evaluate(
                        FRAGMENT_SCRIPT, [f"{base}{route}?play{i}#{fragment_part}", start]))
                    ranges.setdefault("fragment_ranges", list(requests))
                figures[name] = {
                    "metadata_ms": median(seeks, "metadata_ms"),
                    "seek_to_seeked_ms": median(seeks, "seeked_ms"),
                    "seek_to_playing_ms": median(seeks, "playing_ms"),
                    "seek_to_advancing_ms": median(seeks, "advancing_ms"),
                    "seek_to_advancing_samples_ms": [round(s["advancing_ms"], 1) for s in seeks],
                    "seek_target_s": round(seeks[0]["target"], 2),
                    "duration_seen_s": round(seeks[0]["duration"], 2),
                    "fragment": fragment_part,
                    "fragment_to_metadata_ms": median(plays, "metadata_ms"),
                    "fragment_to_playing_ms": median(plays, "playing_ms"),
                    "fragment_to_advancing_ms": median(plays, "advancing_ms"),
                    "fragment_to_advancing_samples_ms": [round(s["advancing_ms"], 1)
                                                         for s in plays],
                    **ranges}
            page.close()
        finally:
            browser.close()
    return figures


# -- the run -------------------------------------------------------------------------------
TINY_NOTEBOOK = {"cells": [{"cell_type": "markdown", "id": "a", "metadata": {},
                            "source": ["# Banc d'essai des enregistrements"]}],
                 "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                             "language": "python"}},
                 "nbformat": 4, "nbformat_minor": 5}


def table(made: dict[str, Any], add: dict[str, Any], http: dict[str, Any],
          seeks: dict[str, Any], listing: dict[str, Any], transcript: dict[str, Any],
          memory: dict[str, Any]) -> str:
    """The figures as a short table: one row per file, then the rest."""
    head = (f"{'file':<9}{'format':<16}{'length':>7}{'MB':>8}{'add cold':>10}{'add warm':>10}"
            f"{'add peak':>10}{'1MiB@95%':>10}{'whole':>8}{'MB/s':>7}{'srv RSS':>9}"
            f"{'seek':>8}{'#t=':>8}")
    lines = [head, "-" * len(head)]
    for name, info in made.items():
        a, h, s = add[name], http.get(name, {}), seeks.get(name, {})
        fmt = f"{info['format']} {info['rate'] // 1000}k/{info['channels']}ch"
        lines.append(
            f"{name:<9}{fmt:<16}{info['seconds'] / 3600:>6.1f}h{info['bytes'] / 1e6:>8.0f}"
            f"{a['cold']['seconds']:>9.2f}s{a['warm']['seconds']:>9.2f}s"
            f"{a['cold']['peak_mb'] - a['cold']['rss_before_mb']:>+8.1f}MB"
            f"{h.get('range_cold_total_ms', float('nan')):>8.1f}ms"
            f"{h.get('whole_s', float('nan')):>7.1f}s{h.get('whole_mb_per_s', float('nan')):>7.0f}"
            f"{h.get('server_rss_peak_mb', float('nan')):>7.0f}MB"
            f"{s.get('seek_to_advancing_ms', float('nan')):>6.0f}ms"
            f"{s.get('fragment_to_advancing_ms', float('nan')):>6.0f}ms")
    lines += [
        "add cold/warm: p.media.add in a fresh process, file out of / in the page cache; "
        "add peak: VmHWM above the RSS before the add",
        "1MiB@95%: Range request, cold; whole: one GET of the whole file (cold); srv RSS: "
        "peak of Voila + kernel while it streamed",
        "seek: currentTime = 95 % → playhead moving; #t=: src with p.play(turn at 95 %) "
        "fragment → playhead moving (headless chromium)",
        f"p.media.list(): {listing['list_ms']} ms; list(check=True) over {listing['rows']} "
        f"recordings: {listing['check_cold_s']} s cold, {listing['check_warm_s']} s warm; "
        f"peak {listing['peak_mb'] - listing['rss_before_mb']:+.1f} MB",
    ]
    for document, t in transcript.items():
        play = next(v for k, v in t.items() if k.startswith("play_turn_") and k.endswith("ms"))
        lines.append(f"{document} ({t['turns']} turns, {t['interpolated_turns']} flagged "
                     f"« interpolated »): timeline {t['timeline_ms']} ms, p.play(turn=1500) "
                     f"{play} ms, span {t['span_ms']} ms")
    lines.append(f"server group RSS: {memory['idle']['group_rss_mb']} MB idle, "
                 f"{memory['after_streaming']['group_rss_mb']} MB after streaming, "
                 f"{memory['after_browser']['group_rss_mb']} MB after the browser; Voila "
                 f"VmHWM {memory['idle']['voila_hwm_mb']:.1f} → "
                 f"{memory['after_browser']['voila_hwm_mb']:.1f} MB")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1/20th of the lengths")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        (child_add if kind == "add" else child_list)(*rest)
        return
    missing = [t for t in ("sox", "espeak-ng") if shutil.which(t) is None]
    if missing or not Path("/usr/bin/chromium").exists():
        print(f"bench_media: skipped, missing {missing or ['/usr/bin/chromium']}")
        return
    began = time.perf_counter()
    load = os.getloadavg()
    scale = 1 / 20 if args.quick else 1.0
    folder = Path(tempfile.mkdtemp(prefix="bench-media-"))
    runtime = folder / "runtime"
    saved = {k: os.environ.pop(k, None)
             for k in ("JUPYTER_RUNTIME_DIR", "WORKBENCH_PROJECT", "WORKBENCH_MEDIA_BASE_URL")}
    os.environ["JUPYTER_RUNTIME_DIR"] = str(runtime)  # the grants, and Voila's own files
    try:
        figures = run(folder, scale)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(folder, ignore_errors=True)
    figures["bench_seconds"] = round(time.perf_counter() - began, 1)
    figures["load_average_at_start"] = [round(x, 2) for x in load]
    print(figures.pop("_table"))
    if args.quick:  # a try-out: figures printed, outputs/bench/media.json left alone
        print(json.dumps(figures, indent=1, ensure_ascii=False, default=str))
    else:
        report("media", figures)


def run(folder: Path, scale: float) -> dict[str, Any]:
    from tests.browser import voila_server

    t = time.perf_counter()
    made, project = build(folder, scale)
    setup_s = time.perf_counter() - t
    print(f"files and project made in {setup_s:.0f} s: "
          + ", ".join(f"{k} {v['bytes'] / 1e6:.0f} MB" for k, v in made.items()), flush=True)

    add: dict[str, Any] = {}
    for name, info in made.items():
        evict(info["path"])
        cold = child("add", str(project), str(info["path"]), info["document"])
        warm = child("add", str(project), str(info["path"]), info["document"])
        mb = info["bytes"] / 1e6
        add[name] = {"cold": cold, "warm": warm,
                     "cold_mb_per_s": round(mb / cold["seconds"], 1),
                     "warm_mb_per_s": round(mb / warm["seconds"], 1)}
        print(f"add {name}: cold {cold['seconds']:.2f} s, warm {warm['seconds']:.2f} s, "
              f"peak {cold['peak_mb']:.0f} MB (from {cold['rss_before_mb']:.0f})", flush=True)
    marked = child("add", str(project), str(made["FG01"]["path"]), MARKED)
    for info in made.values():
        evict(info["path"])
    listing = child("list", str(project))
    print(f"list: {listing}", flush=True)

    from workbench import Project

    p = Project.open(project, coder="bench")
    transcript = transcript_times(p, 2000)
    print(f"transcript: {transcript}", flush=True)
    links = {name: p.media.link(info["document"]).url for name, info in made.items()}
    fragments = {}
    for name, info in made.items():
        turn = int(info["turns"] * 0.95)
        playback = p.play(info["document"], turn=turn)
        fragments[name] = (playback.src, playback.start)

    notebook = folder / "banc.ipynb"
    notebook.write_text(json.dumps(TINY_NOTEBOOK), encoding="utf-8")
    with voila_server(notebook) as base:
        server = voila_process()
        sampler = Sampler(server)
        time.sleep(2)  # let the kernel the first page started settle
        idle = {"group_rss_mb": sampler.total(), "voila_rss_mb": status(server)["VmRSS"],
                "voila_hwm_mb": status(server)["VmHWM"]}
        sampler.start()
        sampler.mark()
        http = streaming(base.rstrip("/"), links, made, sampler)
        after_streaming = {"group_rss_mb": sampler.total(),
                           "voila_rss_mb": status(server)["VmRSS"],
                           "voila_hwm_mb": status(server)["VmHWM"]}
        print(f"http: {http}", flush=True)
        seeks = browser_seeks(base.rstrip("/"), links, fragments, made)
        browser_peak = sampler.mark()
        after_browser = {"group_rss_mb": sampler.total(),
                         "voila_rss_mb": status(server)["VmRSS"],
                         "voila_hwm_mb": status(server)["VmHWM"]}
        sampler.running = False
        print(f"seeks: {seeks}", flush=True)
    p.close()

    largest = max(made, key=lambda k: made[k]["bytes"])
    files = {name: {k: (str(v.name) if isinstance(v, Path) else v) for k, v in info.items()}
             for name, info in made.items()}
    memory = {"idle": idle, "after_streaming": after_streaming,
              "peak_during_browser_mb": browser_peak, "after_browser": after_browser}
    return {
        "machine_detail": machine(),
        "files": files,
        "largest_file": {"name": largest, "bytes": made[largest]["bytes"],
                         "gib": round(made[largest]["bytes"] / (1 << 30), 2),
                         "hours": made[largest]["seconds"] / 3600,
                         "format": "WAV 48 kHz stereo 16-bit PCM (RIFF), dense: sox-made"},
        "setup_seconds": round(setup_s, 1),
        "add": add, "add_second_document_FG01_marques": marked,
        "list": listing, "transcript": transcript,
        "http": http,
        "server_memory": memory,
        "browser": seeks,
        "browser_flags": "tests.browser.CHROMIUM_FLAGS + --autoplay-policy="
                         "no-user-gesture-required (headless)",
        "_table": table(made, add, http, seeks, listing, transcript, memory),
    }


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory / 1e6, 1),
            "kernel": platform.release(), "sox": sox_version()}


def sox_version() -> str:
    done = subprocess.run(["sox", "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().split()[-1] if done.stdout else "?"


if __name__ == "__main__":
    main()
