"""Project exchange on the demo: a valid .qdpx, a lossless round trip, pseudonymised exports."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import xmlschema
from sqlalchemy import select, text

from tests.refi.builders import REFI, copy_project
from workbench import Project
from workbench.coding.codings import add_memo
from workbench.errors import ExchangeError
from workbench.refi import export_qdpx
from workbench.store import schema as s

NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture(scope="module")
def project_schema() -> xmlschema.XMLSchema:
    if not (REFI / "Project.xsd").is_file():
        pytest.skip(f"REFI-QDA schemas not found at {REFI} (../shared/data)")
    return xmlschema.XMLSchema(REFI / "Project.xsd")


@pytest.fixture(scope="module")
def rich(demo: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the demo with memos on everything and a second coder."""
    p = copy_project(demo, tmp_path_factory.mktemp("rich") / "demo")
    documents = sorted(p.documents()["name"])
    p.memo("project", "Choix de la grille : voir la note de cadrage.")
    p.memo("document", "Entretien très riche sur l'eau.", document=documents[0])
    p.memo("code", "Code à scinder en deux ?", code=p.codes()["key"].iloc[1])
    coding = int(p.extracts(status="accepted")["coding_id"].iloc[0])
    with p.store.read() as conn:
        case = conn.execute(select(s.cases.c.id).order_by(s.cases.c.id).limit(1)).scalar_one()
    with p.store.write("karim") as w:
        add_memo(w, "coding", coding, "Passage à relire avec Karim.")
        add_memo(w, "case", case, "Cas central de l'étude.")
    p.code(documents[1], 0, 20, p.codes()["key"].iloc[0], coder="karim")
    yield p
    p.close()


