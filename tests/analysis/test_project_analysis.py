"""The analyses of a real project (the demo) and the charts drawn from them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PIL import Image

from workbench import Project
from workbench.analysis.codes import code_labels, select_codes
from workbench.analysis.cooccurrence import cooccurrence_matrix
from workbench.analysis.matrix import percentages
from workbench.analysis.network import actor_graph
from workbench.viz.bars import prevalence_bars, speech_bars, themes_bar
from workbench.viz.figures import save_figure
from workbench.viz.heatmaps import heatmap
from workbench.viz.maps import origin_flow_figure
from workbench.viz.networks import network_figure


def test_only_accepted_codings_are_counted(demo: Project) -> None:
    accepted = demo.extracts(status="accepted")
    everything = demo.extracts(status="all")
    assert len(everything) > len(accepted) > 0  # the demo holds unreviewed suggestions
    frequencies = demo.analysis.code_frequencies()
    top = frequencies[frequencies["depth"] == 0]
    assert top["own_codings"].sum() + frequencies[frequencies["depth"] > 0][
        "own_codings"].sum() == accepted["coding_id"].nunique()
    assert top["codings"].sum() == accepted["coding_id"].nunique()  # each coding in one branch


def test_respondents_are_the_speaking_people(demo: Project) -> None:
    respondents = demo.analysis.respondents()
    assert set(respondents["case_kind"]) == {"person"}
    turns = pd.concat([demo.turns(d) for d in demo.documents()["name"]])
    interviewers = set(turns.loc[turns["role"] == "interviewer", "speaker"])
    assert not set(respondents["case"]) & interviewers
    n = demo.analysis.code_frequencies().attrs["n_cases"]
    assert n == len(respondents)


def test_matrix_cells_lead_to_their_extracts(demo: Project) -> None:
    matrix = demo.analysis.matrix("genre")
    code, value = "femmes", "F"
    behind = demo.analysis.matrix_extracts(code, "genre", value)
    assert behind["case"].nunique() == matrix.loc[code, value] > 0
    assert set(behind["genre"]) == {value}


def test_charts_are_drawn_and_saved(demo: Project, tmp_path: Path) -> None:
    analysis, codes = demo.analysis, demo.codes()
    labels = code_labels(codes)
    top = select_codes(codes, depth=0)
    figures = {
        "themes": themes_bar(analysis.code_frequencies()),
        "genre": prevalence_bars(analysis.prevalence("genre", rows=top), labels=labels),
        "parole": speech_bars(analysis.speech_shares("genre", mixed_only=False)),
        "matrice": heatmap(percentages(analysis.matrix("generation", rows=top), "row"),
                           labels=labels, suffix=" %"),
        "cooccurrences": heatmap(cooccurrence_matrix(
            analysis.cooccurrence(scope="document", rows=top, include_children=True),
            order=top), labels=labels),
        "acteurs": network_figure(actor_graph(analysis.actor_units(scope="document"))),
        "carte": origin_flow_figure(analysis.origin_links()),
    }
    for name, figure in figures.items():
        [png, svg] = save_figure(figure, tmp_path, name, formats=("png", "svg"))
        width, height = Image.open(png).size
        assert width >= 800 and height >= 300, name
        assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    title = figures["themes"].axes[0].get_title(loc="left")
    assert title == "Thèmes abordés"
