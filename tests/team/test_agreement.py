"""Inter-coder agreement, disagreement lists and consensus (issue 7, team coding)."""

from __future__ import annotations

import math
import random
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
import yaml

from workbench import Project, team
from workbench.analysis.agreement import OVERALL, agreement
from workbench.analysis.disagreements import disagreement_spans, segment_disagreements
from workbench.errors import NotFoundError, WorkbenchError

COLUMNS = ["document", "code", "coder", "start", "end"]


def codings(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=COLUMNS)


def row(table: pd.DataFrame, code: str) -> pd.Series:
    return table.set_index("code").loc[code]


# -- independent references: unit × coder arrays built the slow, obvious way ------------------
def reliability(frame: pd.DataFrame, lengths: dict, coders: list[str], code: str,
                segments: pd.DataFrame | None = None) -> np.ndarray:
    """coders × units, 1 where the coder applied `code` (np.zeros per document)."""
    blocks = []
    for doc, length in lengths.items():
        cover = np.zeros((len(coders), length), dtype=int)
        for r in frame[(frame["document"] == doc) & (frame["code"] == code)].itertuples():
            cover[coders.index(r.coder), r.start:r.end] = 1
        if segments is None:
            blocks.append(cover)
        else:
            seg = segments[segments["document"] == doc]
            blocks.append(np.array([[int(c[a:b].any()) for a, b in zip(seg["start"], seg["end"],
                                                                       strict=True)]
                                    for c in cover]).reshape(len(coders), len(seg)))
    return np.hstack(blocks)


def package_alpha(data: np.ndarray) -> float:
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                    value_domain=[0, 1]))


def cohen(data: np.ndarray) -> float:
    a, b = data
    po = float(np.mean(a == b))
    pe = a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean())
    return (po - pe) / (1 - pe)


# -- hand-computed examples -------------------------------------------------------------------
def test_two_coders_on_twenty_characters_by_hand():
    # A codes characters 0–9, B 4–13 of a 20-character text.
    frame = codings(("d", "x", "A", 0, 10), ("d", "x", "B", 4, 14))
    table = agreement(frame, {"d": 20})
    x = row(table, "x")
    both, only_a, only_b, neither = 6, 4, 4, 6          # [4,10), [0,4), [10,14), [14,20)
    po = (both + neither) / 20                            # 12/20 = 0.6
    p_a, p_b = (both + only_a) / 20, (both + only_b) / 20  # 0.5, 0.5
    pe = p_a * p_b + (1 - p_a) * (1 - p_b)                # 0.5
    kappa = (po - pe) / (1 - pe)                          # 0.2
    # α: 40 pairable values, 20 ones and 20 zeros; each of the 8 split units gives one
    # 0-1 and one 1-0 pair: o01 = 8.
    alpha = 1 - (40 - 1) * 8 / (20 * 20)                  # 0.22
    assert x["units"] == 20 and x["units_any"] == 14 and x["units_all"] == both
    assert (x["units_A"], x["units_B"]) == (10, 10)
    assert x["percent_agreement"] == pytest.approx(100 * po)
    assert x["expected_agreement"] == pytest.approx(pe)
    assert x["kappa"] == pytest.approx(kappa)
    assert x["alpha"] == pytest.approx(alpha)
    assert x["unit"] == "caractère" and table.attrs["unit"] == "caractère"
    assert table.attrs["n_units"] == 20 and table.attrs["coders"] == ["A", "B"]
    data = reliability(frame, {"d": 20}, ["A", "B"], "x")
    assert x["alpha"] == pytest.approx(package_alpha(data))
    assert x["kappa"] == pytest.approx(cohen(data))


