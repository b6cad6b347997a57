from __future__ import annotations

import pytest

from workbench.corpus.model import Turn
from workbench.corpus.turns import parse_clock, parse_turns
from workbench.errors import CorpusError


def said(text: str, turns: list[Turn]) -> list[tuple[str | None, str]]:
    return [(t.speaker, text[t.start : t.end]) for t in turns]


def test_role_labels_count_even_once_and_get_roles() -> None:
    text = (
        "Enquêteur : Bonjour.\nEnquêtrice : Merci.\nE : Vous êtes née où ?\nQ: Et ensuite ?\n"
        "R : À Tiznit.\nINT: D'accord.\nEnquêtée : Oui.\nModératrice : Tour de table.\n"
        "Participant 3 : Moi aussi.\nInterviewer : Bien.\n"
    )
    turns, matched, total = parse_turns(text)
    assert (matched, total) == (10, 10)
    assert [(t.speaker, t.role) for t in turns] == [
        ("Enquêteur", "interviewer"), ("Enquêtrice", "interviewer"), ("E", "interviewer"),
        ("Q", "interviewer"), ("R", "respondent"), ("INT", "interviewer"),
        ("Enquêtée", "respondent"), ("Modératrice", "interviewer"),
        ("Participant 3", "respondent"), ("Interviewer", "interviewer"),
    ]
    assert said(text, turns)[4] == ("R", "À Tiznit.")


def test_names_count_when_they_recur() -> None:
    text = (
        "Fatima Aït Lahcen : Je suis née à Tafraout.\n"
        "Enquêtrice : Et après ?\n"
        "Fatima Aït Lahcen : Paris.\n"
    )
    turns, matched, _ = parse_turns(text)
    assert said(text, turns) == [
        ("Fatima Aït Lahcen", "Je suis née à Tafraout."),
        ("Enquêtrice", "Et après ?"),
        ("Fatima Aït Lahcen", "Paris."),
    ]
    assert turns[0].role == "respondent" and matched == 3


def test_a_name_used_once_is_not_a_label_and_continues_the_turn() -> None:
    text = "E : Votre père ?\nR : Il disait toujours :\nMon fils : travaille.\n"
    turns, matched, total = parse_turns(text)
    assert said(text, turns) == [
        ("E", "Votre père ?"),
        ("R", "Il disait toujours :\nMon fils : travaille."),
    ]
    assert (matched, total) == (2, 3)


def test_note_words_and_sentences_are_never_labels() -> None:
    text = (
        "Alors : on est partis.\nAlors : on est revenus.\nDate : lundi\nDate : mardi\n"
        "Il m'a dit : viens.\nIl m'a dit : viens.\n"
        "Proposition de l'atelier — une convention.\nProposition de l'atelier — un guichet.\n"
    )
    turns, matched, _ = parse_turns(text)
    assert matched == 0
    assert said(text, turns) == [(None, text.strip())]


def test_timestamps_brackets_parentheses_and_dash_separator() -> None:
    text = (
        "[00:12:03] Fatima : Oui.\n(00:12) Fatima - Non.\n[01:02:03.5] Enquêteur : Bon.\n"
        "00:00:07 Enquêteur : Bare.\n"
    )
    turns, _, _ = parse_turns(text)
    assert [(t.speaker, t.t_start) for t in turns] == [
        ("Fatima", 723.0), ("Fatima", 12.0), ("Enquêteur", 3723.5), ("Enquêteur", 7.0),
    ]
    assert said(text, turns)[1] == ("Fatima", "Non.")


def test_markdown_bold_labels_count_even_once() -> None:
    text = "**Karim** : Salut.\n**Nadia :** Bonsoir.\n**Enquêteur**: Bien.\n"
    turns, matched, _ = parse_turns(text)
    assert said(text, turns) == [("Karim", "Salut."), ("Nadia", "Bonsoir."), ("Enquêteur", "Bien.")]
    assert matched == 3


def test_enq_suffix_is_removed_and_marks_the_interviewer_everywhere() -> None:
    text = "Sonia (ENQ) : Bonjour.\nFatima : Bonjour.\nSonia : Et alors ?\nFatima : Voilà.\n"
    turns, _, _ = parse_turns(text)
    assert [(t.speaker, t.role) for t in turns] == [
        ("Sonia", "interviewer"), ("Fatima", "respondent"),
        ("Sonia", "interviewer"), ("Fatima", "respondent"),
    ]


def test_roles_mapping_overrides_inference() -> None:
    text = "Fatima : a\nKarim : b\nFatima : c\nKarim : d\n"
    turns, _, _ = parse_turns(text, roles={"Karim": "interviewer"})
    assert [t.role for t in turns] == ["respondent", "interviewer", "respondent", "interviewer"]


def test_continuation_lines_extend_the_turn_across_blank_lines() -> None:
    text = "E : Q ?\n\nR : Première ligne\ndeuxième ligne\n\n   troisième après un blanc  \nE : .\n"
    turns, matched, total = parse_turns(text)
    utterance = "Première ligne\ndeuxième ligne\n\n   troisième après un blanc"
    assert said(text, turns)[1] == ("R", utterance)
    assert (matched, total) == (3, 5)


