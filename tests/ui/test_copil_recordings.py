"""The COPIL apps and the recordings (issue 19): a voice identifies a person, so the apps
play none unless the project allows it (``p.media.allow_in_apps()``).

A generated study that is not the demo (attributes « sexe », « tranche d'âge »,
« statut »; its own codebook), whose interviews were spoken by espeak-ng: one WebVTT
transcript (exact times), one text with [hh:mm:ss] marks on some turns (estimated
times), one whose recording was deleted after the import, and one without a recording.
File names carry the interviewees' first names, as teams name them: none may reach a
view or a page.

- The view (`CopilView`): nothing about recordings unless allowed; then a link per
  extract of a present recording, with the times `p.media.span` gives; none from a
  snapshot, which does not carry the permission either.
- The explorer in chromium, served as `workbench app` serves it (Voila on
  notebooks/apps with $WORKBENCH_PROJECT): no player and a 404 for a grant while not
  allowed; players that play the extract's span, and a 206 for a range, once allowed; a
  404 again within seconds once the permission is taken back.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.browser import ROOT, save_screenshot, voila_server
from tests.media_fixtures import needs_tools, synthesise, write_marked_text, write_vtt
from workbench import Project
from workbench.recordings import served_project
from workbench.ui.explorer import LISTENING, ExtractExplorer
from workbench.ui.tables import ESTIMATED, extracts_table, player
from workbench.views import ENV_VARIABLE, MEDIA_COLUMNS, CopilView

pytestmark = needs_tools

APPS = ROOT / "notebooks" / "apps"
EXPLORER = "explorateur_extraits.ipynb"
TOLERANCE = 0.3  # s: where the element is when it starts playing
POLICY_DELAY = 8.0  # s: the server reads the permission again every 5 s
GRANT = re.compile(r"/workbench/media/[\w-]{32,64}")

TIMED, MARKED, LOST, UNRECORDED = "E01_Yasmina", "E02_Omar", "E03_Ines", "E04_Paul"
INTERVIEWS: dict[str, list[tuple[str, str]]] = {
    TIMED: [("Enquêtrice", "Depuis quand habitez-vous le quartier ?"),
            ("Yasmina", "Depuis douze ans, au troisième étage de la tour."),
            ("Enquêtrice", "Et les voisins ?"),
            ("Yasmina", "Nous cultivons ensemble un petit jardin derrière l'école.")],
    MARKED: [("Enquêteur", "Où travaillez-vous ?"),
             ("Omar", "Je conduis le bus de nuit, la ligne qui traverse le fleuve."),
             ("Enquêteur", "Et le dimanche ?"),
             ("Omar", "Le dimanche je répare les vélos du club de sport.")],
    LOST: [("Enquêtrice", "Vous venez souvent à la médiathèque ?"),
           ("Ines", "Tous les mercredis avec mes enfants.")],
}
UNRECORDED_TEXT = ("Enquêteur : Vous venez souvent ?\nPaul : Chaque samedi pour le marché aux "
                   "livres.\nEnquêteur : Avec qui ?\nPaul : Avec mon voisin du dessous.\n")
SHEET = ("cas;type;document;locuteur;sexe;tranche d'âge;statut\n"
         f"Yasmina Belkacem;personne;{TIMED};Yasmina;femme;30-44 ans;salariée\n"
         f"Omar Haddad;personne;{MARKED};Omar;homme;45-59 ans;salarié\n"
         f"Ines Morel;personne;{LOST};Ines;femme;18-29 ans;étudiante\n"
         f"Paul Lemaire;personne;{UNRECORDED};Paul;homme;60 ans et plus;retraité\n")
REAL_NAMES = ("Yasmina", "Belkacem", "Omar", "Haddad", "Ines", "Morel", "Paul", "Lemaire")
CODEBOOK = """\
codebook:
  name: Vie de quartier
codes:
  - id: voisinage
    name: Voisinage
    children:
      - id: voisinage.logement
        name: Logement
      - id: voisinage.jardins
        name: Jardins partagés
  - id: travail
    name: Travail et loisirs
