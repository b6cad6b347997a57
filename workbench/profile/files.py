"""The study profile as a file the researcher edits: YAML, or Excel (one row per attribute).

Both carry the same fields (clé, libellé, type, portée, rôle, valeurs, classes,
jeunes) and convert into each other without loss.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import yaml

from workbench.atomic import atomic_output
from workbench.codebook.yaml_io import load_bounded
from workbench.errors import CodebookError, ProfileError
from workbench.profile.model import StudyProfile
from workbench.sheets.xlsx_rows import abandon, write_only_cell

XLSX_COLUMNS = ("cle", "libelle", "type", "portee", "role", "valeurs", "classes", "jeunes")
_MAX_BYTES = 5_000_000


def read_profile(path: str | Path) -> StudyProfile:
    """A profile from a .yaml/.yml or .xlsx file; a French ProfileError names the file."""
    path = Path(path)
    if not path.is_file():
        raise ProfileError(f"{path} : fichier introuvable.")
    if path.stat().st_size > _MAX_BYTES:
        raise ProfileError(f"{path.name} : fichier trop gros pour un profil d'étude.")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        data = _yaml(path)
    elif suffix == ".xlsx":
        data = {"attributs": _xlsx_rows(path)}
    else:
        raise ProfileError(f"{path.name} : écrivez le profil en .yaml ou en .xlsx.")
    return StudyProfile.from_dict(data, where=path.name)


def _yaml(path: Path) -> Any:
    text = path.read_text(encoding="utf-8-sig")
    try:
        return load_bounded(text, source=path.name)
    except CodebookError as exc:  # the bounded loader speaks of codebooks' files too
        raise ProfileError(str(exc)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", ligne {mark.line + 1}" if mark is not None else ""
        raise ProfileError(f"{path.name}{where} : YAML illisible ({exc.__class__.__name__})."
                           ) from None


def _xlsx_rows(path: Path) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ProfileError(f"{path.name} : classeur Excel illisible ({exc}).") from None
    # A workbook whose active tab names no sheet it holds is read from its first sheet.
    sheet = book.active or next(iter(book.worksheets), None)
    if sheet is None:
        book.close()
        raise ProfileError(f"{path.name} : le classeur Excel ne contient aucune feuille.")
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    if not rows:
        return []
    header = [str(c or "").strip().casefold() for c in rows[0]]
    out = []
    for cells in rows[1:]:
        if not any(c not in (None, "") for c in cells):
            continue
        out.append({h: c for h, c in zip(header, cells, strict=False) if h})
    return out


def write_profile(profile: StudyProfile, path: str | Path) -> Path:
    """Write the profile to .yaml or .xlsx (atomically: a failure keeps the old file)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        text = ("# Profil de l'étude : libellé, type (category, multi, number, date, text),\n"
                "# portée (case, document) et rôle de chaque attribut. Modifiez-le puis\n"
                "# rechargez-le avec p.load_profile(…) ou `workbench profile load …`.\n"
                + yaml.safe_dump(profile.to_dict(), allow_unicode=True, sort_keys=False))
        with atomic_output(path) as tmp:
            Path(tmp).write_text(text, encoding="utf-8")
        return path
    if suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("profil")
        sheet.append([write_only_cell(sheet, name) for name in XLSX_COLUMNS])
        for row in profile.frame().itertuples(index=False):
            spec = profile.get(cast(str, row.attribut))  # a row's fields: any scalar
            sheet.append([write_only_cell(sheet, v) for v in (
                row.attribut, row.libelle, row.type, row.portee, spec.role if spec else "",
                row.valeurs, row.classes, row.jeunes)])
        with atomic_output(path) as tmp:
            try:
                book.save(tmp)
            except BaseException:
                abandon(book)
                raise
        return path
    raise ProfileError(f"{path.name} : écrivez le profil en .yaml ou en .xlsx.")