def test_ten_segments_by_hand_overlap_is_enough():
    # Ten 2-character segments; a coding applies to every segment it touches.
    segments = pd.DataFrame({"document": "d", "start": range(0, 20, 2),
                             "end": range(2, 22, 2)})
    # A: [0, 9) touches segments 0–4; B: [5, 13) touches segments 2–6.
    frame = codings(("d", "x", "A", 0, 9), ("d", "x", "B", 5, 13))
    table = agreement(frame, {"d": 20}, segments=segments, unit="tour de parole")
    x = row(table, "x")
    both, only_a, only_b, neither = 3, 2, 2, 3          # {2,3,4}, {0,1}, {5,6}, {7,8,9}
    po = (both + neither) / 10                            # 0.6
    pe = 0.5 * 0.5 + 0.5 * 0.5                            # each coder applies 5 of 10
    alpha = 1 - (20 - 1) * (only_a + only_b) / (10 * 10)  # 1 − 19·4/100 = 0.24
    assert (x["units"], x["units_all"], x["units_A"], x["units_B"]) == (10, both, 5, 5)
    assert x["percent_agreement"] == pytest.approx(100 * po)
    assert x["kappa"] == pytest.approx((po - pe) / (1 - pe))
    assert x["alpha"] == pytest.approx(alpha)
    assert x["unit"] == "tour de parole" and table.attrs["unit"] == "tour de parole"
    data = reliability(frame, {"d": 20}, ["A", "B"], "x", segments)
    assert x["alpha"] == pytest.approx(package_alpha(data))


def test_three_coders_alpha_by_hand_and_no_kappa():
    segments = pd.DataFrame({"document": "d", "start": range(10), "end": range(1, 11)})
    # Units 0–1: all three; 2–4: A and B; 5–6: C only; 7–9: nobody.
    frame = codings(("d", "x", "A", 0, 5), ("d", "x", "B", 0, 5), ("d", "x", "C", 0, 2),
                    ("d", "x", "C", 5, 7))
    x = row(agreement(frame, {"d": 10}, segments=segments), "x")
    n, by_k = 3, {3: 2, 2: 3, 1: 2, 0: 3}                # units by number of coders applying
    ones = sum(k * h for k, h in by_k.items())          # 14 of 30 values
    zeros = 10 * n - ones                               # 16
    o01 = sum(h * k * (n - k) for k, h in by_k.items()) / (n - 1)  # (0 + 3·2 + 2·2)/2 = 5
    alpha = 1 - (10 * n - 1) * o01 / (zeros * ones)     # 1 − 29·5/224 = 79/224
    # Pairwise agreement: k=3 or 0 → 1; k=2 or 1 → one agreeing pair of three.
    pairs = (by_k[3] + by_k[0] + (by_k[2] + by_k[1]) / 3) / 10
    assert x["alpha"] == pytest.approx(alpha) == pytest.approx(79 / 224)
    assert x["percent_agreement"] == pytest.approx(100 * pairs)
    assert math.isnan(x["kappa"]) and "deux codeurs" in x["note"]
    assert x["n_coders"] == 3 and x["coders"] == "A, B, C"
    data = reliability(frame, {"d": 10}, ["A", "B", "C"], "x", segments)
    assert x["alpha"] == pytest.approx(package_alpha(data))


def test_perfect_and_systematic_disagreement():
    same = agreement(codings(("d", "x", "A", 3, 12), ("d", "x", "B", 3, 12)), {"d": 20})
    assert row(same, "x")[["percent_agreement", "kappa", "alpha"]].tolist() == [100, 1, 1]
    # A codes the first half, B the second: po = 0, pe = 0.5, κ = −1;
    # α = 1 − 39·20/(20·20) = −0.95.
    apart = row(agreement(codings(("d", "x", "A", 0, 10), ("d", "x", "B", 10, 20)),
                          {"d": 20}), "x")
    assert apart["percent_agreement"] == 0
    assert apart["kappa"] == pytest.approx(-1)
    assert apart["alpha"] == pytest.approx(1 - 39 * 20 / (20 * 20))


def test_unused_code_is_undefined_with_a_reason_and_pooling_by_hand():
    frame = codings(("d", "x", "A", 0, 10), ("d", "x", "B", 4, 14))
    table = agreement(frame, {"d": 20}, codes=["x", "absent"])
    absent = row(table, "absent")
    assert absent["percent_agreement"] == 100 and absent["units_any"] == 0
    assert math.isnan(absent["kappa"]) and math.isnan(absent["alpha"])
    assert "aucun codeur" in absent["note"]
    # Overall: the 2 codes × 20 characters as 40 decisions: 6 both, 4 + 4 split, 26 neither.
    overall = row(table, OVERALL)
    po = (6 + 26) / 40                                     # 0.8
    pe = (10 / 40) ** 2 + (30 / 40) ** 2                   # 0.625
    alpha = 1 - (80 - 1) * 8 / (60 * 20)                   # 80 values, 20 ones, o01 = 8
    assert overall["units"] == 40
    assert overall["kappa"] == pytest.approx((po - pe) / (1 - pe))
    assert overall["alpha"] == pytest.approx(alpha)
    pooled = np.hstack([reliability(frame, {"d": 20}, ["A", "B"], c) for c in ("x", "absent")])
    assert overall["alpha"] == pytest.approx(package_alpha(pooled))
    # The mean over codes leaves the undefined code out.
    assert table.attrs["mean_alpha"] == pytest.approx(row(table, "x")["alpha"])
    assert table.attrs["mean_percent_agreement"] == pytest.approx((60 + 100) / 2)


