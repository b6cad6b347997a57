"""Shares of speech on real material: a CFPP2000 mixed interview, genders from its metadata."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench import Project
from workbench.analysis.groups import INTERVIEWERS

FILE = "Christophe_Andre_H_62_Marie_Anne_Andre_F_63_5e-v2"
FILLERS = {"euh", "hm", "mh", "ben", "bah", "hein", "ouais", "pfff"}


def hand_count(path: Path) -> dict[str, tuple[int, int]]:
    """Tier → (words, turns), counted the way one counts by hand: every non-empty
    interval is a turn; words are runs of letters outside [markup], fillers left out."""
    counts: dict[str, list[int]] = {}
    tier = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if m := re.match(r'\s*name = "(.*)"', line):
            tier = m.group(1)
        elif (m := re.match(r'\s*text = "(.*)"\s*$', line)) and tier:
            text = re.sub(r"\[[^\]]*\]|\([^)]*\)|<[^>]*>", " ", m.group(1))
            words = [w for w in re.findall(r"[^\W\d_]+", text) if w.lower() not in FILLERS]
            entry = counts.setdefault(tier, [0, 0])
            entry[0] += len(words)
            entry[1] += bool(m.group(1).strip())
    return {k: (v[0], v[1]) for k, v in counts.items()}


@pytest.mark.realdata
def test_shares_of_speech_match_a_hand_count(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "transcripts" / "cfpp2000_textgrid"
    project = Project.create(tmp_path / "cfpp.sqlite")
    project.import_file(folder / f"{FILE}.TextGrid")
    project.import_attributes(folder / "cfpp_metadata.csv", case_columns=["PRÉNOM", "NOM"])
    shares = project.analysis.speech_shares("GENRE", include_interviewers=True)
    shares = shares.set_index("group")
    counted = hand_count(folder / f"{FILE}.TextGrid")
    by_group = {"F": counted["Marie-Anne André"], "M": counted["Christophe André"],
                INTERVIEWERS: counted["Sonia Branca-Rosoff (ENQ)"]}
    words = sum(w for w, _ in by_group.values())
    turns = sum(t for _, t in by_group.values())
    # Hand count: F 2,242 words / 181 turns, M 9,092 / 285, interviewer 2,855 / 228.
    for group, (w, t) in by_group.items():
        assert shares.loc[group, "share_words"] == pytest.approx(100 * w / words, abs=0.3)
        assert shares.loc[group, "share_turns"] == pytest.approx(100 * t / turns, abs=0.3)
        # a turn of pure markup and fillers says nothing ("ouais voilà", "voilà [pause] voilà")
        assert abs(shares.loc[group, "turns"] - t) <= 2
    assert shares.loc["M", "share_words"] > 60 > shares.loc["F", "share_words"] * 3
    project.close()
