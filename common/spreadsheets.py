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
