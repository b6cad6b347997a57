from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.corpus import read_document
from workbench.errors import CorpusError

LONG = '''File type = "ooTextFile"
Object class = "TextGrid"

xmin = 0
xmax = 10
tiers? <exists>
size = 3
item []:
    item [1]:
        class = "IntervalTier"
        name = "Sonia Branca-Rosoff (Enq.)"
        xmin = 0
        xmax = 10
        intervals: size = 3
        intervals [1]:
            xmin = 0
            xmax = 1.5
            text = "vous habitez où ?"
        intervals [2]:
            xmin = 1.5
            xmax = 4
            text = ""
        intervals [3]:
            xmin = 4
            xmax = 10
            text = "et il a dit ""non"" [1] ?"
    item [2]:
        class = "IntervalTier"
        name = "Lucie da Silva"
        xmin = 0
        xmax = 10
        intervals: size = 2
        intervals [1]:
            xmin = 0
            xmax = 1.2
            text = "   "
        intervals [2]:
            xmin = 1.2
            xmax = 5
            text = "dans le
septième"
    item [3]:
        class = "TextTier"
        name = "bruits"
        xmin = 0
        xmax = 10
        points: size = 1
        points [1]:
            number = 2
            mark = "toux"
'''

SHORT = '''File type = "ooTextFile"
Object class = "TextGrid"

0
10
<exists>
3
"IntervalTier"
"Sonia Branca-Rosoff (Enq.)"
0
10
3
0
1.5
"vous habitez où ?"
1.5
4
""
4
10
"et il a dit ""non"" [1] ?"
"IntervalTier"
"Lucie da Silva"
0
10
2
0
1.2
"   "
1.2
5
"dans le
septième"
"TextTier"
"bruits"
0
10
1
2
"toux"
'''

EXPECTED = [
    ("Sonia Branca-Rosoff", "interviewer", 0.0, 1.5, 1, "vous habitez où ?"),
    ("Lucie da Silva", "respondent", 1.2, 5.0, 1, "dans le septième"),
    ("Sonia Branca-Rosoff", "interviewer", 4.0, 10.0, 1, 'et il a dit "non" [1] ?'),
]


@pytest.mark.parametrize(
    ("content", "codec"), [(LONG, "utf-8"), (SHORT, "utf-8"), (LONG, "utf-16")]
)
def test_long_and_short_format_give_the_same_turns(
    tmp_path: Path, valid, content: str, codec: str
) -> None:
    path = tmp_path / "E20.TextGrid"
    path.write_bytes(content.encode(codec))
    doc = valid(read_document(path))
    got = [(t.speaker, t.role, t.t_start, t.t_end, t.overlap, doc.text[t.start : t.end])
           for t in doc.turns]
    assert got == EXPECTED
    assert doc.text.split("\n")[1] == "Lucie da Silva : dans le septième"
    assert doc.speakers == {
        "Sonia Branca-Rosoff": {"tier": "Sonia Branca-Rosoff (Enq.)"},
        "Lucie da Silva": {"tier": "Lucie da Silva"},
    }
    assert doc.warnings == ["E20.TextGrid : le tier de points « bruits » ne contient pas de "
                            "parole ; il est ignoré."]


def test_suffix_kept_when_stripping_would_merge_two_tiers(tmp_path: Path) -> None:
    content = LONG.replace('"Lucie da Silva"', '"Sonia Branca-Rosoff"')
    path = tmp_path / "E21.textgrid"
    path.write_text(content, encoding="utf-8")
    doc = read_document(path)
    assert [t.speaker for t in doc.turns] == [
        "Sonia Branca-Rosoff (Enq.)", "Sonia Branca-Rosoff", "Sonia Branca-Rosoff (Enq.)",
    ]


def test_not_a_textgrid(tmp_path: Path) -> None:
    path = tmp_path / "E22.TextGrid"
    path.write_text('File type = "ooTextFile"\nObject class = "Pitch 1"\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"E22\.TextGrid : ce n'est pas un fichier TextGrid"):
        read_document(path)
    truncated = tmp_path / "E23.TextGrid"
    truncated.write_text(LONG[:600], encoding="utf-8")
    with pytest.raises(CorpusError, match=r"E23\.TextGrid : ce n'est pas un TextGrid valide"):
        read_document(truncated)
    binary = tmp_path / "E24.TextGrid"
    binary.write_bytes(b"ooBinaryFile\x08TextGrid" + bytes(40))
    with pytest.raises(CorpusError, match=r"E24\.TextGrid : c'est un TextGrid binaire"):
        read_document(binary)


# -- real CFPP2000 TextGrids ------------------------------------------------------------------

_ITEM = re.compile(r'^\s*item ?\[\d+\]:\s*\n\s*class = "(\w+)"\s*\n\s*name = "(.*)"', re.MULTILINE)
_INTERVAL = re.compile(
    r'intervals \[\d+\]:?\s*xmin = ([\d.]+)\s*xmax = ([\d.]+)\s*text = "((?:[^"]|"")*)"'
)
_ENQ = re.compile(r"\s*(\(\s*enq\.?\s*\)|\benq\.?)\s*$", re.IGNORECASE)


def expected_intervals(path: Path) -> list[tuple[float, int, str, str]]:
    """(start, tier index, speaker, words) of non-empty intervals, by a regex over the file."""
    text = path.read_text(encoding="utf-8")
    items = list(_ITEM.finditer(text))
    out = []
    for k, item in enumerate(items):
        end = items[k + 1].start() if k + 1 < len(items) else len(text)
        speaker = _ENQ.sub("", item.group(2)).strip()
        for m in _INTERVAL.finditer(text, item.end(), end):
            words = " ".join(m.group(3).replace('""', '"').split())
            if words:
                out.append((float(m.group(1)), k, speaker, words))
    return sorted(out)


@pytest.mark.realdata
def test_cfpp_textgrids_speakers_are_tiers_and_turns_the_intervals_in_time_order(
    real_data: Path, valid
) -> None:
    files = sorted((real_data / "transcripts" / "cfpp2000_textgrid").glob("*.TextGrid"))
    assert len(files) == 36
    for path in files:
        doc = valid(read_document(path))
        expected = expected_intervals(path)
        got = [(t.t_start, t.speaker, doc.text[t.start : t.end]) for t in doc.turns]
        assert got == [(start, who, words) for start, _, who, words in expected], path.name
        tiers = [m.group(2) for m in _ITEM.finditer(path.read_text(encoding="utf-8"))]
        assert set(doc.speakers) == {_ENQ.sub("", name).strip() for name in tiers}, path.name
        for turn in doc.turns:
            tier = doc.speakers[turn.speaker]["tier"]
            assert (turn.role == "interviewer") == bool(_ENQ.search(tier)), path.name
