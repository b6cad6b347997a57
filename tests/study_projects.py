"""Two study projects that are not the demo, for the tests of issue 13.

- `build_real_project`: a small subset of the real material in ``../shared/data``
  (CFPP2000 Praat TextGrids with their metadata CSV, ESLO1 Transcriber files),
  copied into a temporary folder at test time, with an attributes sheet whose
  columns are those the sources give (the CFPP metadata headers as written,
  the ESLO ``<Speaker>`` attributes).
- `build_random_project`: a generated study whose attribute names are random
  words (no gender, no territory attribute), six French interviews, two
  English ones and a focus group, an .xlsx attributes sheet and a codebook
  with random-ish ids.

Both go through the public API only (`Project.create`, `load_codebook`,
`import_corpus`, `code_many`, `accept`/`reject`, `propose_pseudonyms`), need no
spaCy parse and take a few seconds. Nothing here imports pytest: the fixtures
are in `study_fixtures.py`.
"""

from __future__ import annotations

import csv
import random
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from workbench import Project
from workbench.corpus.readers import read_document
from workbench.corpus.roles import INTERVIEWER, fold_name

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
CFPP_DIR = SHARED_DATA / "transcripts" / "cfpp2000_textgrid"
ESLO_DIR = SHARED_DATA / "transcripts" / "eslo1_entretien"

# Attribute names the demo uses: neither study project may carry one of them.
DEMO_ATTRIBUTES = ("genre", "age", "generation", "region_residence", "pays_residence",
                   "province_origine", "commune_origine", "type_organisation", "role",
                   "langue_entretien", "organisation")
# Stems of gender and territory attribute names (folded): the random project has none.
GENDER_OR_TERRITORY = ("genre", "gender", "sexe", "sex", "age", "generation", "region",
                       "origin", "province", "pays", "country", "ville", "city", "commune",
                       "lieu", "place", "territ", "residen", "quartier", "nation", "naissance",
                       "douar", "arrondissement")


def looks_like_gender_or_territory(name: str) -> bool:
    """True if an attribute name contains a gender/territory stem (folded, any position)."""
    folded = fold_name(name).replace(" ", "")
    return any(stem in folded for stem in GENDER_OR_TERRITORY)


def _code_rows(project: Project, rows: Iterable[dict[str, Any]]) -> list[int]:
    """Code by quote when the quote occurs once in its document, else by offsets."""
    texts: dict[str, str] = {}
    batch = []
    for row in rows:
        text = texts.setdefault(row["document"], project.text(row["document"]))
        quote = text[row["start"]:row["end"]]
        item = {k: v for k, v in row.items() if k not in ("start", "end")}
        if text.count(quote) == 1:
            item["quote"] = quote
        else:
            item.update(start=row["start"], end=row["end"])
        batch.append(item)
    return project.code_many(batch)


# =========================================================================================
# The real project: CFPP2000 + ESLO1
# =========================================================================================
# Three CFPP interviews with one interviewee and an "(ENQ)" interviewer tier (three
# different interviewers), one with two interviewees; two ESLO1 interviews (two speakers
# each, two different interviewers).
CFPP_FILES = (
    "Anita_MUSSO_F_46_11e-v2.TextGrid",
    "Catherine_Lecuyer_F_39_SO-v2.TextGrid",
    "Gabriel-Pujade_H_40_13e-v2.TextGrid",
    "Christophe_Andre_H_62_Marie_Anne_Andre_F_63_5e-v2.TextGrid",
)
ESLO_FILES = ("ESLO1_ENT_003_C.trs", "ESLO1_ENT_007_C.trs")
CFPP_NAME_COLUMNS = ("PRÉNOM", "NOM")
# ESLO1 codes its speakers: interviewees by initials and a number ("DJ39", "FU200"),
# interviewers by initials only ("JR", "RC"), others as "001LOC1", "002INC", "GJ131FEM".
ESLO_RESPONDENT = re.compile(r"^[A-Z]{2,3}\d+$")

