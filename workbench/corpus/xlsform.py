"""XLSForms (the form definitions of KoboToolbox and ODK Central, .xlsx with a `survey`
and a `choices` sheet): what each question of a survey export is (open text, one choice,
several choices, a number, a date, metadata), its label (French when the form has
several languages) and its choices' labels, by every key an export's header may use."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from workbench.corpus.normalise import collapse_spaces
from workbench.corpus.roles import fold_name
from workbench.corpus.sheets import Table, read_xlsx
from workbench.errors import AttributesError

_TAGS = re.compile(r"<[^>]{0,200}>")
_EMPHASIS = re.compile(r"\*\*|__|^#+\s*")
FORM_KINDS = {
    "text": "open", "string": "open",
    "select_one": "single", "select_one_from_file": "single", "acknowledge": "single",
    "select_multiple": "multiple", "select_multiple_from_file": "multiple", "rank": "multiple",
    "integer": "number", "int": "number", "decimal": "number", "range": "number",
    "date": "date", "datetime": "date", "time": "date", "datetime-local": "date",
}


@dataclass
class FormQuestion:
    name: str
    path: tuple[str, ...]
    kind: str
    label: str
    choices: dict[str, str]


def _clean_label(text: str) -> str:
    return collapse_spaces(_EMPHASIS.sub("", _TAGS.sub(" ", text)))


def _is_french(language: str) -> bool:
    folded = fold_name(language)
    return folded in ("fr", "french", "francais") or folded.startswith(("french", "francais")) \
        or "(fr)" in folded


def _label_columns(headers: list[str]) -> list[int]:
    """Indexes of the label columns, preferred first: French, plain, the others."""
    labels = [(j, h) for j, h in enumerate(headers) if fold_name(h).startswith("label")]
    french = [j for j, h in labels if "::" in h and _is_french(h.split("::", 1)[1])]
    plain = [j for j, h in labels if fold_name(h) == "label"]
    return [*french, *plain, *(j for j, _ in labels if j not in french and j not in plain)]


def _form_type(raw: str) -> tuple[str, str | None]:
    """'select_one pays' → ('select_one', 'pays'); old spellings ('select all that apply
    x', 'begin group') too."""
    words = raw.split()
    if not words:
        return "", None
    low = [w.casefold() for w in words]
    if low[:4] == ["select", "all", "that", "apply"]:
        return "select_multiple", words[4] if len(words) > 4 else None
    if low[:2] == ["select", "one"]:
        return "select_one", words[2] if len(words) > 2 else None
    if low[0] in ("begin", "end") and len(low) > 1:
        return f"{low[0]}_{low[1]}", None
    return low[0], words[1] if len(words) > 1 else None


def _column(headers: list[str], *names: str) -> int | None:
    keys = [fold_name(h) for h in headers]
    return next((keys.index(n) for n in names if n in keys), None)


def _form_rows(table: Table) -> tuple[list[str], list[tuple[int, list[object]]]]:
    headers = [collapse_spaces(str(c)) if c is not None else "" for c in table.header]
    return headers, table.rows


def _cell(cells: list[object], j: int | None) -> str:
    if j is None or j >= len(cells) or cells[j] is None:
        return ""
    return collapse_spaces(str(cells[j]))


def _label(cells: list[object], columns: list[int]) -> str:
    return next((t for t in (_clean_label(_cell(cells, j)) for j in columns) if t), "")


def read_form(path: Path) -> tuple[dict[str, FormQuestion], list[str]]:
    """The form's questions by every key a header may use ('g/q', 'g-q', 'q' when unique),
    and warnings."""
    source = path.name
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise AttributesError(f"{source} : le formulaire doit être un XLSForm .xlsx (feuilles "
                              "« survey » et « choices ») ; téléchargez-le depuis KoboToolbox "
                              "ou ODK Central en .xlsx.")
    tables = {fold_name(t.title): t for t in read_xlsx(path)}
    survey = tables.get("survey")
    if survey is None:
        raise AttributesError(f"{source} : pas de feuille « survey » : ce n'est pas un "
                              "formulaire XLSForm ; téléchargez le formulaire (.xlsx) depuis "
                              "KoboToolbox ou ODK Central.")
    warnings: list[str] = []
    choices: dict[str, dict[str, str]] = {}
    if (sheet := tables.get("choices")) is not None and sheet.header:
        headers, rows = _form_rows(sheet)
        list_j, name_j = _column(headers, "list name", "list_name"), _column(headers, "name")
        labels = _label_columns(headers)
        for _, cells in rows if list_j is not None and name_j is not None else []:
            list_cell, choice = _cell(cells, list_j), _cell(cells, name_j)
            if list_cell and choice:
                choices.setdefault(list_cell, {})[choice] = _label(cells, labels) or choice
    headers, rows = _form_rows(survey)
    type_j, name_j = _column(headers, "type"), _column(headers, "name")
    auto_j = _column(headers, "$autoname")
    if type_j is None or (name_j is None and auto_j is None):
        raise AttributesError(f"{source} : la feuille « survey » n'a pas de colonnes « type » "
                              "et « name » ; ce n'est pas un formulaire XLSForm : "
                              "téléchargez-le à nouveau.")
    labels = _label_columns(headers)
    path_now: list[str] = []
    found: list[FormQuestion] = []
    for _, cells in rows:
        kind_name, list_name = _form_type(_cell(cells, type_j))
        name = _cell(cells, name_j) or _cell(cells, auto_j)
        if kind_name in ("begin_group", "begin_repeat"):
            path_now.append(name)
        elif kind_name in ("end_group", "end_repeat"):
            if path_now:
                path_now.pop()
        elif kind_name and name:
            kind = FORM_KINDS.get(kind_name, "meta")
            options = choices.get(list_name or "", {}) if kind in ("single", "multiple") else {}
            if kind in ("single", "multiple") and list_name and not options \
                    and not kind_name.endswith("_from_file"):
                warnings.append(f"{source} : la question « {name} » renvoie à la liste de "
                                f"choix « {list_name} », absente de la feuille « choices » ; "
                                "ses réponses gardent leurs noms de choix.")
            found.append(FormQuestion(name, tuple(path_now), kind,
                                       _label(cells, labels), options))
    by_key: dict[str, FormQuestion] = {}
    names = Counter(q.name for q in found)
    for q in found:
        full = (*q.path, q.name)
        for key in ("/".join(full), "-".join(full), ".".join(full)):
            by_key.setdefault(key, q)
        if names[q.name] == 1:
            by_key.setdefault(q.name, q)
    return by_key, warnings
