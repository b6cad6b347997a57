"""Languages through the Project: detected at import, corrected, and each document analysed
by its own language's pipeline or left out with a French warning (never read as French)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench import Project, team
from workbench.cli import main
from workbench.errors import NotFoundError, WorkbenchError
from workbench.nlp.languages import LanguageError, LanguageWarning
from workbench.nlp.pipeline import model_for

pytestmark = pytest.mark.skipif(model_for("en") is not None,
                                reason="an English spaCy model is installed here")

FATIMA = """\
Enquêtrice : Bonjour, est-ce que vous pouvez vous présenter ?
Fatima : Ouais, hm, alors je suis née à Tiznit, euh, en 1962, et je suis arrivée en France \
en 1985, à Gennevilliers.
Enquêtrice : Hmm. Et qu'est-ce qui vous relie au village aujourd'hui ?
Fatima : Ben, le village c'est ma mère, c'est la maison de mon père. Ouais. On envoie de \
l'argent pour le puits, pour l'école du douar, pour les femmes de la coopérative.
Enquêtrice : Mh. Et l'association, elle a commencé comment ?
Fatima : Bah, au début on était cinq femmes, euh, on se réunissait chez moi le samedi. \
Hein, on n'avait pas de local. Ouais ouais. Après la mairie nous a donné une salle, et on a \
monté le projet du puits avec la commune rurale.
Enquêtrice : Hm hm. Et les jeunes ?
Fatima : Les jeunes, ben, ils viennent l'été, ils aident pour l'école, pour le puits. \
Pff, c'est pas facile de les garder, hein. Mais ma fille, elle, elle s'occupe du site de \
l'association et des comptes. On dit السلام عليكم quand on arrive au douar.
"""

YOUSSEF = """\
Enquêteur : Tu peux te présenter ?
Youssef : Ouais, je suis né à Marseille, mes parents viennent de Taroudannt. Euh, je \
travaille dans une association de quartier, et je m'occupe aussi de l'association du village.
Enquêteur : Hmm. Tu vas souvent au bled ?
Youssef : Chaque été, ouais. Le puits du village, c'est mon père qui l'a financé avec les \
autres familles. Ben, moi je fais les papiers, les demandes de subvention, les réunions \
avec la commune. Hm. L'école aussi, on a refait le toit de l'école avec la coopérative.
Enquêteur : Et les femmes dans l'association ?
Youssef : Ben, les femmes font beaucoup, euh, mais elles sont pas au bureau. Ma mère \
s'occupe de la coopérative d'argan, elle vend l'huile au marché de Taroudannt. Ouai, \
c'est elle qui tient tout, mhm.
"""

JOHN = """\
Interviewer: Thank you for seeing me. Could you tell me how you came to Leeds?
John: Well, um, I came over in 1962 with my brother. We worked in the textile mills, long \
hours, night shifts mostly, and the money went home to my mother in the village.
Interviewer: And when did the association start?
John: Uh, it started in the seventies. People needed help with their papers, with the \
council, with housing. So a few of us met at the community centre on Sundays and we wrote \
letters for the families who could not read English.
Interviewer: Mm. What did the association do for the village?
John: We raised money for the well and for the school. The school had no roof, you know, \
and the children were sitting outside in the heat. My brother went back every summer to \
check the work with the builders.
Interviewer: And the women, were they part of it?
John: Er, not on the committee at first. But my wife and her sisters organised the \
dinners and the collections, and honestly most of the money came from those evenings.
"""

MARY = """\
Interviewer: Can you describe your work with the association today?
Mary: Yeah, so I am the treasurer now. Um, I keep the accounts and I write the reports \
for the funders. We have a small grant from the city council and the rest comes from \
members and from the annual dinner.
Interviewer: Hmm. And the link with the village?
Mary: My parents are from a village near the mountains. We go back in the summer and we \
visit the women's cooperative. They make soap and oil and they sell it at the market in \
town. The association helped them to buy a press, and now the younger women are learning \
to keep the books themselves.
Interviewer: What are the main difficulties?
Mary: Uh, the paperwork, definitely. Transfers are slow and the banks ask for documents \
that the families do not have. And the young people here, they care, but they are busy \
with their studies and their jobs, so it is hard to find volunteers for the committee.
"""

AHMED = """\
المحاور: هل يمكنك أن تقدم نفسك؟
أحمد: أنا من تيزنيت، أعيش في فرنسا منذ عشرين سنة. الجمعية ديالنا كتعاون الناس فالدوار،
بنينا البئر والمدرسة مع الجماعة القروية، والنساء عندهم تعاونية ديال الأركان.
المحاور: والشباب؟
أحمد: الشباب كيجيو فالصيف، كيعاونو فالمدرسة وفالبئر.
"""

CODEBOOK = """\
codebook:
  name: Grille bilingue
codes:
  - id: actions
    name: Domaines d'action
    children:
      - id: actions.eau
        name: Eau
        rules:
          - id: eau
            lemmas: [puits, well, village]
      - id: actions.education
        name: Éducation
        rules:
          - id: ecole
            lemmas: [école, school, association]
