"""The coding panel driven from Python on a real project (no browser): what it saves,
reviews and undoes lands in the store, and bad input saves nothing."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from tests.media_fixtures import write_wav
from workbench import Project
from workbench.errors import CodingError, MediaError, NotFoundError
from workbench.media import grants
from workbench.media.playback import NOT_SERVED
from workbench.ui.coding_panel import CodingPanel
from workbench.ui.coding_session import CodingSession

DOC = "E01_fatima"


def _select(panel: CodingPanel, phrase: str) -> tuple[int, int]:
    """Put into the view the selection a browser would send for `phrase`."""
    text = panel.session.project.text(panel.document)
    start = text.index(phrase)
    panel.view.selection = {"start": start, "end": start + len(phrase), "text": phrase}
    return start, start + len(phrase)


def _count(project: Project) -> int:
    return len(project.extracts(status=None))


def test_saving_codes_the_selection_with_each_ticked_code_and_the_memo(project: Project) -> None:
    panel = CodingPanel(project)
    assert panel.document == DOC
    start, end = _select(panel, "c'est ma mère")
    panel.tree.query = "affectifs"
    assert panel.tree.matching == ["liens.affectifs"]
    panel.tree.selected = ["liens.affectifs", "femmes"]
    panel.memo.value = "  attachement à la mère "
    panel._run(panel.save)
    assert panel.status.value.count("Codage enregistré") == 1
    with Project.open(project.location) as again:  # what another process reads
        rows = again.extracts(status=None).query("document == @DOC")
    assert sorted(zip(rows["code"], rows["start"], rows["end"], rows["memo"], strict=True)) == [
        ("femmes", start, end, "attachement à la mère"),
        ("liens.affectifs", start, end, "attachement à la mère")]
    # the panel is ready for the next passage and draws the new codings
    assert (panel.view.selection, panel.tree.selected, panel.memo.value) == ({}, [], "")
    drawn = {(m["code"], m["start"], m["end"]) for m in panel.view.doc["codings"]}
    assert {("femmes", start, end), ("liens.affectifs", start, end)} <= drawn
    assert "attachement à la mère" in panel.memos.value


def test_nothing_is_saved_without_a_selection_a_code_or_with_a_wrong_selection(
        project: Project) -> None:
    panel = CodingPanel(project)
    before = _count(project)
    panel.tree.selected = ["femmes"]
    panel._run(panel.save)
    assert "Aucun passage sélectionné" in panel.status.value
    start, end = _select(panel, "Les femmes font tout le travail")
    panel.tree.selected = []
    panel._run(panel.save)
    assert "Aucun code choisi" in panel.status.value
    panel.tree.selected = ["femmes"]
    panel.view.selection = {"start": start + 1, "end": end + 1,  # offsets one off
                            "text": "Les femmes font tout le travail"}
    panel._run(panel.save)
    assert "ne correspond pas" in panel.status.value
    assert _count(project) == before
    assert panel.tree.selected == ["femmes"]  # kept, so the researcher can retry


def test_suggestions_are_listed_accepted_and_rejected(project: Project) -> None:
    text = project.text(DOC)
    puits = text.index("On envoie de l'argent pour le puits")
    first = project.code(DOC, puits, puits + 35, "actions.eau", origin="rule:eau-puits",
                         status="suggested")
    ecole = text.index("l'école du douar")
    second = project.code(DOC, ecole, ecole + 16, "actions.education", origin="rule:ecole",
                          status="suggested")
    panel = CodingPanel(project)
    assert [v for _label, v in panel.suggestions.options] == [first, second]
    assert "(règle eau-puits)" in panel.suggestions.options[0][0]
    panel.suggestions.value = (first,)
    assert (panel.view.focus["start"], panel.view.focus["end"]) == (puits, puits + 35)
    panel._run(panel.accept)
    assert "1 proposition acceptée." in panel.status.value
    panel.suggestions.value = (second,)
    panel._run(panel.reject)
    assert "1 proposition rejetée." in panel.status.value
    status = project.extracts(status=None).set_index("coding_id")["status"]
    assert (status[first], status[second]) == ("accepted", "rejected")
    assert panel.suggestions.options == ()
    marks = {m["id"]: m["status"] for m in panel.view.doc["codings"]}
    assert marks.get(first) == "accepted" and second not in marks  # rejected: not drawn
    panel._run(panel.accept)
    assert "Aucune proposition choisie" in panel.status.value


def test_undo_takes_back_the_last_saved_coding(project: Project) -> None:
    panel = CodingPanel(project)
    before = _count(project)
    _select(panel, "Le village, c'est ma mère")
    panel.tree.selected = ["liens"]
    panel._run(panel.save)
    assert _count(project) == before + 1
    panel._run(panel.undo)
    assert "Dernière modification annulée" in panel.status.value, panel.status.value
    assert _count(project) == before
    assert not [m for m in panel.view.doc["codings"] if m["code"] == "liens"]


def test_undo_with_nothing_to_undo_says_so(project: Project) -> None:
    session = CodingSession(Project.open(project.location, coder="personne"))
    assert session.undo() == "Rien à annuler pour personne."


def test_a_pseudonymised_view_shows_no_real_name_and_codes_the_real_text(
        project: Project, tmp_path: Path) -> None:
    extra = tmp_path / "E03_fatima_bis.txt"
    extra.write_text("Enquêtrice : Vous connaissez Youssef Bennani ?\n"
                     "Fatima : Oui, Youssef Bennani est mon neveu, il vit à Marseille.\n",
                     encoding="utf-8")
    project.import_file(extra)
    project.privacy.propose()
    panel = CodingPanel(project, "E03_fatima_bis", pseudonymise=True)
    pieces = [p for t in panel.view.doc["turns"] for p in t["pieces"]]
    shown = [t["speaker"] for t in panel.view.doc["turns"]] + [p["text"] for p in pieces]
    shown += [label for label, _ in panel.chooser.options]
    assert project.leaks(" ".join(shown)) == []
    names = [p for p in pieces if p["name"]]
    assert names and all(p["text"].startswith("Enquêté") for p in names)
    # select from the pseudonym to the end of "neveu": the real span is coded
    text = project.text("E03_fatima_bis")
    real_start = text.index("Youssef Bennani est")
    real_end = text.index("neveu") + len("neveu")
    name = next(p for p in names if p["start"] == real_start)
    panel.view.selection = {"start": real_start, "end": real_end,
                            "text": name["text"] + " est mon neveu"}
    panel.tree.selected = ["liens"]
    panel._run(panel.save)
    assert "Codage enregistré" in panel.status.value and "Bennani" not in panel.status.value
    row = project.extracts("liens", status=None).query("document == 'E03_fatima_bis'")
    assert (row["start"].tolist(), row["end"].tolist()) == ([real_start], [real_end])
    assert row["text"].tolist() == [text[real_start:real_end]]


def test_an_unknown_document_or_an_empty_project_is_a_clear_error(
        project: Project, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="Document inconnu : « E99 »"):
        CodingPanel(project, "E99")
    with Project.create(tmp_path / "vide") as empty, pytest.raises(
            NotFoundError, match="aucun document"):
        CodingPanel(empty)


def test_session_errors_are_coding_errors(project: Project) -> None:
    session = CodingSession(project)
    model = session.read(DOC).model
    with pytest.raises(CodingError, match="Aucun code choisi"):
        session.save(DOC, model, {"start": 60, "end": 62, "text": model["turns"][1]["pieces"][0]
                                  ["text"][:2]}, [])


# -- listening ---------------------------------------------------------------------------------
def _said(panel: CodingPanel) -> str:
    """The status line as the reader sees it (the widget holds escaped HTML)."""
    return html.unescape(panel.status.value)


@pytest.fixture
def served_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Grants in a private runtime folder, under a server that streams recordings."""
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv(grants.BASE_URL_VARIABLE, "/user/ana/")
    grants._issued.clear()