def test_overlapping_codings_of_one_coder_count_once():
    split = codings(("d", "x", "A", 0, 6), ("d", "x", "A", 4, 10), ("d", "x", "A", 10, 12),
                    ("d", "x", "B", 4, 14))
    whole = codings(("d", "x", "A", 0, 12), ("d", "x", "B", 4, 14))
    assert row(agreement(split, {"d": 20}), "x").equals(row(agreement(whole, {"d": 20}), "x"))


@pytest.mark.parametrize("level", ["character", "segment"])
def test_random_codings_match_the_package_and_the_formulas(level):
    rng = random.Random(7)
    lengths = {f"doc{i}": rng.randint(200, 600) for i in range(4)}
    coders, codes = ["A", "B", "C"], ["x", "y", "z"]
    rows = []
    for doc, length in lengths.items():
        for _ in range(25):
            start = rng.randrange(0, length - 5)
            rows.append((doc, rng.choice(codes), rng.choice(coders), start,
                         min(length, start + rng.randint(1, 80))))
    frame = codings(*rows)
    segments = None
    if level == "segment":
        segments = pd.DataFrame([(doc, a, min(a + 30, n)) for doc, n in lengths.items()
                                 for a in range(0, n, 37)], columns=["document", "start", "end"])
    table = agreement(frame, lengths, segments=segments)
    pooled = []
    for code in codes:
        data = reliability(frame, lengths, coders, code, segments)
        pooled.append(data)
        got = row(table, code)
        assert got["alpha"] == pytest.approx(package_alpha(data))
        agreeing = [np.mean(data[i] == data[j]) for i in range(3) for j in range(i + 1, 3)]
        assert got["percent_agreement"] == pytest.approx(100 * np.mean(agreeing))
        assert got["units"] == data.shape[1]
        pair = row(agreement(frame, lengths, coders=["A", "C"], segments=segments), code)
        assert pair["kappa"] == pytest.approx(cohen(data[[0, 2]]))
    assert row(table, OVERALL)["alpha"] == pytest.approx(package_alpha(np.hstack(pooled)))


def test_bad_input_is_refused_clearly():
    frame = codings(("d", "x", "A", 0, 10), ("d", "x", "B", 4, 14))
    with pytest.raises(WorkbenchError, match="au moins deux codeur·euses"):
        agreement(frame[frame["coder"] == "A"], {"d": 20})
    with pytest.raises(WorkbenchError, match="il manque : coder"):
        agreement(frame.drop(columns=["coder"]), {"d": 20})
    with pytest.raises(WorkbenchError, match="finit avant de commencer"):
        agreement(codings(("d", "x", "A", 9, 3), ("d", "x", "B", 0, 4)), {"d": 20})
    overlapping = pd.DataFrame({"document": "d", "start": [0, 5], "end": [8, 12]})
    with pytest.raises(WorkbenchError, match="des segments se chevauchent"):
        agreement(frame, {"d": 20}, segments=overlapping)


# -- disagreement lists -----------------------------------------------------------------------
def test_disagreement_spans_cut_where_codes_change():
    text = "abcdefghij klmnopqrst"
    frame = codings(("d", "x", "A", 0, 10), ("d", "x", "B", 5, 15), ("d", "y", "A", 12, 20),
                    ("d", "x", "A", 8, 12))
    spans = disagreement_spans(frame, {"d": text})
    expected = pd.DataFrame({
        "document": ["d", "d", "d"], "passage": [1, 2, 2], "start": [0, 12, 15],
        "end": [5, 15, 20], "text": ["abcde", "lmn", "opqrs"],
        "codes_A": ["x", "y", "y"], "codes_B": ["", "x", ""],
        "disputed": ["x", "x; y", "y"], "agreed": ["", "", ""]})
    pd.testing.assert_frame_equal(spans, expected)
    assert spans.attrs["unit"] == "caractère"
    # A stretch that is only a space or a full stop is noise, unless asked for.
    frame = codings(("d", "x", "A", 0, 11), ("d", "x", "B", 0, 10))
    assert disagreement_spans(frame, {"d": text}).empty
    kept = disagreement_spans(frame, {"d": text}, ignore_trivial=False)
    assert kept[["start", "end", "text"]].values.tolist() == [[10, 11, " "]]


