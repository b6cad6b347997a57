"""The two non-demo study projects (tests/study_projects.py) are what they claim to be."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import select
from study_projects import (
    ATTRIBUTE_WORDS,
    CFPP_DIR,
    CFPP_FILES,
    CFPP_NAME_COLUMNS,
    DEMO_ATTRIBUTES,
    ESLO_FILES,
    build_random_project,
    looks_like_gender_or_territory,
)

from workbench import Project
from workbench.store import schema as s

pytest_plugins = ["study_fixtures"]

BASE = ("case_id", "case", "case_kind")
ENGLISH_WORDS = {"the", "and", "to", "of", "i", "is", "we", "my", "in", "it", "you"}
FRENCH_WORDS = {"le", "la", "les", "et", "de", "je", "est", "un", "une", "des", "on", "vous"}
FILLERS = {"euh", "ben", "ouais", "hm", "bah"}


def stored_attribute_names(p: Project) -> set[str]:
    """The case attributes the sheet wrote (not the columns a profile may derive)."""
    with p.store.read() as conn:
        return set(conn.execute(select(s.attributes.c.key).distinct()).scalars())


def words(text: str) -> list[str]:
    return re.findall(r"[a-zàâçéèêëîïôûùüÿœ']+", text.lower())


def common_codes_checks(p: Project) -> pd.DataFrame:
    check = p.verify()
    assert check.ok, str(check)
    cases = p.cases()
    covered = set(p.privacy.table()["real"])
    assert set(cases["case"]) <= covered, set(cases["case"]) - covered
    accepted = p.extracts(status="accepted")
    assert not accepted.empty
    return accepted


# -- the real project ---------------------------------------------------------------------
@pytest.mark.realdata
def test_real_project_documents(real: Project) -> None:
    docs = real.documents().set_index("name")
    assert len(docs) == len(CFPP_FILES) + len(ESLO_FILES) == 6
    assert set(docs["kind"]) == {"interview"}
    sources = {Path(src).suffix for src in docs["source"]}
    assert sources == {".TextGrid", ".trs"}
    eslo = docs.loc[[Path(n).stem for n in ESLO_FILES]]
    assert set(eslo["encoding"].str.upper()) == {"ISO-8859-1"}
    for source in docs["source"]:  # copied at test time, never read from the repository
        assert Path(source).parent.name == "corpus_reel"


@pytest.mark.realdata
def test_real_project_cases_have_the_sources_attribute_names(real: Project) -> None:
    with (CFPP_DIR / "cfpp_metadata.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    cfpp = {c for c in header if c not in CFPP_NAME_COLUMNS}
    stored = stored_attribute_names(real)
    assert cfpp <= stored  # GENRE, ANNÉE DE NAISSANCE, AGE, ARR./VILLE, DIPLÔME, …
    assert {"dialect", "scope"} <= stored  # the ESLO <Speaker> attributes
    assert not stored & set(DEMO_ATTRIBUTES)
    cases = real.cases().set_index("case")
    assert not set(cases.columns) & set(DEMO_ATTRIBUTES)
    assert len(cases) == 7
    assert cases.loc["Anita Musso", "GENRE"] == "F"
    assert cases.loc["Christophe André", "PROFESSION"].startswith("Professeur")
    # ESLO: the interviewee is the coded speaker (initials + number), not the interviewer
    assert {"DJ39", "FU200"} <= set(cases.index)
    assert not {"JR", "RC"} & set(cases.index)
    assert cases.loc["DJ39", "dialect"] == "native"


@pytest.mark.realdata
def test_real_project_codings(real: Project) -> None:
    accepted = common_codes_checks(real)
    assert 25 <= len(accepted) <= 35
    assert accepted["case"].notna().all()  # every coding is a respondent's turn
    assert accepted["document"].nunique() == 6
    assert accepted["case"].nunique() == 7  # both speakers of the two-interviewee file
    codes = set(real.codes()["key"])
    assert {"quartier.vie", "quartier.logement", "parcours.travail", "parcours.etudes"} <= codes
    assert set(accepted["code"]) <= codes
    assert accepted["code"].nunique() == 4
    rules = [r for c in real.codebook().codes for r in c.rules]
    assert any(r.get("speaker_role") == "respondent" for r in rules)


# -- the random project -------------------------------------------------------------------
def test_random_project_documents(rand: Project) -> None:
    docs = rand.documents().set_index("name")
    assert len(docs) == 9
    assert docs["kind"].value_counts().to_dict() == {"interview": 8, "focus_group": 1}
    assert docs.loc["groupe_focal", "kind"] == "focus_group"
    for name in docs.index:
        text = rand.text(name)
        found = words(text)
        english = sum(w in ENGLISH_WORDS for w in found)
        french = sum(w in FRENCH_WORDS for w in found)
        if name.startswith("interview_en"):
            assert english > 10 * max(french, 1), (name, english, french)
            assert not FILLERS & set(found)
        else:
            assert french > 10 * max(english, 1), (name, english, french)
            assert FILLERS & set(found)
        if name.startswith(("entretien", "interview")):
            assert 300 <= len(text.split()) <= 600, (name, len(text.split()))
    speakers = set(rand.turns("groupe_focal")["speaker"])
    assert len(speakers) == 4  # an animatrice and three participants


def test_random_project_attributes(rand: Project, random_project_path: Path) -> None:
    sheet = random_project_path.parent / "corpus_aleatoire" / "attributs.xlsx"
    book = openpyxl.load_workbook(sheet, read_only=True)
    header = [c.value for c in next(book["cas"].iter_rows(max_row=1))]
    assert header[:4] == ["cas", "type", "document", "locuteur"]
    names = header[4:]
    assert len(names) == 5 and set(names) <= set(ATTRIBUTE_WORDS)
    stored = stored_attribute_names(rand)
    assert stored == set(names)
    assert not any(looks_like_gender_or_territory(n) for n in stored)
    assert not stored & set(DEMO_ATTRIBUTES)
    cases = rand.cases()
    assert len(cases) == 11
    cat_a, cat_b, number, multi, free = names
    for category in (cat_a, cat_b):
        assert 2 <= cases[category].nunique() <= 4
    assert pd.api.types.is_integer_dtype(cases[number])
    assert cases[number].between(18, 80).all()
    assert cases[multi].str.contains(";").any()
    assert cases[free].isna().sum() == 1 and cases[free].dropna().str.len().gt(20).all()


def test_random_project_codings(rand: Project) -> None:
    accepted = common_codes_checks(rand)
    assert 38 <= len(accepted) <= 45
    everything = rand.extracts(status="all")
    counts = everything["status"].value_counts().to_dict()
    assert counts.get("suggested", 0) >= 3 and counts.get("rejected", 0) >= 3
    suggested = everything[everything["status"] != "accepted"]
    assert suggested["origin"].str.startswith("rule:").all()
    assert accepted["document"].nunique() == 9
    assert accepted["case"].nunique() >= 8
    english = accepted[accepted["document"].str.startswith("interview_en")]
    assert len(english) >= 4
    codes = rand.codes()
    demo_codes = {"liens", "actions", "femmes", "obstacles"}
    assert not {k.split(".")[0] for k in codes["key"]} & demo_codes
    assert len(codes) == 9


def test_random_project_is_deterministic(tmp_path: Path) -> None:
    def snapshot(path: Path) -> tuple[object, ...]:
        corpus = path.parent / "corpus_aleatoire"
        texts = {f.name: f.read_text(encoding="utf-8") for f in sorted(corpus.glob("*.txt"))}
        with Project.open(path) as p:
            cases = p.cases().drop(columns="case_id").to_dict("records")
            codings = p.extracts(status="all")[["document", "start", "end", "code", "status"]]
            return texts, str(cases), codings.to_dict("records"), \
                list(p.codes()["key"])

    one = snapshot(build_random_project(tmp_path / "a", seed=3))
    two = snapshot(build_random_project(tmp_path / "b", seed=3))
    other = snapshot(build_random_project(tmp_path / "c", seed=4))
    assert one == two
    assert one[0] != other[0] and one[3] != other[3]
