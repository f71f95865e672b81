"""Indicator data files read into one normalized :class:`pandas.DataFrame`: one reader per format, each turning
bytes into the documented column frame plus the errors it found (``indicators.imports.frame``).

Supported inputs (see ``docs/indicator-import.md`` for the user-facing description):

* ``vis_csv``      – CSV export from Vården i siffror ("Ladda ner data"), and
* ``generic_csv``  – the application's own documented layout: both read by ``csv.py``, the header decides;
* ``generic_xlsx`` – the same layout (or a Vården i siffror export) saved as an Excel workbook (``xlsx.py``);
* ``kolada_json``  – Kolada API v2/v3 data responses (``kolada.py``).

``parse_file`` tells them apart by content, not name, and refuses before any reader runs what is no table at
all: a file over the size limit, an empty one, an old .xls, UTF-16 text, a picture, PDF or other binary file
(``common.textfiles``). Columns are found by header name (``header.py``); cells are converted by
``indicators.imports.cells`` and checked column group by column group by ``indicators.imports.normalize``.

Output (``ParseResult.frame``), one row per valid data row, columns in this order:

==============  ===========  ==========================================================
column          dtype        meaning
==============  ===========  ==========================================================
line            int64        row number as the user sees it (header = 1); JSON: item index
indicator_code  str          VIS ``Indikator-Id`` (else ``Diagramrubrik``); Kolada kpi id
indicator_name  str          may be ""
source          str          ``Register/källa`` / ``källa``; "Kolada" for Kolada; may be ""
unit_label      str          ``Måttenhet`` as given, may be ""
unit_kind       str          "clinic" | "region" | "nation" | "municipality"
unit_code       str          HSA-id/Enhetskod, region code, Kolada id; "" when absent
unit_name       str          may be ""
period_start    object       :class:`datetime.date` (first day of the period)
period_end      object       :class:`datetime.date` (last day of the period)
period_label    str          the period as written in the file
granularity     str          "year" | "half" | "quarter" | "month"
sex             str          "T" | "K" | "M"
value           float64      NaN unless status == "ok"
numerator       float64      NaN when missing
denominator     float64      NaN when missing
status          str          "ok" | "unknown" | "masked" | "invalid" | "missing"
deleted         bool         Kolada ``is_deleted`` / ``isdeleted``
==============  ===========  ==========================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.utils.translation import gettext as _

from common import textfiles
from indicators.imports.formats.csv import read_csv, read_csv_parts
from indicators.imports.formats.kolada import read_kolada_json
from indicators.imports.formats.xlsx import read_xlsx
from indicators.imports.frame import (
    FORMAT_GENERIC_CSV,
    FORMAT_GENERIC_XLSX,
    FORMAT_KOLADA_JSON,
    ParseResult,
    file_error,
    format_size,
)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_READERS = {FORMAT_GENERIC_XLSX: read_xlsx, FORMAT_KOLADA_JSON: read_kolada_json, FORMAT_GENERIC_CSV: read_csv}
_OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def parse_file(*, filename: str, content: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> ParseResult:
    """Detect the format of ``content`` and parse it.

    Never raises for bad input: every problem is reported in ``ParseResult.errors``. Rows with errors are left
    out of ``ParseResult.frame``; valid rows are kept.
    """
    fmt = _format_of(filename, content)
    refusal = _refusal(content, max_bytes)
    return file_error(fmt, refusal) if refusal else _READERS[fmt](content)


def parse_file_parts(
    *, filename: str, content: bytes, max_bytes: int, size: Callable[[], int]
) -> Iterator[ParseResult] | None:
    """A CSV file that no check refuses as a whole, as parts of ``size()`` records (``csv.read_csv_parts``); None
    for any other file, which is read whole."""
    if _format_of(filename, content) != FORMAT_GENERIC_CSV or _refusal(content, max_bytes):
        return None
    return read_csv_parts(content, size)


def _format_of(filename: str, content: bytes) -> str:
    """The reader for the bytes: a zip (or an old Excel file, refused) is a workbook, ``{``/``[`` first is
    JSON, else CSV. Content wins over name, except that a file named like a workbook that is no zip is reported
    as a broken workbook."""
    if content.startswith((b"PK\x03\x04", _OLD_EXCEL)):
        return FORMAT_GENERIC_XLSX
    if content[:65536].lstrip(textfiles.UTF8_BOM + b" \t\r\n")[:1] in (b"{", b"["):
        return FORMAT_KOLADA_JSON
    if (filename or "").lower().endswith((".xlsx", ".xlsm")) and content:
        return FORMAT_GENERIC_XLSX
    return FORMAT_GENERIC_CSV


def _refusal(content: bytes, max_bytes: int) -> str | None:
    """Why no reader should see the file at all, or None."""
    if len(content) > max_bytes:
        return _("Filen är för stor (%(size)s). Största tillåtna storlek är %(max)s.") % {
            "size": format_size(len(content)),
            "max": format_size(max_bytes),
        }
    if not content or not content.lstrip(b"\xef\xbb\xbf \t\r\n\x0c"):
        return _("Filen är tom.")
    if content.startswith(_OLD_EXCEL):
        return _(
            "Gamla Excel-filer (.xls) stöds inte. Spara filen som Excel-arbetsbok (.xlsx) "
            "eller som CSV och försök igen."
        )
    if content.startswith(b"PK\x03\x04"):
        return None
    if textfiles.is_utf16(content):
        return _(
            "Filen är sparad som UTF-16, vilket inte stöds. Spara den som ”CSV UTF-8” eller "
            "”CSV (semikolonavgränsad)” och försök igen."
        )
    return _binary_refusal(textfiles.binary_format(content))


def _binary_refusal(kind: str | None) -> str | None:
    if kind is None:
        return None
    if kind == str(textfiles.UNKNOWN_BINARY):
        return _("Filen innehåller binära data och kan inte läsas som text. Ladda upp en CSV-, XLSX- eller JSON-fil.")
    return _("Filen är en %(kind)s, inte en tabell. Ladda upp en CSV-, XLSX- eller JSON-fil.") % {"kind": kind}
