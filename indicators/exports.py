"""Files the indicators app hands out. Text is neutralised so that a spreadsheet never runs it as a
formula: a cell starting with = + - @ (or a tab/carriage return) gets a leading apostrophe."""

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: list[str], rows) -> str:
    """Semicolon-separated with a byte-order mark, as Swedish Excel opens it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


def batch_errors_csv(batch) -> str:
    return csv_text(
        ["rad", "kolumn", "fel"],
        ([error.get("line") or "", error.get("column") or "", error.get("message", "")] for error in batch.error_report),
    )
