"""Helpers shared by the benchmarks: timing, synthetic corpora, writing figures."""

from __future__ import annotations

import json
import platform
import random
import statistics
import subprocess
import sys
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


GENERATIONS = ("première génération", "née ou né en France")
PROVINCES = ("Tiznit", "Taroudannt", "Chtouka-Aït Baha", "Agadir Ida-Outanane",
             "Inezgane-Aït Melloul")
CODERS = ("claire", "karim", "sophie", "youssef")


def synthetic_project(folder: Path, interviews: int = 500, words: int = 1500,
                      codings_per_interview: int = 20, seed: int = 11) -> Any:
    """A project of `interviews` synthetic transcripts coded against the demo codebook.

    Cases carry gender, generation, region and province; codings spread over
    four coders, with a memo on one in ten. Returns the open `Project`.
    """
    from workbench import Project

    rng = random.Random(seed)
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    rows = ["cas;document;locuteur;genre;generation;region_residence;province_origine;age"]
    for i in range(interviews):
        text = synthetic_transcript(words, seed=seed * 100_000 + i)
        (corpus / f"E{i:04d}_entretien.txt").write_text(text, encoding="utf-8")
        speaker = [ln.split(" : ")[0] for ln in text.splitlines()][1]
        rows.append(f"Cas {i};E{i:04d}_entretien;{speaker};{'FH'[i % 2]};"
                    f"{GENERATIONS[i % 2 if i % 3 else 0]};{REGIONS[i % len(REGIONS)]};"
                    f"{PROVINCES[i % len(PROVINCES)]};{20 + i % 50}")
    (corpus / "attributes.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    project = Project.create(folder / "projet", coder="bench")
    project.load_codebook(ROOT / "codebooks" / "diaspora_souss_massa.yaml")
    project.import_corpus(corpus, attributes=corpus / "attributes.csv", progress=False)
    codes = [key for key in project.codes()["key"] if "." in key]
    docs = project.documents()
    batch = []
    for name, length in zip(docs["name"], docs["length"], strict=True):
        for _ in range(codings_per_interview):
            start = rng.randrange(0, max(1, length - 300))
            batch.append({"document": name, "code": rng.choice(codes), "start": start,
                          "end": start + rng.randint(40, 300), "coder": rng.choice(CODERS),
                          "memo": "Mémo de synthèse." if rng.random() < 0.1 else None})
    project.code_many(batch)
    return project


def run_child(script: str, project: Path, out: Path, repeat: int) -> dict[str, Any]:
    """Run `script --child project out repeat` in a fresh interpreter (cold caches, its
    own peak memory) and return the JSON it prints last."""
    done = subprocess.run([sys.executable, script, "--child", str(project), str(out),
                           str(repeat)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])
