"""The study profile: guessed from any attribute sheet, corrected, versioned, undone."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from workbench import Project
from workbench.cli import main
from workbench.errors import ProfileError
from workbench.profile.infer import infer_profile
from workbench.profile.model import DERIVED_AGE_CLASS, StudyProfile

TRS = """<?xml version="1.0" encoding="ISO-8859-1"?>
<Trans scribe="test" audio_filename="o1" version="1" version_date="240101">
<Speakers>
<Speaker id="spk1" name="JR" check="no" dialect="native" accent="" scope="local"/>
<Speaker id="spk2" name="DJ39" check="no" dialect="native" accent="" scope="local"/>
</Speakers>
<Episode>
<Section type="report" startTime="0" endTime="30">
<Turn speaker="spk1" startTime="0" endTime="5"><Sync time="0"/>
et vous travaillez dans quel quartier ?
</Turn>
<Turn speaker="spk2" startTime="5" endTime="15"><Sync time="5"/>
je travaille à l'usine depuis dix ans et mon travail me plaît beaucoup
</Turn>
<Turn speaker="spk1" startTime="15" endTime="20"><Sync time="15"/>
et le travail de votre femme ?
</Turn>
<Turn speaker="spk2" startTime="20" endTime="30"><Sync time="20"/>
elle cherche du travail dans le quartier
</Turn>
</Section>
</Episode>
</Trans>
"""

CODEBOOK = """\
codes:
  - id: emploi
    name: Emploi
    rules:
      - id: travail
        lemmas: [travail]
        speaker_role: respondent
