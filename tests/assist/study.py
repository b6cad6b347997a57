"""A generated study to test coding assistance on: interviews whose respondents speak of
water, of school or of other things, in French or Spanish, with attributes named unlike
the demo's. Which sentence is about what is known, so what a model suggests can be
checked against the truth."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from workbench import Project

WORDS = {
    "fr": {
        "eau": ["le puits du village", "le forage", "la citerne", "la source", "le robinet",
                "l'eau potable", "le château d'eau", "les canalisations"],
        "ecole": ["l'école", "les élèves", "le maître", "la classe", "les cartables",
                  "les cahiers", "la cantine scolaire", "les devoirs"],
        "autre": ["le marché", "la route", "la fête", "le mariage", "le souk", "la moisson",
                  "les oliviers", "le car"],
        "verbs": ["On a refait {}.", "Tout le monde parle de {} ici.",
                  "Mon cousin s'occupe de {} depuis longtemps.",
                  "Il faut voir {} maintenant, c'est différent.",
                  "Avant, {} n'était pas comme ça.", "Les gens attendent beaucoup de {}."],
        "interviewer": "Enquêteur", "question": "Et ensuite, qu'est-ce qui a changé ?",
    },
    "es": {
        "eau": ["el pozo del pueblo", "la fuente", "el depósito de agua", "el grifo",
                "el agua potable", "las tuberías", "la cisterna", "el manantial"],
        "ecole": ["la escuela", "los alumnos", "el maestro", "la clase", "los cuadernos",
                  "las mochilas", "el comedor escolar", "los deberes"],
        "autre": ["el mercado", "la carretera", "la fiesta", "la boda", "la cosecha",
                  "los olivos", "el autobús", "la plaza"],
        "verbs": ["Arreglamos {} el año pasado.", "Todo el mundo habla de {} aquí.",
                  "Mi primo se ocupa de {} desde hace tiempo.",
                  "Hay que ver {} ahora, es diferente.", "Antes, {} no era así.",
                  "La gente espera mucho de {}."],
        "interviewer": "Entrevistador", "question": "¿Y después, qué cambió?",
    },
}
CODEBOOK = {"codes": [{"id": "eau", "name": "Eau et puits"},
                      {"id": "ecole", "name": "École"},
                      {"id": "marche", "name": "Marché"}]}


@dataclass
class Study:
    """The project, and where each generated sentence lies with its true topic."""

    project: Project
    sentences: list[tuple[str, int, int, str]] = field(default_factory=list)  # doc, a, b, topic

    def spans(self, topic: str, documents: set[str] | None = None) -> list[tuple[str, int, int]]:
        return [(d, a, b) for d, a, b, t in self.sentences
                if t == topic and (documents is None or d in documents)]


def build_study(folder: Path, *, language: str = "fr", documents: int = 6,
                turns: int = 12, seed: int = 3, coder: str = "ana",
                target: str | Path | None = None) -> Study:
    """A project of `documents` interviews in `language`, with the attributes sheet
    (« sexe_resp », « zone ») and the three-code codebook; nothing coded yet. `target`:
    where to create it (a folder or a database URL; default `folder / "projet"`)."""
    words = WORDS[language]
    rng = random.Random(seed)
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    names, texts = [], {}
    placed: list[tuple[str, int, int, str]] = []
    for i in range(documents):
        name = f"R{i + 1:02d}_resp{i + 1}"
        speaker = f"Resp{i + 1}"
        lines = []
        offset = 0
        for _ in range(turns):
            question = f"{words['interviewer']} : {words['question']}\n"
            lines.append(question)
            offset += len(question)
            head = f"{speaker} : "
            offset += len(head)
            sentences = []
            for _k in range(3):
                topic = rng.choice(["eau", "ecole", "autre", "autre"])
                sentence = rng.choice(words["verbs"]).format(rng.choice(words[topic]))
                sentence = sentence[0].upper() + sentence[1:]
                sentences.append((sentence, topic))
            body = ""
            for sentence, topic in sentences:
                if body:
                    body += " "
                placed.append((name, offset + len(body), offset + len(body) + len(sentence),
                               topic))
                body += sentence
            lines.append(head + body + "\n")
            offset += len(body) + 1
        texts[name] = "".join(lines)
        (corpus / f"{name}.txt").write_text(texts[name], encoding="utf-8")
        names.append((name, speaker, "F" if i % 2 else "H", f"zone{i % 3}"))
    sheet = "cas;document;locuteur;sexe_resp;zone\n" + "".join(
        f"{speaker};{name};{speaker};{sex};{zone}\n" for name, speaker, sex, zone in names)
    (corpus / "fiche.csv").write_text(sheet, encoding="utf-8")
    (folder / "grille.yaml").write_text(yaml.safe_dump(CODEBOOK, allow_unicode=True),
                                        encoding="utf-8")
    project = Project.create(target or folder / "projet", coder=coder)
    project.load_codebook(folder / "grille.yaml")
    project.import_corpus(corpus, attributes=corpus / "fiche.csv", progress=False)
    stored = {n: project.text(n) for n, *_ in names}
    for name, a, b, _t in placed:  # the generated offsets are those of the stored text
        assert stored[name][a:b] == texts[name][a:b], (name, a, b)
    return Study(project, placed)


def code_topics(study: Study, documents: set[str], topics: dict[str, str]) -> int:
    """Code by hand, in `documents`, every sentence of each topic with its code."""
    rows = [{"document": d, "code": code, "start": a, "end": b}
            for topic, code in topics.items() for d, a, b in study.spans(topic, documents)]
    return len(study.project.code_many(rows))