"""
# The codes of each document's respondent turns, in order; and a sentence coded inside a
# turn (its times are estimated within the turn).
TURN_CODES = {TIMED: ["voisinage.logement", "voisinage.jardins"], MARKED: ["travail", "travail"],
              LOST: ["voisinage"], UNRECORDED: ["travail", "voisinage"]}
INSIDE = (TIMED, "voisinage", "un petit jardin")


@dataclass
class Study:
    project: Project
    corpus: Path


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Study]:
    folder = tmp_path_factory.mktemp("copil-ecoute")
    corpus = folder / "corpus"
    for stem, turns in INTERVIEWS.items():
        sound = synthesise(corpus, stem, turns)
        if stem == MARKED:  # a mark on turns 1 and 3: turns 2 and 4 are estimated
            write_marked_text(corpus / f"{stem}.txt", sound.segments, every=2)
        else:
            write_vtt(corpus / f"{stem}.vtt", sound.segments)
    (corpus / f"{UNRECORDED}.txt").write_text(UNRECORDED_TEXT, encoding="utf-8")
    (corpus / "attributs.csv").write_text(SHEET, encoding="utf-8")
    (folder / "grille.yaml").write_text(CODEBOOK, encoding="utf-8")
    project = Project.create(folder / "projet", coder="lead")
    project.load_codebook(folder / "grille.yaml")
    project.import_corpus(corpus, attributes=corpus / "attributs.csv", progress=False)
    rows = []
    for document, codes in TURN_CODES.items():
        turns = project.turns(document)
        answers = turns[turns["role"] != "interviewer"]
        rows += [{"document": document, "code": code, "start": int(turn["start"]),
                  "end": int(turn["end"])}
                 for code, (_, turn) in zip(codes, answers.iterrows(), strict=False)]
    document, code, phrase = INSIDE
    at = project.text(document).index(phrase)
    rows.append({"document": document, "code": code, "start": at, "end": at + len(phrase)})
    project.code_many(rows)
    project.privacy.propose()
    assert set(project.media.list()["document"]) == {TIMED, MARKED, LOST}
    (corpus / f"{LOST}.wav").unlink()  # moved away since the import
    try:
        yield Study(project, corpus)
    finally:
        project.media.allow_in_apps(False)
        project.close()


@pytest.fixture
def allowed(study: Study) -> Iterator[Project]:
    """The study, its apps allowed to play recordings for the test."""
    study.project.media.allow_in_apps()
    try:
        yield study.project
    finally:
        study.project.media.allow_in_apps(False)


def shown_text(view: CopilView) -> str:
    """Every value of every frame of the view, as text."""
    frames = [view.extracts, view.respondents, view.organisations, view.codes, view.validated]
    return "\n".join([*(str(c) for f in frames for c in f.columns),
                      *(str(v) for f in frames for c in f.columns for v in f[c].dropna())])


def assert_no_file_nor_name(text: str, study: Study) -> None:
    for stem in INTERVIEWS:
        assert f"{stem}.wav" not in text and stem not in text
    assert ".wav" not in text and str(study.corpus) not in text
    assert "/tmp" not in text and "copil-ecoute" not in text
    for name in REAL_NAMES:
        assert not re.search(rf"(?<!\w){name}(?!\w)", text), "a real name is shown"


# -- the view ------------------------------------------------------------------------------
def test_not_allowed_the_view_holds_nothing_about_recordings(study: Study) -> None:
    assert not study.project.media.in_apps()
    view = CopilView.from_project(study.project)
    assert not set(MEDIA_COLUMNS) & set(view.extracts.columns)
    assert not view.playable
    text = shown_text(view)
    assert "workbench/media" not in text and "audio" not in text
    assert_no_file_nor_name(text, study)
    assert "<audio" not in extracts_table(view.extracts, listen=True)


class Collect(logging.Handler):
    """The messages logged, as text."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_allowed_each_recorded_extract_has_its_link_and_times(study: Study,
                                                              allowed: Project) -> None:
    p = allowed
    logger = logging.getLogger("workbench.views")  # the apps send it to the server log
    handler = Collect(logging.WARNING)
    logger.addHandler(handler)
    try:
        view = CopilView.from_project(p)
    finally:
        logger.removeHandler(handler)
    assert view.playable and set(MEDIA_COLUMNS) <= set(view.extracts.columns)
    raw = p.extracts(status="accepted").set_index("coding_id")
    shown = view.extracts.set_index("coding_id")
    assert sorted(shown.index) == sorted(raw.index)
    urls: dict[str, set[str]] = {}
    for coding_id, row in shown.iterrows():
        document = raw.loc[coding_id, "document"]
        if document in (LOST, UNRECORDED):  # a missing file, no recording: no player
            assert pd.isna(row["media_url"]) and pd.isna(row["t_start"]), document
            assert pd.isna(row["t_end"]) and pd.isna(row["t_estimated"]), document
            continue
        assert GRANT.fullmatch(row["media_url"]), row["media_url"]
        assert row["media_kind"] == "audio"
        urls.setdefault(document, set()).add(row["media_url"])
        t0, t1, estimated = p.media.span(document, start=int(raw.loc[coding_id, "start"]),
                                         end=int(raw.loc[coding_id, "end"]))
        assert (row["t_start"], row["t_end"], bool(row["t_estimated"])) == \
            (t0, t1, estimated), coding_id
    assert set(urls) == {TIMED, MARKED}
    assert all(len(u) == 1 for u in urls.values())  # one grant per recording
    assert urls[TIMED] != urls[MARKED]
    by_document = raw.loc[shown.index, "document"]
    estimated = shown["t_estimated"].fillna(False).astype(bool)
    assert not estimated[by_document == TIMED].all()  # whole timed turns: exact
    assert estimated[by_document == MARKED].all()  # turns without a mark
    # the missing file is said in the server log, in English, by document id only
    lost = [m for m in handler.messages if "not playable" in m]
    assert len(lost) == 1 and re.search(r"document #\d+", lost[0])
    assert_no_file_nor_name("\n".join(lost), study)
    assert_no_file_nor_name(shown_text(view), study)


