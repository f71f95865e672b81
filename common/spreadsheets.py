"""Files people open in a spreadsheet program (Excel, LibreOffice Calc).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (CSV injection), and a
leading tab or carriage return can hide one: text typed into the app such as ``=HYPERLINK(…)`` must arrive as
text. Every text cell is therefore *neutralised* with a leading apostrophe, the convention Excel and LibreOffice
show as "this is text".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The value as text that a spreadsheet will not evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: Iterable[Iterable]) -> str:
    """Semicolon-separated text with a byte-order mark, as Swedish Excel opens it; every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


def xlsx_bytes(sheets: Iterable[tuple[str, list, Iterable[Iterable]]]) -> bytes:
    """A workbook of ``(title, column widths, rows)`` sheets, the first row of each in bold. Every cell is written as
    neutralised text (a number too, so nothing is a formula or reformatted); written row by row (openpyxl's
    write-only mode), so tens of thousands of rows take little memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, widths, rows in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(title))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        for number, row in enumerate(rows):
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=neutralise(value))
                if number == 0:
                    cell.font = bold
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of : \\ / ? * [ ]."""
    cleaned = "".join("-" if character in ':\\/?*[]' else character for character in str(title)).strip("'")
    return (cleaned or "Blad")[:31]