"""

ENGLISH_WORDS = {"the", "and", "to", "mills", "school", "money", "treasurer", "council"}
FILLERS = {"hm", "hmm", "mh", "mhm", "euh", "ben", "bah", "hein", "ouais", "ouai", "pff"}


def write_corpus(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """Two French interviews, two English ones, one in Arabic script; a two-rule codebook.
    Tests must leave it as they found it."""
    root = tmp_path_factory.mktemp("langues")
    corpus = write_corpus(root / "corpus", {"F1_fatima": FATIMA, "F2_youssef": YOUSSEF,
                                            "E1_john": JOHN, "E2_mary": MARY,
                                            "A1_ahmed": AHMED})
    (root / "grille.yaml").write_text(CODEBOOK, encoding="utf-8")
    project = Project.create(root / "projet", coder="claire")
    project.load_codebook(root / "grille.yaml")
    results = project.import_corpus(corpus, progress=False)
    assert {r.document: r.language for r in results} == {
        "F1_fatima": "fr", "F2_youssef": "fr", "E1_john": "en", "E2_mary": "en",
        "A1_ahmed": "ar"}
    yield project
    project.close()


def recorded(call: object, *args: object, **kwargs: object) -> tuple[object, list[str]]:
    """The call's result and the messages of the LanguageWarnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call(*args, **kwargs)  # type: ignore[operator]
    return result, [str(w.message) for w in caught if issubclass(w.category, LanguageWarning)]


def test_documents_show_the_detected_languages(bilingual: Project) -> None:
    frame = bilingual.documents().set_index("name")
    assert frame["language"].to_dict() == {"A1_ahmed": "ar", "E1_john": "en", "E2_mary": "en",
                                           "F1_fatima": "fr", "F2_youssef": "fr"}
    assert list(frame.columns).index("language") == list(frame.columns).index("kind") + 1


def test_word_frequencies_leave_english_out_with_a_french_warning(bilingual: Project) -> None:
    frequencies, messages = recorded(bilingual.words.frequencies)
    lemmas = set(frequencies["lemma"])  # type: ignore[index]
    assert {"puits", "école", "village", "coopérative", "association"} <= lemmas
    assert not lemmas & ENGLISH_WORDS
    assert len(messages) == 1
    message = messages[0]
    assert "2 documents en anglais (E1_john, E2_mary) laissés de côté dans les statistiques" \
        in message
    assert "Document en arabe (A1_ahmed)" in message
    assert "pip install en-core-web-sm==3.8.0" in message
    tokens, _ = recorded(bilingual.tokens, progress=False)
    assert set(tokens["document"]) == {"F1_fatima", "F2_youssef"}  # type: ignore[index]


def test_french_fillers_are_not_words(bilingual: Project) -> None:
    tokens, _ = recorded(bilingual.tokens, progress=False)
    said = tokens[tokens["lower"].isin(FILLERS)]  # type: ignore[index]
    assert set(said["lower"]) == FILLERS  # every filler is in the texts…
    assert not said["is_word"].any()  # …and none is counted
    assert "ouai" in set(said["lemma"])
    frequencies, _ = recorded(bilingual.words.frequencies)
    assert not set(frequencies["lemma"]) & FILLERS  # type: ignore[index]


def test_kwic_by_lemma_skips_english_by_form_reads_every_document(bilingual: Project) -> None:
    by_lemma, messages = recorded(bilingual.words.kwic, "village")
    assert set(by_lemma["document"]) == {"F1_fatima", "F2_youssef"}  # type: ignore[index]
    assert messages and "le KWIC par lemme" in messages[0]
    by_form, messages = recorded(bilingual.words.kwic, "village", by="form")
    assert set(by_form["document"]) == {  # type: ignore[index]
        "F1_fatima", "F2_youssef", "E1_john", "E2_mary"}
    assert messages == []
    john = by_form[by_form["document"] == "E1_john"]  # type: ignore[index]
    assert list(john["speaker"]) == ["John", "Interviewer"]  # the turn of each occurrence
    assert set(john["keyword"]) == {"village"}
    assert (john["left"].str.len() > 0).all()


def test_autocode_leaves_english_documents_out(bilingual: Project) -> None:
    summary, messages = recorded(bilingual.review.autocode, progress=False)
    try:
        suggested = bilingual.review.suggestions()
        assert set(suggested["document"]) == {"F1_fatima", "F2_youssef"}
        assert summary["new_suggestions"].sum() == len(suggested) > 3  # type: ignore[index]
        assert len(messages) == 1 and "le codage automatique" in messages[0]
        assert "E1_john, E2_mary" in messages[0]
    finally:
        bilingual.review.reject(bilingual.review.suggestions()["coding_id"].tolist())


def test_sentiment_scores_french_extracts_only(bilingual: Project) -> None:
    ids = [bilingual.code_quote("E1_john", "honestly most of the money came", "actions.eau"),
           bilingual.code_quote("F1_fatima", "c'est pas facile de les garder", "actions.eau")]
    try:
        scored, messages = recorded(bilingual.words.sentiment, "actions.eau")
        assert list(scored["document"]) == ["F1_fatima"]  # type: ignore[index]
        assert len(messages) == 1 and "Document en anglais (E1_john)" in messages[0]
        assert "l'indicateur de tonalité" in messages[0] and "textblob-fr" in messages[0]
    finally:
        for coding in ids:
            bilingual.uncode(coding)


