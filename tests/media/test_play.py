"""Hearing a turn, a passage or an extract in a notebook: ``p.play`` returns a player
whose source is the server's media route with the passage's temporal fragment, on real
speech (espeak-ng + sox); the grant it writes names the file only inside the runtime
folder; a missing or changed file, a document without recording and wrong calls get
French errors; the COPIL apps' permission is off by default, audited, and read by the
apps' server without writing to the project."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from media_fixtures import Recording, needs_tools, synthesise, write_marked_text, write_vtt

from workbench import Project
from workbench.errors import MediaError, NotFoundError
from workbench.media import grants
from workbench.media.playback import clock, fragment
from workbench.recordings import project_key, served_project

pytestmark = needs_tools

TURNS = [
    ("Enquêtrice", "Bonjour, pouvez-vous vous présenter ?"),
    ("Samira", "Je suis arrivée à Lyon en deux mille trois."),
    ("Enquêtrice", "Et l'association du village ?"),
    ("Samira", "Nous avons réparé la piste et construit une école."),
]


@pytest.fixture(scope="module")
def sound(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    return synthesise(tmp_path_factory.mktemp("son"), "Samira_Lyon", TURNS)


@pytest.fixture(autouse=True)
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Grants go to a private runtime folder; the route's base URL is that of a server
    mounted under /user/ana/ (as JupyterHub does)."""
    folder = tmp_path / "runtime"
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(folder))
    monkeypatch.setenv(grants.BASE_URL_VARIABLE, "/user/ana/")
    grants._issued.clear()
    return folder


@pytest.fixture
def project(tmp_path: Path, sound: Recording, codebook_file: Path) -> Project:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copyfile(sound.path, corpus / "Samira_Lyon.wav")
    write_vtt(corpus / "Samira_Lyon.vtt", sound.segments)
    shutil.copyfile(sound.path, corpus / "Note_terrain.wav")
    write_marked_text(corpus / "Note_terrain.txt", sound.segments, every=2)
    (corpus / "Sans_son.txt").write_text("Enquêtrice : Bonjour.\nOmar : Bonjour à vous.\n",
                                         encoding="utf-8")
    p = Project.create(tmp_path / "projet", coder="ana")
    p.load_codebook(codebook_file)
    p.import_corpus(corpus, progress=False)
    return p


def test_a_turn_plays_from_its_time_to_its_end(project: Project, sound: Recording) -> None:
    played = project.play("Samira_Lyon", turn=3)
    segment = sound.segments[2]
    assert played.start == pytest.approx(segment.start, abs=0.01)
    assert played.end == pytest.approx(segment.end, abs=0.01)
    assert not played.interpolated and played.kind == "audio" and played.mime == "audio/wav"
    assert played.served
    token = played.url.rsplit("/", 1)[1]
    assert played.url == f"/user/ana/workbench/media/{token}"
    assert played.src == played.url + fragment(segment.start, segment.end)
    page = played._repr_html_()
    assert f'src="{played.src}"' in page and "<audio controls" in page
    assert f"tour 3 : {clock(segment.start)} – {clock(segment.end)}" in page
    # the file's name (which may name a person) and its folder never reach the page
    assert "Samira" not in page and "Lyon" not in page and "corpus" not in page
    # the grant names the file, privately, in the runtime folder
    grant = grants.read(token)
    assert grant is not None and Path(grant.path).name == "Samira_Lyon.wav"
    assert grant.project == project_key(project.store)
    assert (grants.grant_folder() / f"{token}.json").stat().st_mode & 0o077 == 0


def test_a_passage_an_extract_and_a_coding_play_their_own_span(project: Project) -> None:
    text = project.text("Samira_Lyon")
    a = text.index("construit une école")
    b = a + len("construit une école")
    key = str(project.codes()["key"].iloc[0])
    coding = project.code("Samira_Lyon", a, b, key)
    expected = project.media.span("Samira_Lyon", start=a, end=b)
    turn = project.media.span("Samira_Lyon", turn=4)
    assert turn[0] < expected[0] < expected[1] <= turn[1] + 1e-6  # inside its turn
    passage = project.play("Samira_Lyon", start=a, end=b)
    assert (passage.start, passage.end, passage.interpolated) == pytest.approx(expected)
    row = project.extracts().set_index("coding_id").loc[coding]
    from_row = project.play(project.extracts().iloc[0])
    from_coding = project.play(coding=coding)
    assert (from_row.start, from_row.end) == pytest.approx(expected[:2])
    assert (from_coding.start, from_coding.end) == pytest.approx(expected[:2])
    assert row["document"] == "Samira_Lyon"