@pytest.fixture
def recorded(project: Project, tmp_path: Path) -> Path:
    """E01 with a silent 30-second recording (its text gives no time: all estimated)."""
    sound = write_wav(tmp_path / "E01.wav", seconds=30.0)
    project.media.add(sound, DOC)
    return sound


@pytest.mark.usefixtures("served_here")
def test_a_recorded_document_shows_a_player_and_the_time_of_each_turn(
        project: Project, recorded: Path) -> None:
    panel = CodingPanel(project)
    model = panel.view.doc
    media = model["media"]
    assert media["src"].startswith("/user/ana/workbench/media/")  # the server's route
    assert (media["kind"], media["mime"], media["duration"]) == ("audio", "audio/wav", 30.0)
    assert "E01" not in media["src"] and model["media_note"] == ""
    timeline = project.media.timeline(DOC)
    times = [t["time"] for t in model["turns"]]
    assert [t["start"] for t in times] == [round(v, 3) for v in timeline["t_start"]]
    assert all(t["estimated"] and t["label"].startswith("≈ ") for t in times)
    assert panel.listen_button.layout.display is None and not panel.listen_button.disabled

    start, end = _select(panel, "c'est ma mère")
    panel._run(panel.listen)
    t0, t1, estimated = project.media.span(DOC, start=start, end=end)
    assert estimated and (panel.view.cue["start"], panel.view.cue["end"]) == (
        round(t0, 3), round(t1, 3))
    assert "Écoute de « c'est ma mère » : " in _said(panel)
    assert "(temps estimé)" in _said(panel)
    count = panel.view.cue["count"]
    panel._run(panel.listen)  # the same passage again is a new cue
    assert panel.view.cue["count"] == count + 1

    panel.view.selection = {}
    panel._run(panel.listen)
    assert "Aucun passage sélectionné : sélectionnez à la souris le passage à écouter" in (
        _said(panel))
    # another document, without recording: no player, no times, the button is disabled
    panel.chooser.value = "E02_youssef"
    assert panel.view.doc["media"] is None
    assert {t["time"] for t in panel.view.doc["turns"]} == {None}
    assert panel.listen_button.disabled
    assert "pas d'enregistrement" in panel.listen_button.tooltip
    _select(panel, "Chaque été")
    panel._run(panel.listen)
    assert "« E02_youssef » n'a pas d'enregistrement" in _said(panel)