def test_same_speaker_twice_stays_two_turns() -> None:
    text = "R : un\nR : deux\n"
    turns, _, _ = parse_turns(text)
    assert said(text, turns) == [("R", "un"), ("R", "deux")]


def test_label_alone_on_its_line_starts_the_turn_on_the_next_line() -> None:
    text = "Enquêteur :\nBonjour madame.\nR :\nE : rien avant\n"
    turns, _, _ = parse_turns(text)
    assert said(text, turns) == [("Enquêteur", "Bonjour madame."), ("E", "rien avant")]


def test_preamble_before_the_first_label_is_a_turn_without_speaker() -> None:
    text = "Entretien du 3 mars, Tiznit.\nE : Bonjour.\n"
    turns, matched, total = parse_turns(text)
    assert said(text, turns) == [(None, "Entretien du 3 mars, Tiznit."), ("E", "Bonjour.")]
    assert turns[0].role is None and (matched, total) == (1, 2)


def test_question_markers_set_sections_and_are_not_turns() -> None:
    text = (
        "Q1. Parcours migratoire\nE : D'où venez-vous ?\nR : Tiznit.\n"
        "Question 3 : Les liens au village\nR : Ma mère.\nQ12 - Fin\nE : Merci.\n"
    )
    turns, matched, total = parse_turns(text)
    assert [(t.speaker, t.section) for t in turns] == [
        ("E", "Q1. Parcours migratoire"), ("R", "Q1. Parcours migratoire"),
        ("R", "Question 3 : Les liens au village"), ("E", "Q12 - Fin"),
    ]
    assert (matched, total) == (4, 4)


def test_headings_given_by_line_index_set_sections_and_end_turns() -> None:
    text = "Partie 1\nE : a\nsuite\nPartie 2\nsans label\nR : b\n"
    turns, _, total = parse_turns(text, headings=[(0, "Partie 1"), (3, "Partie 2")])
    assert [(t.speaker, text[t.start : t.end], t.section) for t in turns] == [
        ("E", "a\nsuite", "Partie 1"), (None, "sans label", "Partie 2"), ("R", "b", "Partie 2"),
    ]
    assert total == 4


def test_bold_speakers_count_once_even_if_not_label_shaped() -> None:
    text = "la mère de Fatima : oui oui\nE : et vous ?\n"
    plain, _, _ = parse_turns(text)
    assert plain[0].speaker is None
    turns, _, _ = parse_turns(text, bold_speakers={"la mère de Fatima"})
    assert said(text, turns) == [("la mère de Fatima", "oui oui"), ("E", "et vous ?")]


def test_no_label_at_all_gives_one_block_without_speaker() -> None:
    text = "\n  Notes de terrain.\nLe marché de Tiznit, 9h.\n\n"
    turns, matched, total = parse_turns(text)
    assert said(text, turns) == [(None, "Notes de terrain.\nLe marché de Tiznit, 9h.")]
    assert (matched, total) == (0, 2)


def test_user_pattern_replaces_the_default() -> None:
    text = "#Loc1# bonjour\nFatima : pas un label ici\n#Loc2# salut\n#Loc1# (12:30) re\n"
    pattern = r"#(?P<speaker>Loc\d)#\s*(?:\((?P<time>[\d:]+)\))?"
    turns, matched, _ = parse_turns(text, pattern=pattern)
    assert said(text, turns) == [
        ("Loc1", "bonjour\nFatima : pas un label ici"), ("Loc2", "salut"), ("Loc1", "re"),
    ]
    assert turns[2].t_start == 750.0 and matched == 3


@pytest.mark.parametrize(("pattern", "why"), [("(", "pas une expression"),
                                                 (r"^\w+ :", "pas de groupe nommé")])
def test_bad_user_pattern_is_a_corpus_error_naming_the_file(pattern: str, why: str) -> None:
    with pytest.raises(CorpusError, match=why) as err:
        parse_turns("a : b", pattern=pattern, source="E01.txt")
    assert "E01.txt" in str(err.value)


def test_nbsp_before_colon_french_typography() -> None:
    text = "Enquêteur\u00a0: Bonjour.\nFatima\u202f: Oui.\nFatima\u00a0: Non.\n"
    turns, matched, _ = parse_turns(text)
    assert said(text, turns) == [("Enquêteur", "Bonjour."), ("Fatima", "Oui."), ("Fatima", "Non.")]
    assert matched == 3


def test_progress_callable_is_told_the_end() -> None:
    calls: list[tuple[int, int]] = []
    parse_turns("E : a\nR : b\n", progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (3, 3)


@pytest.mark.parametrize(
    ("value", "seconds"), [("00:12:03", 723.0), ("12:03", 723.0), ("1:02:03,5", 3723.5)]
)
def test_parse_clock(value: str, seconds: float) -> None:
    assert parse_clock(value) == seconds
