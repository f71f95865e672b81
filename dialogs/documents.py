"""What an uploaded document of a fördjupad uppföljning is, told by its content and not only by its name.

A case collects what the region's investigation produces: letters and reports (PDF, Word, OpenDocument),
spreadsheets, pictures and plain text. ``identify_document`` accepts those and nothing else: the bytes must be
what the file's extension says (a program renamed ``.pdf`` is refused, and so is a PDF renamed ``.docx``), and the
file must be within the size limit (``CASE_DOCUMENT_MAX_MB``). Office and OpenDocument files are zip archives;
only their table of contents is read (never inflated), so a zip bomb costs nothing. The checked type, not what the
browser claimed, is what a download is served as.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from common.textfiles import binary_format, decode_text

MAX_ZIP_ENTRIES = 10_000
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class DocumentType:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = DocumentType("PDF", "application/pdf", (".pdf",))
PNG = DocumentType("PNG", "image/png", (".png",))
JPEG = DocumentType("JPEG", "image/jpeg", (".jpg", ".jpeg"))
DOCX = DocumentType("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = DocumentType("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = DocumentType("PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",))
ODT = DocumentType("OpenDocument-text", "application/vnd.oasis.opendocument.text", (".odt",))
ODS = DocumentType("OpenDocument-kalkylblad", "application/vnd.oasis.opendocument.spreadsheet", (".ods",))
TEXT = DocumentType("text", "text/plain; charset=utf-8", (".txt",))
CSV = DocumentType("CSV", "text/csv; charset=utf-8", (".csv",))
ACCEPTED = (PDF, DOCX, ODT, XLSX, ODS, PPTX, PNG, JPEG, TEXT, CSV)
# The main part each Office Open XML format has.
_OOXML_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
_ODF_MIMETYPES = {b"application/vnd.oasis.opendocument.text": ODT, b"application/vnd.oasis.opendocument.spreadsheet": ODS}


class DocumentRefused(ValueError):
    """The file is not accepted; the message says why and what to do."""


def accepted_extensions() -> str:
    return ", ".join(extension for kind in ACCEPTED for extension in kind.extensions)


def max_bytes() -> int:
    return settings.CASE_DOCUMENT_MAX_BYTES


def clean_name(name: str) -> str:
    """The file's own name without any folder, control characters or quotes, at most 200 characters (the
    extension kept)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f-\x9f\"<>|:*?]", "", base).strip().strip(".")
    stem, extension = os.path.splitext(base)
    return (stem[: MAX_NAME_LENGTH - len(extension[:20])] + extension[:20]) or ""


def _zip_kind(data: bytes) -> DocumentType | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return None
    if len(entries) > MAX_ZIP_ENTRIES:
        return None
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" in names:
        return next((kind for part, kind in _OOXML_PARTS.items() if part in names), None)
    mimetype = next((entry for entry in entries if entry.filename == "mimetype"), None)
    if mimetype is not None and mimetype.file_size < 100 and mimetype.compress_type == zipfile.ZIP_STORED:
        return _ODF_MIMETYPES.get(archive.read(mimetype).strip())
    return None


def sniff(data: bytes) -> DocumentType | None:
    """The accepted type the bytes are, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if binary_format(data) is None and decode_text(data) is not None:
        return TEXT
    return None


def identify_document(name: str, data: bytes) -> tuple[str, DocumentType]:
    """The cleaned file name and the checked type of an upload; DocumentRefused with the reason otherwise."""
    limit = max_bytes()
    if len(data) > limit:
        raise DocumentRefused(
            _("Filen är för stor: högst %(limit)s MB. Dela upp den eller spara den mindre (t.ex. som PDF).")
            % {"limit": limit // (1024 * 1024)}
        )
    if not data:
        raise DocumentRefused(_("Filen är tom."))
    name = clean_name(name)
    extension = os.path.splitext(name)[1].lower()
    expected = next((kind for kind in ACCEPTED if extension in kind.extensions), None)
    if not name or expected is None:
        raise DocumentRefused(
            _("Den filtypen tas inte emot. Ladda upp en fil av de här slagen: %(types)s.") % {"types": accepted_extensions()}
        )
    found = sniff(data)
    if found is CSV or (found is TEXT and expected is CSV):
        found = CSV
    if found is not expected:
        what = found.label if found else (binary_format(data) or _("en okänd sorts fil"))
        raise DocumentRefused(
            _("Filen heter %(extension)s men innehållet är %(what)s. Ladda upp filen som den är sparad, med rätt "
              "filändelse.") % {"extension": extension, "what": what}
        )
    return name, expected
