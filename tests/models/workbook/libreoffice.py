"""LibreOffice Calc from Debian's packages, run headless: a real spreadsheet program re-saving our workbooks.

Shared by the workbook tests and `docs/make_screenshots.py`. Where it is missing
the round trips skip, or under CI are installed with apt-get (once, under a lock,
as the report's Chromium is) and fail if that fails (`tests/system.py`). Each
conversion gets its own user profile: two soffice processes sharing one profile
wait on each other's lock.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest

from tests.system import SystemProgram, need, one_install_at_a_time


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def have_libreoffice() -> bool:
    """Calc, and poppler's pdftoppm to turn its PDF of a sheet into a picture."""
    return soffice() is not None and shutil.which("pdftoppm") is not None


def install_libreoffice() -> str:
    """Install Debian's libreoffice-calc (and poppler-utils) once, whoever asks first; '' or why not."""
    with one_install_at_a_time("libreoffice"):
        if have_libreoffice():
            return ""
        if shutil.which("apt-get") is None:
            return "apt-get is not available"
        command = (
            "apt-get update -q && DEBIAN_FRONTEND=noninteractive "
            "apt-get install -y -q --no-install-recommends libreoffice-calc poppler-utils"
        )
        done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=1800)
        if done.returncode != 0 or not have_libreoffice():
            return f"apt-get failed ({done.returncode}): {done.stderr.strip()[-800:]}"
        return ""


CALC = SystemProgram("LibreOffice Calc", "libreoffice-calc poppler-utils", have_libreoffice,
                     install_libreoffice)  # fmt: skip


def convert(source: Path, target_format: str, out_dir: Path, timeout: float = 180) -> Path:
    """`soffice --headless --convert-to FORMAT`: the file as LibreOffice saves it in `out_dir`.

    `target_format` is what soffice takes: `xlsx`, `ods`, `xls`, `png`, or `pdf`.
    """
    program = soffice()
    assert program, "LibreOffice is not installed"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="laa-soffice-") as profile:
        done = subprocess.run(
            [
                program,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                target_format,
                "--outdir",
                str(out_dir),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    extension = target_format.split(":")[0]
    written = out_dir / f"{source.stem}.{extension}"
    if done.returncode != 0 or not written.exists():
        raise RuntimeError(f"soffice failed ({done.returncode}): {done.stdout} {done.stderr}")
    return written


@pytest.fixture(scope="session")
def libreoffice() -> str:
    """The soffice program: where it is missing the test skips, or under CI is installed or fails."""
    need(CALC)
    program = soffice()
    assert program is not None
    return program


def render_sheet(workbook: Path, sheet: str, png: Path, dpi: int = 80) -> Path:
    """The first printed page of one sheet, as LibreOffice prints it (its print set-up, its conditional
    formatting), as a PNG: Calc writes the PDF, poppler's pdftoppm rasterises it."""
    with tempfile.TemporaryDirectory(prefix="laa-render-") as tmp:
        book = openpyxl.load_workbook(workbook)
        for title in list(book.sheetnames):
            if title != sheet:
                del book[title]
        alone = Path(tmp) / f"{png.stem}.xlsx"
        book.save(alone)
        pdf = convert(alone, "pdf", Path(tmp))
        stem = Path(tmp) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        png.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stem.with_suffix(".png"), png)
    return png
