from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from workbench.corpus import read_document
from workbench.errors import CorpusError

TRS = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE Trans SYSTEM "trans-14.dtd">
<Trans scribe="test" audio_filename="e01" version="2" version_date="240101">
<Topics>
<Topic id="to1" desc="Parcours migratoire"/>
<Topic id="to2" desc="Liens au village"/>
</Topics>
<Speakers>
<Speaker id="spk1" name="Enquêtrice" check="no" type="female" dialect="native" accent=""
 scope="local"/>
<Speaker id="spk2" name="DM95" check="no" type="male" dialect="nonnative" accent="" scope="local"/>
<Speaker id="spk3" name="Silencieux" check="no" type="male" scope="local"/>
</Speakers>
<Episode>
<Section type="report" startTime="0" endTime="10">
<Turn startTime="0" endTime="1.5">
<Sync time="0"/>
</Turn>
<Turn speaker="spk1" startTime="1.5" endTime="4">
<Sync time="1.5"/>
vous êtes arrivé
<Sync time="2.8"/>
<Event desc="rire" type="noise" extent="instantaneous"/>
quand ?
</Turn>
</Section>
<Section type="report" topic="to1" startTime="10" endTime="20">
<Turn speaker="spk2 spk1" startTime="10" endTime="12.25">
<Sync time="10"/>
<Who nb="1"/>
en soixante-huit
<Event desc="ouiche" type="pronounce" extent="previous"/>
<Who nb="2"/>
ah oui
</Turn>
<Turn speaker="spk2" startTime="12.25" endTime="13">
<Sync time="12.25"/>
<Comment desc="porte qui claque"/>
</Turn>
</Section>
<Section type="report" topic="to2" startTime="20" endTime="30">
<Turn speaker="spk1 spk2" startTime="20" endTime="21">
<Sync time="20"/>
<Who nb="1"/>
<Event desc="b" type="noise" extent="instantaneous"/>
<Who nb="2"/>
le puits <Comment desc="sonnerie"/> et l'école
</Turn>
</Section>
</Episode>
</Trans>
"""


def test_synthetic_trs(tmp_path: Path, valid) -> None:
    path = tmp_path / "E17.trs"
    path.write_bytes(TRS.encode("latin-1"))
    doc = valid(read_document(path))
    assert doc.encoding == "ISO-8859-1"
    assert doc.text == (
        "Enquêtrice : vous êtes arrivé [rire] quand ?\n"
        "DM95 : en soixante-huit\n"
        "Enquêtrice : ah oui\n"
        "DM95 : le puits [sonnerie] et l'école"
    )
    got = [
        (t.speaker, t.role, t.t_start, t.t_end, t.section, t.overlap, doc.text[t.start : t.end])
        for t in doc.turns
    ]
    assert got == [
        ("Enquêtrice", "interviewer", 1.5, 4.0, None, None, "vous êtes arrivé [rire] quand ?"),
        ("DM95", None, 10.0, 12.25, "Parcours migratoire", 1, "en soixante-huit"),
        ("Enquêtrice", "interviewer", 10.0, 12.25, "Parcours migratoire", 1, "ah oui"),
        ("DM95", None, 20.0, 21.0, "Liens au village", None, "le puits [sonnerie] et l'école"),
    ]
    assert doc.speakers == {
        "Enquêtrice": {"id": "spk1", "name": "Enquêtrice", "check": "no", "type": "female",
                       "dialect": "native", "scope": "local"},
        "DM95": {"id": "spk2", "name": "DM95", "check": "no", "type": "male",
                "dialect": "nonnative", "scope": "local"},
    }


def test_roles_given_for_transcriber_speakers(tmp_path: Path) -> None:
    path = tmp_path / "E17.trs"
    path.write_bytes(TRS.encode("latin-1"))
    doc = read_document(path, roles={"DM95": "respondent"})
    assert [t.role for t in doc.turns] == ["interviewer", "respondent", "interviewer", "respondent"]


def test_entities_are_refused_and_the_dtd_is_not_fetched(tmp_path: Path) -> None:
    path = tmp_path / "evil.trs"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE Trans [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<Trans><Episode><Section><Turn>&x;</Turn></Section></Episode></Trans>",
        encoding="utf-8",
    )
    with pytest.raises(CorpusError, match=r"evil\.trs : contient des déclarations d'entités XML"):
        read_document(path)


def test_not_transcriber_xml(tmp_path: Path) -> None:
    bad = tmp_path / "E18.trs"
    bad.write_text("<Trans><Episode>", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"E18\.trs.*pas du XML Transcriber valide"):
        read_document(bad)
    other = tmp_path / "E19.trs"
    other.write_text("<TEI><text>bonjour</text></TEI>", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"E19\.trs : ce n'est pas un fichier Transcriber"):
        read_document(other)


# -- real ESLO1 interviews -----------------------------------------------------------------


def expected_turns(path: Path) -> tuple[list[tuple[str, str]], dict[str, str], set[str]]:
    """(speaker name, words) per spoken Turn/Who segment, by a plain XML parse."""
    root = ET.parse(path).getroot()
    names = {s.get("id"): s.get("name") for s in root.iter("Speaker")}
    topics = {t.get("id"): t.get("desc") for t in root.iter("Topic")}
    out = []
    for turn in root.iter("Turn"):
        ids = (turn.get("speaker") or "").split()
        segments: dict[int, list[str]] = {1: [turn.text or ""]}
        current = 1
        for child in turn:
            if child.tag == "Who":
                current = int(child.get("nb"))
                segments.setdefault(current, [])
            segments[current].append(child.tail or "")
        for nb, parts in segments.items():
            words = " ".join("".join(parts).split())
            if words:
                out.append((names[ids[nb - 1]], words))
    sections = {topics[s.get("topic")] for s in root.iter("Section") if s.get("topic")}
    return out, names, sections


@pytest.mark.realdata
def test_eslo_trs_files_match_their_xml(real_data: Path, valid) -> None:
    files = sorted((real_data / "transcripts" / "eslo1_entretien").glob("*.trs"))
    assert len(files) == 10
    for path in files:
        doc = valid(read_document(path))
        expected, names, sections = expected_turns(path)
        got = [
            (t.speaker, " ".join(re.sub(r"\[[^\]]*\]", " ", doc.text[t.start : t.end]).split()))
            for t in doc.turns
        ]
        assert got == expected, path.name
        speaking = {name for name, _ in expected}
        assert set(doc.speakers) == speaking, path.name
        assert speaking <= set(names.values())
        assert {t.section for t in doc.turns} - {None} <= sections
        assert doc.encoding == "ISO-8859-1"
        assert "é" in doc.text and "Ã" not in doc.text, path.name
        if path.name == "ESLO1_ENT_001_C.trs":
            assert "quand vous écoutez ses causeries" in doc.text
            assert any(t.overlap for t in doc.turns)
            assert {t.section for t in doc.turns} >= {"QP1", "QP2"}