def test_the_whole_recording_and_the_same_grant_reused(project: Project,
                                                       sound: Recording) -> None:
    whole = project.play("Samira_Lyon")
    assert whole.start == 0 and whole.end == pytest.approx(sound.duration, abs=0.05)
    again = project.play("Samira_Lyon", turn=1)
    assert again.url == whole.url  # one grant per file while it has life left
    other = project.play("Note_terrain", turn=2)
    assert other.url != whole.url


def test_estimated_times_are_said(project: Project) -> None:
    timeline = project.media.timeline("Note_terrain")
    estimated = timeline[timeline["interpolated"]]
    assert not estimated.empty
    turn = int(estimated["turn"].iloc[0])
    played = project.play("Note_terrain", turn=turn)
    assert played.interpolated
    assert "(temps estimé)" in played.caption()
    assert played.start == pytest.approx(float(estimated["t_start"].iloc[0]))


def test_wrong_calls_get_french_errors(project: Project, sound: Recording) -> None:
    with pytest.raises(NotFoundError, match="n'a pas d'enregistrement"):
        project.play("Sans_son", turn=1)
    with pytest.raises(MediaError, match="pas de tour 9"):
        project.play("Samira_Lyon", turn=9)
    with pytest.raises(MediaError, match="soit un codage"):
        project.play("Samira_Lyon", coding=1)
    with pytest.raises(MediaError, match="donnez le document"):
        project.play()
    with pytest.raises(MediaError, match="n'est pas un extrait"):
        project.play({"document": "Samira_Lyon"})
    with pytest.raises(NotFoundError):
        project.play(coding=987654)


def test_a_moved_or_changed_file_is_reported_not_played(project: Project,
                                                        tmp_path: Path) -> None:
    source = Path(project.media.list().set_index("document").loc["Samira_Lyon", "path"])
    moved = tmp_path / "ailleurs.wav"
    source.rename(moved)
    with pytest.raises(MediaError, match=r"introuvable.*p\.media\.relink"):
        project.play("Samira_Lyon", turn=2)
    moved.rename(source)
    token = project.play("Samira_Lyon", turn=2).url.rsplit("/", 1)[1]
    with source.open("ab") as out:
        out.write(b"\0" * 10)
    assert grants.read(token) is None  # the server no longer streams it
    with pytest.raises(MediaError, match="a changé"):
        project.play("Samira_Lyon", turn=2)


def test_not_served_kernel_says_how_to_fix(project: Project,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(grants.BASE_URL_VARIABLE)
    played = project.play("Samira_Lyon", turn=2)
    assert not played.served and played.url.startswith("/workbench/media/")
    assert "make lab" in str(played) and "make lab" in played._repr_html_()


def test_the_apps_permission_is_off_by_default_audited_and_read_by_the_server(
        project: Project) -> None:
    location = project.store.where
    assert not project.media.in_apps()
    assert served_project(location) == (project_key(project.store), False)
    message = project.media.allow_in_apps()
    assert "peuvent désormais" in message and project.media.in_apps()
    assert served_project(Path(location).parent) == (project_key(project.store), True)
    assert "pouvaient déjà" in project.media.allow_in_apps(True)
    assert "ne font plus" in project.media.allow_in_apps(False)
    assert not project.media.in_apps()
    events = project.history()
    changes = events[events["action"] == "media-apps"]
    assert len(changes) == 2  # on, then off: the repeated « on » changed nothing
    assert served_project(Path(location).parent / "absent") == (
        str((Path(location).parent / "absent" / "project.sqlite").resolve()), False)


def test_grant_file_holds_no_more_than_the_route_needs(project: Project) -> None:
    token = project.play("Samira_Lyon", turn=1).url.rsplit("/", 1)[1]
    data = json.loads((grants.grant_folder() / f"{token}.json").read_text(encoding="utf-8"))
    assert set(data) == {"token", "path", "size", "mime", "project", "expires"}
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
