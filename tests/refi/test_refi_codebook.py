"""REFI-QDA codebooks (.qdc): valid against Codebook.xsd, lossless round trip, bad files."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from tests.refi.builders import REFI, guid
from workbench import Project
from workbench.errors import CodebookError, ExchangeError
from workbench.refi import export_qdc, load_qdc, read_qdc
from workbench.refi.codebook_xml import fold_description, unfold_description

CODEBOOK_XSD = REFI / "Codebook.xsd"


@pytest.fixture(scope="module")
def codebook_schema() -> xmlschema.XMLSchema:
    if not CODEBOOK_XSD.is_file():
        pytest.skip(f"REFI-QDA schemas not found at {REFI} (../shared/data)")
    return xmlschema.XMLSchema(CODEBOOK_XSD)


def qdc(tmp_path: Path, codes: str) -> Path:
    path = tmp_path / "grille.qdc"
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n'
                    f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{codes}</Codes>'
                    "</CodeBook>", encoding="utf-8")
    return path


@pytest.mark.realdata
def test_demo_codebook_export_is_valid_and_complete(demo: Project, tmp_path: Path,
                                                    codebook_schema: xmlschema.XMLSchema) -> None:
    path = tmp_path / "grille.qdc"
    report = export_qdc(demo, path)
    codebook_schema.validate(path)
    book = demo.codebook()
    assert report.codes == len(book.codes)
    assert any("repliés" in w for w in report.warnings)
    assert any("autocodage" in w for w in report.warnings)
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    root = ET.parse(path).getroot()
    by_guid = {e.get("guid"): e for e in root.iter("{urn:QDA-XML:codebook:1.0}Code")}
    for code in book.codes:
        element = by_guid[code.guid]
        assert element.get("name") == code.name
        assert element.get("color") == code.color
        description = element.find("q:Description", ns).text
        assert description.startswith(code.definition)
        if code.inclusion:
            assert f"Critères d'inclusion : {code.inclusion}" in description
        kids = {e.get("guid") for e in element.findall("q:Code", ns)}
        assert kids == {c.guid for c in book.children(code.id)}


def test_qdc_round_trip_keeps_every_field(demo: Project, tmp_path: Path) -> None:
    path = tmp_path / "grille.qdc"
    export_qdc(demo, path)
    original = demo.codebook()
    again = read_qdc(path)
    strip = ("rules", "replaces")
    assert [{k: v for k, v in c.as_dict().items() if k not in strip} for c in again.ordered()] \
        == [{k: v for k, v in c.as_dict().items() if k not in strip} for c in original.ordered()]


def test_description_fold_and_unfold_are_inverse() -> None:
    from workbench.codebook.model import Code

    code = Code(id="femmes.gouvernance", name="Gouvernance",
                definition="Place au bureau.\n\nSuite.", inclusion="Élections, postes.",
                exclusion="", example="« Je suis trésorière. »")
    fields = unfold_description(fold_description(code))
    assert fields == {"definition": "Place au bureau.\n\nSuite.", "inclusion": "Élections, postes.",
                      "example": "« Je suis trésorière. »", "key": "femmes.gouvernance"}
    assert unfold_description("Juste une définition.") == {"definition": "Juste une définition."}


def test_duplicate_guid_is_an_error(tmp_path: Path) -> None:
    same = guid()
    path = qdc(tmp_path, f'<Code guid="{same}" name="A" isCodable="true"/>'
                         f'<Code guid="{same.upper()}" name="B" isCodable="true"/>')
    with pytest.raises(ExchangeError) as err:
        read_qdc(path)
    assert "GUID en double" in str(err.value) and "« B »" in str(err.value)


def test_code_nested_inside_itself_is_a_cycle(tmp_path: Path) -> None:
    loop = guid()
    path = qdc(tmp_path, f'<Code guid="{loop}" name="A" isCodable="true">'
                         f'<Code guid="{guid()}" name="B" isCodable="true">'
                         f'<Code guid="{{{loop}}}" name="A bis" isCodable="true"/></Code></Code>')
    with pytest.raises(ExchangeError, match="cycle"):
        read_qdc(path)


def test_bad_root_and_duplicate_names(tmp_path: Path) -> None:
    path = tmp_path / "pas_une_grille.qdc"
    path.write_text('<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>', encoding="utf-8")
    with pytest.raises(ExchangeError, match="pas <CodeBook>"):
        read_qdc(path)
    twins = qdc(tmp_path, f'<Code guid="{guid()}" name="Eau" isCodable="true"/>'
                          f'<Code guid="{guid()}" name="eau" isCodable="true"/>')
    with pytest.raises(CodebookError, match="nom de code « eau » en double"):
        read_qdc(twins)


def test_load_qdc_matches_codes_by_guid_and_keeps_codings(project: Project,
                                                          tmp_path: Path) -> None:
    before = project.codes().set_index("key")
    key = before.index[1]
    coding = project.code_quote("E01_fatima", "le puits", key)
    path = tmp_path / "grille.qdc"
    export_qdc(project, path)
    text = path.read_text(encoding="utf-8")
    old_name = before.loc[key, "name"]
    path.write_text(text.replace(f'name="{old_name}"', 'name="Nom changé ailleurs"', 1)
                    .replace(f"Identifiant : {key}", "Identifiant : autre_cle"),
                    encoding="utf-8")
    changes = load_qdc(project, path)
    after = project.codes().set_index("key")
    assert after.loc[key, "name"] == "Nom changé ailleurs"  # same GUID: same code, renamed
    assert changes["renamed"] and not changes["added"] and not changes["removed"]
    assert project.extracts(key)["coding_id"].tolist() == [coding]
