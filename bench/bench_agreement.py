"""Inter-coder agreement: real figures on SERDIF and timings on 500 interviews.

SERDIF (../shared/data/coded/serdif_taguette, skipped when absent): the 17
transcripts, the coding round of 24 Feb 2022 as coder round_0224 and the final
Taguette highlights as coder final, each segment located by its text; agreement
on the codes both rounds use, at character and sentence level.

Synthetic: `synthetic_project` (500 transcripts of ~1,500 words, 10,000
codings by four coders); claire's codings are copied under "claire_bis" with
ends moved by up to ±25 characters, one in ten dropped and one in twenty
given another code. Timed: agreement claire vs claire_bis at character,
turn and sentence level (sentences: first run parses the corpus with spaCy,
second run reads the cache), the pure counting step alone, all five coders at
character level, and the disagreement list.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.team

import pandas as pd
from common import ROOT, report, synthetic_project, timed

from tests.team.test_agreement import serdif_project
from workbench import Project, team
from workbench.analysis.agreement import OVERALL
from workbench.analysis.agreement import agreement as count_agreement

SERDIF = ROOT.parent / "shared" / "data" / "coded" / "serdif_taguette"


def overall(table: pd.DataFrame) -> dict[str, object]:
    row = table.set_index("code").loc[OVERALL]
    return {"percent": round(float(row["percent_agreement"]), 2),
            "kappa": round(float(row["kappa"]), 4), "alpha": round(float(row["alpha"]), 4),
            "units": int(table.attrs["n_units"]),
            "mean_alpha_over_codes": round(float(table.attrs["mean_alpha"]), 4)}


def serdif(folder: Path) -> dict[str, object]:
    project, located, shared = serdif_project(folder, SERDIF.parents[1])
    figures: dict[str, object] = {}
    for coder in ("round_0224", "final"):
        figures[f"serdif_{coder}_located"] = located[coder]
        figures[f"serdif_{coder}_not_located"] = located[f"{coder}_missing"]
    figures["serdif_shared_codes"] = len(shared)
    for level in ("character", "sentence"):
        table = team.agreement(project, coders=["final", "round_0224"], codes=shared,
                               level=level)
        figures[f"serdif_{level}"] = overall(table)
        worst = table.iloc[:-1].nsmallest(3, "alpha")
        figures[f"serdif_{level}_lowest_alpha"] = {
            c: round(float(a), 3) for c, a in zip(worst["code"], worst["alpha"], strict=True)}
    listed = team.disagreements(project, coders=["final", "round_0224"], codes=shared)
    figures["serdif_disagreement_rows"] = len(listed)
    figures["serdif_disagreement_passages"] = int(listed["passage"].nunique())
    project.close()
    return figures


def second_coder(project: Project, source: str, copy: str, seed: int = 3) -> int:
    """Copy `source`'s codings under `copy`, ends moved, some dropped or recoded."""
    rng = random.Random(seed)
    codes = [k for k in project.codes()["key"] if "." in k]
    lengths = dict(zip(project.documents()["name"], project.documents()["length"], strict=True))
    rows = []
    for r in project.extracts(coder=source).itertuples():
        if rng.random() < 0.10:
            continue
        start = max(0, r.start + rng.randint(-25, 25))
        end = min(lengths[r.document], max(start + 1, r.end + rng.randint(-25, 25)))
        code = rng.choice(codes) if rng.random() < 0.05 else r.code
        rows.append({"document": r.document, "code": code, "start": start, "end": end})
    return len(project.code_many(rows, coder=copy))


def synthetic(folder: Path, interviews: int) -> dict[str, object]:
    figures: dict[str, object] = {}
    project = synthetic_project(folder, interviews=interviews)
    docs = project.documents()
    figures["synthetic_documents"] = len(docs)
    figures["synthetic_characters"] = int(docs["length"].sum())
    figures["synthetic_copied_codings"] = second_coder(project, "claire", "claire_bis")
    pair = ["claire", "claire_bis"]
    for level in ("character", "turn", "sentence"):
        seconds, table = timed(lambda level=level: team.agreement(project, coders=pair,
                                                                  level=level))
        figures[f"agreement_{level}_s"] = round(seconds, 2)
        figures[f"agreement_{level}"] = overall(table)
    seconds, _ = timed(lambda: team.agreement(project, coders=pair, level="sentence"))
    figures["agreement_sentence_cached_parse_s"] = round(seconds, 2)
    frame, coders, codes, compared = team.compared_codings(project, coders=pair)
    seconds, _ = timed(lambda: count_agreement(frame, compared, coders=coders, codes=codes))
    figures["counting_only_character_s"] = round(seconds, 3)
    figures["counting_only_codings"] = len(frame)
    seconds, table = timed(lambda: team.agreement(project))
    figures["agreement_all_5_coders_character_s"] = round(seconds, 2)
    figures["agreement_all_5_coders"] = overall(table)
    seconds, listed = timed(lambda: team.disagreements(project, coders=pair))
    figures["disagreements_character_s"] = round(seconds, 2)
    figures["disagreement_rows"] = len(listed)
    project.close()
    return figures


def main(interviews: int = 500) -> None:
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if SERDIF.is_dir():
            (Path(tmp) / "serdif").mkdir()
            figures.update(serdif(Path(tmp) / "serdif"))
        else:
            figures["serdif"] = f"skipped: {SERDIF} not found"
        figures.update(synthetic(Path(tmp) / "synthetic", interviews))
    report("agreement", figures)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
