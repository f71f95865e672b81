"""Files the indicators app hands out; cells are neutralised so that a spreadsheet never runs them as formulas
(``common.spreadsheets``)."""

from common.spreadsheets import csv_text


def batch_errors_csv(batch) -> str:
    rows = [(error.get("line") or "", error.get("column") or "", error.get("message", "")) for error in batch.error_report]
    return csv_text([("rad", "kolumn", "fel"), *rows])