def test_segment_disagreements_say_who_applied_what():
    text = "abcdefghij klmnopqrst"
    frame = codings(("d", "x", "A", 0, 10), ("d", "x", "B", 5, 15), ("d", "y", "A", 12, 20),
                    ("d", "x", "A", 8, 12))
    segments = pd.DataFrame({"document": "d", "start": [0, 5, 10, 15], "end": [5, 10, 15, 20],
                             "speaker": ["P", "Q", "P", "Q"]})
    out = segment_disagreements(frame, segments, {"d": text}, unit="phrase")
    assert out[["start", "speaker", "text", "codes_A", "codes_B", "disputed", "agreed"]] \
        .values.tolist() == [[0, "P", "abcde", "x", "", "x", ""],
                             [10, "P", " klmn", "x; y", "x", "y", "x"],
                             [15, "Q", "opqrs", "y", "", "y", ""]]
    assert out.attrs["unit"] == "phrase"


# -- on a project -----------------------------------------------------------------------------
SHORT = "Le village, c'est ma mère"
LONG = "Le village, c'est ma mère, c'est l'odeur de la terre après la pluie."
WOMEN = "Les femmes font tout le travail"
WELL = "Le puits du village, c'est mon père qui l'a financé."


@pytest.fixture
def coded(project: Project) -> Project:
    """The mini project coded by amina and karim (and a pending suggestion of amina's)."""
    with Project.open(project.location, coder="amina") as amina:
        amina.code_quote("E01_fatima", SHORT, "liens.affectifs")
        amina.code_quote("E01_fatima", WOMEN, "femmes")
        amina.code_quote("E02_youssef", WELL, "actions.eau")
        amina.code_quote("E02_youssef", "l'école aussi", "femmes", status="suggested")
    with Project.open(project.location, coder="karim") as karim:
        karim.code_quote("E01_fatima", LONG, "liens.affectifs")
        karim.code_quote("E02_youssef", WELL, "actions.eau")
    return project


def test_project_agreement_at_character_level(coded):
    table = team.agreement(coded, level="character")
    e01, e02 = coded.text("E01_fatima"), coded.text("E02_youssef")
    assert table.attrs["coders"] == ["amina", "karim"]
    assert table.attrs["n_units"] == len(e01) + len(e02) and table.attrs["n_documents"] == 2
    assert list(table["code"]) == ["liens.affectifs", "actions.eau", "femmes", OVERALL]
    n = len(e01) + len(e02)
    liens = row(table, "liens.affectifs")
    both, only_karim = len(SHORT), len(LONG) - len(SHORT)
    po = (n - only_karim) / n
    pe = (both / n) * (len(LONG) / n) + (1 - both / n) * (1 - len(LONG) / n)
    assert (liens["units_amina"], liens["units_karim"], liens["units_all"]) == \
        (len(SHORT), len(LONG), len(SHORT))
    assert liens["kappa"] == pytest.approx((po - pe) / (1 - pe))
    assert row(table, "actions.eau")["kappa"] == 1
    # amina's suggestion is not her decision: femmes counts only her accepted coding.
    assert row(table, "femmes")["units_amina"] == len(WOMEN)
    assert row(table, "femmes")["units_karim"] == 0


def test_project_agreement_by_turn_and_sentence(coded):
    turns = team.agreement(coded, level="turn")
    n_turns = len(coded.turns("E01_fatima")) + len(coded.turns("E02_youssef"))
    assert turns.attrs["unit"] == "tour de parole" and turns.attrs["n_units"] == n_turns
    # The short and long quotes lie in the same turn: agreement at that level.
    assert row(turns, "liens.affectifs")["kappa"] == 1
    women = row(turns, "femmes")
    # One turn of n_turns coded by amina only: po = (T−1)/T = pe, so κ = 0; α = 0 too.
    assert women["percent_agreement"] == pytest.approx(100 * (n_turns - 1) / n_turns)
    assert women["kappa"] == pytest.approx(0) and women["alpha"] == pytest.approx(0)
    sentences = team.agreement(coded, level="sentence")
    assert sentences.attrs["unit"] == "phrase"
    assert row(sentences, "liens.affectifs")["kappa"] == 1
    listed = team.disagreements(coded, level="sentence")
    assert listed[["document", "text", "codes_amina", "codes_karim", "disputed"]] \
        .values.tolist() == [["E01_fatima",
                              "Les femmes font tout le travail mais ne sont pas au bureau.",
                              "femmes", "", "femmes"]]


