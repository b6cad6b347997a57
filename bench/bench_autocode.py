"""Auto-coding benchmark: lemma rules matched on an already parsed corpus (target ≥ 1 M words/s).

The demo corpus is parsed once, then its token and turn tables are replicated
under new document ids to about a million words; the figure is the time of
`match_rules` (all the codebook's rules) over that table.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, report

from workbench.autocoding import phrase_tokens, stored_rules
from workbench.coding.autocode import match_rules
from workbench.coding.extracts import turn_table
from workbench.demo import build_demo
from workbench.nlp.tokens import token_frame
from workbench.parsed import document_texts, parse_documents

TARGET_WORDS = 1_000_000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = build_demo(ROOT, Path(tmp) / "demo", progress=False)
        texts = document_texts(project.store)
        tokens = token_frame(parse_documents(project.store, project.location, texts,
                                             progress=False))
        with project.store.read() as conn:
            turns = turn_table(conn).rename(columns={"document": "document_name",
                                                     "document_id": "document"})
        rules = stored_rules(project.store)
        phrases = phrase_tokens(rules)
        words = int((~tokens["is_space"] & ~tokens["is_punct"]).sum())
        copies = max(1, TARGET_WORDS // words)
        step = max(texts) + 1
        big_tokens = pd.concat([tokens.assign(document=tokens["document"] + i * step)
                                for i in range(copies)], ignore_index=True)
        big_turns = pd.concat([turns.assign(document=turns["document"] + i * step)
                               for i in range(copies)], ignore_index=True)
        big_texts = {d + i * step: t for i in range(copies) for d, t in texts.items()}
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            found = match_rules(rules, big_tokens, big_turns, big_texts, phrases=phrases)
            runs.append(time.perf_counter() - start)
        best = min(runs)
        project.close()
    report("autocode", {
        "rules": len(rules),
        "words_matched_over": words * copies,
        "suggestions_found": len(found),
        "match_rules_best_s": round(best, 3),
        "words_per_s": round(words * copies / best),
        "target_words_per_s": 1_000_000,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    })


if __name__ == "__main__":
    main()