@pytest.fixture(scope="module")
def archive(rich: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("qdpx") / "demo.qdpx"
    export_qdpx(rich, path)
    return path


@pytest.fixture(scope="module")
def again(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Project:
    project, _report = Project.import_qdpx(archive, tmp_path_factory.mktemp("back") / "p",
                                            coder="lead")
    yield project
    project.close()


def qde(archive: Path) -> tuple[bytes, zipfile.ZipFile]:
    zf = zipfile.ZipFile(archive)
    return zf.read("project.qde"), zf


@pytest.mark.realdata
def test_export_is_valid_against_project_xsd(archive: Path,
                                             project_schema: xmlschema.XMLSchema) -> None:
    data, _zf = qde(archive)
    project_schema.validate(data.decode("utf-8"))


def test_sources_are_internal_files_named_by_guid(archive: Path, rich: Project) -> None:
    data, zf = qde(archive)
    root = ET.fromstring(data)
    sources = root.findall("q:Sources/q:TextSource", NS)
    texts = {n: rich.text(n) for n in rich.documents()["name"]}
    assert len(sources) == len(texts)
    for source in sources:
        guid = source.get("guid")
        assert source.get("plainTextPath") == f"internal://{guid}.txt"
        content = zf.read(f"sources/{guid}.txt").decode("utf-8")
        assert content == texts[source.get("name")]
        for sel in source.findall("q:PlainTextSelection", NS):
            quote = content[int(sel.get("startPosition")):int(sel.get("endPosition"))]
            name = sel.get("name")
            assert quote == name or (name.endswith("…") and quote.startswith(name[:-1]))
    assert sorted(zf.namelist()) == sorted(["project.qde"] + [
        f"sources/{s.get('guid')}.txt" for s in sources])


def test_export_reports_counts_and_losses(rich: Project, tmp_path: Path) -> None:
    report = export_qdpx(rich, tmp_path / "a.qdpx")
    accepted = len(rich.extracts(status="accepted"))
    assert report.codings == accepted and report.documents == len(rich.documents())
    warnings = "\n".join(report.warnings)
    for expected in ("tours de parole", "proposés", "table des pseudonymes", "journal d'audit",
                     "autocodage", "Locuteur dans", "mémos des cas"):
        assert expected in warnings, expected
    report = export_qdpx(rich, tmp_path / "b.qdpx", statuses=("accepted", "suggested"))
    assert report.codings == len(rich.extracts(status=["accepted", "suggested"]))
    assert any("statut des codages" in w for w in report.warnings)


def test_two_exports_give_the_same_guids(rich: Project, archive: Path, tmp_path: Path) -> None:
    export_qdpx(rich, tmp_path / "bis.qdpx")
    guids = [re.findall(rb'guid="([^"]+)"', qde(p)[0]) for p in (archive, tmp_path / "bis.qdpx")]
    assert guids[0] == guids[1] and len(guids[0]) > 300


QUERIES = {
    "documents": "select name, kind, text from documents",
    "codes": "select key, guid, name, description, inclusion, exclusion, example, color, "
             "position, (select p.guid from codes p where p.id = codes.parent_id) from codes "
             "where active",
    "codebook": "select value from meta where key = 'codebook'",
    "cases": "select name, kind from cases",
    "attributes": "select c.name, a.key, a.value, a.type from attributes a "
                  "join cases c on c.id = a.case_id",
    "document attributes": "select d.name, a.key, a.value, a.type from document_attributes a "
                           "join documents d on d.id = a.document_id",
    "case links": "select c.name, d.name, x.speaker from document_cases x "
                  "join cases c on c.id = x.case_id join documents d on d.id = x.document_id",
    "codings": "select d.name, k.guid, x.start, x.end, x.quote, x.coder, x.created_at, x.memo "
               "from codings x join documents d on d.id = x.document_id "
               "join codes k on k.id = x.code_id where x.status = 'accepted'",
    "memos": "select m.target_type, coalesce(d.name, k.key, c.name, x.quote, ''), m.author, "
             "m.text, m.created_at from memos m "
             "left join documents d on m.target_type = 'document' and d.id = m.target_id "
             "left join codes k on m.target_type = 'code' and k.id = m.target_id "
             "left join cases c on m.target_type = 'case' and c.id = m.target_id "
             "left join codings x on m.target_type = 'coding' and x.id = m.target_id "
             "where m.target_type != 'case'",
    "case memos": "select c.name, m.text from memos m join cases c on c.id = m.target_id "
                  "where m.target_type = 'case'",
}


@pytest.mark.parametrize("what", list(QUERIES))
def test_round_trip_keeps_the_project(rich: Project, again: Project, what: str) -> None:
    def rows(project: Project) -> list[tuple]:
        with project.store.read() as conn:
            return sorted(tuple(r) for r in conn.execute(text(QUERIES[what])))

    before = rows(rich)
    assert before, f"nothing to compare for {what}"
    assert rows(again) == before


def test_round_trip_recomputes_turns_and_checks_out(rich: Project, again: Project) -> None:
    """Plain-text documents get the same turns back, so their extracts the same speakers and
    cases; every quote still matches its text."""
    assert again.verify().ok
    docs = rich.documents()
    plain = sorted(docs[docs["source"].str.lower().str.endswith(".txt")]["name"])
    assert len(plain) >= 3
    columns = ["speaker", "role", "start", "end"]
    for name in plain:
        assert again.turns(name)[columns].equals(rich.turns(name)[columns]), name

    def cases(project: Project) -> list[tuple]:
        frame = project.extracts(status="accepted")
        frame = frame[frame["document"].isin(plain)]
        return sorted(map(tuple, frame[["document", "start", "end", "speaker", "case"]]
                          .astype(str).to_numpy()))

    before = cases(rich)
    assert any(c != "None" for *_, c in before)
    assert cases(again) == before
    assert set(again.extracts()["origin"]) == {"import"}


@pytest.mark.realdata
def test_pseudonymised_export_has_no_real_name(demo: Project, tmp_path: Path,
                                               project_schema: xmlschema.XMLSchema) -> None:
    path = tmp_path / "copil.qdpx"
    report = export_qdpx(demo, path, pseudonymise=True)
    data, zf = qde(path)
    project_schema.validate(data.decode("utf-8"))
    everything = [data.decode("utf-8")] + [zf.read(n).decode("utf-8") for n in zf.namelist()]
    assert demo.leaks("\n".join(everything)) == []
    originals = [demo.text(n) for n in demo.documents()["name"]]
    assert demo.leaks("\n".join(originals))  # the names were there to begin with
    root = ET.fromstring(data)
    checked = 0
    for source in root.findall("q:Sources/q:TextSource", NS):
        content = zf.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
        for sel in source.findall("q:PlainTextSelection", NS):
            quote = content[int(sel.get("startPosition")):int(sel.get("endPosition"))]
            assert sel.get("name").rstrip("…") == quote[:len(sel.get("name").rstrip("…"))]
            checked += 1
    assert checked == report.selections > 100


def test_pseudonymised_export_needs_a_pseudonym_table(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "copil.qdpx"
    path.write_bytes(b"ancien export")
    with pytest.raises(ExchangeError, match="pseudonymes est vide"):
        export_qdpx(project, path, pseudonymise=True)
    assert path.read_bytes() == b"ancien export"
    assert [p.name for p in folder.iterdir()] == ["copil.qdpx"]  # no temporary file left


def test_export_refuses_a_bad_suffix_or_status(project: Project, tmp_path: Path) -> None:
    with pytest.raises(ExchangeError, match=r"\.qdpx"):
        export_qdpx(project, tmp_path / "projet.zip")
    with pytest.raises(ExchangeError, match="statut"):
        export_qdpx(project, tmp_path / "projet.qdpx", statuses=("validé",))


def test_failed_write_leaves_nothing_behind(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    (folder / "projet.qdpx").mkdir(parents=True)  # a folder where the file should go
    with pytest.raises(ExchangeError, match="écriture impossible"):
        export_qdpx(project, folder / "projet.qdpx")
    assert [p.name for p in folder.iterdir()] == ["projet.qdpx"]
    assert (folder / "projet.qdpx").is_dir()
