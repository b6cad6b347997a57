"""``p.export``: every file a project writes (tables, annexes, fiches, REFI-QDA, the
codebook, the profile, a snapshot for the COPIL); pseudonymised by default where
people are named."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.coding.extracts import CodeSpec, WhereValue
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.export.annex_xlsx import AnnexReport
    from workbench.project_data import ProjectData
    from workbench.refi.report import ExchangeReport
    from workbench.store.snapshot_info import SnapshotInfo

FICHE_KINDS = ("signaletique", "capitalisation")


class Exports:
    """Writing a project's material to files (``p.export``)."""

    def __init__(self, data: ProjectData) -> None:
        self._data = data

    def extracts(self, path: str | Path, codes: CodeSpec = None, *,
                 where: Mapping[str, WhereValue] | None = None,
                 status: str | Iterable[str] | None = "accepted",
                 pseudonymise: bool = True, names_reviewed: bool = False,
                 columns: Sequence[str] | None = None) -> Path:
        """The selected extracts as a table (.csv or .xlsx, formula-safe), with all their
        columns or `columns`; pseudonymised by default, and then written only when no
        real name and no unreviewed possible name is left in it (`names_reviewed` once
        ``p.privacy.candidates()`` has been read)."""
        from workbench.export.tables import export_extracts

        return export_extracts(self._data, path, codes, where=where, status=status,
                               pseudonymise=pseudonymise, names_reviewed=names_reviewed,
                               columns=columns)

    def annex(self, path: str | Path, codes: CodeSpec = None, *,
              where: Mapping[str, WhereValue] | None = None,
              status: str | Iterable[str] = "accepted", layout: str = "themes",
              attributes: Sequence[str] | None = None, pseudonymise: bool = True,
              matrix: str | Sequence[str] | None = None, cooccurrence: str | None = None,
              tables: Mapping[str, pd.DataFrame] | None = None,
              names_reviewed: bool = False) -> AnnexReport:
        """The Excel annex (.xlsx, or .csv for the master table) of the selected extracts.

        A summary sheet links each code to its extracts; `layout` "themes" writes one
        sheet per top-level code, "master" one sheet; `matrix` (attribute names) and
        `cooccurrence` (a scope) add analysis sheets; names are pseudonymised by default,
        and a pseudonymised annex is refused while a real name or an unreviewed possible
        name would be in it.
        """
        from workbench.export.annex import export_annex

        return export_annex(self._data, path, codes, where=where, status=status,
                            layout=layout, attributes=attributes, pseudonymise=pseudonymise,
                            matrix=matrix, cooccurrence=cooccurrence, tables=tables,
                            names_reviewed=names_reviewed)

    def word_annex(self, path: str | Path, **options: Any) -> Path:
        """The Word annex: extracts by theme and sub-theme, and « Personnes rencontrées »
        (see `workbench.export.word_annex.export_word_annex` for the options)."""
        from workbench.export.word_annex import export_word_annex

        return export_word_annex(self._data, path, **options)

    def framework(self, path: str | Path,
                  codes: str | int | Sequence[str | int] | None = None, *,
                  rows: str = "cases", where: Mapping[str, WhereValue] | None = None,
                  status: str | None = None, extracts: bool = False,
                  pseudonymise: bool = True, names_reviewed: bool = False) -> Path:
        """The framework matrix (``p.framework``) as a landscape Word annex (.docx: one row
        per case or document, one column per theme, each cell the summary then the
        references of its extracts) or an Excel workbook (.xlsx: the same table and a
        sheet of cells), by the suffix of `path`.

        `codes`: the columns (default the codebook's themes); `rows`: "cases" or
        "documents"; `where`: attribute filters; `status`: the summaries shown (None: all,
        drafts marked; "validated"; "draft"); `extracts`: the extracts' texts too.
        Pseudonymised by default, and then written only when no real name and no
        unreviewed possible name is left in it."""
        options: dict[str, Any] = {
            "rows": rows, "where": where, "status": status, "extracts": extracts,
            "pseudonymise": pseudonymise, "names_reviewed": names_reviewed}
        suffix = Path(path).suffix.lower()
        if suffix == ".docx":
            from workbench.export.framework_docx import export_framework_docx

            return export_framework_docx(self._data, path, codes, **options)
        if suffix == ".xlsx":
            from workbench.export.framework_xlsx import export_framework_xlsx

            return export_framework_xlsx(self._data, path, codes, **options)
        raise WorkbenchError(f"{Path(path).name} : la matrice de synthèse s'exporte en Word "
                             "(.docx) ou en Excel (.xlsx).")

    def fiches(self, folder: str | Path, kind: str = "signaletique", **options: Any) -> Any:
        """Fiches signalétiques (one per organisation) or de capitalisation (one per
        initiative), .docx from an editable template plus one .xlsx row each."""
        from workbench.export import fiches

        if kind not in FICHE_KINDS:
            raise WorkbenchError(f"Type de fiche « {kind} » inconnu : « signaletique » ou "
                                 "« capitalisation ».")
        write = (fiches.export_fiches_signaletiques if kind == "signaletique"
                 else fiches.export_fiches_capitalisation)
        return write(self._data, folder, **options)

    def qdpx(self, path: str | Path, **options: Any) -> ExchangeReport:
        """The project as a REFI-QDA .qdpx archive (for NVivo, ATLAS.ti, MAXQDA…)."""
        from workbench.refi import export_qdpx

        return export_qdpx(self._data, path, **options)

    def codebook(self, path: str | Path) -> Path:
        """The codebook as .yaml, .xlsx or REFI-QDA .qdc."""
        if Path(path).suffix.lower() == ".qdc":
            from workbench.refi import export_qdc

            export_qdc(self._data, path)
            return Path(path)
        from workbench.codebook import write_codebook

        return write_codebook(self._data.codebook(), path)

    def profile(self, path: str | Path) -> Path:
        """The study profile as .yaml or .xlsx, to edit it and load it back."""
        from workbench.profile.files import write_profile

        return write_profile(self._data.profile(), path)

    def snapshot(self, folder: str | Path, name: str, *,
                 names_reviewed: bool = False) -> SnapshotInfo:
        """Freeze the project for the COPIL: a pseudonymised, read-only copy of the accepted
        codings, the codebook version, the coders and the date, in a new project folder
        that the apps can serve (`workbench app --project FOLDER`)."""
        from workbench.snapshot import make_snapshot

        return make_snapshot(self._data, folder, name, names_reviewed=names_reviewed)
