"""Offline coding assistance: are the learned suggestions better than keyword rules, and
how long do indexing, training and suggesting take?

Quality (passages = sentences, `workbench.assist.index.build_index`):

* SERDIF (../shared/data/coded/serdif_taguette, skipped when absent): the 17 English
  transcripts with the authors' final Taguette highlights (located by their text,
  accepted, origin « import »), codes named and defined as in taguette_tags.csv.
* Demo (`workbench demo`): the 14 French documents and their 210 manual codings.

Protocol, the same for both: the documents are split in two; models are trained
(`learn.train`, default settings) on the accepted codings of the training documents
only, which alone count as read; the test documents' passages are scored and a passage
is predicted when its score reaches its model's threshold and the model may suggest it
(`LearnedModels.eligible`, as `p.assist.suggest()`). Gold: the test passages
that a human coding of the code covers (`overlapping`, share 0.5). Rules go through
the real matcher (`match_rules`, on the tokens the index is built from: SERDIF is
English, whose documents `p.review.autocode()` leaves out for want of a spaCy model),
and their matched sentences are mapped to passages the same way. Precision, recall
and F1 per code and their macro average (`learn.code_scores`), on the same passages
and the same codes: those that got a model and have a coded test passage (on the demo,
also a rule in the codebook).

* Fixed split: SERDIF P1–P11 train, P12–P17 test (participant number); demo: every
  third document by name from the third (E03, E06, E09, FG01) in test, the ten
  others train.
* Cross-validation (SERDIF and demo): documents shuffled with seed 7 into 3 folds;
  each fold is tested with models and learned rules from the two others; the
  predictions are pooled (each passage predicted once) before scoring.

Rule baselines on SERDIF, whose codebook has no rules: « règles du codebook », one rule
per code with the content words of its name and definition (what one would write from
the codebook alone); « règles apprises sur l'entraînement », per code the 10 lemmas or
two-word phrases most over-represented (chi², at least 3 coded passages) in the code's
training passages against the other training passages. On the demo: the codebook's own
rules, and the same learned rules.

Time (demo, each run in a fresh process on a fresh copy; peak memory is the process's
VmHWM): the passage index with no assist cache and no parse cache, with the parse
cache only, and from both caches; then `p.assist.train()` and `p.assist.suggest()`.
Best of 3 runs per case (the machine may be shared: the load average is recorded).

Figures: outputs/bench/assist.json (summary) and outputs/bench/assist.md (tables).

    .venv/bin/python bench/bench_assist.py
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Hashable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT, ROOT, report

from workbench import Project, team
from workbench.assist.index import PassageIndex, build_index
from workbench.assist.learn import LearnedModels, code_scores, train
from workbench.assist.service import codings_frame
from workbench.assist.units import content_mask, overlapping
from workbench.autocoding import phrase_tokens, stored_rules
from workbench.codebook.rules import Rule, to_rule
from workbench.coding.autocode import match_rules
from workbench.coding.extracts import turn_table
from workbench.demo import build_demo
from workbench.nlp.languages import effective_language
from workbench.nlp.parse import parse_texts
from workbench.nlp.pipeline import blank_model, model_for
from workbench.nlp.tokens import token_frame
from workbench.parsed import document_languages, document_texts, project_tokens

SERDIF = ROOT.parent / "shared" / "data" / "coded" / "serdif_taguette"
SEED = 7
FOLDS = 3
TOP_TERMS = 10
MIN_CODED = 3  # coded training passages a learned rule's word must appear in
MODELS = "modèles appris"
CODEBOOK_RULES = "règles du codebook"
LEARNED_RULES = "règles apprises sur l'entraînement"


# -- projects -------------------------------------------------------------------------------
def serdif_project(folder: Path) -> tuple[Project, pd.DataFrame]:
    """The 17 SERDIF transcripts and the final Taguette highlights (accepted, located by
    their text), codes named and defined as in taguette_tags.csv."""
    tags = pd.read_csv(SERDIF / "taguette_tags.csv")
    final = pd.read_csv(SERDIF / "taguette_highlights.csv").dropna(subset=["tags"])
    final = final.assign(code=final["tags"].str.split("|")).explode("code")
    (folder / "codes.yaml").write_text(yaml.safe_dump(
        {"codes": [{"name": n, "definition": " ".join(str(d).split())}
                   for n, d in zip(tags["tag"], tags["description"], strict=True)]},
        allow_unicode=True), encoding="utf-8")
    project = Project.create(folder / "serdif", coder="lead")
    project.load_codebook(folder / "codes.yaml")
    project.import_corpus(SERDIF / "documents_txt", progress=False)
    team.import_quoted_codings(project, pd.DataFrame(
        {"document": final["document"], "code": final["code"], "quote": final["text"],
         "near": final["taguette_start_offset"]}), "final")
    return project, tags


def pipeline_of(project: Project) -> str:
    """The pipeline the project's (single-language) documents are parsed with, as the
    index parses them: the language's model, else its model-less tokeniser."""
    languages = {effective_language(x) for x in document_languages(project.store).values()}
    (language,) = languages
    return model_for(language) or blank_model(language)