REAL_CODEBOOK = """\
codebook:
  name: Vivre à Paris et à Orléans
  description: >-
    Petite grille de test pour les entretiens du CFPP2000 (Paris et banlieue, 2007-2012)
    et de l'ESLO1 (Orléans, 1968-1974) : le quartier et le logement, le travail et les études.
  language: fr
  version: "1.0"
codes:
  - id: quartier
    name: Quartier et logement
    definition: Le lieu de vie de la personne, sa rue, son immeuble, son logement.
    color: "#1b9e77"
    children:
      - id: quartier.vie
        name: Vie de quartier
        definition: Commerces, voisins, rues, ambiance du quartier ou de la ville.
        example: "c'est un quartier très vivant"
        rules:
          - id: quartier-vie
            lemmas: [quartier, voisin, commerçant, marché, rue]
            unit: sentence
            speaker_role: respondent
      - id: quartier.logement
        name: Logement
        definition: L'appartement, la maison, l'immeuble, le loyer, les déménagements.
        rules:
          - id: logement-lieux
            lemmas: [appartement, immeuble, loyer, logement, déménager]
            phrases: ["HLM"]
            unit: sentence
            speaker_role: respondent
  - id: parcours
    name: Travail et études
    definition: Le parcours scolaire et professionnel de la personne.
    color: "#d95f02"
    children:
      - id: parcours.travail
        name: Travail
        definition: Le métier, l'emploi, les collègues, les conditions de travail.
        rules:
          - id: travail-metier
            lemmas: [travail, travailler, métier, boulot, bureau]
            unit: sentence
            speaker_role: respondent
      - id: parcours.etudes
        name: Études
        definition: L'école, le lycée, l'université, les diplômes.
        rules:
          - id: etudes-ecole
            lemmas: [école, lycée, collège, université, étude, diplôme]
            unit: sentence
"""

# Words that pick the respondents' turns to code with each leaf code (lower-cased text).
REAL_KEYWORDS = {
    "quartier.vie": r"\b(quartiers?|voisins?|voisines?|commer[cç]\w*|marchés?|rues?)\b",
    "quartier.logement": r"\b(appartements?|immeubles?|loyers?|logements?|maisons?|"
                         r"déménag\w*|étages?|hlm)\b",
    "parcours.travail": r"\b(travail\w*|travaill\w*|métiers?|boulot|bureau|employ\w*|"
                        r"patron\w*)\b",
    "parcours.etudes": r"\b(écoles?|lycées?|collèges?|universit\w*|études|diplômes?|bac|"
                       r"fac|étudi\w*)\b",
}
REAL_CODINGS = 30
MIN_TURN = 60  # characters: a coded turn says something


def _copy(files: Iterable[Path], corpus: Path) -> None:
    for source in files:
        if not source.is_file():
            raise FileNotFoundError(f"real material missing: {source}")
        shutil.copyfile(source, corpus / source.name)  # plain copy: the sources are read-only


