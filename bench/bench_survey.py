"""Questionnaire and framework benchmark: importing a KoboToolbox export (with its
XLSForm) of 300 and 5,000 respondents into a new project, re-importing the same export
(nothing to write), coding every answer by section, and building the framework matrix
of the result.

The exports are the tests' deterministic generator (tests/survey_fixtures.py). Each
size runs in a fresh process, so the peak RSS is that import's.

    .venv/bin/python bench/bench_survey.py [--rows 300 5000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT, ROOT, report

ONE_SIZE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from tests.survey_fixtures import kobo_form, kobo_survey
from workbench import Project
folder = Path({folder!r})
export = kobo_survey(folder / "reponses.xlsx", rows={rows}, seed=1)
form = kobo_form(folder / "formulaire.xlsx")
p = Project.create(folder / "projet", coder="lead")
options = dict(form=form, closed_questions=["nom_asso"], progress=False)
t = time.perf_counter(); p.import_survey(export, **options); first = time.perf_counter() - t
t = time.perf_counter(); p.import_survey(export, **options); again = time.perf_counter() - t
p.load_codebook(Path({root!r}) / "tests" / "data" / "mini_grille.yaml")
t = time.perf_counter(); coded = len(p.code_turns("liens", section="."))
coding = time.perf_counter() - t
t = time.perf_counter(); matrix = p.framework.matrix(); built = time.perf_counter() - t
print(json.dumps({{"import_s": round(first, 2), "reimport_unchanged_s": round(again, 2),
                  "code_every_answer_s": round(coding, 2), "codings": coded,
                  "matrix_s": round(built, 2), "documents": len(p.documents()),
                  "cases": len(p.cases()), "matrix_shape": list(matrix.shape),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}}))
"""


def one_size(rows: int) -> dict[str, object]:
    folder = OUT / f"survey_{rows}"
    if folder.exists():
        import shutil
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    done = subprocess.run([sys.executable, "-c", ONE_SIZE.format(root=str(ROOT),
                                                                 folder=str(folder),
                                                                 rows=rows)],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[300, 5000])
    args = parser.parse_args()
    report("survey", {f"rows_{n}": one_size(n) for n in args.rows})


if __name__ == "__main__":
    main()