class Corpus:
    """A project with what the protocol needs: the passage index, the tokens it was built
    from (with their passage), the accepted human codings and the gold passages."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.model = pipeline_of(project)
        self.index: PassageIndex = build_index(project.store, project.location)
        self.units = self.index.units
        tokens = project_tokens(project.store, project.location, progress=False, purpose=None,
                                sentences_only=True)
        self.tokens = tokens
        self.texts = document_texts(project.store)
        with project.store.read() as conn:
            self.turns = turn_table(conn).rename(columns={"document": "document_name",
                                                          "document_id": "document"})
        codings = codings_frame(project.store)
        human = ~codings["origin"].str.startswith(("rule:", "model:"))
        self.codings = codings[human & codings["status"].eq("accepted")]
        self.codes = sorted(set(self.codings["code"]))
        self.gold = {c: overlapping(self.units, self.codings[self.codings["code"] == c])
                     for c in self.codes}
        self.names = dict(zip(project.documents()["id"], project.documents()["name"],
                              strict=True))
        self._terms()

    def _terms(self) -> None:
        """Passage × term presence for the learned rules: content lemmas, and two adjacent
        content words of one passage as the phrase they form in the text."""
        t = self.tokens[~self.tokens["is_space"].to_numpy(dtype=bool)].reset_index(drop=True)
        content = content_mask(t)
        row = np.full(len(t), -1, dtype=np.int64)
        doc_rows = self.units.groupby("document_id").indices
        for doc, idx in t.groupby("document_id").indices.items():
            rows = doc_rows.get(doc)
            if rows is None:
                continue
            lo, hi = self.units["start"].to_numpy()[rows], self.units["end"].to_numpy()[rows]
            k = np.searchsorted(lo, t["start"].to_numpy()[idx], side="right") - 1
            ok = (k >= 0) & (t["end"].to_numpy()[idx] <= hi[np.clip(k, 0, None)])
            row[idx[ok]] = rows[k[ok]]
        keep = content & (row >= 0)
        lemmas = t["lemma"].astype(str).str.lower().to_numpy()
        pairs = np.flatnonzero(keep[:-1] & keep[1:] & (row[:-1] == row[1:]))
        docs = t["document_id"].to_numpy()
        starts, ends = t["start"].to_numpy(), t["end"].to_numpy()
        phrases = [" ".join(self.texts[docs[i]][starts[i]:ends[i + 1]].lower().split())
                   for i in pairs]
        terms = pd.DataFrame({"row": np.concatenate([row[keep], row[pairs]]),
                              "term": np.concatenate([lemmas[keep], np.array(phrases,
                                                                              dtype=object)]),
                              "phrase": np.r_[np.zeros(int(keep.sum()), bool),
                                              np.ones(len(pairs), bool)]})
        terms = terms.drop_duplicates(["row", "term"])
        self.term_names, codes = np.unique(terms["term"].to_numpy(dtype=str),
                                           return_inverse=True)
        is_phrase = pd.Series(terms["phrase"].to_numpy()).groupby(codes).first()
        self.term_is_phrase = is_phrase.sort_index().to_numpy()
        self.presence = sp.csr_matrix((np.ones(len(terms)), (terms["row"].to_numpy(), codes)),
                                      shape=(len(self.units), len(self.term_names)))

    def rule_passages(self, rules: list[Rule]) -> dict[str, np.ndarray]:
        """For each code, the passages its rules' matches cover (`overlapping`, share 0.5)."""
        tokens = self.tokens.drop(columns=["document"]).rename(
            columns={"document_id": "document"})
        found = match_rules(rules, tokens, self.turns, self.texts,
                            phrases=phrase_tokens(rules, model=self.model))
        found = found.rename(columns={"document": "document_id"})
        return {c: overlapping(self.units, found[found["code"] == c])
                for c in {r.code for r in rules}}


