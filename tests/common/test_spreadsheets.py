"""common.spreadsheets: cells a spreadsheet never runs as formulas, and CSV as Swedish Excel opens it."""

import csv
import io

import pytest

from common.spreadsheets import csv_text, neutralise


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+46 70", "'+46 70"),
        ("-minus", "'-minus"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\r=1", "'\r=1"),
        ("vanlig text = ok", "vanlig text = ok"),
        ("", ""),
        (None, ""),
        (12, "12"),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_neutralising_twice_changes_nothing_more():
    assert neutralise(neutralise("=1+1")) == "'=1+1"


def test_csv_text_is_semicolon_separated_with_a_byte_order_mark_and_no_formula_left():
    text = csv_text([("rad", "fel"), (2, "=HYPERLINK(\"x\")"), (3, "Värdet; med semikolon")])
    assert text.startswith("\ufeff") and text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows == [["rad", "fel"], ["2", "'=HYPERLINK(\"x\")"], ["3", "Värdet; med semikolon"]]
