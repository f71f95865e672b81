"""Opening a PowerPoint file with LibreOffice, as CI does: a headless conversion to PDF is the proof that the PPTX
opens without repair. Shared by the feedback deck's tests and the learning report's (issue 14). Without LibreOffice
the test skips, or fails when CI requires it (tests/external.py)."""

import shutil
import subprocess
from pathlib import Path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(pptx: bytes, folder: Path, name: str = "deck") -> tuple[Path, Path, subprocess.CompletedProcess]:
    """Write ``pptx`` to ``folder`` and convert it with LibreOffice headless; (pptx path, pdf path, the run)."""
    program = soffice()
    if program is None:
        from tests.external import unavailable

        unavailable("LibreOffice", "LibreOffice (soffice) is not installed")
    source = folder / f"{name}.pptx"
    source.write_bytes(pptx)
    profile = folder / "profile"
    completed = subprocess.run(
        [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", "pdf",
         "--outdir", str(folder), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    return source, folder / f"{name}.pdf", completed