# -- rule baselines -------------------------------------------------------------------------
def codebook_rules(tags: pd.DataFrame, corpus: Corpus) -> list[Rule]:
    """One rule per code: the content words of its name and definition, parsed by the
    corpus's pipeline (for English, model-less: the word as written, lower-cased)."""
    keys = dict(zip(corpus.project.codes()["name"], corpus.project.codes()["key"],
                    strict=True))
    pairs = zip(tags["tag"], tags["description"], strict=True)
    texts: dict[Hashable, str] = {i: f"{n}. {d}" for i, (n, d) in enumerate(pairs)}
    tokens = token_frame(parse_texts(texts, model=corpus.model, progress=False))
    tokens = tokens[content_mask(tokens)]
    rules = []
    for i, name in enumerate(tags["tag"]):
        words = list(dict.fromkeys(tokens.loc[tokens["document"] == i, "lemma"].str.lower()))
        rules.append(to_rule({"id": f"codebook-{keys[name]}", "lemmas": words}, keys[name]))
    return rules


def learned_rules(corpus: Corpus, train_docs: list[int], codes: list[str]) -> list[Rule]:
    """Per code, the TOP_TERMS lemmas or phrases whose presence in a training passage is
    most associated with the code (chi², over-represented, in ≥ MIN_CODED coded
    passages): the keyword rule an analyst could write after reading the codings."""
    train_rows = corpus.units["document_id"].isin(train_docs).to_numpy()
    x = corpus.presence[np.flatnonzero(train_rows)]
    in_term = np.asarray(x.sum(axis=0)).ravel()
    n = x.shape[0]
    rules = []
    for code in codes:
        y = corpus.gold[code][train_rows]
        pos = int(y.sum())
        if not pos or pos == n:
            continue
        a = np.asarray(x[np.flatnonzero(y)].sum(axis=0)).ravel()
        b = in_term - a
        neg = n - pos
        denominator = pos * neg * in_term * (n - in_term)
        chi2 = np.where(denominator > 0, n * (a * (neg - b) - b * (pos - a)) ** 2
                        / np.maximum(denominator, 1), 0.0)
        chi2[(a < MIN_CODED) | (a * neg <= b * pos)] = 0.0
        best = [j for j in np.argsort(-chi2, kind="stable")[:TOP_TERMS] if chi2[j] > 0]
        if not best:
            continue
        words = [str(corpus.term_names[j]) for j in best if not corpus.term_is_phrase[j]]
        phrases = [str(corpus.term_names[j]) for j in best if corpus.term_is_phrase[j]]
        rules.append(to_rule({"id": f"learned-{code}", "lemmas": words, "phrases": phrases},
                             code))
    return rules


# -- protocol -------------------------------------------------------------------------------
def trained(corpus: Corpus, train_docs: list[int]) -> LearnedModels:
    """Models trained on the accepted codings of `train_docs` only (read: those)."""
    mine = corpus.codings[corpus.codings["document_id"].isin(train_docs)]
    learned, _ = train(corpus.index, mine, corpus.codes, read=train_docs)
    return learned


def model_passages(corpus: Corpus, learned: LearnedModels,
                   test_docs: list[int]) -> dict[str, np.ndarray]:
    """Per code with a model, the test passages it would suggest, as `p.assist.suggest()`
    does: scoring at least its threshold, and eligible (enough content words, a speaker
    role the code was used in). Over the whole index, False outside the test documents."""
    rows = np.flatnonzero(corpus.units["document_id"].isin(test_docs).to_numpy())
    features = learned.features(corpus.index, rows)
    out = {}
    for code, model in learned.models.items():
        hit = np.zeros(len(corpus.units), dtype=bool)
        hit[rows] = ((learned.probability(features, code) >= model.threshold)
                     & learned.eligible(corpus.index, code)[rows])
        out[code] = hit
    return out


def scored(corpus: Corpus, test_rows: np.ndarray, codes: list[str],
           predicted: dict[str, np.ndarray]) -> pd.DataFrame:
    """`code_scores` on the test passages for `codes` (a code with no prediction: none)."""
    none = np.zeros(len(corpus.units), dtype=bool)
    return code_scores({c: corpus.gold[c][test_rows] for c in codes},
                       {c: predicted.get(c, none)[test_rows] for c in codes})


