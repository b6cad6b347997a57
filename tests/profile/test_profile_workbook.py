"""A profile sheet whose workbook names an active tab it does not hold (left by another
program) is still read, from its first sheet; it used to crash with AttributeError."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from workbench.profile.files import read_profile, write_profile
from workbench.profile.model import StudyProfile


def _with_active_tab(source: Path, target: Path, tab: int) -> None:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                text = re.sub(r'activeTab="\d+"', "", text)
                text = re.sub(r"<workbookView\b", f'<workbookView activeTab="{tab}"', text)
                data = text.encode("utf-8")
            out.writestr(item, data)


def test_active_tab_out_of_range_reads_the_first_sheet(tmp_path: Path) -> None:
    profile = StudyProfile.from_dict({"attributs": [
        {"cle": "Couleur", "libelle": "Couleur", "type": "category"},
        {"cle": "Age", "libelle": "Âge", "type": "number", "role": "age"}]})
    written = write_profile(profile, tmp_path / "profil.xlsx")
    odd = tmp_path / "onglet.xlsx"
    _with_active_tab(written, odd, 4)
    assert 'activeTab="4"' in zipfile.ZipFile(odd).read("xl/workbook.xml").decode()
    assert read_profile(odd).frame().equals(read_profile(written).frame())