def test_a_snapshot_carries_neither_recordings_nor_the_permission(
        study: Study, allowed: Project, tmp_path: Path) -> None:
    folder = tmp_path / "instantane"
    allowed.export.snapshot(folder, "COPIL d'essai")
    _key, may_play = served_project(folder)
    assert not may_play  # the server of the snapshot's apps streams nothing
    with Project.open(folder) as frozen:
        assert not frozen.media.in_apps()
        assert frozen.media.list().empty
        view = CopilView.from_project(frozen)
    assert not set(MEDIA_COLUMNS) & set(view.extracts.columns)
    assert not view.playable and "workbench/media" not in shown_text(view)


def test_the_explorer_shows_players_only_when_allowed(study: Study) -> None:
    explorer = ExtractExplorer(CopilView.from_project(study.project, words=True))
    page = explorer.extracts.table.value
    assert "<audio" not in page and "Écouter" not in page
    assert LISTENING not in "".join(getattr(w, "value", "") for w in explorer.widget.children)
    study.project.media.allow_in_apps()
    try:
        view = CopilView.from_project(study.project, words=True)
    finally:
        study.project.media.allow_in_apps(False)
    explorer = ExtractExplorer(view)
    assert LISTENING in "".join(getattr(w, "value", "") for w in explorer.widget.children)
    page = explorer.extracts.table.value
    playable = view.extracts[view.extracts["media_url"].notna()]
    assert page.count("<audio ") == len(playable) == 5
    assert page.count(ESTIMATED) == int(playable["t_estimated"].sum())
    assert "<th>Écouter</th>" in page
    for row in playable.itertuples():
        assert f'src="{row.media_url}#t={row.t_start:.3f},{row.t_end:.3f}"' in page
    assert_no_file_nor_name(page, study)
    # the dashboard's pager (listen=False) shows no player
    assert "<audio" not in extracts_table(view.extracts)


def test_player_markup() -> None:
    row = {"reference": "E9-T2", "media_url": "/workbench/media/" + "a" * 43,
           "media_kind": "video", "t_start": 62.0, "t_end": 75.5, "t_estimated": pd.NA}
    shown = player(row)
    assert shown.startswith('<video class="wb-ecoute-lecteur" controls preload="none"')
    assert f'src="/workbench/media/{"a" * 43}#t=62.000,75.500"' in shown
    assert "1:02 – 1:16" in shown and ESTIMATED not in shown
    assert ESTIMATED in player({**row, "media_kind": "audio", "t_estimated": True})
    assert player({**row, "media_url": float("nan")}) == ""
    assert player({**row, "t_start": None}) == ""


# -- in a browser, served as `workbench app` serves the apps -------------------------------
def _open_explorer(page: Any, url: str) -> None:
    page.goto(f"{url}voila/render/{EXPLORER}", timeout=180_000)
    page.wait_for_function("() => Number(document.querySelector('.wb-etat-valeur')"
                           "?.dataset.comptes) > 0", timeout=180_000)
    page.wait_for_selector("table.wb-extraits", timeout=60_000)


def _status(page: Any, url: str, *, bytes_range: str | None = None) -> dict[str, Any]:
    """Fetch `url` from the page (as the player would), with a Range header if given."""
    return page.evaluate(
        """async ([url, range]) => {
            const r = await fetch(url, range ? {headers: {Range: range}} : {});
            const body = await r.arrayBuffer();
            return {status: r.status, range: r.headers.get('Content-Range'),
                    type: r.headers.get('Content-Type'), length: body.byteLength};
        }""", [url, bytes_range])


