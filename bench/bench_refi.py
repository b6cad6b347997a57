"""REFI-QDA exchange: export and import a 500-interview coded project as .qdpx.

The project comes from `synthetic_project` (500 transcripts of ~1,500 words,
10,000 codings by four coders, memos on one in ten, cases with attributes).
Figures: export time and archive size, a pseudonymised export (names replaced
in 6.4 M characters, offsets moved, leak check), import time into a new
project, and a check that every coding arrived with its quote.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import report, synthetic_project, timed

from workbench import Project
from workbench.refi import export_qdpx


def main() -> None:
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seconds, project = timed(lambda: synthetic_project(folder, interviews=500))
        figures["build_synthetic_500_s"] = round(seconds, 1)
        docs = project.documents()
        figures["documents"] = len(docs)
        figures["characters"] = int(docs["length"].sum())
        figures["codings"] = int(docs["codings"].sum())

        archive = folder / "projet.qdpx"
        seconds, exported = timed(lambda: export_qdpx(project, archive))
        figures["export_qdpx_s"] = round(seconds, 2)
        figures["archive_mb"] = round(archive.stat().st_size / 1024**2, 2)
        figures["exported_codings"] = exported.codings

        project.privacy.propose()
        seconds, pseudo = timed(lambda: export_qdpx(project, folder / "copil.qdpx",
                                                    pseudonymise=True))
        figures["export_qdpx_pseudonymised_s"] = round(seconds, 2)
        figures["pseudonym_entries"] = len(project.privacy.table())

        seconds, (imported, result) = timed(
            lambda: Project.import_qdpx(archive, folder / "importe", coder="bench"))
        figures["import_qdpx_s"] = round(seconds, 2)
        figures["imported_codings"] = result.codings
        figures["imported_turns"] = int(imported.documents()["turns"].sum())
        seconds, check = timed(imported.verify)
        figures["verify_imported_s"] = round(seconds, 2)
        assert check.ok and result.codings == exported.codings == pseudo.codings, check
        imported.close()
        project.close()
    report("refi", figures)


if __name__ == "__main__":
    main()