class Split:
    """What one split gives: the codes that got a model, each method's predicted passages
    per code (over the whole index, False outside the test documents), the training time
    and the learned rules."""

    def __init__(self, corpus: Corpus, train_docs: list[int], test_docs: list[int],
                 fixed_rules: dict[str, list[Rule]]) -> None:
        started = time.perf_counter()
        learned = trained(corpus, train_docs)
        self.train_s = time.perf_counter() - started
        self.codes = sorted(learned.models)
        self.predictions = {MODELS: model_passages(corpus, learned, test_docs)}
        for name, rules in fixed_rules.items():
            self.predictions[name] = corpus.rule_passages([r for r in rules
                                                           if r.code in self.codes])
        written = learned_rules(corpus, train_docs, self.codes)
        self.predictions[LEARNED_RULES] = corpus.rule_passages(written)
        self.rules = {r.code: [*r.lemmas, *(f"« {x} »" for x in r.phrases)] for r in written}


def evaluate(corpus: Corpus, fixed_test: list[str], fixed_rules: dict[str, list[Rule]], *,
             ruled_only: bool = False) -> dict[str, Any]:
    """The fixed split and the pooled cross-validation of one corpus. Codes compared: those
    with a model (and, `ruled_only`, a rule of `fixed_rules`) and a coded test passage."""
    ruled = {r.code for rules in fixed_rules.values() for r in rules}

    def compared(codes: list[str], rows: np.ndarray) -> list[str]:
        return [c for c in codes if (c in ruled or not ruled_only) and corpus.gold[c][rows].any()]

    ids = {name: d for d, name in corpus.names.items()}
    test_docs = sorted(ids[n] for n in fixed_test)
    train_docs = sorted(set(corpus.names) - set(test_docs))
    split = Split(corpus, train_docs, test_docs, fixed_rules)
    test_rows = corpus.units["document_id"].isin(test_docs).to_numpy()
    codes = compared(split.codes, test_rows)
    methods = [MODELS, *fixed_rules, LEARNED_RULES]
    figures: dict[str, Any] = {
        "train_documents": [corpus.names[d] for d in train_docs],
        "test_documents": [corpus.names[d] for d in test_docs],
        "test_passages": int(test_rows.sum()), "codes_with_model": len(split.codes),
        "codes_compared": len(codes),
        "codes_left_out": sorted(set(corpus.codes) - set(codes)),
        "train_s": round(split.train_s, 2),
        "learned_rules": {c: w for c, w in split.rules.items() if c in codes},
        "fixed": {m: scored(corpus, test_rows, codes, split.predictions[m]) for m in methods}}
    order = sorted(corpus.names)
    random.Random(SEED).shuffle(order)
    folds = [sorted(order[i::FOLDS]) for i in range(FOLDS)]
    pooled: dict[str, dict[str, np.ndarray]] = {m: {} for m in methods}
    fold_codes: list[set[str]] = []
    fold_macro: dict[str, list[float]] = {m: [] for m in methods}
    for test in folds:
        train_part = sorted(set(order) - set(test))
        fold = Split(corpus, train_part, test, fixed_rules)
        rows = corpus.units["document_id"].isin(test).to_numpy()
        fold_codes.append(set(fold.codes))
        in_fold = compared(fold.codes, rows)
        for m in methods:
            fold_macro[m].append(float(scored(corpus, rows, in_fold,
                                              fold.predictions[m]).iloc[-1]["f1"]))
            for code, hit in fold.predictions[m].items():
                pooled[m].setdefault(code, np.zeros(len(corpus.units), dtype=bool))
                pooled[m][code] |= hit & rows
    everywhere = np.ones(len(corpus.units), dtype=bool)
    every = compared(sorted(set.intersection(*fold_codes)), everywhere)
    figures["folds"] = [[corpus.names[d] for d in f] for f in folds]
    figures["cv_codes"] = len(every)
    figures["cv_fold_macro_f1"] = {m: [round(v, 3) for v in fold_macro[m]] for m in methods}
    figures["cv"] = {m: scored(corpus, everywhere, every, pooled[m]) for m in methods}
    return figures


