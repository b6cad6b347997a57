"""French labels for the columns and values users read in exports, charts and apps.

The workbench's own columns have fixed labels; a study's attributes get theirs from its
profile (the demo's are in corpora/demo/profil.yaml), guessed from the column name.
"""

from __future__ import annotations

from pathlib import Path

COLUMN_LABELS = {
    "chi2": "Khi-deux (χ²)",
    "odds_ratio": "Rapport des cotes (odds ratio)",
    "p_value": "Valeur p",
    "min_expected": "Effectif attendu minimal",
    "counts": "Effectifs",
    "warning": "Avertissement",
    "reference": "Référence",
    "document": "Document",
    "kind": "Type de document",
    "case": "Cas",
    "speaker": "Locuteur·rice",
    "speaker_role": "Rôle dans l'entretien",
    "turn": "Tour",
    "section": "Section",
    "text": "Extrait",
    "code": "Code",
    "code_path": "Code (chemin)",
    "coder": "Codeur·euse",
    "origin": "Origine",
    "status": "Statut",
    "memo": "Mémo",
    "created_at": "Créé le",
    "reviewed_by": "Revu par",
    "reviewed_at": "Revu le",
    "review_comment": "Commentaire de revue",
    "review_mode": "Mode de revue",
    "score": "Score du modèle",
    "name": "Nom",
    "path": "Chemin",
    "description": "Description",
    "codings": "Codages",
    "own_codings": "Codages propres",
    "documents": "Documents",
    "cases": "Cas",
    "pct_cases": "% des répondant·es",
    "code_a": "Code A",
    "code_b": "Code B",
    "n_a": "Unités A",
    "n_b": "Unités B",
    "n_ab": "Unités A et B",
    "jaccard": "Indice de Jaccard",
    "reviewed": "Codages revus",
    "start": "Début",
    "end": "Fin",
    "lead_codes": "Code(s) déjà présents",
    "lead_coders": "Codé par",
    "incoming_code": "Code apporté",
    "incoming_coder": "Apporté par",
    "unit": "Unité",
    "units": "Unités",
    "units_any": "Unités codées par au moins un·e",
    "units_all": "Unités codées par tou·te·s",
    "percent_agreement": "Accord observé (%)",
    "expected_agreement": "Accord attendu (κ)",
    "kappa": "κ de Cohen",
    "alpha": "α de Krippendorff",
    "coders": "Codeur·euses",
    "n_coders": "Nombre de codeur·euses",
    "note": "Remarque",
    "passage": "Passage",
    "disputed": "Codes en désaccord",
    "agreed": "Codes en accord",
}

STATUS_LABELS = {"accepted": "validé", "suggested": "suggéré", "rejected": "rejeté"}

# Document kinds (`workbench.importer.KINDS`): the one French label of each, and the
# (singular, plural) forms a count says ("11 entretiens individuels et 2 focus groups").
KIND_LABELS = {"interview": "entretien", "focus_group": "focus group",
               "notes": "notes de terrain", "report": "compte rendu",
               "survey": "questionnaire"}
KIND_FORMS = {"interview": ("entretien individuel", "entretiens individuels"),
              "focus_group": ("focus group", "focus groups"),
              "notes": ("note de terrain", "notes de terrain"),
              "report": ("compte rendu", "comptes rendus"),
              "survey": ("questionnaire", "questionnaires")}


# Column names are often typed without accents; their labels get them back
# (accents_fr.txt beside this module: a general French table, not one study's words).
ACCENTED_WORDS: dict[str, str] = dict(
    line.split(" ", 1) for line in
    Path(__file__).with_name("accents_fr.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#"))


# The preposition French puts before a noun completing another ("année de création",
# "province d'origine"), for column names made of two words.
COMPLEMENTS = {
    "creation": "de ", "naissance": "de ", "residence": "de ", "origine": "d'",
    "entretien": "de l'", "organisation": "d'", "age": "d'", "membres": "de ",
    "action": "d'", "activite": "d'", "structure": "de ", "association": "d'",
}


def column_label(column: object) -> str:
    """The French header for a column key; unknown keys read as words, with the accents
    column names usually lose ("lieu_naissance" → "Lieu naissance", "diplome" →
    "Diplôme")."""
    text = str(column)
    if text in COLUMN_LABELS:
        return COLUMN_LABELS[text]
    if text.isupper() and (len(text) > 3 or text.lower() in ACCENTED_WORDS):
        text = text.lower()  # a sheet in capitals: "DIPLÔME" → "Diplôme" (not "CSP")
    words = text.replace("_", " ").strip().split(" ")
    if len(words) == 2 and words[1] in COMPLEMENTS:  # "annee_creation" → "année de création"
        words = [words[0], COMPLEMENTS[words[1]] + ACCENTED_WORDS.get(words[1], words[1])]
    words = [ACCENTED_WORDS.get(w, w) if w.islower() else w for w in words]
    joined = " ".join(words)
    return joined[:1].upper() + joined[1:]