def test_project_disagreements_list_and_consensus(coded):
    listed = team.disagreements(coded)
    e01 = coded.text("E01_fatima")
    tail = e01.index(LONG) + len(SHORT)
    assert listed[["document", "start", "end", "text", "codes_amina", "codes_karim",
                   "disputed"]].values.tolist() == [
        ["E01_fatima", tail, tail + len(LONG) - len(SHORT), LONG[len(SHORT):],
         "", "liens.affectifs", "liens.affectifs"],
        ["E01_fatima", e01.index(WOMEN), e01.index(WOMEN) + len(WOMEN), WOMEN,
         "femmes", "", "femmes"]]
    # The meeting keeps karim's longer span and amina's women coding.
    first = team.accept_version(coded, listed.iloc[0], "karim", memo="réunion du 12")
    second = team.accept_version(coded, listed.iloc[1], "amina")
    assert len(first) == 1 and len(second) == 1
    assert team.accept_version(coded, listed.iloc[0], "karim") == []  # already there
    assert team.accept_version(coded, listed.iloc[0], "amina") == []  # she had nothing there
    consensus = coded.extracts(coder="consensus")
    assert sorted(zip(consensus["code"], consensus["text"], strict=True)) == \
        [("femmes", WOMEN), ("liens.affectifs", LONG)]
    assert set(consensus["origin"]) == {"consensus"} and set(consensus["status"]) == {"accepted"}
    assert consensus.set_index("code").loc["liens.affectifs", "memo"] == "réunion du 12"
    start = coded.text("E02_youssef").index(WELL)
    new = team.record_consensus(coded, "E02_youssef", start, start + len(WELL), "actions.eau")
    assert new in set(coded.extracts(coder="consensus")["coding_id"])
    # Consensus is not a coder of the comparison unless named; then it agrees with karim
    # on everything but femmes.
    assert team.agreement(coded).attrs["coders"] == ["amina", "karim"]
    versus = team.agreement(coded, coders=["karim", "consensus"])
    assert row(versus, "liens.affectifs")["kappa"] == 1
    with pytest.raises(WorkbenchError, match="n'a pas codé cette ligne"):
        team.accept_version(coded, listed.iloc[0], "sophie")


def test_project_codes_branches_and_documents(coded):
    # A parent compares only codings made on it, unless its branch is rolled up.
    alone = team.agreement(coded, codes=["liens", "Place des femmes"])
    assert list(alone["code"]) == ["liens", "Place des femmes", OVERALL]
    assert row(alone, "liens")["units_any"] == 0 and math.isnan(row(alone, "liens")["alpha"])
    rolled = team.agreement(coded, codes=["liens"], branches=True)
    child = team.agreement(coded, codes=["liens.affectifs"])
    assert row(rolled, "liens")["alpha"] == pytest.approx(row(child, "liens.affectifs")["alpha"])
    everything = team.agreement(coded, branches=True)
    assert {"liens", "actions", "liens.affectifs"} <= set(everything["code"])
    # sophie coded E01 only: comparing her, only E01 is compared.
    with Project.open(coded.location, coder="sophie") as sophie:
        sophie.code_quote("E01_fatima", LONG, "liens.affectifs")
    three = team.agreement(coded, coders=["amina", "karim", "sophie"])
    assert three.attrs["documents"] == ["E01_fatima"]
    assert three.attrs["n_units"] == len(coded.text("E01_fatima"))
    assert math.isnan(row(three, "liens.affectifs")["kappa"])
    with pytest.raises(NotFoundError):
        team.agreement(coded, codes=["nulle_part"])
    with pytest.raises(WorkbenchError, match="niveau « paragraph » inconnu"):
        team.agreement(coded, level="paragraph")
    with pytest.raises(WorkbenchError, match="au moins deux codeur·euses"):
        team.agreement(coded, coders=["amina"])


