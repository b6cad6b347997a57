"""NLP through the Project on the demo corpus: tokens, word views, rules, pseudonyms."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench import Project
from workbench.privacy.forms import PseudonymEntry
from workbench.privacy.matching import leaks


def table_of(p: Project) -> list[PseudonymEntry]:
    return [PseudonymEntry(*row) for row in p.privacy.table().itertuples(index=False)]


def test_tokens_carry_speaker_case_and_attributes(demo: Project) -> None:
    tokens = demo.tokens(progress=False)
    fatima = tokens[(tokens["document"] == "E01_fatima_idf") & (tokens["speaker"] == "Fatima")]
    assert set(fatima["genre"].dropna()) == {"F"}
    assert set(tokens.loc[tokens["lower"].isin(["diaspora", "diasporas"]), "lemma"]) == \
        {"diaspora"}
    assert not tokens.loc[tokens["lower"] == "euh", "is_word"].any()


def test_word_frequencies_by_gender_leave_out_stop_words(demo: Project) -> None:
    freq = demo.words.frequencies(by="genre", top=20)
    assert set(freq["genre"].dropna()) == {"F", "H"}
    assert not set(freq["lemma"]) & {"le", "de", "euh", "ben", "et"}
    assert freq.groupby("genre")["share"].max().le(1).all()


def test_kwic_gives_context_and_speaker(demo: Project) -> None:
    lines = demo.words.kwic("puits")
    assert len(lines) > 0
    assert lines["keyword"].str.lower().str.startswith("puits").all()
    assert {"speaker", "case", "left", "right"} <= set(lines.columns)
    assert not lines["left"].str.contains("\n").any()


def test_autocode_suggestions_and_rule_report(demo: Project) -> None:
    suggested = demo.review.suggestions()
    assert len(suggested) > 100 and set(suggested["status"]) == {"suggested"}
    report = demo.review.rule_report()
    assert report["suggestions"].sum() == len(suggested)
    assert demo.verify().ok


def test_wordcloud_png_is_written(demo: Project, tmp_path: Path) -> None:
    path = demo.words.wordcloud(tmp_path / "nuage.png", codes="jeunes", title="Jeunes")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 20_000


def test_pseudonymised_extracts_and_texts_hold_no_real_name(demo: Project) -> None:
    table = table_of(demo)
    assert len(table) >= 20
    assert "Fatima Aït Lahcen" in {e.real for e in table}
    frame = demo.extracts(pseudonymise=True)
    assert demo.leaks(frame) == []
    assert demo.leaks(demo.extracts())  # the clear table does hold names
    assert "Fatima" not in set(frame["speaker"]) and "Fatima Aït Lahcen" not in set(frame["case"])
    for name in demo.documents()["name"]:
        turns = demo.turns(name, pseudonymise=True)
        assert demo.leaks(turns) == [], name
    focus = " ".join(demo.turns("FG01_femmes_montpellier", pseudonymise=True)["text"])
    assert "ⴰⵣⵓⵍ" in focus and "البنت" in focus  # Tifinagh and Arabic script intact


def test_sentiment_on_extracts(demo: Project) -> None:
    frame = demo.words.sentiment("obstacles")
    assert {"polarite", "subjectivite", "tonalite"} <= set(frame.columns)
    assert frame["polarite"].between(-1, 1).all()
    assert (frame["tonalite"] == "négatif").sum() > (frame["tonalite"] == "positif").sum()


@pytest.mark.realdata
def test_cfpp_real_names_do_not_survive_pseudonymisation(shared_data: Path,
                                                        tmp_path: Path) -> None:
    folder = shared_data / "transcripts" / "cfpp2000_textgrid"
    p = Project.create(tmp_path / "cfpp")
    for name in ("Anita_MUSSO_F_46_11e-v2", "Lea_Samvarian_F_55_2e",
                 "Gary_Collard_H_24_20e-v2"):
        p.import_file(folder / f"{name}.TextGrid", name=f"cfpp_{name[:4]}")
    p.import_attributes(folder / "cfpp_metadata.csv", case_columns=["PRÉNOM", "NOM"])
    p.privacy.propose()
    table = table_of(p)
    speakers = set(p.turns("cfpp_Anit")["speaker"])
    assert {"Anita Musso"} <= speakers
    for document in p.documents()["name"]:
        clear = p.turns(document)
        hidden = p.turns(document, pseudonymise=True)
        assert p.leaks(clear), document  # the names are really there…
        assert p.leaks(hidden) == [], document  # …and gone once pseudonymised
        assert leaks(hidden, table) == [], document


def test_named_entities_table(demo: Project) -> None:
    entities = demo.words.entities(progress=False)
    assert {"lieu", "organisation", "personne"} <= set(entities["type"])
    places = set(entities.loc[entities["type"] == "lieu", "text"])
    assert places & {"Tiznit", "Agadir", "Montpellier", "Taroudannt"}
    row = entities.iloc[0]
    assert demo.text(row["document"], row["start"], row["end"]) == row["text"]


def test_word_views_never_show_a_real_name(demo: Project) -> None:
    lemmas = set(demo.words.frequencies(codes="femmes")["lemma"])
    assert not lemmas & {"ouberri", "fatima", "amzil", "naïma"}
    assert "femme" in lemmas
