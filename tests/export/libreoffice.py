"""Render an export to PDF with LibreOffice, as a reader opening it would, and read it back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader


def soffice() -> str:
    """The LibreOffice binary (installed by make test); skip where it is absent."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        pytest.skip("LibreOffice is not installed "
                    "(apt install libreoffice-calc libreoffice-writer)")
    return binary


def to_pdf(path: Path, out: Path) -> Path:
    """Convert `path` (.xlsx, .docx) to PDF in `out` with a private LibreOffice profile."""
    out.mkdir(parents=True, exist_ok=True)
    profile = (out / "lo-profile").resolve().as_uri()
    done = subprocess.run(
        [soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180, check=False)
    pdf = out / (path.stem + ".pdf")
    assert done.returncode == 0 and pdf.is_file(), f"LibreOffice failed: {done.stdout}{done.stderr}"
    return pdf


def pdf_text(pdf: Path) -> tuple[int, str]:
    """Number of pages and the whole text of a PDF."""
    reader = PdfReader(str(pdf))
    return len(reader.pages), "\n".join(page.extract_text() or "" for page in reader.pages)