def test_a_corrected_language_is_audited_and_can_be_reverted(bilingual: Project) -> None:
    assert bilingual.set_language("E2_mary", "FR") == "fr"
    event = bilingual.history(limit=1).iloc[0]
    assert (event["action"], event["entity"], event["actor"]) == \
        ("set-language", "documents", "claire")
    tokens, messages = recorded(bilingual.tokens, progress=False)
    assert "E2_mary" in set(tokens["document"])  # type: ignore[index]
    assert "E2_mary" not in messages[0] and "E1_john" in messages[0]
    assert bilingual.history.revert(event["txn"]) == 1
    assert bilingual.documents().set_index("name").loc["E2_mary", "language"] == "en"
    assert bilingual.verify().ok


def test_a_bad_code_or_document_is_refused_in_french(bilingual: Project) -> None:
    before = len(bilingual.history(limit=None))
    with pytest.raises(LanguageError, match="Code de langue « klingon » inconnu"):
        bilingual.set_language("E1_john", "klingon")
    with pytest.raises(NotFoundError):
        bilingual.set_language("E9_nobody", "en")
    assert len(bilingual.history(limit=None)) == before
    assert issubclass(LanguageError, WorkbenchError)


def test_a_reimport_keeps_a_corrected_language(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"E1_john": JOHN, "E2_mary": MARY})
    project = Project.create(tmp_path / "projet", coder="claire")
    project.import_corpus(corpus, progress=False)
    project.set_language("E1_john", "ary")  # the researcher knows better
    write_corpus(corpus, {"E1_john": JOHN + "John: That is all.\n",
                          "E2_mary": MARY + "Mary: That is all.\n"})
    results = {r.document: (r.status, r.language)
               for r in project.import_corpus(corpus, progress=False)}
    assert results == {"E1_john": ("updated", "ary"), "E2_mary": ("updated", "en")}
    project.set_language("E2_mary", "de")
    project.history.revert(project.history(limit=1).iloc[0]["txn"])  # an undone correction…
    write_corpus(corpus, {"E2_mary": YOUSSEF})  # …no longer holds: the new text is French
    assert project.import_corpus(corpus, progress=False)[1].language == "fr"
    assert project.documents().set_index("name")["language"].to_dict() == \
        {"E1_john": "ary", "E2_mary": "fr"}
    project.close()


def test_the_command_line_shows_and_corrects_languages(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"E1_john": JOHN, "F1_fatima": FATIMA})
    where = str(tmp_path / "projet")
    assert main(["init", where, "--coder", "claire"]) == 0
    assert main(["import", "-p", where, str(corpus)]) == 0
    capsys.readouterr()
    assert main(["language", "-p", where]) == 0
    assert capsys.readouterr().out.splitlines() == ["E1_john : en (anglais)",
                                                     "F1_fatima : fr (français)"]
    assert main(["language", "-p", where, "E1_john", "fr"]) == 0
    assert capsys.readouterr().out.strip() == "E1_john : fr (français)"
    assert main(["language", "-p", where, "E1_john", "xx"]) == 2
    assert "Code de langue « xx » inconnu" in capsys.readouterr().err


def test_sentences_of_english_documents_need_no_model(bilingual: Project) -> None:
    units, messages = recorded(team.segments, bilingual, ["E1_john", "F1_fatima"], "sentence")
    assert messages == []
    text = bilingual.text("E1_john")
    john = [text[a:b] for a, b in units.loc[units["document"] == "E1_john",  # type: ignore[index]
                                            ["start", "end"]].itertuples(index=False)]
    assert john[:3] == ["Thank you for seeing me.", "Could you tell me how you came to Leeds?",
                        "Well, um, I came over in 1962 with my brother."]
    assert len(john) == 16 and all(s[-1] in ".?" for s in john)
    french = units[units["document"] == "F1_fatima"]  # type: ignore[index]
    assert len(french) > 10


def test_a_project_in_english_only_gives_empty_tables_and_warnings(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"E1_john": JOHN, "E2_mary": MARY})
    (tmp_path / "grille.yaml").write_text(CODEBOOK, encoding="utf-8")
    project = Project.create(tmp_path / "projet", coder="claire")
    project.load_codebook(tmp_path / "grille.yaml")
    project.import_corpus(corpus, progress=False)
    for call, args in [(project.words.frequencies, ()), (project.words.kwic, ("village",)),
                       (project.words.distinctive, ("speaker", "John"))]:
        frame, messages = recorded(call, *args)
        assert frame.empty and len(messages) == 1, call  # type: ignore[attr-defined]
    shares, _ = recorded(project.analysis.speech_shares, "speaker")
    assert shares.empty  # type: ignore[attr-defined]
    summary, messages = recorded(project.review.autocode, progress=False)
    assert summary["new_suggestions"].sum() == 0 and len(messages) == 1  # type: ignore[index]
    assert project.review.suggestions().empty
    project.close()
