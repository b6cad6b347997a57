"""The framework matrix panel: read the extracts of a cell (a case × a theme) and write its
summary beside them.

`framework_panel(p)` (or `FrameworkPanel(p)`) composes the row filters (one dropdown per
attribute of the study profile), the column (a code or a branch of the codebook), the
list of the cells of that column (one per case, with its extracts and the state of its
summary: vide, brouillon, validée), and, for the cell clicked, its extracts on one side
and its summary on the other: « Enregistrer » writes it (``p.framework.write``),
« Valider » validates it (the lead only: ``p.framework.validate``), « Annuler la dernière
modification » calls ``p.undo()``. Each action is one Project call (one store
transaction); every message is French, and a refusal (a coder validating, nothing to
undo, an empty summary…) is said in the panel, never as a traceback.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from workbench.analysis.codes import MISSING
from workbench.analysis.matrix import value_label
from workbench.errors import CodingError, NotFoundError, WorkbenchError
from workbench.ui.filters import dropdown, filter_classes
from workbench.ui.style import CSS, error_message
from workbench.ui.tables import html_table
from workbench.views import LIST_ROLES

if TYPE_CHECKING:  # the panel is handed a Project; it never imports upwards
    from workbench.project import Project

ALL = "Tous"
STATES = {None: "vide", "draft": "brouillon", "validated": "validée"}
EXTRACT_COLUMNS = {"reference": "Référence", "speaker": "Locuteur", "code_path": "Code",
                   "text": "Extrait"}
ROW_WORDS = {"cases": "Cas", "documents": "Document"}
MAX_ROWS = 300  # cells listed at once; narrower filters show the others
LEAD_ONLY = "Seul·e la ou le responsable de l'étude (rôle « lead ») valide les synthèses."
PANEL_CSS = """
<style>
.wb-fw-liste { max-height: 19em; overflow-y: auto; border: 1px solid #d8e2e6;
               border-radius: 4px; padding: 2px 4px; background: #fff; }
.wb-fw-liste .wb-fw-entete { font-weight: 600; color: #333; background: #eef3f5;
                             padding: 4px 6px; }
.wb-fw-liste > .wb-fw-tete { position: sticky; top: 0; z-index: 1; background: #fff; }
.wb-fw-liste .widget-button { text-align: left; margin: 1px 0; }
.wb-fw-nombre, .wb-fw-etat-cellule { padding: 4px 6px; font-size: 13px; }
.wb-fw-badge { display: inline-block; border-radius: 3px; padding: 0 6px; font-size: 12px; }
.wb-fw-vide { background: #eeeeee; color: #555; }
.wb-fw-brouillon { background: #fff1d6; color: #7a4b00; }
.wb-fw-validee { background: #dcf1e1; color: #1b5e20; }
.wb-fw-modifiee { background: #e3ecfb; color: #1a4f8b; }
.wb-fw-extraits { max-height: 28em; overflow-y: auto; border: 1px solid #d8e2e6;
                  border-radius: 4px; }
.wb-fw-extraits td { unicode-bidi: plaintext; }
.wb-fw-extraits td:first-child { white-space: nowrap; font-family: monospace; }
.wb-fw-extraits td:nth-child(3) { max-width: 11em; color: #444; }
.wb-fw-texte textarea { font-family: system-ui, "Segoe UI", "Noto Sans", sans-serif;
                        font-size: 14px; line-height: 1.45; }
.wb-fw-titre { font-size: 15px; margin: 4px 0; }
</style>
"""


def _when(stamp: object) -> str:
    """« 06/12/2026 à 11:06 » (local time) from a stored ISO date."""
    if not isinstance(stamp, str) or not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%d/%m/%Y à %H:%M")


def _french(text: str) -> str:
    """Guillemets kept with their words: no-break spaces inside « »."""
    return text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _badge(state: str, text: str | None = None) -> str:
    css = {"vide": "wb-fw-vide", "brouillon": "wb-fw-brouillon", "validée": "wb-fw-validee",
           "modifiée": "wb-fw-modifiee"}[state]
    return f"<span class='wb-fw-badge {css}'>{html.escape(text or state)}</span>"


def _missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _parts(value: object, multi: bool) -> list[str]:
    """The values a cell offers to a filter: « eau; santé » → eau, santé (several-valued
    attribute), 58.0 → « 58 »; nothing for an empty cell."""
    if _missing(value):
        return []
    if multi and isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    text = value_label(value)
    return [] if text == MISSING else [text]


def _title(text: str) -> widgets.HTML:
    return widgets.HTML(f"<b>{html.escape(text)}</b>")


class FrameworkPanel(widgets.VBox):
    """Read a cell's extracts and write its summary (see the module docstring).

    `codes`: the columns offered (code ids, keys, names or paths; default: every code of
    the codebook, the first theme chosen). `where`: {attribute: value} choosing the rows
    (a value of a filter presets its dropdown; other conditions stay fixed).
    `rows`: "cases" (default) or "documents".
    """

    def __init__(self, project: Project, codes: str | Iterable[str] | None = None,
                 where: Mapping[str, Any] | None = None, *, rows: str = "cases") -> None:
        self.project = project
        self.rows = rows
        self._stored: dict[str, Any] | None = None  # the open cell's summary, as stored
        self._unsaved: dict[tuple[str, str], str] = {}  # texts typed and not saved
        self._row: str | None = None
        self._shown = ""  # the column of the cell shown (the dropdown may have moved)
        self._lead = False
        self._buttons: dict[str, widgets.Button] = {}
        book = project.codes()
        if not len(book):
            raise NotFoundError("La grille de codage est vide : chargez-en une "
                                "(p.load_codebook) avant d'écrire des synthèses.")
        self.names = dict(zip(book["key"], book["name"], strict=True))
        self._paths = dict(zip(book["key"], book["path"], strict=True))
        self.column = widgets.Dropdown(options=self._columns(book, codes),
                                       description="Colonne (code)",
                                       style={"description_width": "150px"},
                                       layout=widgets.Layout(width="370px"))
        self.column.add_class("wb-fw-colonne")
        self.boxes, self.fixed, self._multi = self._filters(where or {})
        self.undo_button = widgets.Button(description="Annuler la dernière modification",
                                          icon="undo", layout=widgets.Layout(width="auto"))
        self.undo_button.add_class("wb-fw-annuler")
        self.summary_count = widgets.HTML()
        self.cells = widgets.GridBox(layout=widgets.Layout(
            grid_template_columns="minmax(12em, 3fr) minmax(7em, 1fr) minmax(11em, 2fr)",
            grid_gap="0 8px", align_items="center"))
        self.cells.add_class("wb-fw-liste")
        self.heading = widgets.HTML()
        self.heading.add_class("wb-fw-titre")
        self.extracts = widgets.HTML()
        self.extracts.add_class("wb-fw-extraits")
        self.text = widgets.Textarea(placeholder="Synthèse de la cellule : ce que disent ces "
                                                 "extraits, en quelques phrases.",
                                     layout=widgets.Layout(width="auto", height="16em"))
        self.text.add_class("wb-fw-texte")
        self.state = widgets.HTML()
        self.state.add_class("wb-fw-etat")
        self.save_button = widgets.Button(description="Enregistrer", button_style="primary",
                                          icon="check")
        self.save_button.add_class("wb-fw-enregistrer")
        self.validate_button = widgets.Button(description="Valider", button_style="success",
                                              icon="check-circle")
        self.validate_button.add_class("wb-fw-valider")
        self.role_note = widgets.HTML()
        self.role_note.add_class("wb-fw-role")
        self.status = widgets.HTML()
        self.status.add_class("wb-fw-message")

        filters = widgets.GridBox([self.column, *self.boxes.values()], layout=widgets.Layout(
            grid_template_columns="repeat(auto-fill, 375px)", grid_gap="6px 12px"))
        filters.add_class("wb-filtres")
        extracts = widgets.VBox([_title("Extraits"), self.extracts],
                                layout=widgets.Layout(flex="3 1 0", min_width="0",
                                                      padding="0 12px 0 0"))
        editor = widgets.VBox([_title("Synthèse"), self.text, self.state,
                               widgets.HBox([self.save_button, self.validate_button]),
                               self.role_note],
                              layout=widgets.Layout(flex="2 1 0", min_width="0"))
        self.detail = widgets.VBox([self.heading, widgets.HBox([extracts, editor])])
        super().__init__([
            widgets.HTML(CSS + PANEL_CSS), filters,
            widgets.HBox([self.summary_count, self.undo_button],
                         layout=widgets.Layout(justify_content="space-between",
                                               align_items="center", margin="6px 0")),
            self.cells, self.status, self.detail])
        self.add_class("wb-framework-panel")

        self.column.observe(lambda _c: self._run(self._switch), names="value")
        for box in self.boxes.values():
            box.observe(lambda _c: self._run(self._switch), names="value")
        self.text.observe(lambda _c: self._show_state(), names="value")
        self.save_button.on_click(lambda _b: self._run(self.save))
        self.validate_button.on_click(lambda _b: self._run(self.validate))
        self.undo_button.on_click(lambda _b: self._run(self.undo))
        self.refresh()

    # -- what the panel offers ----------------------------------------------------------------
    def _columns(self, book: pd.DataFrame, codes: str | Iterable[str] | None
                 ) -> list[tuple[str, str]]:
        """(label, key): the codebook tree (sub-codes indented), or the codes given."""
        if codes is None:
            return [("\u00a0\u00a0\u00a0\u00a0" * int(depth) + str(name), str(key))
                    for key, name, depth in zip(book["key"], book["name"], book["depth"],
                                                strict=True)]
        keys = [str(k) for k in self.project.framework.matrix(codes).columns]
        paths = dict(zip(book["key"], book["path"], strict=True))
        return [(str(paths.get(k, k)), k) for k in keys]

    def _filters(self, where: Mapping[str, Any]
                 ) -> tuple[dict[str, widgets.Dropdown], dict[str, Any], set[str]]:
        """One dropdown per attribute the study profile filters by (values of the cases),
        the conditions of `where` no dropdown holds, and the several-valued attributes."""
        profile = self.project.profile()
        cases = self.project.cases()
        speaking = set(self.project.extracts(status="accepted")["case"].dropna())
        if speaking:  # the rows of a matrix: the cases whose words are coded
            cases = cases[cases["case"].isin(speaking)]
        keys = profile.filters(cases)
        multi = {k for k in keys if (spec := profile.get(k)) is not None
                 and (spec.type == "multi" or spec.role in LIST_ROLES)}
        boxes: dict[str, widgets.Dropdown] = {}
        fixed = dict(where)
        for key, css in filter_classes(keys).items():
            values = sorted({part for value in cases[key] for part in _parts(value, key in multi)},
                            key=str.casefold)
            box = dropdown(profile.label(key), [(ALL, ""), *[(v, v) for v in values]], css)
            chosen = fixed.get(key)
            if isinstance(chosen, str | int | float) and value_label(chosen) in values:
                box.value = value_label(chosen)
                del fixed[key]
            boxes[key] = box
        return boxes, fixed, multi

    @property
    def code(self) -> str:
        """The key of the column shown."""
        return str(self.column.value)

    @property
    def row(self) -> str | None:
        """The row (case or document) of the cell open, if any."""
        return self._row

    def where(self) -> dict[str, Any]:
        """The row filters: the fixed conditions and the dropdowns' choices."""
        out = dict(self.fixed)
        for key, box in self.boxes.items():
            if box.value:
                out[key] = (lambda v, w=box.value, m=key in self._multi: w in _parts(v, m))
        return out

    def is_lead(self) -> bool:
        """Whether this project's coder is a lead (who validates summaries)."""
        return self.project.role == "lead"

    # -- actions (also callable from Python) --------------------------------------------------
    def open_cell(self, row: str) -> str:
        """Show the cell of `row` in the chosen column: its extracts and its summary."""
        self._keep_unsaved()
        self._row = row
        self._mark_chosen()
        self._read_cell()
        return ""

    def save(self) -> str:
        """Write the summary of the open cell (a draft)."""
        row = self._need_row()
        text = self.text.value
        stored = self._stored["text"] if self._stored else None
        if stored is not None and text.strip() == stored:
            return "Aucune modification à enregistrer : ce texte est déjà celui de la synthèse."
        self.project.framework.write(row, self.code, text, rows=self.rows)
        self._unsaved.pop((row, self.code), None)
        self.refresh()
        return (f"Synthèse enregistrée (brouillon) : {self._cell_label(row)}."
                + (" Relisez-la puis « Valider »." if self._lead else ""))

    def validate(self) -> str:
        """Validate the summary of the open cell, as saved (the lead only)."""
        row = self._need_row()
        if self._stored is None:
            raise CodingError("Aucune synthèse à valider pour cette cellule : écrivez-la et "
                              "enregistrez-la d'abord.")
        if self.text.value.strip() != self._stored["text"]:
            raise CodingError("Le texte a changé depuis le dernier enregistrement : "
                              "« Enregistrer » d'abord (c'est le texte enregistré qui est "
                              "validé).")
        self.project.framework.validate(row, self.code, rows=self.rows)
        self.refresh()
        return f"Synthèse validée : {self._cell_label(row)}."

    def undo(self) -> str:
        """Undo this coder's last change (a summary written or validated, a coding…)."""
        n = self.project.undo()
        if self._row is not None:  # the text shown becomes the stored one again
            self._unsaved.pop((self._row, self.code), None)
        self.refresh()
        return ("Dernière modification annulée ("
                + _plural(n, "ligne rétablie", "lignes rétablies") + ").")

    def refresh(self) -> None:
        """Read the cells of the column again and the open cell's extracts and summary."""
        self._lead = self.is_lead()
        cells = self.project.framework.cells(self.code, rows=self.rows, where=self.where())
        self._list(cells)
        if self._row is not None and self._row not in self._buttons:
            self._row = None
        self._mark_chosen()
        self._read_cell()

    # -- drawing ------------------------------------------------------------------------------
    def _list(self, cells: pd.DataFrame) -> None:
        shown = cells.head(MAX_ROWS)
        header = [widgets.HTML(f"<div class='wb-fw-entete'>{label}</div>") for label in
                  (ROW_WORDS.get(self.rows, "Ligne"), "Extraits", "Synthèse")]
        for cell in header:  # the header stays in sight when the list scrolls
            cell.add_class("wb-fw-tete")
        children: list[widgets.Widget] = [*header]
        self._buttons = {}
        for record in shown.to_dict("records"):
            row = str(record["row"])
            label = f"{record['reference']} — {row}" if record["reference"] else row
            button = widgets.Button(description=label, tooltip=f"Ouvrir la cellule « {row} »",
                                    layout=widgets.Layout(width="100%"))
            button.add_class("wb-fw-ligne")
            button.on_click(lambda _b, r=row: self._run(lambda: self.open_cell(r)))
            self._buttons[row] = button
            count = int(record["extracts"])
            state = STATES.get(record["status"], str(record["status"]))
            author = f" ({record['author']})" if record["author"] else ""
            if (row, self.code) in self._unsaved:
                state_html = _badge("modifiée", "modifiée, non enregistrée")
            else:
                state_html = _badge(state) + html.escape(author)
            children += [button,
                         widgets.HTML(f"<div class='wb-fw-nombre'>"
                                      f"{_plural(count, 'extrait', 'extraits')}</div>"),
                         widgets.HTML(f"<div class='wb-fw-etat-cellule'>{state_html}</div>")]
        self.cells.children = children
        written = sum(s is not None for s in cells["status"])
        validated = sum(s == "validated" for s in cells["status"])
        name = self.names.get(self.code, self.code)
        more = (f" (les {MAX_ROWS} premières listées : affinez les filtres)"
                if len(cells) > MAX_ROWS else "")
        if not len(cells):
            self.summary_count.value = _french(
                f"<span class='wb-vide'>Aucun extrait accepté ni aucune synthèse pour « "
                f"{html.escape(name)} » avec ces filtres.</span>")
        else:
            done = ("aucune synthèse écrite" if not written else
                    f"{_plural(written, 'synthèse écrite', 'synthèses écrites')} dont "
                    + (f"{validated} validée{'s' if validated > 1 else ''}" if validated
                       else "aucune validée"))
            self.summary_count.value = _french(
                f"<span class='wb-note'>« {html.escape(name)} » : "
                f"{_plural(len(cells), 'cellule', 'cellules')}{more}, {done}. Cliquez sur "
                "une ligne pour lire ses extraits et écrire sa synthèse.</span>")

    def _mark_chosen(self) -> None:
        for row, button in self._buttons.items():
            button.button_style = "info" if row == self._row else ""

    def _read_cell(self) -> None:
        """Show the open cell (or say to choose one): its extracts, and the text typed and
        not saved, else its summary as stored."""
        if self._row is None:
            self.heading.value = "<i>Choisissez une ligne dans la liste ci-dessus.</i>"
            self.extracts.value = ""
            self._stored = None
            self.text.value = ""
            self.text.disabled = self.save_button.disabled = True
            self._show_state()
            return
        row, code = self._row, self.code
        self._shown = code
        extracts = self.project.framework.extracts(row, code, rows=self.rows)
        summary = self.project.framework.summary(row, code, rows=self.rows)
        self.heading.value = f"<b>{html.escape(_french(self._cell_label(row)))}</b>"
        if len(extracts):
            extracts = extracts.assign(code_path=self._below(extracts))
        self.extracts.value = (html_table(extracts, EXTRACT_COLUMNS) if len(extracts) else
                               "<div class='wb-vide'>Aucun extrait accepté dans cette cellule."
                               "</div>")
        self.text.disabled = self.save_button.disabled = False
        self._stored = summary
        self.text.value = self._unsaved.get((row, code), summary["text"] if summary else "")
        self._show_state()

    def _show_state(self) -> None:
        """The state of the open cell's summary, and which buttons apply."""
        stored = self._stored
        lead = self._lead
        if self._row is None:
            self.state.value = ""
        elif stored is None:
            self.state.value = (f"{_badge('vide')} Aucune synthèse pour cette cellule : "
                                "écrivez-la ci-dessus puis « Enregistrer ».")
        elif stored["status"] == "validated":
            self.state.value = (
                f"{_badge('validée')} Validée par {html.escape(str(stored['validated_by']))} "
                f"le {_when(stored['validated_at'])} ; écrite par "
                f"{html.escape(str(stored['author']))} le {_when(stored['updated_at'])}.")
        else:
            self.state.value = (
                f"{_badge('brouillon')} Écrite par {html.escape(str(stored['author']))} le "
                f"{_when(stored['updated_at'])} ; pas encore validée.")
        dirty = (self._row is not None
                 and self.text.value.strip() != (stored["text"] if stored else "")
                 and bool(self.text.value.strip()))
        if dirty:
            self.state.value += (" <span class='wb-fw-badge wb-fw-modifiee'>modifiée, non "
                                 "enregistrée</span>")
        self.validate_button.disabled = not (lead and stored is not None
                                             and stored["status"] == "draft")
        self.validate_button.tooltip = ("Valider la synthèse enregistrée" if lead
                                        else LEAD_ONLY)
        self.role_note.value = ("" if lead or self._row is None else
                                f"<span class='wb-note'>{html.escape(_french(LEAD_ONLY))}"
                                "</span>")
        self.state.value = _french(self.state.value)

    def _below(self, extracts: pd.DataFrame) -> list[str]:
        """Each extract's code as seen from the column: « Eau » under « Domaines d'action »
        (the column's own name for an extract coded with it)."""
        name = self.names.get(self.code, self.code)
        path = str(self._paths.get(self.code, name))
        return [str(p)[len(path) + 3:] if str(p).startswith(f"{path} > ") else
                (name if str(p) == path else str(p)) for p in extracts["code_path"]]

    def _cell_label(self, row: str) -> str:
        word = "Cas" if self.rows == "cases" else "Document"
        return f"{word} « {row} » × « {self.names.get(self.code, self.code)} »"

    def _need_row(self) -> str:
        if self._row is None:
            raise CodingError("Aucune cellule ouverte : cliquez d'abord sur une ligne de la "
                              "liste.")
        return self._row

    def _keep_unsaved(self) -> None:
        """Keep the text typed in the open cell, unsaved, for when it is opened again."""
        if self._row is None:
            return
        stored = self._stored["text"] if self._stored else ""
        typed = self.text.value
        if typed.strip() and typed.strip() != stored:
            self._unsaved[(self._row, self._shown)] = typed
            button = self._buttons.get(self._row)
            if button is not None:  # its state in the list says so
                index = self.cells.children.index(button)
                self.cells.children[index + 2].value = (
                    "<div class='wb-fw-etat-cellule'>"
                    f"{_badge('modifiée', 'modifiée, non enregistrée')}</div>")
        else:
            self._unsaved.pop((self._row, self._shown), None)

    # -- wiring -------------------------------------------------------------------------------
    def _switch(self) -> str:
        """Another column or other filters: the same row stays open when it is listed."""
        self._keep_unsaved()
        self.refresh()
        return ""

    def _run(self, action: Callable[[], str]) -> None:
        try:
            message = action()
        except WorkbenchError as error:
            self._say(str(error), error=True)
        except Exception as error:  # a widget must say something rather than fail silently
            self._say(f"Erreur inattendue ({type(error).__name__}) : {error}", error=True)
        else:
            self._say(message)

    def _say(self, message: str, *, error: bool = False) -> None:
        if not message:
            self.status.value = ""
            return
        color = "#b00020" if error else "#1b5e20"
        message = _french(message[:1].upper() + message[1:])
        self.status.value = f'<span style="color:{color}">{html.escape(message)}</span>'


def framework_panel(project: Project, codes: str | Iterable[str] | None = None,
                    where: Mapping[str, Any] | None = None, *,
                    rows: str = "cases") -> widgets.Widget:
    """The framework panel of `project` (see `FrameworkPanel`), or a French message saying
    why it cannot open (an empty codebook, an unknown code…)."""
    try:
        return FrameworkPanel(project, codes, where, rows=rows)
    except WorkbenchError as error:
        return error_message(str(error), title="Le panneau des synthèses ne peut pas s'ouvrir.")