def test_import_quoted_codings_reports_and_refuses_cleanly(project):
    rows = pd.DataFrame({"document": ["E01_fatima", "E01_fatima", "E09"],
                         "code": ["femmes", "femmes", "femmes"],
                         "quote": [WOMEN, "jamais écrit", WOMEN]})
    report = team.import_quoted_codings(project, rows, "round_1")
    assert report["located"].tolist() == [True, False, False]
    assert report.attrs == {"located": 1, "not_located": 2}
    got = project.extracts(coder="round_1")
    assert got["text"].tolist() == [WOMEN] and got["coding_id"].tolist() == \
        [report.loc[0, "coding_id"]]
    before = len(project.extracts())
    bad = pd.DataFrame({"document": "E01_fatima", "code": ["femmes", "inconnu"],
                        "quote": [WOMEN, SHORT]})
    with pytest.raises(NotFoundError):
        team.import_quoted_codings(project, bad, "round_2")
    assert len(project.extracts()) == before  # nothing half-imported


# -- real material: SERDIF, two coding rounds -------------------------------------------------
def serdif_project(folder: Path, data: Path) -> tuple[Project, dict[str, int], list[str]]:
    """The 17 SERDIF transcripts, the 24 Feb round as coder round_0224 and the final
    Taguette highlights as coder final, each segment located by its text."""
    root = data / "coded" / "serdif_taguette"
    final = pd.read_csv(root / "taguette_highlights.csv").dropna(subset=["tags"])
    final = final.assign(code=final["tags"].str.split("|")).explode("code")
    early = pd.read_csv(root / "tags" / "csv" / "all_tags_20220224.csv").dropna(subset=["tag"])
    names = sorted(set(final["code"]) | set(early["tag"]))
    (folder / "codes.yaml").write_text(yaml.safe_dump({"codes": [{"name": n} for n in names]}),
                                       encoding="utf-8")
    project = Project.create(folder / "serdif", coder="lead")
    project.load_codebook(folder / "codes.yaml")
    project.import_corpus(root / "documents_txt", progress=False)
    located = {}
    for coder, rows in [
        ("round_0224", pd.DataFrame({"document": early["document"].str.removesuffix(".odt"),
                                     "code": early["tag"], "quote": early["content"]})),
        ("final", pd.DataFrame({"document": final["document"], "code": final["code"],
                                "quote": final["text"],
                                "near": final["taguette_start_offset"]}))]:
        report = team.import_quoted_codings(project, rows, coder)
        located[coder] = report.attrs["located"]
        located[f"{coder}_missing"] = report.attrs["not_located"]
    shared = sorted(set(final["code"]) & set(early["tag"]))
    return project, located, shared


@pytest.mark.realdata
def test_serdif_rounds_agreement(shared_data, tmp_path):
    project, located, shared = serdif_project(tmp_path, shared_data)
    assert located["round_0224"] > 1800 and located["final"] > 1700
    coders = ["final", "round_0224"]
    chars = team.agreement(project, coders=coders, codes=shared)
    assert list(chars["code"]) == [*shared, OVERALL]
    assert chars.attrs["n_documents"] == 17
    lengths = dict(zip(project.documents()["name"], project.documents()["length"], strict=True))
    frame, _, _, _ = team.compared_codings(project, coders=coders, codes=shared)
    for code in shared:
        got = row(chars, code)
        if got["units_any"] == 0:
            continue
        assert -1 <= got["kappa"] <= 1
        data = reliability(frame, lengths, coders, code)
        assert got["alpha"] == pytest.approx(package_alpha(data))
        assert got["kappa"] == pytest.approx(cohen(data))
    overall = row(chars, OVERALL)
    assert 0 < overall["alpha"] < 1 and 0 < overall["kappa"] < 1
    assert 0 < overall["percent_agreement"] < 100
    sentences = team.agreement(project, coders=coders, codes=shared, level="sentence")
    units = team.segments(project, lengths, "sentence")
    assert sentences.attrs["n_units"] == len(units)
    pooled = np.hstack([reliability(frame, lengths, coders, code, units) for code in shared])
    assert row(sentences, OVERALL)["alpha"] == pytest.approx(package_alpha(pooled))
    assert 0 < row(sentences, OVERALL)["alpha"] < 1
    listed = team.disagreements(project, coders=coders, codes=shared)
    assert len(listed) and listed["disputed"].ne("").all()
    assert (listed.groupby("document")["start"].apply(lambda s: s.is_monotonic_increasing)).all()
    project.close()