# -- time -----------------------------------------------------------------------------------
TIMED = """
import json, resource, shutil, sys, time
started = time.perf_counter()
sys.path.insert(0, {root!r})
from pathlib import Path
from workbench import Project
from workbench.assist.service import passage_index
folder = Path({folder!r})
for cache in {drop!r}:
    shutil.rmtree(folder / "cache" / cache, ignore_errors=True)
p = Project.open(folder)
imported = time.perf_counter() - started
t = time.perf_counter(); index = passage_index(p.store, p.location); built = time.perf_counter() - t
t = time.perf_counter(); report = p.assist.train(); trained = time.perf_counter() - t
t = time.perf_counter(); done = p.assist.suggest(); suggested = time.perf_counter() - t
total = time.perf_counter() - started
try:  # this process's own peak (ru_maxrss would count the parent's memory at fork)
    status = Path("/proc/self/status").read_text().split("VmHWM:")[1]
    peak = int(status.split()[0]) // 1024
except (OSError, IndexError, ValueError):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({{"open_and_imports_s": round(imported, 2), "index_s": round(built, 2),
                  "train_s": round(trained, 2), "suggest_s": round(suggested, 2),
                  "index_train_suggest_s": round(built + trained + suggested, 2),
                  "process_total_s": round(total, 2),
                  "passages": len(index), "models": int(report["trained"].sum()),
                  "suggestions": int(done["new_suggestions"].sum()), "peak_rss_mb": peak}}))
"""
WARM = """
import sys
sys.path.insert(0, {root!r})
from workbench import Project
from workbench.assist.service import passage_index
p = Project.open({folder!r})
passage_index(p.store, p.location)
"""

CASES = {"no_cache": ["assist", "spacy"], "parse_cache_only": ["assist"], "both_caches": []}
REPEAT = 3


def timings(demo: Path, work: Path, repeat: int = REPEAT) -> dict[str, Any]:
    """Index, train and suggest on a fresh copy of the demo, in a fresh process per run;
    per case the run with the smallest index + train + suggest time of `repeat` (the
    machine may be shared), with the totals of all runs."""
    out: dict[str, Any] = {}
    for case, drop in CASES.items():
        runs = []
        for i in range(repeat):
            folder = work / f"demo_{case}_{i}"
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(demo, folder)
            if not drop:  # the assist cache of this copy is built first, untimed
                subprocess.run([sys.executable, "-c", WARM.format(root=str(ROOT),
                                                                  folder=str(folder))],
                               check=True, cwd=ROOT)
            done = subprocess.run([sys.executable, "-c", TIMED.format(
                root=str(ROOT), folder=str(folder), drop=drop)],
                capture_output=True, text=True, check=True, cwd=ROOT)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            shutil.rmtree(folder, ignore_errors=True)
        best = min(runs, key=lambda r: r["index_train_suggest_s"])
        out[case] = {**best, "totals_of_all_runs_s": [r["index_train_suggest_s"] for r in runs]}
    return out