def _until(page: Any, url: str, status: int) -> dict[str, Any]:
    """Fetch a range of `url` from the page until the server answers `status`, for at
    most `POLICY_DELAY` seconds; the last answer."""
    began = time.monotonic()
    while True:
        answer = _status(page, url, bytes_range="bytes=0-99")
        if answer["status"] == status or time.monotonic() - began > POLICY_DELAY:
            return answer
        time.sleep(0.25)


@pytest.mark.browser
def test_the_explorer_plays_extracts_only_while_the_project_allows_it(
        study: Study, browser_page: Any, tmp_path: Path) -> None:
    p, page = study.project, browser_page
    log = tmp_path / "voila.log"
    with voila_server(APPS, env={ENV_VARIABLE: str(p.location)}, log_path=log) as url:
        # (a) not allowed: no player, and the server refuses a grant of this very project
        _open_explorer(page, url)
        assert page.locator("audio, video").count() == 0
        assert page.locator(".wb-ecoute-avis").count() == 0
        assert "Écouter" not in page.inner_text("table.wb-extraits")
        issued = url.rstrip("/") + p.media.link(TIMED).url
        assert page.request.get(issued).status == 404
        assert _status(page, issued, bytes_range="bytes=0-99")["status"] == 404

        # (b) allowed, a fresh page: the extracts of present recordings can be heard
        p.media.allow_in_apps()
        page.goto("about:blank")
        _open_explorer(page, url)
        assert page.inner_text(".wb-ecoute-avis").strip() == LISTENING
        players = page.locator("table.wb-extraits audio")
        assert players.count() == 5 and page.locator("video").count() == 0
        sources = players.evaluate_all("els => els.map(e => e.getAttribute('src'))")
        assert all(re.fullmatch(GRANT.pattern + r"#t=[\d.]+,[\d.]+", s) for s in sources)
        assert all(e == "none" for e in players.evaluate_all(
            "els => els.map(e => e.getAttribute('preload'))"))
        content = page.content()
        assert_no_file_nor_name(content, study)
        assert "≈ temps estimé" in page.inner_text("table.wb-extraits")
        media = sources[0].split("#")[0]
        answer = _until(page, media, 206)  # the server trusts what it read for 5 s
        assert answer["status"] == 206 and answer["length"] == 100, answer
        assert answer["range"].startswith("bytes 0-99/"), answer
        assert answer["type"].startswith("audio/"), answer
        assert page.request.get(issued, headers={"Range": "bytes=0-9"}).status == 206

        # the first exact extract (a whole turn): it starts at its time and plays on
        view = CopilView.from_project(p)
        first = view.extracts[view.extracts["media_url"].notna()
                              & ~view.extracts["t_estimated"].fillna(False).astype(bool)]
        reference, t0, t1 = first[["reference", "t_start", "t_end"]].iloc[0]
        element = page.locator(f"table.wb-extraits audio[aria-label='Écouter l\\'extrait "
                               f"{reference}']").first
        element.evaluate("""a => { window.wbPlayer = a; window.wbEvents = [];
            for (const name of ['playing', 'pause'])
                a.addEventListener(name, () => window.wbEvents.push([name, a.currentTime])); }""")
        element.click(position={"x": 16, "y": 16})  # the play button
        page.wait_for_function("() => window.wbEvents.some(e => e[0] === 'playing')",
                               timeout=30_000)
        started = page.evaluate("() => window.wbEvents.find(e => e[0] === 'playing')[1]")
        assert started == pytest.approx(t0, abs=TOLERANCE)
        page.wait_for_function(f"() => window.wbPlayer.currentTime > {t0 + 0.5}",
                               timeout=30_000)
        save_screenshot(page, "explorer_recordings")
        # the fragment's end pauses it at the extract's end
        page.wait_for_function("() => window.wbEvents.some(e => e[0] === 'pause')",
                               timeout=30_000)
        paused = page.evaluate("() => window.wbEvents.find(e => e[0] === 'pause')[1]")
        assert t1 - 0.05 <= paused <= t1 + TOLERANCE, (t0, t1, paused)

        # (c) taken back: within seconds the same address is refused
        p.media.allow_in_apps(False)
        assert _until(page, media, 404)["status"] == 404
        assert page.request.get(issued).status == 404
    # the missing file was said in the server log (English, by id), never on the page
    said = log.read_text(encoding="utf-8")
    assert re.search(r"Recording of document #\d+ not playable", said)
    assert "not playable" not in content
