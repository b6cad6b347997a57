"""Pseudonyms: proposing a stable table, name variants, replacement without leaks.

The checks of "nothing real remains" use their own accent-blind search (`_found`),
not the module's matcher, so a rule missing from the module shows up here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from workbench.corpus.attributes import read_attributes
from workbench.corpus.readers import read_document
from workbench.privacy.entities import person_entities
from workbench.privacy.forms import TITLES, PseudonymEntry, variants
from workbench.privacy.matching import (
    is_name_label,
    leaks,
    pseudonymise_frame,
    pseudonymise_text,
)
from workbench.privacy.proposals import propose_pseudonyms

HERE = Path(__file__).resolve().parent
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CFPP = SHARED_DATA / "transcripts" / "cfpp2000_textgrid"
FIXTURE = (HERE / "data" / "pseudo_entretien.txt").read_text(encoding="utf-8")
PLACES = ["Tiznit", "Gennevilliers", "Marseille", "Chtouka-Aït Baha", "Aït Baha"]
ARABIC = "قالت لي أمي الأرض هي الأصل والماء حياة"
TIFINAGH = "ⴰⵎⴰⵏ ⵉⵎⴰⵏ"


def _plain(text: str) -> str:
    """Lower case, no accents, straight apostrophes, one character for one (the tests' own
    folding, so offsets in the result are offsets in `text`)."""
    out = []
    for ch in text.replace("’", "'"):
        base = unicodedata.normalize("NFD", ch)[0].lower()
        out.append(base if len(base) == 1 else ch)
    return "".join(out)


def _name_key(name: str) -> str:
    return " ".join(re.split(r"[\s_-]+", _plain(name))).strip()


def _found(name: str, text: str) -> list[str]:
    """Occurrences of `name` in `text`, case and accents aside, on word boundaries;
    hyphen, space and underscore between its parts are the same."""
    parts = [re.escape(p) for p in _name_key(name).split()]
    pattern = r"(?<![^\W_])" + r"[\s_-]+".join(parts) + r"(?![^\W_])"
    return [text[m.start():m.end()] for m in re.finditer(pattern, _plain(text))]


def _words(text: str) -> Counter[str]:
    return Counter(_plain(w) for w in re.findall(r"[^\W\d_]+", text))


# -- the fixture: a fictitious interview with names in many forms ---------------------------
FIXTURE_CASES = pd.DataFrame([
    {"case": "Fatima Aït Lahcen", "case_kind": "person", "genre": "F", "role": "trésorière"},
    {"case": "Rachid Belkadi", "case_kind": "person", "genre": "H", "role": "président OSIM"},
    {"case": "Khadija Ait Baha", "case_kind": "person", "genre": "F", "role": None},
    {"case": "Pierre Rosier", "case_kind": "person", "genre": "H", "role": None},
])


def _fixture_speakers(text: str, document: str = "E01") -> pd.DataFrame:
    """One row per turn of a 'Label : text' transcript; "Fatima" is Fatima Aït Lahcen."""
    rows = []
    for line in text.splitlines():
        label = line.split(" : ", 1)[0]
        role = "interviewer" if label.startswith("Enquêt") else "respondent"
        rows.append({"document": document, "speaker": label, "speaker_role": role,
                     "case": "Fatima Aït Lahcen" if label == "Fatima" else None})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def fixture_table() -> list[PseudonymEntry]:
    return propose_pseudonyms(FIXTURE_CASES, _fixture_speakers(FIXTURE))


def test_fixture_keeps_no_real_name_and_changes_nothing_else(fixture_table):
    out = pseudonymise_text(FIXTURE, fixture_table, protect=PLACES)
    forbidden = ["Fatima", "Lahcen", "Rachid", "Belkadi", "Khadija", "Pierre Rosier",
                 "M. Rosier", "Mme Ait Baha"]
    assert {name: _found(name, out) for name in forbidden} == {n: [] for n in forbidden}
    assert leaks(out, fixture_table, protect=PLACES) == []
    # Places, common words and other scripts are left as they were.
    for kept in ["Tiznit", "Gennevilliers", "province de Chtouka-Aït Baha", "vient d'Aït Baha",
                 "une pierre après l'autre", "un rosier devant", ARABIC, TIFINAGH, "Youssef"]:
        assert out.count(kept) == FIXTURE.count(kept), kept
    # Every word that disappeared belongs to a real name or a title.
    name_words = _words(" ".join([*FIXTURE_CASES["case"], *TITLES, "Madame"]))
    assert set(_words(FIXTURE) - _words(out)) <= set(name_words)
    assert "Enquêtée F1 : Bonjour. Appelez-moi Enquêtée F1, tout le monde m’appelle " \
           "Enquêtée F1." in out
    assert "Vous travaillez avec Enquêté H2 ?" in out
    assert "Notre trésorière, Enquêtée F3, vient d'Aït Baha justement." in out


def test_every_written_form_of_a_name_is_caught():
    table = [PseudonymEntry("Fatima Aït Lahcen", "Enquêtée F1", "person", "attribute")]
    forms = variants(table[0])
    for expected in ["Fatima", "Aït Lahcen", "Ait Lahcen", "Mme Aït Lahcen", "Fatima Aït Lahcen",
                     "Fatima Ait Lahcen", "Aït Lahcen Fatima"]:
        assert expected in forms
    for written in ["Fatima", "FATIMA", "fatima", "Aït Lahcen", "Ait Lahcen", "AIT LAHCEN",
                    "Ait-Lahcen", "Mme Aït Lahcen", "Mme. Ait Lahcen", "Madame Aït Lahcen",
                    "FATIMA AÏT LAHCEN", "Fatima_Ait_Lahcen", "Aït\nLahcen"]:
        for before in ["vu ", "chez d’", "chez d'", "(", "« "]:
            text = f"Hier j'ai {before}{written} au marché."
            assert pseudonymise_text(text, table) == f"Hier j'ai {before}Enquêtée F1 au marché."


def test_variant_rules_short_common_words_and_places():
    li = PseudonymEntry("Li Wang", "Enquêtée F2", "person", "attribute")
    assert "Li" not in variants(li) and "Wang" in variants(li)
    assert pseudonymise_text("Li est là, Li Wang aussi.", [li]) == "Li est là, Enquêtée F2 aussi."

    # A first name that is a common word is only replaced with its capital.
    pierre = PseudonymEntry("Pierre Rosier", "Enquêté H4", "person", "attribute")
    assert pseudonymise_text("une pierre, un rosier ; Pierre et Rosier", [pierre]) == \
        "une pierre, un rosier ; Enquêté H4 et Enquêté H4"
    assert leaks("une pierre", [pierre]) == []
    assert leaks("une pierre", [pierre], strict=True) == ["pierre"]  # for a human check

    # A surname that is also a place: alone it is the place; with a title or first name,
    # the person.
    khadija = PseudonymEntry("Khadija Ait Baha", "Enquêtée F3", "person", "attribute")
    assert "Ait Baha" in variants(khadija)
    assert "Ait Baha" not in variants(khadija, places=["Aït Baha"])
    assert "Mme Ait Baha" in variants(khadija, places=["Aït Baha"])
    text = "Mme Ait Baha vit à Aït Baha, Khadija Ait Baha aussi, province de Chtouka-Aït Baha."
    assert pseudonymise_text(text, [khadija], protect=["Aït Baha", "Chtouka-Aït Baha"]) == \
        "Enquêtée F3 vit à Aït Baha, Enquêtée F3 aussi, province de Chtouka-Aït Baha."
    # The longer protected string shields the name inside it even when the short one
    # is not protected.
    assert pseudonymise_text("la province de Chtouka-Aït Baha", [khadija],
                             protect=["Chtouka-Aït Baha"]) == "la province de Chtouka-Aït Baha"

    # Letter boundaries: a name inside a longer word is not a name.
    ali = PseudonymEntry("Ali Ouahmane", "Enquêté H5", "person", "attribute")
    assert pseudonymise_text("Alimentation, Alibaba, Ali.", [ali]) == \
        "Alimentation, Alibaba, Enquêté H5."


def test_compound_and_shared_names():
    couple = [PseudonymEntry("Christophe André", "Enquêté H1", "person", "attribute"),
              PseudonymEntry("Marie-Anne André", "Enquêtée F2", "person", "attribute")]
    text = ("Christophe André et Marie-Anne André, les André ; Marie Anne aussi. "
            "La Vierge Marie, la rue Saint-André, Anne.")
    assert pseudonymise_text(text, couple) == (
        "Enquêté H1 et Enquêtée F2, les [nom] ; Enquêtée F2 aussi. "
        "La Vierge Marie, la rue Saint-André, Anne.")


def test_titles_and_turn_boundaries():
    """Cases met in CFPP: a turn ending in a truncated word or a title, before a named turn."""
    table = [PseudonymEntry("Reine Cérêt", "Enquêtée F1", "person", "attribute"),
             PseudonymEntry("Jean-Claude Duchemin", "Enquêté H2", "person", "attribute"),
             PseudonymEntry("Blanche Duchemin", "Enquêtée F3", "person", "attribute")]
    text = ("Sonia : au docteur\nReine Cérêt : ouais m-\nJean-Claude Duchemin : à Saint-\n"
            "Blanche Duchemin : non\nM. Duchemin ? Mme Cérêt. euh m- Reine oui, la reine, "
            "la Croix-Blanche")
    once = pseudonymise_text(text, table, protect=["Croix-Blanche"])
    assert once == (
        "Sonia : au docteur\nEnquêtée F1 : ouais m-\nEnquêté H2 : à Saint-\n"
        "Enquêtée F3 : non\n[nom] ? Enquêtée F1. euh m- Enquêtée F1 oui, la reine, "
        "la Croix-Blanche")
    # A place named after someone is only kept when protected.
    assert pseudonymise_text("la Croix-Blanche", table) == "la Croix-Enquêtée F3"
    assert pseudonymise_text(once, table, protect=["Croix-Blanche"]) == once  # idempotent


def test_organisations():
    table = [PseudonymEntry("Association Tiwizi (ATW)", "Association A", "organisation",
                            "attribute"),
             PseudonymEntry("Commune de Tafraout", "Commune B", "organisation", "attribute")]
    assert set(variants(table[0])) >= {"Association Tiwizi", "ATW", "Tiwizi"}
    assert variants(table[1]) == ["Commune de Tafraout"]  # "Tafraout" alone is the place
    text = "L'ATW (Tiwizi) travaille avec la Commune de Tafraout ; Tafraout est loin."
    assert pseudonymise_text(text, table) == \
        "L'Association A (Association A) travaille avec la Commune B ; Tafraout est loin."


def test_arabic_and_tifinagh_text_is_untouched():
    table = [PseudonymEntry("Fatima Aït Lahcen", "Enquêtée F1", "person", "attribute"),
             PseudonymEntry("فاطمة", "Enquêtée F1", "person", "manual")]
    assert pseudonymise_text(ARABIC, table) == ARABIC
    assert pseudonymise_text(TIFINAGH, table) == TIFINAGH
    mixed = f"Fatima : {ARABIC} ({TIFINAGH})"
    assert pseudonymise_text(mixed, table) == f"Enquêtée F1 : {ARABIC} ({TIFINAGH})"
    # A name written in Arabic script is replaced as a word, not inside another word.
    assert pseudonymise_text("قالت فاطمة نعم", table) == "قالت Enquêtée F1 نعم"
    assert pseudonymise_text("فاطمةال", table) == "فاطمةال"


def test_numbering_by_gender_role_and_kind():
    cases = pd.DataFrame([
        {"case": "Fatima Aït Lahcen", "case_kind": "person", "genre": "F"},
        {"case": "Youssef Bennani", "case_kind": "person", "genre": "H"},
        {"case": "Samira Haddou", "case_kind": "person", "genre": "femme"},
        {"case": "Omar Naciri", "case_kind": "person", "genre": None},
        {"case": "Rachid Amzil", "case_kind": "person", "genre": "M", "role": "Élu communal"},
        {"case": "Khadija Ouberri", "case_kind": "person", "genre": "F", "role": "élue"},
        {"case": "Said Idrissi", "case_kind": "person", "genre": "H",
         "role": "technicien de la commune"},
        {"case": "Nadia Sbai", "case_kind": "person", "genre": "F", "role": "enquêtrice"},
        {"case": "Association Tiwizi", "case_kind": "organisation",
         "type_organisation": "OSIM"},
        {"case": "Commune de Tafraout", "case_kind": "organisation",
         "type_organisation": "commune rurale"},
        {"case": "Fédération Souss", "case_kind": "organisation",
         "type_organisation": "fédération d'associations"},
    ])
    got = {e.real: e.pseudonym for e in propose_pseudonyms(cases, pd.DataFrame())}
    assert got == {
        "Fatima Aït Lahcen": "Enquêtée F1", "Youssef Bennani": "Enquêté H2",
        "Samira Haddou": "Enquêtée F3", "Omar Naciri": "Enquêté·e 4",
        "Rachid Amzil": "Élu 1", "Khadija Ouberri": "Élue 2", "Said Idrissi": "Agent 1",
        "Nadia Sbai": "Enquêtrice 1", "Association Tiwizi": "Association A",
        "Commune de Tafraout": "Commune B", "Fédération Souss": "Fédération C",
    }
    per_label = {e.real: e.pseudonym
                 for e in propose_pseudonyms(cases.head(4), pd.DataFrame(), per_label=True)}
    assert per_label == {"Fatima Aït Lahcen": "Enquêtée F1", "Youssef Bennani": "Enquêté H1",
                         "Samira Haddou": "Enquêtée F2", "Omar Naciri": "Enquêté·e 1"}


def test_order_of_first_appearance_and_speaker_labels():
    cases = pd.DataFrame([
        {"case": "Fatima Aït Lahcen", "case_kind": "person", "genre": "F"},
        {"case": "Rachid Amzil", "case_kind": "person", "genre": "H", "role": "élu"},
        {"case": "Khadija Ouberri", "case_kind": "person", "genre": "F"},
        {"case": "Rachid Belkadi", "case_kind": "person", "genre": "H"},
        {"case": "Nadia Sbai", "case_kind": "person", "genre": "F"},
    ])
    speakers = pd.DataFrame([
        ("E01", "Enquêtrice", "interviewer", None),
        ("E01", "Rachid Belkadi", "respondent", "Rachid Belkadi"),
        ("E02", "Nadia Sbai", "interviewer", "Nadia Sbai"),
        ("E02", "Mme Ouberri", "respondent", "Khadija Ouberri"),
        ("E03", "INT", "interviewer", None),
        ("E03", "M. Amzil", "respondent", "Rachid Amzil"),
        ("E04", "Q", "interviewer", None),
        ("E04", "R", "respondent", None),
        ("E04", "Fatima", "respondent", "Fatima Aït Lahcen"),
        ("E05", "Modératrice", "interviewer", None),
        ("E05", "Karim Idrissi", "interviewer", None),
        ("E05", "E", "interviewer", None),
        ("E05", "Participant 3", "respondent", None),
        ("E05", "Adèle", "respondent", None),
        ("E05", "la mère", "respondent", None),
    ], columns=["document", "speaker", "speaker_role", "case"])
    table = propose_pseudonyms(cases, speakers)
    got = {e.real: (e.pseudonym, e.source) for e in table}
    assert got == {
        "Rachid Belkadi": ("Enquêté H1", "attribute"),
        "Nadia Sbai": ("Enquêtrice 1", "attribute"),
        "Khadija Ouberri": ("Enquêtée F2", "attribute"),
        "Mme Ouberri": ("Enquêtée F2", "speaker"),
        "Rachid Amzil": ("Élu 1", "attribute"),
        "M. Amzil": ("Élu 1", "speaker"),
        "Fatima Aït Lahcen": ("Enquêtée F3", "attribute"),
        "Fatima": ("Enquêtée F3", "speaker"),
        "Karim Idrissi": ("Enq. 2", "speaker"),
        "Adèle": ("Enquêté·e 4", "speaker"),
    }
    for generic in ["E", "R", "Q", "INT", "Enquêteur", "Modératrice", "Participant 3",
                    "speaker#2", "la mère", "Enquêtée F3", "Association A", None, ""]:
        assert not is_name_label(generic), generic
    for name in ["Fatima", "M. Amzil", "Mme Ouberri", "Rachid Belkadi", "Pierre", "Le Coat"]:
        assert is_name_label(name), name
    # The frame's speaker and case columns map exactly, text columns are replaced.
    frame = speakers.assign(text="Bonjour M. Amzil, bonjour Fatima.")
    out, dropped = pseudonymise_frame(frame, table)
    assert dropped == []
    assert list(out["speaker"]) == [
        "Enquêtrice", "Enquêté H1", "Enquêtrice 1", "Enquêtée F2", "INT", "Élu 1", "Q", "R",
        "Enquêtée F3", "Modératrice", "Enq. 2", "E", "Participant 3", "Enquêté·e 4", "la mère"]
    assert set(out["text"]) == {"Bonjour Élu 1, bonjour Enquêtée F3."}
    assert leaks(out, table) == []


def test_stability_when_cases_are_added(fixture_table):
    before = {e.real: e.pseudonym for e in fixture_table}
    cases = pd.concat([pd.DataFrame([
        {"case": "Samira Haddou", "case_kind": "person", "genre": "F"},
        {"case": "Brahim Ouzzine", "case_kind": "person", "genre": "H"},
        {"case": "Association Tiwizi", "case_kind": "organisation",
         "type_organisation": "association"},
    ]), FIXTURE_CASES], ignore_index=True)
    # The new people speak first, in a document listed before the old one.
    speakers = pd.concat([pd.DataFrame([
        ("E00", "Samira", "respondent", "Samira Haddou"),
        ("E00", "Enquêteur", "interviewer", None),
    ], columns=["document", "speaker", "speaker_role", "case"]),
        _fixture_speakers(FIXTURE)], ignore_index=True)
    after = propose_pseudonyms(cases, speakers, existing=fixture_table)
    assert after[:len(fixture_table)] == fixture_table
    new = {e.real: e.pseudonym for e in after[len(fixture_table):]}
    highest = max(int(re.sub(r"\D", "", p)) for p in before.values())
    assert new == {"Samira Haddou": f"Enquêtée F{highest + 1}",
                   "Samira": f"Enquêtée F{highest + 1}",
                   "Brahim Ouzzine": f"Enquêté H{highest + 2}",
                   "Association Tiwizi": "Association A"}
    # Numbers are never reused: after a gap, the next one follows the highest.
    gap = [PseudonymEntry("Ancien Cas", "Enquêté H7", "person", "manual")]
    again = propose_pseudonyms(FIXTURE_CASES.head(1), pd.DataFrame(), existing=gap)
    assert [e.pseudonym for e in again] == ["Enquêté H7", "Enquêtée F8"]
    # Proposing again with the same data adds nothing.
    assert propose_pseudonyms(cases, speakers, existing=after) == after


def test_leaks_finds_a_planted_name(fixture_table):
    clean = pseudonymise_text(FIXTURE, fixture_table, protect=PLACES)
    assert leaks(clean, fixture_table, protect=PLACES) == []
    planted = clean.replace("Youssef, mon fils", "Youssef, le fils de Mme BELKADI")
    assert leaks(planted, fixture_table, protect=PLACES) == ["Mme BELKADI"]
    frame = pd.DataFrame({"text": [clean, "rien"], "speaker": ["Enquêtée F1", "Khadija"]})
    assert leaks(frame, fixture_table, protect=PLACES) == ["Khadija"]
    assert leaks(frame, fixture_table) == ["Aït Baha", "Khadija"]  # the place, unprotected
    assert leaks([clean, "chez les ait-lahcen"], fixture_table, protect=PLACES) == ["ait-lahcen"]


def test_frame_drops_name_columns_and_leaking_columns(fixture_table):
    frame = pd.DataFrame({
        "document": ["E01_fatima_ait_lahcen", "E02_rachid"],
        "speaker": ["Fatima", "Rachid Belkadi"],
        "case": ["Fatima Aït Lahcen", "Rachid Belkadi"],
        "text": ["Je suis Fatima, de Tiznit.", "M. Belkadi parle."],
        "PRÉNOM": ["Fatima", "Rachid"], "NOM": ["Aït Lahcen", "Belkadi"],
        "source": ["/terrain/Fatima.docx", "/terrain/Rachid.docx"],
        "AUTRES": ["mariée à Rachid Belkadi", "président"],
        "region": ["Île-de-France", "PACA"], "age": [58, 61],
    })
    out, dropped = pseudonymise_frame(frame, fixture_table, protect=PLACES)
    assert dropped == ["PRÉNOM", "NOM", "source", "AUTRES"]
    assert list(out.columns) == ["document", "speaker", "case", "text", "region", "age"]
    assert out.to_dict("list") == {
        "document": ["E01_Enquêtée F1", "E02_Enquêté H2"],
        "speaker": ["Enquêtée F1", "Enquêté H2"], "case": ["Enquêtée F1", "Enquêté H2"],
        "text": ["Je suis Enquêtée F1, de Tiznit.", "Enquêté H2 parle."],
        "region": ["Île-de-France", "PACA"], "age": [58, 61]}
    assert leaks(out, fixture_table) == []


def test_person_entities_lists_only_unknown_names(fixture_table):
    found = person_entities({"E01": FIXTURE}, fixture_table, protect=PLACES)
    assert list(found.columns) == ["document", "start", "end", "text", "count"]
    assert "Youssef" in set(found["text"])  # the son is named in the text, not in the table
    for row in found.itertuples():
        assert FIXTURE[row.start:row.end] == row.text
        assert leaks(row.text, fixture_table, protect=PLACES) == [], row.text
    everything = person_entities({"E01": FIXTURE})
    assert {"Rachid Belkadi", "Youssef"} <= set(everything["text"])


# -- real material: CFPP2000, real names in tier and file names ------------------------------
CFPP_FILES = [
    "Anita_MUSSO_F_46_11e-v2.TextGrid",
    "Christophe_Andre_H_62_Marie_Anne_Andre_F_63_5e-v2.TextGrid",
    "Blanche_Duchemin_F_25_Reine_Ceret_F_60_11e-v2.TextGrid",
]


@pytest.mark.realdata
def test_cfpp_transcripts_keep_no_speaker_name():
    if not CFPP.is_dir():
        pytest.skip(f"real data missing: {CFPP} (../shared/data is not next to the project)")
    docs = {Path(f).stem: read_document(CFPP / f) for f in CFPP_FILES}
    turns = pd.DataFrame([
        {"document": name, "speaker": t.speaker, "speaker_role": t.role,
         "text": doc.text[t.start:t.end]}
        for name, doc in docs.items() for t in doc.turns])
    # Each named tier is a case; the metadata sheet gives gender and profession.
    turns["case"] = turns["speaker"].where(turns["speaker"].map(is_name_label), None)
    sheet = read_attributes(CFPP / "cfpp_metadata.csv", case_columns=["PRÉNOM", "NOM"])
    meta = {_name_key(c.name): {k: v for k, (v, _) in c.attributes.items()}
            for c in sheet.cases}
    labels = list(dict.fromkeys(turns["case"].dropna()))
    cases = pd.DataFrame([{"case": label, "case_kind": "person",
                           **meta.get(_name_key(label), {})} for label in labels])
    assert cases["GENRE"].notna().sum() == 6  # all but the interviewer are in the sheet
    table = propose_pseudonyms(cases, turns[["document", "speaker", "speaker_role", "case"]])
    assert {e.real: e.pseudonym for e in table} == {
        "Anita Musso": "Enquêtée F1", "Sonia Branca-Rosoff": "Enq. 1",
        "Christophe André": "Enquêté H2", "Marie-Anne André": "Enquêtée F3",
        "Reine Cérêt": "Enquêtée F4", "Jean-Claude Duchemin": "Enquêté H5",
        "Blanche Duchemin": "Enquêtée F6"}

    out, dropped = pseudonymise_frame(turns, table)
    texts = {name: pseudonymise_text(doc.text, table) for name, doc in docs.items()}
    names = [pseudonymise_text(name, table) for name in docs]
    assert dropped == []
    assert leaks(out, table) == [] and leaks([*texts.values(), *names], table) == []
    assert set(out["speaker"]) == {e.pseudonym for e in table}
    assert names == ["Enquêtée F1_F_46_11e-v2", "Enquêté H2_H_62_Enquêtée F3_F_63_5e-v2",
                     "Enquêtée F6_F_25_Enquêtée F4_F_60_11e-v2"]

    # Independent check: no first name or surname of these speakers remains, with three
    # documented exceptions: compound first names are names as a whole ("Marie" and
    # "Anne" alone are other people, "jean" is clothing); a name after "Saint" is a saint
    # or a street ("Saint André des Arts"); "Blanche" and "Reine" are also French words,
    # so only their capitalised forms count.
    parts = {p for label in labels for p in label.split()}
    everything = "\n".join([*texts.values(), *names, *out["text"], *out["speaker"]])
    plain = _plain(everything)
    remaining = {}
    for part in sorted(parts):
        hits = [m for m in re.finditer(r"(?<![^\W_])" + r"[\s_-]+".join(
                    map(re.escape, _name_key(part).split())) + r"(?![^\W_])", plain)
                if not re.search(r"saint[\s-]+$", plain[max(0, m.start() - 7):m.start()])]
        if part in ("Blanche", "Reine"):
            hits = [m for m in hits if everything[m.start()].isupper()]
        if hits:
            remaining[part] = [everything[max(0, m.start() - 20):m.end() + 20] for m in hits]
    assert remaining == {}
    # "Saint André des Arts" is still there: the exception above is real.
    assert "Saint André des Arts" in texts[Path(CFPP_FILES[0]).stem]

    # Nothing but names changed: every word that disappeared is part of a speaker's name.
    for name, doc in docs.items():
        lost = _words(doc.text) - _words(texts[name])
        assert set(lost) <= set(_words(" ".join(labels))), (name, lost)
        assert _words(doc.text)["blanche"] - _words(texts[name])["blanche"] <= \
            len(re.findall(r"\bBlanche\b", doc.text))

    # Stability on real data: a fourth recording adds its speakers after the others.
    more = read_document(CFPP / "Lucie_da_Silva_F_22_7e-v2.TextGrid")
    extra = pd.DataFrame([{"document": "Lucie", "speaker": t.speaker, "speaker_role": t.role,
                           "case": t.speaker} for t in more.turns])
    more_cases = pd.concat([cases, pd.DataFrame([
        {"case": label, "case_kind": "person", **meta.get(_name_key(label), {})}
        for label in dict.fromkeys(extra["speaker"])])], ignore_index=True)
    grown = propose_pseudonyms(more_cases, extra, existing=table)
    assert grown[:len(table)] == table
    assert {e.real: e.pseudonym for e in grown[len(table):]} == {
        "Lucie da Silva": "Enquêtée F7", "Florence Lefeuvre": "Enquêtrice 2",
        "Adèle": "Enquêté·e 8", "Francine": "Enquêté·e 9"}


def test_a_first_name_shared_by_several_people_is_still_hidden():
    cases = pd.DataFrame([
        {"case": "Fatima Aït Lahcen", "case_kind": "person", "genre": "F"},
        {"case": "Fatima Bouzid", "case_kind": "person", "genre": "F"},
    ])
    speakers = pd.DataFrame([
        ("E01", "Fatima", "respondent", "Fatima Aït Lahcen"),
        ("E02", "Fatima", "respondent", "Fatima Bouzid"),
    ], columns=["document", "speaker", "speaker_role", "case"])
    table = propose_pseudonyms(cases, speakers)
    got = {e.real: e.pseudonym for e in table}
    assert got == {"Fatima Aït Lahcen": "Enquêtée F1", "Fatima Bouzid": "Enquêtée F2",
                   "Fatima": "[prénom]"}
    frame = speakers.assign(text="Fatima m'a dit : Fatima Bouzid viendra.")
    out, _ = pseudonymise_frame(frame, table)
    assert list(out["case"]) == ["Enquêtée F1", "Enquêtée F2"]
    assert set(out["text"]) == {"[prénom] m'a dit : Enquêtée F2 viendra."}
    assert leaks(out, table) == []