# -- writing --------------------------------------------------------------------------------
def table(frames: dict[str, pd.DataFrame]) -> str:
    """One markdown table: a row per code, P / R / F1 of each method side by side."""
    methods = list(frames)
    first = frames[methods[0]]
    head = "| code | passages codés | " + " | ".join(f"{m} P / R / F1" for m in methods) + " |"
    lines = [head, "|" + "---|" * (2 + len(methods))]
    for i, code in enumerate(first["code"]):
        cells = []
        for m in methods:
            r = frames[m].iloc[i]
            cells.append(" / ".join("–" if pd.isna(r[k]) else f"{r[k]:.2f}"
                                    for k in ("precision", "recall", "f1")))
        name = f"**{code}**" if code == "moyenne (macro)" else code
        lines.append(f"| {name} | {first.iloc[i]['gold']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def macro(frames: dict[str, pd.DataFrame]) -> dict[str, dict[str, float]]:
    return {m: {k: round(float(f.iloc[-1][k]), 3) for k in ("precision", "recall", "f1")}
            for m, f in frames.items()}


def section(title: str, figures: dict[str, Any]) -> str:
    return "\n\n".join([
        f"## {title}",
        f"Split fixe — apprentissage : {', '.join(figures['train_documents'])} ; "
        f"test : {', '.join(figures['test_documents'])} ({figures['test_passages']} "
        f"passages de test ; {figures['codes_with_model']} codes ont un modèle, "
        f"{figures['codes_compared']} sont comparés ; laissés de côté : "
        f"{', '.join(figures['codes_left_out']) or 'aucun'}).",
        table(figures["fixed"]),
        f"Validation croisée en {FOLDS} blocs de documents (graine {SEED}), prédictions "
        f"regroupées, {figures['cv_codes']} codes ayant un modèle dans chaque bloc ; F1 macro "
        f"par bloc : " + " ; ".join(f"{m} {v}" for m, v in
                                   figures["cv_fold_macro_f1"].items()) + ".",
        table(figures["cv"]),
        "Règles apprises sur l'entraînement (split fixe) : " + " ; ".join(
            f"{code} : {', '.join(words)}"
            for code, words in figures["learned_rules"].items()) + "."])


def main() -> None:
    started = time.perf_counter()
    figures: dict[str, Any] = {"date": date.today().isoformat(), "cpus": os.cpu_count(),
                                  "processor": processor(),
                                  "load_average_at_start": round(os.getloadavg()[0], 2)}
    sections = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if SERDIF.is_dir():
            (work / "serdif").mkdir()
            project, tags = serdif_project(work / "serdif")
            corpus = Corpus(project)
            later = [n for n in corpus.names.values() if int(n[1:].split("_")[0]) >= 12]
            result = evaluate(corpus, later, {CODEBOOK_RULES: codebook_rules(tags, corpus)})
            figures["serdif"] = summary(result, corpus)
            sections.append(section("SERDIF (anglais, 17 entretiens, codage Taguette des "
                                     "auteurs)", result))
            project.close()
        else:
            figures["serdif"] = f"skipped: {SERDIF} not found"
        demo = build_demo(ROOT, work / "demo", progress=False)
        corpus = Corpus(demo)
        names = sorted(corpus.names.values())
        result = evaluate(corpus, names[2::3], {CODEBOOK_RULES: stored_rules(demo.store)},
                          ruled_only=True)
        figures["demo"] = summary(result, corpus)
        sections.append(section("Démo (français, 14 documents, 210 codages manuels)", result))
        demo.close()
        figures["demo_time"] = timings(work / "demo", work)
    figures["load_average_at_end"] = round(os.getloadavg()[0], 2)
    figures["bench_s"] = round(time.perf_counter() - started, 1)
    report("assist", figures)
    text = "\n\n".join([f"# Assistance au codage — mesures du {figures['date']}",
                        f"Machine : {figures['cpus']} cœurs ({figures['processor']}), Python "
                        f"{platform.python_version()} ; charge moyenne (1 min) "
                        f"{figures['load_average_at_start']} au début, "
                        f"{figures['load_average_at_end']} à la fin ; banc entier "
                        f"{figures['bench_s']} s.", *sections,
                        "## Temps (démo)", times_table(figures["demo_time"])])
    path = OUT / "assist.md"
    path.write_text(text + "\n", encoding="utf-8")
    print("\n" + text)
    print(f"written: {path}")


def processor() -> str:
    """The CPU's model name (Linux), else what `platform` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def summary(result: dict[str, Any], corpus: Corpus) -> dict[str, Any]:
    """The JSON figures of one corpus: sizes, macro averages and per-code F1."""
    return {"documents": len(corpus.names), "passages": len(corpus.units),
            "codings": len(corpus.codings),
            **{k: result[k] for k in ("test_documents", "test_passages", "codes_with_model",
                                      "codes_compared", "codes_left_out", "train_s", "cv_codes",
                                      "cv_fold_macro_f1")},
            "fixed_macro": macro(result["fixed"]),
            "cv_macro": macro(result["cv"])}


def times_table(times: dict[str, dict[str, Any]]) -> str:
    labels = {"no_cache": "sans aucun cache", "parse_cache_only": "analyses spaCy en cache",
              "both_caches": "index en cache"}
    lines = ["| cas | index (s) | entraînement (s) | suggestions (s) | total (s) | "
             "totaux des essais (s) | processus entier (s) | mémoire max (Mo) |",
             "|---|---|---|---|---|---|---|---|"]
    for case, t in times.items():
        lines.append(f"| {labels[case]} | {t['index_s']} | {t['train_s']} | {t['suggest_s']} | "
                     f"{t['index_train_suggest_s']} | {t['totals_of_all_runs_s']} | "
                     f"{t['process_total_s']} | {t['peak_rss_mb']} |")
    first = next(iter(times.values()))
    lines.append(f"\n{first['passages']} passages, {first['models']} modèles entraînés, "
                 f"{first['suggestions']} suggestions ; meilleur de {REPEAT} essais, chacun "
                 "dans un processus neuf sur une copie neuve de la démo.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
