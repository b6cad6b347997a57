"""Word import: 100 .docx transcripts of 3,000 words through `Project.import_corpus`.

Target (issue 14): ≤ 1 s for the 100 files (it was 4.1 s, 14 times the .txt path,
because the reader asked python-docx for each paragraph's style; Taguette's fastest
path takes 1.6 s). The same corpus as plain text is timed beside it for comparison,
and reading alone (`read_document`, no store, no language detection) is timed too:
what the .docx reader itself costs. The import figures include what every format
pays after reading (language detection, writing turns), so `import_100_txt_s` is the
floor the .docx import can reach. Times are the best of a few runs.
What the import adds after reading is timed apart too: language detection and
script tagging of the 100 texts (`detect_100_s`, `scripts_100_s`). They were 1.0 s and
0.15 s of the 1.85 s import (lingua read a 20,000-character sample of each text, and
each turn's letters were counted in Python); a long text is now first read in ten short
pieces, and turns of a text in Latin letters only are tagged without counting them.
The transcripts are built with python-docx as a Word user would write them: a
heading, bold speaker labels, a table of metadata, styled paragraphs.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import report, synthetic_transcript, timed

from workbench import Project
from workbench.corpus import read_document
from workbench.nlp.languages import detect_language
from workbench.nlp.scripts import turn_scripts

FILES = 100
WORDS = 3000


def write_docx(text: str, path: Path, seed: int) -> None:
    """A .docx of `text` (``Speaker : words`` lines): bold labels, a heading, a table."""
    import docx

    rng = random.Random(seed)
    document = docx.Document()
    document.add_heading(f"Entretien {seed}", level=1)
    meta = document.add_table(rows=2, cols=2)
    for row, (key, value) in enumerate([("Date", "4 mai"), ("Lieu", "Tiznit")]):
        meta.cell(row, 0).text = key
        meta.cell(row, 1).text = value
    for k, line in enumerate(text.splitlines()):
        speaker, _, words = line.partition(" : ")
        paragraph = document.add_paragraph(style="List Paragraph" if rng.random() < 0.05
                                           else None)
        paragraph.add_run(f"{speaker} :").bold = True
        paragraph.add_run(f" {words}")
        if k and k % 40 == 0:
            document.add_heading(f"Partie {k // 40}", level=2)
    document.save(str(path))


def main() -> None:
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        docx_folder, txt_folder = tmp_path / "docx", tmp_path / "txt"
        docx_folder.mkdir()
        txt_folder.mkdir()
        for i in range(FILES):
            text = synthetic_transcript(WORDS, seed=i)
            write_docx(text, docx_folder / f"E{i:03d}_entretien.docx", seed=i)
            (txt_folder / f"E{i:03d}_entretien.txt").write_text(text, encoding="utf-8")
        size = sum(p.stat().st_size for p in docx_folder.iterdir())
        figures["docx_files"] = FILES
        figures["docx_words_each"] = WORDS
        figures["docx_total_mb"] = round(size / 1024**2, 2)

        warm = tmp_path / "warm"  # language detection and readers loaded before timing
        warm.mkdir()
        write_docx(synthetic_transcript(200, seed=999), warm / "W1.docx", seed=999)
        (warm / "W2.txt").write_text(synthetic_transcript(200, seed=998), encoding="utf-8")
        with Project.create(tmp_path / "p_warm", coder="bench") as project:
            project.import_corpus(warm, progress=False)

        for kind, folder in (("docx", docx_folder), ("txt", txt_folder)):
            files = sorted(folder.iterdir())
            figures[f"read_{FILES}_{kind}_s"] = round(min(
                timed(lambda f=files: [read_document(x) for x in f])[0] for _ in range(3)), 3)
        documents = [read_document(x) for x in sorted(docx_folder.iterdir())]
        figures[f"detect_{FILES}_s"] = round(min(timed(
            lambda: [detect_language(d.text) for d in documents])[0] for _ in range(3)), 3)
        figures[f"scripts_{FILES}_s"] = round(min(timed(
            lambda: [turn_scripts([d.text[t.start:t.end] for t in d.turns])
                     for d in documents])[0] for _ in range(3)), 3)
        for kind, folder in (("docx", docx_folder), ("txt", txt_folder)):
            best = float("inf")
            for attempt in range(2):  # best of two: the figure is the code's, not the load's
                project = Project.create(tmp_path / f"p_{kind}_{attempt}", coder="bench")
                seconds, results = timed(lambda f=folder, p=project: p.import_corpus(
                    f, progress=False))
                assert len(results) == FILES
                best = min(best, seconds)
                project.close()
            figures[f"import_{FILES}_{kind}_s"] = round(best, 3)
        figures["import_docx_target_s"] = 1.0
        figures["docx_over_txt"] = round(figures[f"import_{FILES}_docx_s"]
                                         / figures[f"import_{FILES}_txt_s"], 2)
    report("docx_import", figures)


if __name__ == "__main__":
    main()
