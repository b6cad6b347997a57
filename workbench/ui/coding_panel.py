"""The researcher's coding panel: select text with the mouse, tick codes, save.

`CodingPanel(project)` composes a document chooser, the document view (real text
selection; with a recording, a player above the text and each turn's time to click),
the searchable codebook tree, a memo box, "Enregistrer" and « Écouter la sélection »
(the selected passage, from its start to its end); below,
the passages like the selected one (« Trouver des passages semblables », then
« Coder les passages choisis » with the ticked codes), the suggestions of the rules
and of the learned models to accept or reject, the memos, and "Annuler la dernière
modification". Each action is one Project call (one store transaction), so what
is saved is in the store at once. Logic lives in `CodingSession`; this module
only wires widgets to it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from workbench.errors import NotFoundError, WorkbenchError
from workbench.ui.coding_session import SIMILAR_TOP, CodingSession, SimilarPassages
from workbench.ui.coding_state import short
from workbench.ui.coding_widget import CodeTree, DocumentView, SimilarList

if TYPE_CHECKING:  # the panel is handed a Project; it never imports upwards
    from workbench.project import Project


SUGGESTIONS = "Propositions (règles et modèles)"
SIMILAR_COUNTS = (10, 20, 50)  # choices of how many similar passages to list


def _box(*children: widgets.Widget, flex: str, **layout: Any) -> widgets.VBox:
    return widgets.VBox(list(children), layout=widgets.Layout(flex=flex, min_width="0",
                                                             **layout))


def _title(text: str) -> widgets.HTML:
    return widgets.HTML(f"<b>{html.escape(text)}</b>")


class CodingPanel(widgets.VBox):
    """Code a project's documents by hand (see the module docstring).

    `document`: the document shown first (default: the first by name).
    `pseudonymise`: show pseudonyms for speakers and names in the text, documents,
    quotes and memos; codings are still saved on the stored text. A pseudonymised panel
    shows no player, no turn times and no « Écouter la sélection »: a voice identifies
    a person. The button is shown only when the project has recordings (checked when
    the panel is made), and is disabled on a document without a playable one.
    """

    def __init__(self, project: Project, document: str | None = None, *,
                 pseudonymise: bool = False) -> None:
        self.session = CodingSession(project, pseudonymise=pseudonymise)
        options = self.session.documents()
        if not options:
            raise NotFoundError("Le projet ne contient aucun document : importez d'abord un "
                                "corpus (p.import_corpus).")
        if document is not None:
            self.session.document_id(document)  # a clear error for an unknown name
        self.chooser = widgets.Dropdown(options=options, value=document or options[0][1],
                                        description="Document :",
                                        layout=widgets.Layout(width="28em"))
        self.undo_button = widgets.Button(description="Annuler la dernière modification",
                                          icon="undo", layout=widgets.Layout(width="auto"))
        self.view = DocumentView()
        self.tree = CodeTree(codes=self.session.tree)
        self.memo = widgets.Textarea(placeholder="Mémo du codage (facultatif)",
                                     layout=widgets.Layout(width="auto", height="4.5em"))
        self.save_button = widgets.Button(description="Enregistrer", button_style="primary",
                                          icon="check")
        self.selection_label = widgets.HTML()
        self.listen_button = widgets.Button(
            description="Écouter la sélection", icon="volume-up",
            layout=widgets.Layout(width="auto",
                                  display=None if self.session.has_recordings() else "none"))
        self.status = widgets.HTML()
        self.similar_button = widgets.Button(description="Trouver des passages semblables",
                                             icon="search", layout=widgets.Layout(width="auto"),
                                             tooltip="Les passages du projet qui ressemblent "
                                             "au passage sélectionné")
        self.similar_top = widgets.Dropdown(
            options=[(f"{n} passages", n) for n in SIMILAR_COUNTS], value=SIMILAR_TOP,
            layout=widgets.Layout(width="9em"), tooltip="Combien de passages lister")
        self.similar_title = _title("Passages semblables")
        self.similar_list = SimilarList()
        self.code_similar_button = widgets.Button(
            description="Coder les passages choisis", icon="check", button_style="primary",
            layout=widgets.Layout(width="auto"),
            tooltip="Coder les passages cochés avec les codes cochés dans la grille")
        self.found: SimilarPassages | None = None
        self.suggestions_title = _title(SUGGESTIONS)
        self.suggestions = widgets.SelectMultiple(options=[], rows=6,
                                                  layout=widgets.Layout(width="100%"))
        self.accept_button = widgets.Button(description="Accepter", button_style="success")
        self.reject_button = widgets.Button(description="Rejeter", button_style="danger")
        self.memos = widgets.HTML()
        for widget, name in [(self.chooser, "wb-document-chooser"), (self.undo_button, "wb-undo"),
                             (self.memo, "wb-memo"), (self.save_button, "wb-save"),
                             (self.status, "wb-status"), (self.suggestions, "wb-suggestions"),
                             (self.accept_button, "wb-accept"),
                             (self.reject_button, "wb-reject"), (self.memos, "wb-memos"),
                             (self.selection_label, "wb-selection"),
                             (self.listen_button, "wb-listen"),
                             (self.similar_button, "wb-similar"),
                             (self.similar_top, "wb-similar-top"),
                             (self.similar_list, "wb-similar-results"),
                             (self.code_similar_button, "wb-code-similar")]:
            widget.add_class(name)
        self._model: dict[str, Any] = {}
        self._spans: dict[int, tuple[int, int]] = {}

        side = _box(_title("Codes"), self.tree, _title("Mémo"), self.memo, self.save_button,
                    self.selection_label, widgets.HBox([self.listen_button]),
                    widgets.HBox([self.similar_button, self.similar_top]),
                    flex="2 1 0", padding="0 6px 0 12px")
        similar = widgets.VBox([self.similar_title, self.similar_list,
                                widgets.HBox([self.code_similar_button])],
                               layout=widgets.Layout(padding="0 6px 8px 0"))
        suggestions = _box(self.suggestions_title, self.suggestions,
                           widgets.HBox([self.accept_button, self.reject_button]),
                           flex="1 1 0", padding="0 12px 0 0")
        super().__init__([
            widgets.HBox([self.chooser, self.undo_button]),
            widgets.HBox([_box(self.view, flex="3 1 0"), side]),
            self.status,
            similar,
            widgets.HBox([suggestions, _box(_title("Mémos"), self.memos, flex="1 1 0")]),
        ])
        self.add_class("wb-coding-panel")

        self.chooser.observe(self._on_document, names="value")
        self.view.observe(self._on_selection, names="selection")
        self.suggestions.observe(self._on_suggestion, names="value")
        self.save_button.on_click(lambda _b: self._run(self.save))
        self.accept_button.on_click(lambda _b: self._run(self.accept))
        self.reject_button.on_click(lambda _b: self._run(self.reject))
        self.undo_button.on_click(lambda _b: self._run(self.undo))
        self.listen_button.on_click(lambda _b: self._run(self.listen))
        self.similar_button.on_click(lambda _b: self._run(self.find_similar))
        self.code_similar_button.on_click(lambda _b: self._run(self.code_similar))
        self.similar_list.observe(self._on_shown, names="shown")
        self.refresh()
        self._on_selection()

    @property
    def document(self) -> str:
        return str(self.chooser.value)

    # -- actions (also callable from Python) ---------------------------------------------
    def save(self) -> str:
        """Code the selected passage with every ticked code and the memo."""
        _ids, message = self.session.save(self.document, self._model, self.view.selection,
                                          self.tree.selected, self.memo.value)
        self.memo.value = ""
        self.tree.clear()
        self.refresh()
        return message

    def listen(self) -> str:
        """Play the selected passage of the recording, from its start to its end."""
        heard = self.session.listen(self.document, self._model, self.view.selection)
        self.view.play(heard.t_start, heard.t_end)
        return heard.message

    def find_similar(self) -> str:
        """List the passages most like the selection (or, with nothing selected, like the
        first chosen suggestion)."""
        chosen = [self._spans[i] for i in self.suggestions.value if i in self._spans]
        self._say("Recherche des passages semblables…")
        self.similar_button.disabled = True
        try:
            found, message = self.session.similar(
                self.document, self._model, self.view.selection,
                span=chosen[0] if chosen else None, top=int(self.similar_top.value))
        except Exception:
            self._show_similar(None)
            raise
        finally:
            self.similar_button.disabled = False
        self._show_similar(found)
        return message

    def code_similar(self) -> str:
        """Code the ticked passages of the list with every ticked code (one transaction)."""
        _ids, touched, message = self.session.code_similar(self.found, self.similar_list.chosen,
                                                           self.tree.selected)
        self.similar_list.clear()
        self._show_similar(self.found)
        if self.document in touched:
            self.refresh()
        return message

    def show_similar(self, key: int) -> str:
        """Show one listed passage in the document view, switching document if needed."""
        if self.found is None or not 0 <= key < len(self.found.items):
            return ""
        item = self.found.items[key]
        if item["document"] != self.document:
            self.chooser.value = item["document"]  # refreshes the view
        self.view.show(item["start"], item["end"])
        return f"Passage {item['reference']} affiché dans le document."

    def accept(self) -> str:
        message = self.session.accept(self.suggestions.value)
        self.refresh()
        return message

    def reject(self) -> str:
        message = self.session.reject(self.suggestions.value)
        self.refresh()
        return message

    def undo(self) -> str:
        message = self.session.undo()
        self.refresh()
        return message

    def refresh(self) -> None:
        """Read the document, its suggestions and memos again from the store."""
        state = self.session.read(self.document)
        self._model, self._spans = state.model, state.spans
        self.view.selection = {}
        self.view.doc = state.model
        self.suggestions.options = state.suggestions
        count = len(state.suggestions)
        self.suggestions_title.value = (
            f"<b>{SUGGESTIONS} ({count})</b>" if count
            else f"<b>{SUGGESTIONS}</b> — aucune à valider pour ce document.")
        self.memos.value = _memos_html(state.memos)
        self._listen_state()

    # -- wiring ---------------------------------------------------------------------------
    def _listen_state(self) -> None:
        playable = bool(self._model.get("media"))
        self.listen_button.disabled = not playable
        self.listen_button.tooltip = (
            "Écouter le passage sélectionné, de son début à sa fin" if playable
            else self._model.get("media_note")
            or "Ce document n'a pas d'enregistrement (p.media.add pour en attacher un)")

    def _run(self, action: Callable[[], str]) -> None:
        try:
            self._say(action())
        except WorkbenchError as error:
            self._say(str(error), error=True)
        except Exception as error:  # a Voila app must say something rather than fail silently
            self._say(f"Erreur inattendue ({type(error).__name__}) : {error}", error=True)

    def _say(self, message: str, *, error: bool = False) -> None:
        color = "#b00020" if error else "#1b5e20"
        self.status.value = f'<span style="color:{color}">{html.escape(message)}</span>'

    def _on_document(self, _change: Any) -> None:
        def switch() -> str:
            self.refresh()
            return ""
        self._run(switch)

    def _on_selection(self, _change: Any = None) -> None:
        selection = self.view.selection
        if not selection:
            self.selection_label.value = ("<i>Aucune sélection : sélectionnez un passage du "
                                          "texte à la souris.</i>")
            return
        self.selection_label.value = (
            f"Sélection : « {html.escape(short(selection.get('text', ''), 80))} » "
            f"(caractères {int(selection['start'])}–{int(selection['end'])})")

    def _show_similar(self, found: SimilarPassages | None) -> None:
        self.found = found
        self.similar_list.items = found.items if found is not None else []
        self.similar_title.value = (
            f"<b>Passages semblables ({len(found.items)})</b> — cochez ceux à coder ; "
            "cliquez sur une référence pour voir le passage" if found is not None
            else "<b>Passages semblables</b>")

    def _on_shown(self, change: Any) -> None:
        key = change["new"].get("key")
        if key is not None:
            self._run(lambda: self.show_similar(int(key)))

    def _on_suggestion(self, change: Any) -> None:
        chosen = [self._spans[i] for i in change["new"] if i in self._spans]
        if chosen:
            self.view.show(*chosen[0])


def _memos_html(items: list[dict[str, str]]) -> str:
    if not items:
        return "<i>Aucun mémo pour ce document.</i>"
    rows = "".join(
        f"<li><b>{html.escape(m['about'])}</b> — {html.escape(m['text'])}"
        + (f" <i>({html.escape(m['author'])})</i>" if m["author"] else "") + "</li>"
        for m in items)
    return f'<ul style="margin:0;padding-left:1.2em">{rows}</ul>'