@pytest.mark.usefixtures("served_here")
def test_a_missing_recording_is_said_and_coding_goes_on(project: Project,
                                                        recorded: Path) -> None:
    recorded.unlink()
    panel = CodingPanel(project)
    model = panel.view.doc
    assert model["media"] is None and {t["time"] for t in model["turns"]} == {None}
    assert model["media_note"].startswith("Pas d'écoute possible. L'enregistrement de "
                                          f"« {DOC} » est introuvable")
    assert "p.media.relink" in model["media_note"]
    assert panel.listen_button.disabled and "introuvable" in panel.listen_button.tooltip
    start, end = _select(panel, "c'est ma mère")
    panel._run(panel.listen)
    assert "introuvable" in _said(panel)
    panel.tree.selected = ["liens"]
    panel._run(panel.save)
    assert "Codage enregistré" in _said(panel)
    assert (start, end) in set(zip(project.extracts("liens")["start"],
                                   project.extracts("liens")["end"], strict=True))


def test_a_pseudonymised_panel_plays_nothing(project: Project, recorded: Path,
                                             tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    project.privacy.propose()
    panel = CodingPanel(project, pseudonymise=True)
    model = panel.view.doc
    assert model["media"] is None and model["media_note"] == ""
    assert {t["time"] for t in model["turns"]} == {None}
    assert panel.listen_button.layout.display == "none"
    with pytest.raises(MediaError, match="Pas d'écoute dans une vue pseudonymisée"):
        panel.session.listen(DOC, model, {"start": 0, "end": 3, "text": "x"})
    assert not (tmp_path / "runtime").exists()  # not even a grant was written


def test_without_a_streaming_server_the_player_says_how_to_get_one(
        project: Project, recorded: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.delenv(grants.BASE_URL_VARIABLE, raising=False)
    model = CodingSession(project).read(DOC).model
    assert model["media"] is not None and model["media_note"] == NOT_SERVED


def test_a_project_without_recordings_shows_no_listening_button(project: Project) -> None:
    panel = CodingPanel(project)
    assert panel.listen_button.layout.display == "none"
    assert panel.view.doc["media"] is None
