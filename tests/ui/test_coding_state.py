"""The coding widget's render model, selection check and codebook search (no browser)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from workbench.errors import CodingError
from workbench.ui.coding_state import (
    PALETTE,
    check_selection,
    code_colors,
    code_tree,
    direction,
    document_model,
    filter_codes,
    memo_items,
    player,
    shown_text,
    suggestion_options,
    turn_pieces,
    turn_time,
)

TEXT = "A : Bonjour Fatima, ça va ?\nB : 😀 oui, très bien.\nA : السلام عليكم\n"


def _turns() -> pd.DataFrame:
    rows = []
    for idx, (line_start, script) in enumerate([(0, "latin"), (28, "latin"), (51, "arabic")]):
        start = line_start + 4
        end = TEXT.index("\n", start)
        rows.append({"idx": idx, "speaker": "A" if idx != 1 else "B", "role": "respondent",
                     "start": start, "end": end, "script": script, "text": TEXT[start:end]})
    return pd.DataFrame(rows)


COLUMNS = ["coding_id", "code", "code_path", "start", "end", "status", "origin", "memo", "text",
           "coder"]


def _codings(*rows: tuple[int, str, int, int, str]) -> pd.DataFrame:
    return pd.DataFrame([{"coding_id": i, "code": code, "code_path": code.title(), "start": a,
                          "end": b, "status": status, "origin": "manual", "memo": None,
                          "text": TEXT[a:b], "coder": "claire"}
                         for i, code, a, b, status in rows], columns=COLUMNS)


CODES = pd.DataFrame({
    "key": ["liens", "liens.affectifs", "actions", "actions.eau", "autres"],
    "name": ["Liens au territoire", "Affectifs", "Domaines d'action", "Eau", "Autres"],
    "parent": [None, "liens", None, "actions", None],
    "path": ["Liens au territoire", "Liens au territoire > Affectifs", "Domaines d'action",
             "Domaines d'action > Eau", "Autres"],
    "depth": [0, 1, 0, 1, 0],
    "color": ["#1b9e77", None, "#D95F02", "url(javascript:x)", None],
    "description": ["Les liens au village d'origine.", "Nostalgie, attachement.", "", "Puits",
                    None],
})


def test_colours_come_from_the_code_or_its_nearest_ancestor_or_the_palette() -> None:
    colors = code_colors(CODES)
    assert colors["liens"] == colors["liens.affectifs"] == "#1b9e77"
    assert colors["actions.eau"] == "#D95F02"  # a colour that is not hex is refused
    assert colors["autres"] == PALETTE[2]  # third top-level code, no colour of its own


def test_direction_follows_the_script_of_the_turn() -> None:
    assert [direction(s) for s in ("arabic", "latin", "tifinagh", "mixed", None)] == [
        "rtl", "ltr", "ltr", "auto", "auto"]


def test_overlapping_codings_cut_a_turn_into_pieces_listing_every_coding() -> None:
    marks = [{"start": 10, "end": 20}, {"start": 15, "end": 30}]
    text = "".join(chr(ord("a") + i % 26) for i in range(40))
    pieces = turn_pieces(text, 5, marks)
    assert [(p["start"], p["end"], p["marks"]) for p in pieces] == [
        (5, 10, []), (10, 15, [0]), (15, 20, [0, 1]), (20, 30, [1]), (30, 45, [])]
    assert "".join(p["text"] for p in pieces) == text


def test_a_name_stays_one_piece_showing_its_pseudonym() -> None:
    text = "Bonjour Fatima, ça va ?"
    start = 4
    at = start + text.index("Fatima")
    pieces = turn_pieces(text, start, [{"start": at + 2, "end": at + 20}],
                         [(at, at + 6, "Enquêtée F1")])
    name = [p for p in pieces if p["name"]]
    assert [(p["start"], p["end"], p["text"], p["marks"]) for p in name] == [
        (at, at + 6, "Enquêtée F1", [0])]  # the coding starts inside the name: no cut there
    assert "Fatima" not in "".join(p["text"] for p in pieces)


def test_document_model_draws_accepted_and_suggested_codings_but_not_rejected() -> None:
    codings = _codings((1, "liens", 4, 26, "accepted"), (2, "actions.eau", 12, 40, "suggested"),
                       (3, "autres", 4, 10, "rejected"))
    model = document_model(_turns(), codings, code_colors(CODES))
    assert [m["id"] for m in model["codings"]] == [1, 2]
    first, second, third = model["turns"]
    assert [t["dir"] for t in model["turns"]] == ["ltr", "ltr", "rtl"]
    fatima = next(p for p in first["pieces"] if p["text"].startswith("Fatima"))
    assert [model["codings"][i]["code"] for i in fatima["marks"]] == ["liens", "actions.eau"]
    assert model["codings"][1]["color"] == "#D95F02"
    # the suggestion crosses into the second turn: both turns show it
    assert any(p["marks"] == [1] for p in second["pieces"])
    assert all(not p["marks"] for p in third["pieces"])


def test_shown_text_skips_speaker_labels_and_uses_pseudonyms() -> None:
    turns = _turns()
    at = TEXT.index("Fatima")
    model = document_model(turns, _codings(), {}, names=[(at, at + 6, "Enquêtée F1")])
    assert shown_text(model, 4, TEXT.index("oui") + 3) == "Bonjour Enquêtée F1, ça va ?😀 oui"
    assert shown_text(model, at + 2, at + 3) == "Enquêtée F1"  # a name is taken whole


def test_a_selection_is_checked_against_the_text_shown() -> None:
    model = document_model(_turns(), _codings(), {})
    start = TEXT.index("oui")
    assert check_selection(model, {"start": start, "end": start + 3, "text": "oui"}) == (
        start, start + 3)
    # offsets counted in UTF-16 units (the emoji as two) land one character off: refused
    with pytest.raises(CodingError, match="ne correspond pas"):
        check_selection(model, {"start": start + 1, "end": start + 4, "text": "oui"})
    with pytest.raises(CodingError, match="Aucun passage"):
        check_selection(model, {})
    with pytest.raises(CodingError, match="vide"):
        check_selection(model, {"start": start, "end": start, "text": ""})


def test_search_ignores_case_and_accents_and_keeps_ancestors_for_context() -> None:
    tree = code_tree(CODES, code_colors(CODES))
    visible, matching = filter_codes(tree, "NOSTALGIE")
    assert matching == ["liens.affectifs"] and visible == ["liens", "liens.affectifs"]
    visible, matching = filter_codes(tree, "domaines eau")
    assert matching == ["actions.eau"] and visible == ["actions", "actions.eau"]
    assert filter_codes(tree, "  ")[0] == list(CODES["key"])
    assert filter_codes(tree, "inconnu") == ([], [])
    assert filter_codes(tree, "affectifs")[0] == filter_codes(tree, "Affectifs")[0]
    assert filter_codes(tree, "origine")[1] == ["liens"]  # description searched too


def test_suggestion_labels_and_memo_items() -> None:
    frame = _codings((7, "actions.eau", 28, 40, "suggested")).assign(origin="rule:eau-puits")
    assert suggestion_options(frame) == [(f"« {TEXT[28:40]} » → Actions.Eau (règle eau-puits)",
                                          7)]
    codings = _codings((1, "liens", 4, 26, "accepted")).assign(memo="attachement")
    memos = pd.DataFrame({"target_type": ["document", "document", "code"], "target_id": [3, 4, 3],
                          "author": ["ana", "ana", "ana"], "text": ["à relire", "x", "y"]})
    items = memo_items(codings, memos, 3)
    assert [(i["about"], i["text"]) for i in items] == [
        ("Document", "à relire"), (f"Liens · « {TEXT[4:26].strip()} »", "attachement")]


# -- the recording ---------------------------------------------------------------------------
LINK = SimpleNamespace(url="/workbench/media/tok", kind="audio", mime="audio/wav",
                       duration=75.2)


def _timeline(turns: pd.DataFrame,
              times: list[tuple[float, float, bool, bool]]) -> pd.DataFrame:
    """p.media.timeline rows for `turns` with these (t_start, t_end, start_interpolated,
    end_interpolated)."""
    return pd.DataFrame({"turn": range(1, len(turns) + 1), "speaker": turns["speaker"],
                         "start": turns["start"], "end": turns["end"],
                         "t_start": [t[0] for t in times], "t_end": [t[1] for t in times],
                         "interpolated": [t[2] or t[3] for t in times],
                         "start_interpolated": [t[2] for t in times],
                         "end_interpolated": [t[3] for t in times]})


def test_each_turn_shows_its_start_time_and_says_when_it_is_estimated() -> None:
    # the transcript times the first turn whole, the third by its start only (a [mm:ss]
    # mark: its end is estimated), and leaves the second untimed
    turns = _turns().assign(t_start=[3.4, math.nan, 62.0], t_end=[9.9, math.nan, math.nan])
    timeline = _timeline(turns, [(3.4, 9.9, False, False), (9.9, 61.6, True, True),
                                 (62.0, 75.2, False, True)])
    model = document_model(turns, _codings(), {}, media=player(LINK), timeline=timeline)
    assert model["media"] == {"src": "/workbench/media/tok", "kind": "audio",
                              "mime": "audio/wav", "duration": 75.2}
    assert model["media_note"] == ""
    first, second, third = (t["time"] for t in model["turns"])
    assert (first["start"], first["end"], first["label"], first["estimated"]) == (
        3.4, 9.9, "0:03", False)
    assert first["title"] == "Écouter à partir de 0:03"
    assert (second["start"], second["label"], second["estimated"]) == (9.9, "≈ 0:10", True)
    assert second["title"] == "Écouter à partir de 0:10 (temps estimé)"
    # its start is the mark's: not estimated, although the timeline estimated its end
    assert (third["label"], third["estimated"], third["end"]) == ("1:02", False, 75.2)


def test_times_need_a_player_and_a_time() -> None:
    turns = _turns()
    timeline = _timeline(turns, [(0.0, 1.0, False, False)] * 3)
    # no player (no recording, a pseudonymised view, a missing file): no time is drawn
    note = "Pas d'écoute possible. L'enregistrement de « E01 » est introuvable."
    model = document_model(turns, _codings(), {}, timeline=timeline, media_note=note)
    assert model["media"] is None and model["media_note"] == note
    assert [t["time"] for t in model["turns"]] == [None, None, None]
    assert document_model(turns, _codings(), {})["media"] is None
    # a document without any time nor duration: the player, but no times to click
    untimed = _timeline(turns, [(math.nan, math.nan, False, False)] * 3)
    model = document_model(turns, _codings(), {}, media=player(LINK), timeline=untimed)
    assert model["media"] is not None and [t["time"] for t in model["turns"]] == [None] * 3
    assert turn_time(None, None, estimated=True) is None


def test_a_turn_time_reads_like_a_clock_and_never_ends_before_it_starts() -> None:
    assert turn_time(3725.4, 3724.0, estimated=False) == {
        "start": 3725.4, "end": 3725.4, "label": "1:02:05", "estimated": False,
        "title": "Écouter à partir de 1:02:05"}
    assert (turn_time(5.0, float("nan"), estimated=True) or {})["end"] is None
    video = player(SimpleNamespace(url="/m/v", kind="video", mime="video/mp4", duration=None))
    assert (video["kind"], video["duration"]) == ("video", None)
