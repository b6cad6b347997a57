"""The parent side of the crash and concurrency runs, shared by the tests and
bench/bench_team.py: start workers, kill them, and check what the store holds.

Checks return a list of problems (empty: all good) so that the tests can assert
on it and the benchmark can report it.
"""

from __future__ import annotations

import multiprocessing
import random
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # process_workers, also from bench/

import process_workers

from workbench import Project
from workbench.corpus.readers import read_document

WORDS = ("association", "village", "commune", "projet", "eau", "école", "femmes", "jeunes",
         "diaspora", "puits", "route", "santé", "coopérative", "formation", "bureau", "douar")
CODEBOOK = """codes:
  - id: liens
    name: Liens
  - id: actions
    name: Actions
    children:
      - {id: actions.eau, name: Eau}
      - {id: actions.ecole, name: École}
  - id: femmes
    name: Femmes
"""
CODES = ("liens", "actions.eau", "actions.ecole", "femmes")


def context() -> Any:
    """Processes forked from a server that imported the workbench once."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["workbench.project", "process_workers"])
    return ctx


def transcript(rng: random.Random, turns: int, respondent: str) -> str:
    lines = []
    for i in range(turns):
        speaker = "Enquêtrice" if i % 2 == 0 else respondent
        lines.append(f"{speaker} : " + " ".join(rng.choice(WORDS)
                                               for _ in range(rng.randint(5, 30))) + ".")
    return "\n".join(lines) + "\n"


def new_project(folder: Path, documents: dict[str, str]) -> Path:
    """A closed SQLite project with the small codebook and `documents` imported."""
    corpus = folder / "corpus-initial"
    corpus.mkdir(parents=True)
    for name, text in documents.items():
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / "grille.yaml").write_text(CODEBOOK, encoding="utf-8")
    project = Project.create(folder / "template", coder="lead")
    project.load_codebook(folder / "grille.yaml")
    project.import_corpus(corpus, progress=False)
    project.close()
    return folder / "template" / "project.sqlite"


def copy_project(template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    for suffix in ("", "-wal"):
        if Path(f"{template}{suffix}").exists():
            shutil.copy(f"{template}{suffix}", folder / f"project.sqlite{suffix}")
    return folder


# -- crash runs ----------------------------------------------------------------------------
@dataclass
class Kill:
    """One worker killed: what it had reported, and where the kill landed."""

    delay: float
    messages: list[tuple[Any, ...]]
    finished: bool = False

    @property
    def saved(self) -> list[Any]:
        return [m for m in self.messages if m[0] == "saved"]

    @property
    def in_flight(self) -> int | None:
        """The operation begun and not reported saved when the kill landed."""
        begun = [m[1] for m in self.messages if m[0] == "begin"]
        done = {m[1] for m in self.saved}
        return begun[-1] if begun and begun[-1] not in done else None

    @property
    def where(self) -> str:
        last = [m[0] for m in self.messages if m[0] != "done"][-1]
        return {"txn": "in a write transaction", "begin": "before its transaction",
                "saved": "between writes", "ready": "between writes"}[last]


def run_and_kill(target: Callable[..., None], args: tuple[Any, ...],
                 delay: float | None) -> tuple[Kill, float]:
    """Start a worker, SIGKILL it `delay` seconds after it is ready (None: let it finish);
    returns the kill and how long the worker worked."""
    ctx = context()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=target, args=(*args, send))
    process.start()
    send.close()
    messages: list[tuple[Any, ...]] = []
    if not receive.poll(120):
        process.kill()
        raise RuntimeError("worker did not start")
    messages.append(receive.recv())
    began = time.perf_counter()
    if delay is None:
        process.join(120)
    else:
        time.sleep(delay)
        process.kill()
        process.join()
    worked = time.perf_counter() - began
    while True:
        try:
            if not receive.poll(0.05):
                break
            messages.append(receive.recv())
        except (EOFError, OSError):
            break
    receive.close()
    kill = Kill(delay or 0.0, messages, finished=bool(messages) and messages[-1][0] == "done")
    return kill, worked


@dataclass
class CrashStats:
    kills: int = 0
    where: Counter[str] = field(default_factory=Counter)
    finished_before_kill: int = 0
    writes_saved: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    seed: int = 0

    def summary(self) -> str:
        return (f"{self.kills} kills (seed {self.seed}) in {self.seconds:.1f} s: "
                + ", ".join(f"{n} {w}" for w, n in sorted(self.where.items()))
                + f"; {self.writes_saved} writes reported saved and found; "
                f"{len(self.problems)} problem(s)")


def _after_crash_write(project: Project, problems: list[str], label: str) -> None:
    """The project must accept a write after the crash (no lock left behind)."""
    try:
        project.code(project.documents()["name"].iloc[0], 0, 5, "femmes")
    except Exception as exc:  # any failure is a problem to report
        problems.append(f"{label}: cannot write after the crash: {exc}")


# Import: small corpus folders imported one after the other; each also carries a new
# version of the coded base document, so every import also re-anchors codings.
BASE = "B00_base"


def import_material(folder: Path, corpora: int, seed: int) -> dict[str, Any]:
    """A template project (base document coded) and `corpora` folders to import."""
    rng = random.Random(seed)
    base = transcript(rng, 60, "Fatima")
    template = new_project(folder, {BASE: base})
    with Project.open(template.parent, coder="lead") as project:
        text = project.text(BASE)
        rows = []
        for i in range(10):
            start = text.index("\n", 300 * i) + 1
            rows.append({"document": BASE, "code": CODES[i % 4], "start": start,
                         "end": text.index(" : ", start) + 20})
        project.code_many(rows)
    paths, expected = [], {}
    for i in range(corpora):
        corpus = folder / f"corpus-{i:02d}"
        corpus.mkdir()
        sheet = ["cas;type;document;locuteur;genre;age"]
        for part, who in (("a", "Naïma"), ("b", "Brahim")):
            name = f"I{i:02d}_{part}"
            (corpus / f"{name}.txt").write_text(transcript(rng, 120, who), encoding="utf-8")
            sheet.append(f"Cas {i}{part};personne;{name};{who};{'FH'[part == 'b']};{20 + i}")
        (corpus / f"{BASE}.txt").write_text(f"Enquêtrice : Version {i}.\n{base}",
                                            encoding="utf-8")
        (corpus / "attributes.csv").write_text("\n".join(sheet) + "\n", encoding="utf-8")
        paths.append(str(corpus))
        for file in corpus.glob("*.txt"):
            if file.stem != BASE:
                expected[file.stem] = (i, read_document(file))
    versions = [read_document(Path(p) / f"{BASE}.txt").text for p in paths]
    return {"template": template, "corpora": paths, "documents": expected,
            "base": read_document(folder / "corpus-initial" / f"{BASE}.txt").text,
            "versions": versions}


def check_import(location: Path, kill: Kill, material: dict[str, Any]) -> list[str]:
    """Every corpus reported saved is there whole; none is there in part; the base
    document is one version with its codings on it; the project still takes writes."""
    problems: list[str] = []
    label = f"kill after {kill.delay:.3f} s"
    saved = {m[1] for m in kill.saved}
    project = Project.open(location, coder="check")
    try:
        report = project.verify()
        if not report.ok:
            problems.append(f"{label}: verify() failed:\n{report}")
        docs = project.documents().set_index("name")
        present = Counter(material["documents"][n][0] for n in docs.index if n != BASE)
        for i in range(len(material["corpora"])):
            if present[i] not in (0, 2):
                problems.append(f"{label}: corpus {i} half imported ({present[i]} of 2)")
            if i in saved and present[i] != 2:
                problems.append(f"{label}: corpus {i} reported saved but missing")
            if present[i] and i not in saved and i != kill.in_flight:
                problems.append(f"{label}: corpus {i} present but never imported")
        for name in docs.index:
            parsed = (material["documents"][name][1] if name != BASE else None)
            text = project.text(name)
            if name == BASE:
                committed = [i for i in range(len(material["corpora"])) if present[i]]
                expected = (material["versions"][max(committed)] if committed
                            else material["base"])
                if text != expected:
                    problems.append(f"{label}: base document is not the version of the last "
                                    "import that committed")
                continue
            turns = project.turns(name)
            if text != parsed.text or int(docs.loc[name, "length"]) != len(parsed.text):
                problems.append(f"{label}: {name}: text differs from its file")
            if [(t.speaker, t.start, t.end) for t in parsed.turns] != list(
                    zip(turns["speaker"], turns["start"], turns["end"], strict=True)):
                problems.append(f"{label}: {name}: turns differ from the file")
        cases = project.cases().set_index("case")
        for i in range(len(material["corpora"])):
            for part in "ab":
                case = f"Cas {i}{part}"
                if (case in cases.index) != bool(present[i]):
                    problems.append(f"{label}: case {case} and its documents disagree")
                elif case in cases.index and (cases.loc[case, "genre"] != "FH"[part == "b"]
                                              or str(cases.loc[case, "age"]) != str(20 + i)):
                    problems.append(f"{label}: case {case} has wrong attributes")
        imported = set(project.history(limit=None).query(
            "entity == 'documents' and action == 'import'")["entity_id"])
        if imported != set(docs["id"]):
            problems.append(f"{label}: audit log and documents disagree")
        _after_crash_write(project, problems, label)
    finally:
        project.close()
    return problems


# Batch coding: batches of codings (one transaction each), the batch number in the memo.
def coding_material(folder: Path, batches: int, size: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    documents = {f"E{i:02d}": transcript(rng, 40, "Youssef") for i in range(3)}
    template = new_project(folder, documents)
    with Project.open(template.parent) as project:
        lengths = dict(zip(project.documents()["name"], project.documents()["length"],
                           strict=True))
    plan = []
    for b in range(batches):
        rows = []
        for _ in range(size):
            name = rng.choice(sorted(lengths))
            start = rng.randrange(0, lengths[name] - 60)
            rows.append({"document": name, "code": rng.choice(CODES), "start": start,
                         "end": start + rng.randint(5, 60), "memo": f"lot {b}"})
        plan.append(rows)
    return {"template": template, "batches": plan}


def check_coding(location: Path, kill: Kill, material: dict[str, Any]) -> list[str]:
    """Every batch reported saved is there whole with its ids; no batch is there in part."""
    problems: list[str] = []
    label = f"kill after {kill.delay:.3f} s"
    project = Project.open(location, coder="check")
    try:
        report = project.verify()
        if not report.ok:
            problems.append(f"{label}: verify() failed:\n{report}")
        found = project.extracts(status="all")
        saved = {m[1]: m[2] for m in kill.saved}
        for b, rows in enumerate(material["batches"]):
            mine = found[found["memo"] == f"lot {b}"]
            if len(mine) not in (0, len(rows)):
                problems.append(f"{label}: batch {b} half saved ({len(mine)} of {len(rows)})")
            if b in saved and sorted(mine["coding_id"]) != sorted(saved[b]):
                problems.append(f"{label}: batch {b} reported saved but not all there")
            if len(mine) and b not in saved and b != kill.in_flight:
                problems.append(f"{label}: batch {b} present but never written")
            if len(mine) == len(rows):
                wanted = sorted((r["document"], r["start"], r["end"], r["code"]) for r in rows)
                got = sorted(zip(mine["document"], mine["start"], mine["end"], mine["code"],
                                 strict=True))
                if wanted != got:
                    problems.append(f"{label}: batch {b} holds other spans than asked")
        events = project.history(limit=None).query(
            "entity == 'codings' and action == 'create'")
        if sorted(events["entity_id"]) != sorted(found["coding_id"]):
            problems.append(f"{label}: audit log and codings disagree")
        _after_crash_write(project, problems, label)
    finally:
        project.close()
    return problems


def crash_campaign(kind: str, folder: Path, *, kills: int, seed: int) -> CrashStats:
    """Kill a worker `kills` times at random moments (seeded) while it imports or codes
    in a fresh copy of a template project; check the project after each kill."""
    rng = random.Random(seed)
    if kind == "import":
        material = import_material(folder / "material", corpora=12, seed=seed)
        target, check = process_workers.import_corpora, check_import
        work = (material["corpora"],)
    else:
        material = coding_material(folder / "material", batches=40, size=20, seed=seed)
        target, check = process_workers.code_batches, check_coding
        work = (material["batches"],)
    stats = CrashStats(seed=seed)
    began = time.perf_counter()
    calibration = copy_project(material["template"], folder / "calibration")
    full, duration = run_and_kill(target, (str(calibration), *work), None)
    if not full.finished:
        stats.problems.append(f"the {kind} worker does not finish on its own: {full.messages}")
        return stats
    stats.problems += check(calibration, full, material)
    for k in range(kills):
        location = copy_project(material["template"], folder / f"kill-{k:02d}")
        kill, _ = run_and_kill(target, (str(location), *work), rng.uniform(0, 0.8 * duration))
        stats.kills += 1
        if kill.finished:
            stats.finished_before_kill += 1
            stats.where["after finishing"] += 1
        else:
            stats.where[kill.where] += 1
        stats.writes_saved += len(kill.saved)
        stats.problems += check(location, kill, material)
        shutil.rmtree(location)
    stats.seconds = time.perf_counter() - began
    return stats


# -- concurrency ---------------------------------------------------------------------------
@dataclass
class TeamRun:
    coders: int
    codings: int
    per_transaction: int
    seconds: float = 0.0
    lock_retries: int = 0
    ids: dict[str, list[int]] = field(default_factory=dict)
    spans: dict[str, list[tuple[str, int, int, str]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def codings_per_second(self) -> float:
        return self.coders * self.codings / self.seconds if self.seconds else 0.0


def team_project(target: str | Path, folder: Path) -> None:
    """The small two-document project the team codes, at a folder or a database URL."""
    rng = random.Random(3)
    corpus = folder / "corpus-team"
    corpus.mkdir(parents=True)
    for name in ("E01", "E02"):
        (corpus / f"{name}.txt").write_text(transcript(rng, 40, "Fatima"), encoding="utf-8")
    (folder / "grille-team.yaml").write_text(CODEBOOK, encoding="utf-8")
    with Project.create(target, coder="lead") as project:
        project.load_codebook(folder / "grille-team.yaml")
        project.import_corpus(corpus, progress=False)


def run_team(target: str | Path, *, coders: int = 8, codings: int = 1000,
             per_transaction: int = 1, seed: int = 5, timeout: float = 300) -> TeamRun:
    """`coders` processes coding the same project at once; returns what each reported."""
    with Project.open(target, coder="lead") as project:
        lengths = dict(zip(project.documents()["name"], project.documents()["length"],
                           strict=True))
    rng = random.Random(seed)
    run = TeamRun(coders, codings, per_transaction)
    ctx = context()
    start = ctx.Barrier(coders + 1, timeout=timeout)
    workers = []
    for k in range(coders):
        name = f"coder_{k}"
        spans = []
        for _ in range(codings):
            doc = rng.choice(sorted(lengths))
            a = rng.randrange(0, lengths[doc] - 50)
            spans.append((doc, a, a + rng.randint(3, 50), rng.choice(CODES)))
        run.spans[name] = spans
        receive, send = ctx.Pipe(duplex=False)
        process = ctx.Process(target=process_workers.code_concurrently,
                              args=(str(target), name, spans, per_transaction, start, send))
        process.start()
        send.close()
        workers.append((name, process, receive))
    start.wait()
    began = time.perf_counter()
    for name, process, receive in workers:
        if not receive.poll(timeout):
            run.errors.append(f"{name}: no answer in {timeout} s")
            process.kill()
        else:
            message = receive.recv()
            if message[0] == "error":
                run.errors.append(f"{name}: {message[1]}")
            else:
                run.ids[name] = message[1]
                run.lock_retries += message[2]
        process.join(30)
        if process.exitcode != 0:
            run.errors.append(f"{name}: exit code {process.exitcode}")
    run.seconds = time.perf_counter() - began
    return run


def check_team(target: str | Path, run: TeamRun) -> list[str]:
    """Every coding of every coder is there, once, as asked; verify() passes."""
    problems = list(run.errors)
    with Project.open(target, coder="lead") as project:
        found = project.extracts(status="all")
        report = project.verify()
        events = project.history(limit=None).query("entity == 'codings' and action == 'create'")
    if not report.ok:
        problems.append(f"verify() failed:\n{report}")
    expected = run.coders * run.codings
    if len(found) != expected:
        problems.append(f"{len(found)} codings in the project, {expected} expected")
    counts = found["coder"].value_counts().to_dict()
    for name, spans in run.spans.items():
        if counts.get(name) != run.codings:
            problems.append(f"{name}: {counts.get(name, 0)} codings, {run.codings} expected")
        mine = found[found["coder"] == name]
        if sorted(mine["coding_id"]) != sorted(run.ids.get(name, [])):
            problems.append(f"{name}: the ids reported saved are not the ids stored")
        got = sorted(zip(mine["document"], mine["start"], mine["end"], mine["code"],
                         strict=True))
        if got != sorted(spans):
            problems.append(f"{name}: stored spans differ from the spans coded")
    if len(events) != len(found):
        problems.append(f"{len(events)} creation events for {len(found)} codings")
    return problems
