"""Spine benchmarks: import, batch and interactive coding, extracts on 200,000 codings.

Targets (issue 2): import 100 × 3,000 words ≤ 1.5 s; ≥ 5,000 codings/s in a batch;
one interactive coding ≤ 10 ms; extracts with a code and two attribute filters on
200,000 codings ≤ 50 ms median.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REGIONS, median_ms, report, synthetic_transcript, timed

from workbench import Project

CODEBOOK = """codes:
""" + "".join(f"  - id: t{i}\n    name: Thème {i}\n    children:\n"
              + "".join(f"      - id: t{i}.s{j}\n        name: Sous-thème {i}.{j}\n"
                        for j in range(4)) for i in range(6))


def main() -> None:
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        rows = ["cas;document;locuteur;genre;region_residence;age"]
        for i in range(100):
            text = synthetic_transcript(3000, seed=i)
            (corpus / f"E{i:03d}_entretien.txt").write_text(text, encoding="utf-8")
            speaker = [ln.split(" : ")[0] for ln in text.splitlines()][1]
            rows.append(f"Cas {i};E{i:03d}_entretien;{speaker};{'FH'[i % 2]};"
                        f"{REGIONS[i % len(REGIONS)]};{20 + i % 50}")
        (corpus / "attributes.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        (tmp_path / "grille.yaml").write_text(CODEBOOK, encoding="utf-8")

        p = Project.create(tmp_path / "p", coder="bench")
        p.load_codebook(tmp_path / "grille.yaml")
        seconds, _ = timed(lambda: p.import_corpus(corpus, attributes=corpus / "attributes.csv",
                                                   progress=False))
        figures["import_100x3000_words_s"] = round(seconds, 3)
        figures["import_target_s"] = 1.5

        docs = p.documents()
        lengths = dict(zip(docs["name"], docs["length"], strict=True))
        names = list(lengths)
        codes = [f"t{i}.s{j}" for i in range(6) for j in range(4)]
        rng = random.Random(7)

        def batch(n: int) -> list[dict[str, object]]:
            out = []
            for _ in range(n):
                name = rng.choice(names)
                start = rng.randrange(0, lengths[name] - 200)
                out.append({"document": name, "code": rng.choice(codes), "start": start,
                            "end": start + rng.randint(20, 200)})
            return out

        rows2000 = batch(2000)
        seconds, _ = timed(lambda: p.code_many(rows2000))
        figures["batch_2000_codings_s"] = round(seconds, 3)
        figures["batch_codings_per_s"] = round(2000 / seconds)
        figures["batch_target_per_s"] = 5000

        singles = batch(60)
        it = iter(singles)

        def one() -> None:
            r = next(it)
            p.code(r["document"], r["start"], r["end"], r["code"])

        figures["interactive_coding_median_ms"] = round(median_ms(one, 60), 2)
        figures["interactive_target_ms"] = 10

        total = 2060
        while total < 200_000:
            n = min(20_000, 200_000 - total)
            p.code_many(batch(n))
            total += n
        figures["codings_in_store"] = total
        query = lambda: p.extracts("t2.s1", where={"genre": "F",  # noqa: E731
                                                   "region_residence": "PACA"})
        figures["extracts_rows_returned"] = len(query())
        figures["extracts_code_2_filters_median_ms"] = round(median_ms(query, 25), 1)
        figures["extracts_target_ms"] = 50
        seconds, result = timed(p.verify)
        figures["verify_200k_s"] = round(seconds, 2)
        assert result.ok, result
        p.close()
    report("store", figures)


if __name__ == "__main__":
    main()