def _cfpp_metadata() -> tuple[list[str], dict[str, dict[str, str]]]:
    """The metadata CSV's attribute columns (as written) and its rows by folded name."""
    with (CFPP_DIR / "cfpp_metadata.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = [c for c in reader.fieldnames or () if c not in CFPP_NAME_COLUMNS]
        rows = {fold_name(" ".join(r[c].strip() for c in CFPP_NAME_COLUMNS if r[c].strip())): r
                for r in reader}
    return columns, rows


def _real_sheet(corpus: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The attributes sheet of the real project: one row per respondent."""
    cfpp_columns, metadata = _cfpp_metadata()
    rows: list[dict[str, str]] = []
    for name in CFPP_FILES:
        doc = read_document(corpus / name)
        respondents = sorted({t.speaker for t in doc.turns
                              if t.speaker and t.role != INTERVIEWER})
        for label in respondents:
            meta = metadata.get(fold_name(label))
            if meta is None:
                raise LookupError(f"{name}: speaker {label!r} is not in cfpp_metadata.csv")
            rows.append({"cas": label, "type": "personne", "document": name, "locuteur": label,
                         **{c: (meta.get(c) or "").strip() for c in cfpp_columns}})
    eslo_columns: list[str] = []
    for name in ESLO_FILES:
        doc = read_document(corpus / name)
        respondents = [label for label, facts in doc.speakers.items()
                       if ESLO_RESPONDENT.match(facts.get("name", ""))]
        if len(respondents) != 1:
            raise LookupError(f"{name}: expected one interviewee code, found {respondents}")
        label = respondents[0]
        facts = {k: v for k, v in doc.speakers[label].items() if k not in ("id", "name")}
        eslo_columns += [k for k in facts if k not in eslo_columns]
        rows.append({"cas": label, "type": "personne", "document": name, "locuteur": label,
                     **facts})
    header = ["cas", "type", "document", "locuteur", *cfpp_columns,
              *[c for c in eslo_columns if c not in cfpp_columns]]
    return header, rows


def _real_codings(project: Project, respondents: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """~30 codings: per respondent and leaf code, the first long enough turn with a keyword,
    then the second ones, round-robin, until REAL_CODINGS."""
    patterns = {code: re.compile(rx) for code, rx in REAL_KEYWORDS.items()}
    queues: list[list[dict[str, Any]]] = []
    for document, speaker in respondents:
        turns = project.turns(document)
        turns = turns[(turns["speaker"] == speaker) & (turns["text"].str.len() >= MIN_TURN)]
        for code, pattern in patterns.items():
            hits = [{"document": document, "code": code, "start": int(t.start),
                     "end": int(t.end)}
                    for t in turns.itertuples() if pattern.search(t.text.lower())]
            queues.append(hits[:3])
    rows: list[dict[str, Any]] = []
    taken: set[tuple[str, int, str]] = set()
    for rank in range(3):
        for queue in queues:
            if len(rows) >= REAL_CODINGS:
                return rows
            if rank < len(queue):
                row = queue[rank]
                key = (row["document"], row["start"], row["code"])
                if key not in taken:
                    taken.add(key)
                    rows.append(row)
    return rows


def build_real_project(folder: Path, *, coder: str = "lead") -> Path:
    """A project from real CFPP2000 and ESLO1 files under `folder`; returns its path.

    The corpus is copied into ``folder/corpus_reel`` (never into the repository), the
    attributes sheet written there as ``attributs.csv``, the codebook as
    ``folder/grille_reelle.yaml``, the project created in ``folder/projet``.
    """
    folder = Path(folder)
    corpus = folder / "corpus_reel"
    corpus.mkdir(parents=True)
    _copy([CFPP_DIR / n for n in CFPP_FILES] + [ESLO_DIR / n for n in ESLO_FILES], corpus)
    header, rows = _real_sheet(corpus)
    sheet = corpus / "attributs.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter=";", restval="")
        writer.writeheader()
        writer.writerows(rows)
    codebook = folder / "grille_reelle.yaml"
    codebook.write_text(REAL_CODEBOOK, encoding="utf-8")

    path = folder / "projet"
    project = Project.create(path, coder=coder)
    try:
        project.load_codebook(codebook)
        project.import_corpus(corpus, attributes=sheet, progress=False)
        respondents = [(Path(r["document"]).stem, r["locuteur"]) for r in rows]
        codings = _real_codings(project, respondents)
        ids = _code_rows(project, codings)
        project.memo("coding", "passage à relire avec l'équipe", coding=ids[0])
        project.privacy.propose()
    finally:
        project.close()
    return path


# =========================================================================================
# The random project: attribute names are random words
# =========================================================================================
ATTRIBUTE_WORDS = (
    "colibri", "azimut", "tramontane", "quinoa", "basalte", "pivoine", "cobalt", "marelle",
    "tamaris", "ocarina", "bergamote", "tourmaline", "pergola", "mandoline", "hibiscus",
    "cormoran", "sirocco", "alizé", "capucine", "sarbacane", "toupie", "mirabelle", "kumquat",
    "lichen", "zéphyr", "falbala", "brindille", "javelot", "gingembre",
)
CODE_WORDS = (
    "brume", "ancre", "lanterne", "galet", "boussole", "hélice", "nacelle", "roseau",
    "citadelle", "fanal", "girouette", "luciole", "ondée", "pampa", "sablier", "tison",
    "vigie", "aubier", "corolle", "dédale",
)
COLOURS = ("ocre", "indigo", "céladon", "vermillon", "safran", "anthracite")
SHAPES = ("spirale", "losange", "trèfle", "hexagone", "croissant")
INSTRUMENTS = ("violon", "harpe", "tuba", "cithare", "balafon", "basson")
NOTES = (
    "A demandé à relire la transcription.",
    "Entretien interrompu une fois par un appel.",
    "Préfère être contacté·e par courrier.",
    "Très à l'aise, beaucoup d'anecdotes.",
    "Entretien réalisé dans un café, un peu de bruit.",
    "Souhaite recevoir le rapport final.",
)
FRENCH_FIRST = ("Odile", "Marius", "Solène", "Bastien", "Maëlys", "Théo", "Rosalie", "Gaspard",
                "Inès", "Lucien", "Capucine", "Anatole", "Noémie", "Félix")
FRENCH_LAST = ("Perrot", "Marchal", "Gauthier", "Lemaire", "Renaud", "Fabre", "Colin",
               "Barbier", "Huet", "Poulain", "Meunier", "Rolland")
ENGLISH_FIRST = ("Margaret", "Owen", "Harriet", "Callum", "Imogen", "Rupert")
ENGLISH_LAST = ("Whitfield", "Ashby", "Pembroke", "Hollis", "Langley", "Thornton")

TOPICS = ("travail", "famille", "voisinage")
# Per topic, two sub-topics (the codebook's children), each with sentence templates.
FRENCH = {
    "travail": (
        ("je travaille comme {metier} depuis {n} ans",
         "avant j'étais {metier} mais j'ai changé de métier parce que les horaires étaient "
         "trop durs",
         "j'ai trouvé ce poste de {metier} grâce à une annonce à la boulangerie",
         "le métier de {metier} ça demande beaucoup de patience",
         "mon premier emploi c'était dans un entrepôt de meubles"),
        ("le matin je prends le {transport} vers {heure} heures pour aller au travail",
         "au boulot on est une équipe de {n} personnes et on s'entend plutôt bien",
         "le salaire c'est juste mais on s'en sort à la fin du mois",
         "les horaires changent toutes les semaines et c'est fatigant",
         "mon chef est {adj} donc ça va, on peut discuter"),
    ),
    "famille": (
        ("j'ai {k} enfants et le plus grand a {a} ans",
         "les enfants vont à l'école du coin et ça se passe bien",
         "le mercredi je garde mes petits-enfants, c'est sacré",
         "ma fille veut faire des études de {etude}",
         "mon fils joue au foot tous les samedis matin"),
        ("ma mère habite pas loin et on se voit tous les {jour}s",
         "le dimanche on mange en famille chez mes parents",
         "mon frère est parti travailler à l'étranger il y a {n} ans",
         "mon père nous a appris à ne jamais rien lâcher",
         "ma soeur m'appelle presque tous les soirs"),
    ),
    "voisinage": (
        ("dans notre rue il y a une {commerce} où tout le monde se retrouve",
         "le marché du {jour} c'est un moment important pour moi",
         "le petit café en bas de chez moi a fermé l'an dernier",
         "à la boulangerie du coin ils connaissent tous les enfants par leur prénom",
         "quand il fait beau on va se promener au parc à côté du canal"),
        ("les voisins du {etage} étage nous aident souvent",
         "on a monté une association de voisins pour le jardin partagé",
         "quand ma voisine était malade on lui faisait ses courses",
         "ici les gens se disent bonjour dans l'escalier",
         "les voisins ont arrosé nos plantes pendant les vacances"),
    ),
}
ENGLISH = {
    "travail": (
        ("I have been working as {job} for {n} years",
         "before that I was {job} but the hours were far too long",
         "I found this job through a friend of my sister",
         "I have been {job} long enough to know it takes patience",
         "my first job was in a furniture warehouse"),
        ("I take the {transport} at {hour} in the morning to get to work",
         "there are {n} of us in the team and we get along well",
         "the pay is fair but the rent keeps going up",
         "the shifts change every week and it is tiring",
         "my manager is {adj} so it is fine, we can talk"),
    ),
    "famille": (
        ("I have {k} children and the eldest is {a}",
         "the kids go to the school around the corner and they like it",
         "on Wednesdays I look after my grandchildren",
         "my daughter wants to study {study}",
         "my son plays football every Saturday morning"),
        ("my mother lives nearby and we see each other every {day}",
         "on Sundays we have lunch with my parents",
         "my brother moved abroad {n} years ago",
         "my father taught us never to give up",
         "my sister calls me almost every evening"),
    ),
    "voisinage": (
        ("there is a {shop} on our street where everybody meets",
         "the {day} market is an important moment for me",
         "the little cafe downstairs closed last year",
         "the bakery on the corner knows all the children by name",
         "when the weather is nice we walk to the park by the canal"),
        ("the neighbours on the {floor} floor often help us",
         "we set up a residents group for the shared garden",
         "when my neighbour was ill we did her shopping",
         "people here say hello to each other on the stairs",
         "our neighbours watered the plants while we were away"),
    ),
}
FRENCH_SLOTS = {
    "metier": ("aide-soignante", "boulanger", "comptable", "chauffeur de bus", "électricien",
               "fleuriste", "infirmier", "magasinier"),
    "n": tuple(str(i) for i in range(2, 25)),
    "transport": ("bus", "métro", "RER", "tramway", "vélo"),
    "heure": ("six", "sept", "huit"),
    "adj": ("plutôt sympa", "assez strict", "très à l'écoute", "un peu distant"),
    "k": ("deux", "trois", "quatre"),
    "a": tuple(str(i) for i in range(8, 30)),
    "etude": ("médecine", "droit", "musique", "cuisine", "informatique"),
    "jour": ("dimanche", "samedi", "mercredi", "jeudi"),
    "commerce": ("épicerie", "boulangerie", "pharmacie", "librairie"),
    "etage": ("premier", "deuxième", "troisième", "cinquième"),
}
ENGLISH_SLOTS = {
    "job": ("a nurse", "a baker", "a bus driver", "an electrician", "an accountant",
            "a florist"),
    "n": tuple(str(i) for i in range(2, 25)),
    "transport": ("bus", "train", "tram"),
    "hour": ("six", "seven", "eight"),
    "adj": ("friendly", "quite strict", "a good listener"),
    "k": ("two", "three", "four"),
    "a": tuple(str(i) for i in range(8, 30)),
    "study": ("medicine", "law", "music", "engineering"),
    "day": ("Sunday", "Saturday", "Thursday"),
    "shop": ("grocery", "bakery", "chemist", "bookshop"),
    "floor": ("first", "second", "third", "fifth"),
}
FRENCH_FILLERS = ("euh", "ben", "ouais", "hm", "bah", "enfin", "euh ben")
ENGLISH_FILLERS = ("well", "you know", "um", "I mean")
FRENCH_QUESTIONS = {
    "travail": ("Vous pouvez me parler de votre travail ?",
                "Et comment ça se passe au travail en ce moment ?"),
    "famille": ("Et votre famille, vous pouvez m'en parler ?", "Vous avez des enfants ?"),
    "voisinage": ("Comment vous trouvez le quartier ?", "Vous connaissez vos voisins ?"),
}
ENGLISH_QUESTIONS = {
    "travail": ("Can you tell me about your work?", "How are things at work these days?"),
    "famille": ("What about your family?", "Do you have children?"),
    "voisinage": ("How do you find the neighbourhood?", "Do you know your neighbours?"),
}
FRENCH_BACK = ("Hm hm.", "D'accord.", "Ah oui ?", "Je vois.", "Et alors ?")
ENGLISH_BACK = ("Mm-hm.", "Right.", "I see.", "Okay.", "And then?")


class _Writer:
    """Builds one transcript line by line and remembers each respondent sentence."""

    def __init__(self, rng: random.Random, language: str) -> None:
        self.rng = rng
        self.language = language
        self.templates = FRENCH if language == "fr" else ENGLISH
        self.slots = FRENCH_SLOTS if language == "fr" else ENGLISH_SLOTS
        self.fillers = FRENCH_FILLERS if language == "fr" else ENGLISH_FILLERS
        self.space = " " if language == "fr" else ""  # "Odile :" / "Owen:"
        self.lines: list[str] = []
        self.sentences: list[tuple[str, str, int]] = []  # (sentence, topic, sub-topic)
        self.left = {(t, j): rng.sample(list(self.templates[t][j]), len(self.templates[t][j]))
                     for t in TOPICS for j in (0, 1)}

    def say(self, speaker: str, text: str) -> None:
        self.lines.append(f"{speaker}{self.space}: {text}")

    def sentence(self, topic: str) -> str | None:
        rng = self.rng
        order = rng.sample([0, 1], 2)
        for sub in order:
            if self.left[(topic, sub)]:
                template = self.left[(topic, sub)].pop()
                break
        else:
            return None
        words = template.format(**{k: rng.choice(v) for k, v in self.slots.items()})
        if rng.random() < 0.4:
            words = f"{rng.choice(self.fillers)}, {words}"
        if self.language == "fr" and rng.random() < 0.25:
            cut = words.split(" ")
            at = rng.randrange(1, len(cut))
            words = " ".join([*cut[:at], rng.choice(("euh", "euh", "ben")), *cut[at:]])
        words = words[0].upper() + words[1:]
        text = words + (rng.choice((".", ".", ".", " hein.")) if self.language == "fr"
                        else rng.choice((".", ".", ", really.")))
        self.sentences.append((text, topic, sub))
        return text

    def answer(self, speaker: str, topic: str, count: int) -> bool:
        said = [s for s in (self.sentence(topic) for _ in range(count)) if s]
        if said:
            self.say(speaker, " ".join(said))
        return bool(said)

    def words(self) -> int:
        return sum(len(line.split()) - 2 for line in self.lines)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _interview(rng: random.Random, language: str, respondent: str,
               interviewer: str) -> _Writer:
    """A one-to-one interview of ~300-600 words on work, family and neighbourhood."""
    w = _Writer(rng, language)
    questions = FRENCH_QUESTIONS if language == "fr" else ENGLISH_QUESTIONS
    back = FRENCH_BACK if language == "fr" else ENGLISH_BACK
    if language == "fr":
        w.say(interviewer, "Bonjour, merci d'avoir accepté cet entretien. Vous pouvez vous "
                           "présenter en quelques mots ?")
        w.say(respondent, f"Oui bien sûr, euh je m'appelle {respondent} et ça fait longtemps "
                          "que je vis ici, dans cet immeuble.")
    else:
        w.say(interviewer, "Hello, and thank you for taking the time. Could you introduce "
                           "yourself?")
        w.say(respondent, f"Sure, well my name is {respondent} and I have lived here for "
                          "quite a long time.")
    for topic in rng.sample(list(TOPICS), len(TOPICS)):
        first, second = questions[topic]
        w.say(interviewer, first)
        w.answer(respondent, topic, rng.choice((2, 3)))
        w.say(interviewer, rng.choice(back))
        w.answer(respondent, topic, rng.choice((2, 3)))
        w.say(interviewer, second)
        w.answer(respondent, topic, rng.choice((2, 3)))
    while w.words() < 320:
        topic = rng.choice(TOPICS)
        w.say(interviewer, rng.choice(back))
        if not w.answer(respondent, topic, 2):
            break
    if language == "fr":
        w.say(interviewer, "Merci beaucoup pour votre temps.")
        w.say(respondent, "De rien, avec plaisir, ben si ça peut aider.")
    else:
        w.say(interviewer, "Thank you very much for your time.")
        w.say(respondent, "You are welcome, I hope it helps.")
    return w


def _focus_group(rng: random.Random, participants: list[str]) -> _Writer:
    """A French focus group: an animatrice and three participants."""
    w = _Writer(rng, "fr")
    w.say("Animatrice", "Bonjour à toutes et à tous, on va faire un tour de table. Chacun "
                        "peut dire ce qu'il pense de la vie ici.")
    for topic in ("voisinage", "travail", "famille"):
        w.say("Animatrice", FRENCH_QUESTIONS[topic][0])
        for name in rng.sample(participants, len(participants)):
            w.answer(name, topic, rng.choice((2, 3)))
        w.say("Animatrice", FRENCH_QUESTIONS[topic][1])
        for name in rng.sample(participants, 2):
            w.answer(name, topic, 2)
    w.say("Animatrice", "Merci à tous, c'était très riche.")
    return w


def _random_codebook(rng: random.Random) -> tuple[dict[str, Any], dict[tuple[str, int], str],
                                                   dict[str, str]]:
    """A codebook with random-ish ids: (YAML data, (topic, sub) → code id, rule → code)."""
    words = rng.sample(list(CODE_WORDS), 9)
    meaning = {
        "travail": ("Le travail", ("Métier et emploi", "Conditions de travail")),
        "famille": ("La famille", ("Enfants", "Parents, frères et soeurs")),
        "voisinage": ("Le voisinage", ("Commerces et vie de rue", "Entraide entre voisins")),
    }
    lemmas = {
        ("travail", 0): ["métier", "emploi", "poste"], ("travail", 1): ["horaire", "salaire"],
        ("famille", 0): ["enfant", "fille", "fils"], ("famille", 1): ["mère", "père", "frère"],
        ("voisinage", 0): ["boulangerie", "marché", "café"],
        ("voisinage", 1): ["voisin", "voisine", "association"],
    }
    colours = ("#66c2a5", "#fc8d62", "#8da0cb")
    codes, leaves, rules = [], {}, {}
    for i, topic in enumerate(TOPICS):
        theme = words[i]
        title, subs = meaning[topic]
        children = []
        for j, sub in enumerate(subs):
            child = words[3 + 2 * i + j]
            key = f"{theme}.{child}"
            leaves[(topic, j)] = key
            rule_id = f"r-{child}"
            rules[rule_id] = key
            rule: dict[str, Any] = {"id": rule_id, "lemmas": lemmas[(topic, j)],
                                    "unit": "sentence"}
            if j == 0:
                rule["speaker_role"] = "respondent"
            children.append({"id": key, "name": child.capitalize(),
                             "definition": f"{sub} ({title.lower()}).", "rules": [rule]})
        codes.append({"id": theme, "name": theme.capitalize(),
                      "definition": f"{title} : tout passage qui en parle.",
                      "color": colours[i], "children": children})
    data = {"codebook": {"name": f"Grille {words[0]}-{words[1]}", "language": "fr",
                         "description": "Grille générée pour les tests (noms aléatoires).",
                         "version": "1"},
            "codes": codes}
    return data, leaves, rules


def _random_sheet(path: Path, header: list[str], rows: list[list[Any]],
                  documents: list[tuple[str, str]]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    cases = book.active
    cases.title = "cas"
    cases.append(header)
    for row in rows:
        cases.append(row)
    docs = book.create_sheet("documents")
    docs.append(["document", "type"])
    for name, kind in documents:
        docs.append([name, kind])
    book.save(path)


def build_random_project(folder: Path, *, seed: int = 7, coder: str = "lead") -> Path:
    """A generated study under `folder` (deterministic for a seed); returns its path.

    Six French interviews, two English ones and a French focus group (three
    participants) in ``folder/corpus_aleatoire``; an .xlsx attributes sheet whose five
    attribute names are random words (two categories, a number, a multi-valued
    attribute, free text; no gender, no territory); a codebook with random-ish ids;
    ~40 accepted codings, some suggested and rejected ones; pseudonyms.
    """
    rng = random.Random(seed)
    folder = Path(folder)
    corpus = folder / "corpus_aleatoire"
    corpus.mkdir(parents=True)

    names = rng.sample(list(ATTRIBUTE_WORDS), 5)
    if any(looks_like_gender_or_territory(n) for n in names):  # the word list is curated
        raise AssertionError(f"attribute names {names} look like gender or territory")
    cat_a, cat_b, number, multi, free = names
    values_a = rng.sample(list(COLOURS), rng.choice((3, 4)))
    values_b = rng.sample(list(SHAPES), rng.choice((3, 4)))

    french = rng.sample(list(FRENCH_FIRST), 9)
    surnames = rng.sample(list(FRENCH_LAST), 9)
    english = rng.sample(list(ENGLISH_FIRST), 2)
    english_last = rng.sample(list(ENGLISH_LAST), 2)

    people: list[tuple[str, str, str]] = []  # (case, document file, speaker label)
    writers: dict[str, _Writer] = {}
    documents: list[tuple[str, str]] = []
    for i in range(6):
        file = f"entretien_{i + 1:02d}.txt"
        interviewer = rng.choice(("Enquêteur", "Enquêtrice"))
        writers[file] = _interview(rng, "fr", french[i], interviewer)
        people.append((f"{french[i]} {surnames[i]}", file, french[i]))
        documents.append((file, "entretien"))
    for i in range(2):
        file = f"interview_en_{i + 1:02d}.txt"
        writers[file] = _interview(rng, "en", english[i], "Interviewer")
        people.append((f"{english[i]} {english_last[i]}", file, english[i]))
        documents.append((file, "entretien"))
    group = french[6:9]
    writers["groupe_focal.txt"] = _focus_group(rng, group)
    people += [(f"{n} {surnames[6 + k]}", "groupe_focal.txt", n) for k, n in enumerate(group)]
    documents.append(("groupe_focal.txt", "focus group"))
    for file, writer in writers.items():
        (corpus / file).write_text(writer.text(), encoding="utf-8")

    header = ["cas", "type", "document", "locuteur", cat_a, cat_b, number, multi, free]
    rows = []
    for k, (case, file, label) in enumerate(people):
        played = rng.sample(list(INSTRUMENTS), rng.choice((1, 2, 3)))
        note = None if k == len(people) - 1 else rng.choice(NOTES)  # one empty cell
        rows.append([case, "personne", file, label, rng.choice(values_a),
                     rng.choice(values_b), rng.randint(18, 80), "; ".join(played), note])
    sheet = corpus / "attributs.xlsx"
    _random_sheet(sheet, header, rows, documents)

    data, leaves, rules = _random_codebook(rng)
    codebook = folder / "grille_aleatoire.yaml"
    codebook.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")

    path = folder / "projet_aleatoire"
    project = Project.create(path, coder=coder)
    try:
        project.load_codebook(codebook)
        project.import_corpus(corpus, attributes=sheet, progress=False)
        accepted, proposed = _random_codings(project, rng, writers, leaves, rules)
        _code_rows(project, accepted)
        ids = _code_rows(project, proposed)
        project.review.reject(ids[:3], comment="hors définition")
        project.review.accept(ids[3])
        project.privacy.propose()
    finally:
        project.close()
    return path


def _random_codings(project: Project, rng: random.Random, writers: dict[str, _Writer],
                    leaves: dict[tuple[str, int], str], rules: dict[str, str]
                    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """40 accepted codings (38 sentences, 2 whole turns at theme level) and 8 suggestions
    from the rules (3 will be rejected, 1 accepted)."""
    per_doc = {name: (3 if name.startswith("interview_en") else 5) for name in writers}
    per_doc["groupe_focal.txt"] = 2
    rule_of = {code: rule for rule, code in rules.items()}
    accepted: list[dict[str, Any]] = []
    spare: list[dict[str, Any]] = []
    for file, writer in writers.items():
        document = Path(file).stem
        text = project.text(document)
        rows = []
        for sentence, topic, sub in writer.sentences:
            start = text.find(sentence)
            if start < 0 or text.count(sentence) != 1:
                continue
            rows.append({"document": document, "code": leaves[(topic, sub)], "start": start,
                         "end": start + len(sentence)})
        rng.shuffle(rows)
        take = per_doc[file]
        accepted += rows[:take]
        spare += rows[take:take + 2]
    # Two whole respondent turns coded at the theme level (a parent code), with a memo.
    for file in ("entretien_01.txt", "groupe_focal.txt"):
        document = Path(file).stem
        turns = project.turns(document)
        turn = turns[turns["role"] != INTERVIEWER].iloc[1]
        topic = next(t for sentence, t, _ in writers[file].sentences if sentence in turn["text"])
        accepted.append({"document": document, "code": leaves[(topic, 0)].split(".")[0],
                         "start": int(turn["start"]), "end": int(turn["end"]),
                         "memo": "tour entier, thème général"})
    proposed = [{**row, "status": "suggested", "origin": f"rule:{rule_of[row['code']]}"}
                for row in rng.sample(spare, 8)]
    return accepted, proposed