"""


def _cases(**columns: list[object]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"case_id": range(n), "case": [f"c{i}" for i in range(n)],
                         "case_kind": ["person"] * n, **columns})


def test_roles_guessed_whatever_the_spelling() -> None:
    cases = _cases(**{"Sexe": ["femme", "homme", "femme"], "AGE": [23, 41, 67],
                      "ARR./VILLE": ["11", "SAINT-OUEN", "5"],
                      "profession": ["Auxiliaire de vie sociale à domicile depuis vingt ans",
                                     "Professeur de mathématiques dans un lycée public",
                                     "Retraitée de la fonction publique territoriale"]})
    profile = infer_profile(cases, types={("case", "AGE"): {"int"}})
    assert profile.key("gender") == "Sexe"
    assert dict(profile.role("gender").values) == {"femme": "women", "homme": "men"}
    assert profile.key("age") == "AGE"
    assert profile.key("residence") == "ARR./VILLE"
    assert profile.get("profession").type == "text"
    assert profile.age_class_key == DERIVED_AGE_CLASS
    assert profile.young_classes == ("moins de 25 ans", "25-34 ans")
    derived = profile.with_derived(cases)
    assert list(derived[DERIVED_AGE_CLASS]) == ["moins de 25 ans", "35-49 ans", "65 ans et plus"]
    assert profile.filters(derived) == ["Sexe", DERIVED_AGE_CLASS, "ARR./VILLE"]


def test_gender_found_by_values_and_english_spellings() -> None:
    cases = _cases(colibri=["W", "M", "W", "M"], quinoa=["a", "b", "a", "c"])
    profile = infer_profile(cases)
    assert profile.key("gender") == "colibri"
    assert profile.gender_label("W") == "Femmes" and profile.gender_label("M") == "Hommes"
    assert profile.role("residence") is None and profile.key("origin") is None
    assert "genre" in profile.missing_role("gender")


def test_random_words_get_no_role() -> None:
    cases = _cases(tramontane=["x", "y", "x"], azimut=[3, 4, 5],
                   toupie=["tuba; balafon", "tuba", "balafon; kora"])
    profile = infer_profile(cases, types={("case", "azimut"): {"int"}})
    assert [a.role for a in profile.attributes] == [None, None, None]
    assert profile.get("toupie").type == "multi"
    assert profile.age_class_key is None
    assert profile.filters(cases) == ["tramontane", "toupie"]


def test_demo_profile(demo: Project) -> None:
    profile = demo.profile()
    roles = {a.role: a.key for a in profile.attributes if a.role}
    assert roles["gender"] == "genre" and roles["cohort"] == "generation"
    assert roles["residence"] == "region_residence" and roles["origin"] == "province_origine"
    assert roles["age_class"] == "tranche_age" and roles["interviewer"] == "enqueteur"
    assert profile.label("province_origine") == "Province d'origine"
    filters = profile.filters(demo.analysis.respondents())
    assert "genre" in filters and "enqueteur" not in filters and "organisation" not in filters
    assert len(demo.profile_versions()) == 2  # guessed at import, then the demo's profil.yaml


def _small_project(tmp_path: Path) -> Project:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "o1.trs").write_bytes(TRS.encode("iso-8859-1"))
    (corpus / "attributs.csv").write_text(
        "cas;document;locuteur;Sexe;AGE\nDJ39;o1;DJ39;F;34\n", encoding="utf-8")
    (tmp_path / "grille.yaml").write_text(CODEBOOK, encoding="utf-8")
    p = Project.create(tmp_path / "projet", coder="lead")
    p.load_codebook(tmp_path / "grille.yaml")
    p.import_corpus(corpus, attributes=corpus / "attributs.csv", progress=False)
    return p


def test_edit_profile_versions_and_undo(tmp_path: Path) -> None:
    p = _small_project(tmp_path)
    assert p.profile().key("gender") == "Sexe"
    p.set_attribute("Sexe", label="Sexe déclaré")
    p.set_role("gender", None)
    assert p.profile().key("gender") is None
    assert p.profile().label("Sexe") == "Sexe déclaré"
    assert len(p.profile_versions()) == 3
    p.set_role("gender", "Sexe")
    assert dict(p.profile().role("gender").values) == {"F": "women"}
    p.undo()
    assert p.profile().key("gender") is None
    p.undo()
    p.undo()
    assert p.profile().label("Sexe") == "Sexe"
    with pytest.raises(ProfileError, match="n'est pas dans le profil"):
        p.set_role("gender", "inconnu")
    with pytest.raises(ProfileError, match="rôle « sexe » inconnu"):
        p.set_role("sexe", "Sexe")


@pytest.mark.parametrize("suffix", [".yaml", ".xlsx"])
def test_profile_file_round_trip(tmp_path: Path, suffix: str) -> None:
    p = _small_project(tmp_path)
    p.set_attribute("AGE", bins=[0, 30, 60], young=["moins de 30 ans"], label="Âge (ans)")
    before = p.profile()
    path = p.export.profile(tmp_path / f"profil{suffix}")
    p.set_attribute("AGE", label="autre")
    loaded = p.load_profile(path)
    assert loaded == before
    assert loaded.young_classes == ("moins de 30 ans",)


@pytest.mark.parametrize("text, message", [
    ("attributs:\n  - cle: Sexe\n    role: sexe\n", "rôle « sexe » inconnu"),
    ("attributs:\n  - cle: Sexe\n    role: gender\n  - cle: AGE\n    role: gender\n",
     "un rôle ne peut être tenu que par un attribut"),
    ("attributs:\n  - cle: AGE\n    type: nombre\n", "type « nombre » inconnu"),
    ("attributs:\n  - cle: Sexe\n    role: gender\n    valeurs: {F: femme}\n",
     "women, men ou other"),
    ("attributs: [\n", "YAML illisible"),
    ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"b{i}: &b{i} [*{'a' if i == 0 else f'b{i - 1}'}" + f", *{'a' if i == 0 else f'b{i - 1}'}"
        * 8 + "]\n" for i in range(150)), "alias"),
])
def test_bad_profile_files_change_nothing(tmp_path: Path, text: str, message: str) -> None:
    p = _small_project(tmp_path)
    before = (p.profile(), len(p.profile_versions()))
    bad = tmp_path / "profil.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        p.load_profile(bad)
    assert (p.profile(), len(p.profile_versions())) == before


def test_sheet_names_the_respondent_of_a_trs_file(tmp_path: Path) -> None:
    p = _small_project(tmp_path)
    speakers = p.speakers().set_index("speaker")
    assert speakers.loc["DJ39", "role"] == "respondent"
    assert pd.isna(speakers.loc["JR", "role"])
    p.review.autocode(progress=False)
    texts = set(p.review.suggestions()["text"])
    assert len(texts) == 2
    assert all("votre femme" not in t for t in texts)  # the interviewer's turn stays out


def test_declared_roles_survive_reimport_and_undo(tmp_path: Path) -> None:
    p = _small_project(tmp_path)
    p.set_speaker_role("o1", "JR", "enquêteur")
    assert p.speakers().set_index("speaker").loc["JR", "role"] == "interviewer"
    changed = TRS.replace("dans le quartier", "dans le quartier nord")
    (tmp_path / "corpus" / "o1.trs").write_bytes(changed.encode("iso-8859-1"))
    p.import_corpus(tmp_path / "corpus", attributes=tmp_path / "corpus" / "attributs.csv",
                    progress=False)
    assert p.speakers().set_index("speaker").loc["JR", "role"] == "interviewer"
    p.undo()
    assert pd.isna(p.speakers().set_index("speaker").loc["JR", "role"])
    with pytest.raises(ProfileError, match="rôle de locuteur"):
        p.set_speaker_role("o1", "JR", "chef")


def test_import_without_roles_warns(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "o1.trs").write_bytes(TRS.encode("iso-8859-1"))
    p = Project.create(tmp_path / "projet", coder="lead")
    [result] = p.import_corpus(corpus, progress=False)
    assert any("aucun rôle connu" in w and "locuteur" in w for w in result.warnings)


def test_role_column_of_the_sheet(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "o1.trs").write_bytes(TRS.encode("iso-8859-1"))
    (corpus / "attributs.csv").write_text(
        "cas;document;locuteur;rôle\nDJ39;o1;DJ39;enquêtée\nJR;o1;JR;enquêteur\n",
        encoding="utf-8")
    p = Project.create(tmp_path / "projet", coder="lead")
    [result] = p.import_corpus(corpus, attributes=corpus / "attributs.csv", progress=False)
    assert result.warnings == []
    roles = p.speakers().set_index("speaker")["role"].to_dict()
    assert roles == {"DJ39": "respondent", "JR": "interviewer"}
    assert "rôle" not in p.cases().columns
    assert list(p.analysis.respondents()["case"]) == ["DJ39"]


def test_cli_profile_and_speakers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = _small_project(tmp_path)
    location = str(tmp_path / "projet")
    p.close()
    assert main(["profile", "-p", location, "role", "gender"]) == 0
    assert main(["profile", "-p", location, "set", "AGE", "--label", "Âge révolu"]) == 0
    out = capsys.readouterr().out
    assert "Âge révolu" in out
    assert main(["profile", "-p", location, "export", str(tmp_path / "p.yaml")]) == 0
    data = yaml.safe_load((tmp_path / "p.yaml").read_text(encoding="utf-8"))
    assert [a.get("role") for a in data["attributs"]] == [None, "age"]
    assert main(["speakers", "-p", location, "--set", "o1", "JR", "interviewer"]) == 0
    assert "interviewer" in capsys.readouterr().out
    assert StudyProfile.from_dict(data).key("age") == "AGE"


@pytest.mark.realdata
def test_respondent_rules_on_eslo(real_project_path: Path) -> None:
    with Project.open(real_project_path, coder="lead") as p:
        eslo = [d for d in p.documents()["name"] if d.startswith("ESLO")]
        roles = p.speakers()
        for name in eslo:
            assert (roles[roles["document"] == name]["role"] == "respondent").sum() == 1
        p.review.autocode(documents=eslo, progress=False)
        found = p.review.suggestions()
        restricted = found[found["document"].isin(eslo)
                           & found["origin"].isin(["rule:quartier-vie", "rule:travail-metier",
                                                   "rule:logement-lieux"])]
        assert len(restricted) > 0  # before the sheet's locuteur named them: none at all
        assert set(restricted["speaker_role"]) == {"respondent"}


def test_a_renamed_role_is_still_read_under_its_former_name(demo: Project) -> None:
    """Profiles and notebooks written when the cohort role was called « generation »
    keep working: the former name reads as the new one."""
    from workbench.profile.model import role_name, spec_from_dict

    assert role_name("generation") == "cohort" and role_name("gender") == "gender"
    spec = spec_from_dict({"cle": "vague", "role": "generation"})
    assert spec.role == "cohort"
    profile = demo.profile()
    assert profile.key("generation") == profile.key("cohort") is not None
    assert "génération" in profile.with_role("generation", None).missing_role("generation")
