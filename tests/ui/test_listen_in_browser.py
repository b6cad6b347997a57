"""Listening while coding, in a real browser: Voila serves the coding panel on a project
whose interviews were spoken by espeak-ng (joined by sox) and imported with a Transcriber
.trs, a Praat TextGrid and a WebVTT transcript, plus a text with [hh:mm:ss] marks on some
turns only. Headless chromium clicks a turn's time (the <audio> element's currentTime
moves to that turn's time and goes on: it plays), selects a passage with the mouse and
clicks « Écouter la sélection » (it plays from the passage's start and pauses at its
end), and switches documents (the former recording stops)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import save_screenshot, voila_server
from tests.media_fixtures import (
    Recording,
    needs_tools,
    synthesise,
    write_marked_text,
    write_textgrid,
    write_trs,
    write_vtt,
)
from tests.ui.test_coding_widget import TIMEOUT, _drag_over, _notebook, _open, _status
from workbench import Project

pytestmark = [pytest.mark.browser, needs_tools]

CODEBOOK = Path(__file__).resolve().parents[1] / "data" / "mini_grille.yaml"
TOLERANCE = 0.3  # s: the media element's position right after a click

MISSING = "Hem_perdu"  # its recording is deleted after the import
# Other speakers than the demo's, one interview per transcript format.
INTERVIEWS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "Roubaix_trs": ("trs", [
        ("Enquêteur", "Bonjour, merci de me recevoir chez vous."),
        ("Karima", "Je suis arrivée à Roubaix avec mes deux frères."),
        ("Enquêteur", "Et vos voisins, vous les connaissez ?"),
        ("Karima", "Nous faisons la fête de quartier chaque printemps."),
    ]),
    "Lille_textgrid": ("TextGrid", [
        ("Enquêtrice", "Pouvez-vous me parler de votre travail ?"),
        ("Malik", "Je répare des vélos dans un atelier associatif."),
        ("Enquêtrice", "Qui vient à l'atelier ?"),
        ("Malik", "Des étudiants, des retraités, et beaucoup d'enfants le samedi."),
    ]),
    "Tourcoing_vtt": ("vtt", [
        ("Enquêtrice", "Comment avez-vous connu le jardin partagé ?"),
        ("Lucie", "Une voisine m'a donné des graines de tomates."),
        ("Enquêtrice", "Qu'est-ce que vous y cultivez aujourd'hui ?"),
        ("Lucie", "Des courges, des haricots et un peu de menthe pour le thé."),
    ]),
    "Wattrelos_notes": ("txt", [
        ("Enquêteur", "Depuis quand habitez-vous ici ?"),
        ("Nadia", "Depuis vingt ans, dans la même rue."),
        ("Enquêteur", "Et le marché du dimanche ?"),
        ("Nadia", "J'y vends des gâteaux avec ma cousine."),
    ]),
    MISSING: ("vtt", [
        ("Enquêtrice", "Vous venez souvent à la médiathèque ?"),
        ("Paul", "Tous les mercredis, avec mes petits-enfants."),
    ]),
}
TIMED = ["Roubaix_trs", "Lille_textgrid", "Tourcoing_vtt"]
PASSAGE = "une voisine m'a donné des graines"  # in Tourcoing_vtt, turn 2


def _corpus(folder: Path) -> dict[str, Recording]:
    """Each interview spoken (its .wav) beside its transcript, as a team would file them."""
    sounds = {}
    for stem, (kind, turns) in INTERVIEWS.items():
        sound = synthesise(folder, stem, turns)
        if kind == "trs":
            write_trs(folder / f"{stem}.trs", sound.segments, sound.duration)
        elif kind == "TextGrid":
            write_textgrid(folder / f"{stem}.TextGrid", sound.segments, sound.duration)
        elif kind == "vtt":
            write_vtt(folder / f"{stem}.vtt", sound.segments)
        else:  # a mark on turns 1 and 3 only: turns 2 and 4 get estimated times
            write_marked_text(folder / f"{stem}.txt", sound.segments, every=2)
        sounds[stem] = sound
    return sounds


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Project,
                                                                          dict[str, Recording]]]:
    """Voila serving CodingPanel on a project of five recorded interviews, one of whose
    recordings has been moved away since its import."""
    folder = tmp_path_factory.mktemp("ecoute")
    sounds = _corpus(folder / "corpus")
    project = Project.create(folder / "projet", coder="ana")
    project.load_codebook(CODEBOOK)
    project.import_corpus(folder / "corpus", progress=False)
    assert set(project.media.list()["document"]) == set(INTERVIEWS)
    sounds[MISSING].path.unlink()  # moved away since: the panel must say so
    # the panel opens on the document whose recording is missing: the first view drawn
    # has no player
    notebook = _notebook(folder / "app", project.location, False, coder="ana",
                         document=MISSING)
    with voila_server(notebook) as url:
        yield url, project, sounds
    shutil.rmtree(notebook.parent, ignore_errors=True)
    project.close()


def _show(page: Any, document: str, phrase: str) -> None:
    """Choose `document` in the panel and wait for its text (holding `phrase`)."""
    page.select_option(".wb-document-chooser select", document)
    page.wait_for_function("(p) => document.querySelector('.wb-scroller')?.innerText"
                           ".includes(p)", arg=phrase, timeout=TIMEOUT)
    page.wait_for_function("() => document.querySelector('.wb-player')?.readyState >= 1",
                           timeout=TIMEOUT)


def _position(page: Any) -> dict[str, Any]:
    return page.evaluate("() => { const a = document.querySelector('.wb-player');"
                         " return {t: a.currentTime, paused: a.paused, src: a.currentSrc}; }")


def _listen_to_events(page: Any) -> None:
    """Keep, in the page, where the player seeks to, starts and pauses."""
    page.evaluate("""() => {
        const a = document.querySelector('.wb-player');
        window.wbEvents = [];
        for (const name of ['seeked', 'playing', 'pause']) {
            a.addEventListener(name, () => window.wbEvents.push([name, a.currentTime]));
        }
    }""")


def test_a_click_on_a_turn_time_plays_from_that_turn(
        served: tuple[str, Project, dict[str, Recording]], browser_page: Any) -> None:
    url, project, sounds = served
    page = browser_page
    _open(page, url)
    for document in TIMED:
        turns = INTERVIEWS[document][1]
        _show(page, document, turns[2][1][:20])
        assert page.evaluate("() => document.querySelector('.wb-player').tagName") == "AUDIO"
        timeline = project.media.timeline(document)
        # the times drawn are those of p.media.timeline, given by the transcript
        labels = page.locator(".wb-time").all_inner_texts()
        assert len(labels) == len(timeline) == len(turns)
        assert not any(label.startswith("≈") for label in labels)
        src = _position(page)["src"]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/workbench/media/[\w-]{32,64}", src), src
        assert document not in src

        third = float(timeline.loc[timeline["turn"] == 3, "t_start"].iloc[0])
        assert third == pytest.approx(sounds[document].segments[2].start, abs=0.01)
        page.click('.wb-turn:nth-child(3) .wb-time')
        now = _position(page)
        assert now["t"] == pytest.approx(third, abs=TOLERANCE), (document, now)
        page.wait_for_function(f"() => document.querySelector('.wb-player').currentTime"
                               f" > {third + 0.4}", timeout=TIMEOUT)
        assert not _position(page)["paused"]  # it plays, and goes on
        assert page.locator(".wb-turn.wb-playing").count() >= 1

    # switching documents stops the former recording
    page.evaluate("() => { window.wbFormer = document.querySelector('.wb-player'); }")
    _show(page, "Roubaix_trs", INTERVIEWS["Roubaix_trs"][1][1][1][:20])
    assert page.evaluate("() => window.wbFormer.paused && !window.wbFormer.isConnected")
    assert _position(page)["paused"]


def test_a_missing_recording_is_said_and_the_text_stays(
        served: tuple[str, Project, dict[str, Recording]], browser_page: Any) -> None:
    url, _project, _sounds = served
    page = browser_page
    _open(page, url)  # the panel opens on the document whose recording is missing

    def said() -> None:
        page.wait_for_function("() => document.querySelector('.wb-media-note')?.innerText"
                               ".includes('introuvable')", timeout=TIMEOUT)
        note = page.inner_text(".wb-media-note")
        assert note.startswith(f"Pas d'écoute possible. L'enregistrement de « {MISSING} »")
        assert "p.media.relink" in note
        assert page.locator(".wb-player").count() == 0
        assert page.locator(".wb-time").count() == 0
        assert "mercredis" in page.inner_text(".wb-scroller")  # the text is there to code
        assert page.locator(".wb-listen button, button.wb-listen").is_disabled()

    said()
    _show(page, "Roubaix_trs", "voisins")
    assert page.locator(".wb-media-note").is_hidden()
    page.click('.wb-turn:nth-child(2) .wb-time')
    page.evaluate("() => { window.wbFormer = document.querySelector('.wb-player'); }")
    page.select_option(".wb-document-chooser select", MISSING)
    said()
    assert page.evaluate("() => window.wbFormer.paused && !window.wbFormer.isConnected")


def test_estimated_times_are_marked(served: tuple[str, Project, dict[str, Recording]],
                                    browser_page: Any) -> None:
    url, project, _sounds = served
    page = browser_page
    _open(page, url)
    _show(page, "Wattrelos_notes", "le marché du dimanche")
    times = page.locator(".wb-time")
    labels = times.all_inner_texts()
    # turns 1 and 3 carry a [hh:mm:ss] mark; 2 and 4 are estimated between them
    assert [label.startswith("≈ ") for label in labels] == [False, True, False, True]
    assert "temps estimé" in (times.nth(1).get_attribute("title") or "")
    assert "temps estimé" not in (times.nth(0).get_attribute("title") or "")
    timeline = project.media.timeline("Wattrelos_notes")
    second = float(timeline["t_start"].iloc[1])
    times.nth(1).click()
    assert _position(page)["t"] == pytest.approx(second, abs=TOLERANCE)


def test_listen_to_the_selection_plays_the_passage_and_pauses_at_its_end(
        served: tuple[str, Project, dict[str, Recording]], browser_page: Any) -> None:
    url, project, _sounds = served
    page = browser_page
    _open(page, url)
    _show(page, "Tourcoing_vtt", "voisine")
    page.click("button:has-text('Écouter la sélection')")
    _status(page, "Aucun passage sélectionné")
    text = project.text("Tourcoing_vtt")
    start = text.lower().index(PASSAGE)
    phrase = text[start:start + len(PASSAGE)]
    _drag_over(page, phrase)
    page.wait_for_selector(f".wb-selection:has-text('caractères {start}–"
                           f"{start + len(phrase)}')", timeout=TIMEOUT)
    t0, t1, _estimated = project.media.span("Tourcoing_vtt", start=start,
                                            end=start + len(phrase))
    _listen_to_events(page)
    page.click("button:has-text('Écouter la sélection')")
    _status(page, "Écoute de « ")
    page.wait_for_function("() => window.wbEvents.some(e => e[0] === 'pause')",
                           timeout=TIMEOUT)
    events = page.evaluate("() => window.wbEvents")
    seeked = [t for name, t in events if name == "seeked"]
    paused = [t for name, t in events if name == "pause"]
    assert seeked and seeked[0] == pytest.approx(t0, abs=TOLERANCE), events
    assert t1 - 0.05 <= paused[-1] <= t1 + TOLERANCE, (t0, t1, events)
    assert _position(page)["paused"]
    # the selection is still there: the picture shows it, the player and the times
    page.wait_for_selector(".wb-selection:has-text('caractères')", timeout=TIMEOUT)
    shot = save_screenshot(page, "listen_panel")
    assert shot.stat().st_size > 10_000
