"""Reading an Excel workbook (.xlsx) in the generic layout, or a Vården i siffror export saved from Excel: the
first sheet whose first non-empty row is a recognisable header.

A workbook is a zip of XML files, and a small one can inflate to gigabytes (a "zip bomb", or just a sheet that
claims a million rows of empty cells). So before anything is read, the zip's declared sizes must stay under
``MAX_UNCOMPRESSED_BYTES`` and each sheet's declared dimension under ``MAX_CELLS``; then each sheet's XML is
inflated once and its cell elements counted (a sheet need not declare its dimension: 1.7 MB can hold 21 million
cells, which openpyxl takes minutes to read, while counting them takes a second or two and stops at the limit).
While reading, the cells seen are counted against the same limit. zipfile never inflates a member beyond its
declared size, so the sizes it declares bound the work.

The declared dimension is only a limit, never what is read: some report generators write ``<dimension
ref="A1"/>`` whatever the sheet holds, and openpyxl would then read one column of one row, so the cells actually
present are read (``reset_dimensions``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from indicators.imports.cells import Col
from indicators.imports.formats.header import Layout, map_header
from indicators.imports.frame import FORMAT_GENERIC_XLSX, Errors, ParseResult, RowError, empty_frame, file_error, quote
from indicators.imports.normalize import normalize

# Excel's own limits are 1,048,576 rows × 16,384 columns; an indicator file has a few columns. 20 million cells
# is a full sheet of 19 columns; 500 MB of XML is about that much data.
MAX_CELLS = 20_000_000
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024

EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)
_DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_FORMULA_TAG_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ROOT_PREFIX_RE = re.compile(rb"<(\w+:)?worksheet[\s>]")


class TooLarge(Exception):
    """The workbook would inflate beyond the limits; the message says which and what to do."""


@dataclass
class _Sheet:
    """The cells of the wanted columns, as text, with their Excel row numbers."""

    title: str
    layout: Layout
    header_row: int
    values: dict[str, list[str]] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    excel_errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row position, field, value)
    empty_cells: list[tuple[int, str]] = field(default_factory=list)  # candidates for formulas without a value


def read_xlsx(content: bytes) -> ParseResult:
    import openpyxl  # only needed for workbooks

    try:
        check_size(content)
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except TooLarge as error:
        return file_error(FORMAT_GENERIC_XLSX, str(error))
    except Exception:  # noqa: BLE001 - zipfile/openpyxl raise assorted errors for broken files
        return file_error(
            FORMAT_GENERIC_XLSX, _("Excel-filen kunde inte öppnas. Kontrollera att det är en giltig .xlsx-fil.")
        )
    try:
        sheet = _read_first_table(workbook)
    except TooLarge as error:
        return file_error(FORMAT_GENERIC_XLSX, str(error))
    finally:
        workbook.close()
    if not isinstance(sheet, _Sheet):
        return sheet
    return _normalized(sheet, content)


def _too_large() -> TooLarge:
    return TooLarge(
        _(
            "Excel-filen är för stor när den packas upp (mer än %(cells)s miljoner celler eller %(mb)s MB data). "
            "Ta bort tomma rader och kolumner, dela upp filen eller spara den som CSV och försök igen."
        )
        % {"cells": MAX_CELLS // 1_000_000, "mb": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
    )


def check_size(content: bytes) -> None:
    """Refuse a workbook whose members declare more than ``MAX_UNCOMPRESSED_BYTES``, whose sheets declare a
    dimension of more than ``MAX_CELLS`` (both before anything is inflated but a sheet's first few kilobytes) or
    whose sheets hold more than ``MAX_CELLS`` cell elements (counted without parsing the XML)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
            raise _too_large()
        sheets = [m for m in members if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")]
        for member in sheets:
            with archive.open(member) as handle:
                head = handle.read(4096)
            if _declared_cells(head) > MAX_CELLS:
                raise _too_large()
        cells = 0
        for member in sheets:
            with archive.open(member) as handle:
                cells += _count_cells(handle, MAX_CELLS - cells)


def _count_cells(handle, limit: int) -> int:
    """The cell elements (``<c …>``) of a sheet's XML, read in pieces of a megabyte; past ``limit`` the count
    stops with ``TooLarge``. A piece is cut before its last ``<`` so that no tag is split between two."""
    count, carry, tags = 0, b"", None
    while chunk := handle.read(1 << 20):
        data = carry + chunk
        if tags is None:
            prefix = _ROOT_PREFIX_RE.search(data[:65536])
            name = b"<" + ((prefix.group(1) or b"") if prefix else b"") + b"c"
            tags = [name + end for end in (b" ", b">", b"/", b"\t", b"\n", b"\r")]
        cut = data.rfind(b"<", max(0, len(data) - 64))
        cut = len(data) if cut < 0 else cut
        piece, carry = data[:cut], data[cut:]
        count += sum(piece.count(tag) for tag in tags)
        if count > limit:
            raise _too_large()
    count += sum(carry.count(tag) for tag in tags or ())
    if count > limit:
        raise _too_large()
    return count


def unpacked_size(handle) -> int | None:
    """What a stored workbook declares it unpacks to (the sum of its members' sizes), read from the zip's
    directory alone; None for a file that is no zip (a CSV or JSON file, or a broken workbook)."""
    try:
        if handle.read(4) != b"PK\x03\x04":
            return None
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _declared_cells(head: bytes) -> int:
    """The cells a sheet's ``<dimension ref="A1:G1000"/>`` spans (0 when it declares none)."""
    found = _DIMENSION_RE.search(head)
    if not found or not found.group(3):
        return 0
    first_col, first_row, last_col, last_row = found.groups()
    rows = int(last_row) - int(first_row) + 1
    return max(rows, 0) * max(_column_number(last_col) - _column_number(first_col) + 1, 0)


def excel_cell_text(value: object, *, period: bool) -> str:
    """A cell's value as the text a CSV would have held (a date in the period column as its month)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date)):
        return f"{value.year:04d}-{value.month:02d}" if period else value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        if period and 20000 <= value <= 80000:  # an Excel date serial without date format
            day = dt.date(1899, 12, 30) + dt.timedelta(days=value)
            return f"{day.year:04d}-{day.month:02d}"
        return str(value)
    return repr(value) if isinstance(value, float) else str(value)


def _read_first_table(workbook) -> _Sheet | ParseResult:
    """The rows of the first sheet with a recognisable header; else the first sheet's header errors."""
    first_errors: list[RowError] | None = None
    for worksheet in workbook.worksheets:
        _read_present_cells(worksheet)
        counter = _CellCounter()
        rows = counter.rows(worksheet.iter_rows(min_row=1, values_only=True))
        header_row, header = next(
            ((number, row) for number, row in enumerate(rows, start=1) if row and any(v not in (None, "") for v in row)),
            (0, None),
        )
        if header is None:
            continue
        layout, errors = map_header([excel_cell_text(h, period=False) for h in header], header_row)
        if layout is not None:
            sheet = _Sheet(worksheet.title, layout, header_row, {f: [] for f in layout.columns})
            _read_rows(sheet, rows)
            return sheet
        first_errors = errors if first_errors is None else first_errors
    if first_errors is None:
        return file_error(FORMAT_GENERIC_XLSX, _("Filen är tom."))
    return ParseResult(format=FORMAT_GENERIC_XLSX, frame=empty_frame(), errors=first_errors, total_rows=0)


def _read_present_cells(worksheet) -> None:
    """Read the cells the sheet holds, not the dimension it declares (``<dimension ref="A1"/>`` would cut every
    row to one cell). A chartsheet has no cells and nothing to reset."""
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()


class _CellCounter:
    """Counts the cells a sheet's rows hold while they are read; past ``MAX_CELLS`` the reading stops."""

    def __init__(self):
        self.cells = 0

    def rows(self, rows):
        for row in rows:
            self.cells += len(row) if row else 1
            if self.cells > MAX_CELLS:
                raise _too_large()
            yield row


def _read_rows(sheet: _Sheet, rows) -> None:
    wanted = sheet.layout.columns
    period_idx = wanted["period"]
    for row_no, row in enumerate(rows, start=sheet.header_row + 1):
        if row is None or all(v in (None, "") for v in row):
            continue
        position = len(sheet.lines)
        sheet.lines.append(row_no)
        for fieldname, idx in wanted.items():
            value = row[idx] if idx < len(row) else None
            if value is None:
                sheet.empty_cells.append((position, fieldname))
            elif isinstance(value, str) and value.strip() in EXCEL_ERRORS:
                sheet.excel_errors.append((position, fieldname, value.strip()))
            sheet.values[fieldname].append(excel_cell_text(value, period=idx == period_idx))


def _normalized(sheet: _Sheet, content: bytes) -> ParseResult:
    n = len(sheet.lines)
    lines = np.asarray(sheet.lines, dtype=np.int64)
    errors = Errors(n)
    names = sheet.layout.names
    # Formula cells whose result Excel never saved (e.g. files written by scripts).
    if sheet.empty_cells and _workbook_has_formulas(content):
        for position, fieldname in _formulas_without_value(content, sheet):
            errors.add(
                np.asarray([position]),
                names[fieldname],
                _(
                    "Cellen i kolumnen %(column)s innehåller en formel utan sparat resultat. "
                    "Öppna filen i Excel, spara den och ladda upp den igen."
                )
                % {"column": quote(names[fieldname])},
            )
    for position, fieldname, value in sheet.excel_errors:
        errors.add(
            np.asarray([position]),
            names[fieldname],
            _("Cellen i kolumnen %(column)s innehåller Excel-felet %(value)s.")
            % {"column": quote(names[fieldname]), "value": value},
        )
    cols = {f: Col.from_values(names[f], sheet.values[f]) for f in sheet.layout.columns}
    frame = normalize(cols, lines, errors=errors)
    # The same message can be reported twice for a formula cell (e.g. as missing and as formula): keep one.
    seen: set[RowError] = set()
    row_errors = [e for e in errors.build(lines) if not (e in seen or seen.add(e))]
    if n == 0:
        row_errors.append(RowError(None, None, _("Filen innehåller en rubrikrad men inga datarader.")))
    return ParseResult(format=FORMAT_GENERIC_XLSX, frame=frame, errors=row_errors, total_rows=n)


def _workbook_has_formulas(content: bytes) -> bool:
    """Cheap pre-check: does any worksheet XML contain a formula element at all?"""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with archive.open(name) as handle:
                        tail = b""
                        while chunk := handle.read(1 << 20):
                            if _FORMULA_TAG_RE.search(tail + chunk):
                                return True
                            tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, KeyError):
        return True  # let the slow path decide
    return False


def _formulas_without_value(content: bytes, sheet: _Sheet) -> list[tuple[int, str]]:
    """Which of the empty cells are formulas (the sheet read a second time, with formulas)."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        worksheet = workbook[sheet.title]
        _read_present_cells(worksheet)
        targets: dict[int, list[tuple[int, str]]] = {}
        for position, fieldname in sheet.empty_cells:
            targets.setdefault(sheet.lines[position], []).append((position, fieldname))
        found: list[tuple[int, str]] = []
        rows = worksheet.iter_rows(min_row=1, max_row=max(targets), values_only=True)
        for row_no, row in enumerate(rows, start=1):
            for position, fieldname in targets.get(row_no, ()):
                idx = sheet.layout.columns[fieldname]
                value = row[idx] if idx < len(row) else None
                if value is not None and (not isinstance(value, str) or value.startswith("=")):
                    found.append((position, fieldname))
        return found
    finally:
        workbook.close()
