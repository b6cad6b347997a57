"""Helpers shared by the benchmarks: timing, synthetic corpora, writing figures."""

from __future__ import annotations

import json
import platform
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "outputs" / "bench"

WORDS = [
    "association", "village", "commune", "projet", "eau", "école", "femmes", "jeunes",
    "diaspora", "transfert", "retraite", "convention", "partenariat", "financement",
    "douar", "puits", "route", "santé", "coopérative", "argan", "formation", "bureau",
    "président", "trésorière", "réunion", "famille", "retour", "été", "pays", "enfants",
    "parents", "mairie", "budget", "subvention", "confiance",
]
SPEAKERS = ("Enquêtrice", "Fatima", "Enquêteur", "Youssef", "Naïma", "Brahim")
REGIONS = ("Île-de-France", "PACA", "Occitanie", "Auvergne-Rhône-Alpes", "Bruxelles")


def synthetic_transcript(words: int, seed: int) -> str:
    """A plain-text interview of about `words` words in `Speaker : …` lines."""
    rng = random.Random(seed)
    interviewer, respondent = rng.choice(SPEAKERS[::2]), rng.choice(SPEAKERS[1::2])
    lines, count, turn = [], 0, 0
    while count < words:
        n = rng.randint(8, 60)
        speaker = interviewer if turn % 2 == 0 else respondent
        lines.append(f"{speaker} : " + " ".join(rng.choice(WORDS) for _ in range(n)) + ".")
        count += n
        turn += 1
    return "\n".join(lines) + "\n"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def report(name: str, figures: dict[str, Any]) -> Path:
    """Print the figures and write them as JSON under outputs/bench/."""
    OUT.mkdir(parents=True, exist_ok=True)
    figures = {"benchmark": name, "machine": platform.machine(),
               "python": platform.python_version(), **figures}
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    for key, value in figures.items():
        print(f"{key:>42}: {value}")
    print(f"written: {path}")
    return path
