"""What every reader of ``formats`` returns: the frame of valid rows in the documented columns (the table in
``indicators.imports.formats``' docstring), and the errors found, each naming its row and column as the user
sees them in the file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

FORMAT_VIS_CSV = "vis_csv"
FORMAT_GENERIC_CSV = "generic_csv"
FORMAT_GENERIC_XLSX = "generic_xlsx"
FORMAT_KOLADA_JSON = "kolada_json"

STATUS_OK = "ok"
STATUS_UNKNOWN = "unknown"
STATUS_MASKED = "masked"
STATUS_INVALID = "invalid"
STATUS_MISSING = "missing"

# The frame's columns in order.
FRAME_COLUMNS: tuple[str, ...] = (
    "line", "indicator_code", "indicator_name", "source", "unit_label", "unit_kind", "unit_code", "unit_name",
    "period_start", "period_end", "period_label", "granularity", "sex", "value", "numerator", "denominator",
    "status", "deleted",
)
STR_COLUMNS = frozenset(
    ("indicator_code", "indicator_name", "source", "unit_label", "unit_kind", "unit_code", "unit_name",
     "period_label", "granularity", "sex", "status")
)
_FRAME_DTYPES = {"line": "int64", "value": "float64", "numerator": "float64", "denominator": "float64",
                 "deleted": "bool", "period_start": "object", "period_end": "object"}


def quote(value: object, limit: int = 60) -> str:
    """A value from the file as a message shows it: in Swedish quotation marks, cut at ``limit`` characters."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"”{text}”"


@dataclass(frozen=True)
class RowError:
    """One problem found in the file.

    ``line`` is the row number as the user sees it in the file (header line = 1, first data row = 2; Excel
    row number for XLSX; 1-based item index for Kolada JSON) or ``None`` for problems with the file as a
    whole. ``column`` is the column/field name as written in the file, or ``None``. ``message`` is already
    translated.
    """

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.line is not None and self.column:
            return _("Rad %(line)s, kolumn %(column)s: %(message)s") % {
                "line": self.line,
                "column": quote(self.column),
                "message": self.message,
            }
        if self.line is not None:
            return _("Rad %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


@dataclass
class ParseResult:
    format: str
    frame: pd.DataFrame
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0

    @property
    def file_errors(self) -> list[RowError]:
        """Errors that concern the whole file (``line is None``)."""
        return [e for e in self.errors if e.line is None]

    @property
    def error_lines(self) -> set[int]:
        """Line numbers that have at least one error (and are therefore not in ``frame``)."""
        return {e.line for e in self.errors if e.line is not None}


def empty_frame() -> pd.DataFrame:
    """A zero-row frame with the normalized columns and dtypes."""
    return pd.DataFrame(
        {name: pd.Series([], dtype=_FRAME_DTYPES.get(name, "str")) for name in FRAME_COLUMNS}
    )


def file_error(fmt: str, message: str, column: str | None = None) -> ParseResult:
    """A file nothing of which can be read: one error for the whole file."""
    return ParseResult(format=fmt, frame=empty_frame(), errors=[RowError(None, column, message)], total_rows=0)


def format_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")
    if n >= 1024:
        return f"{n / 1024:.1f} kB".replace(".", ",")
    return f"{n} B"


class Errors:
    """Collects row errors as (row indices, column, messages) chunks; cheap for many rows. ``bad`` marks the
    rows that have at least one."""

    def __init__(self, n: int):
        self.bad = np.zeros(n, dtype=bool)
        self.chunks: list[tuple[np.ndarray, str | None, Sequence[str] | str]] = []

    def add(self, rows: np.ndarray, column: str | None, messages: Sequence[str] | str) -> None:
        if len(rows):
            self.bad[rows] = True
            self.chunks.append((rows, column, messages))

    def add_by_unique(self, col, mask: np.ndarray, message_for: Callable[[str], str], column: str | None = None) -> None:
        """Error on rows in ``mask`` of the column ``col`` (an ``indicators.imports.cells.Col``); the message is
        made once per distinct cell value."""
        rows = np.flatnonzero(mask)
        if not len(rows):
            return
        codes = col.codes[rows]
        cache = {int(code): message_for(col.uniques[code]) for code in np.unique(codes)}
        self.add(rows, col.name if column is None else column, [cache[c] for c in codes.tolist()])

    def build(self, lines: np.ndarray) -> list[RowError]:
        """The errors in file order (by row; within a row, in the order they were found)."""
        out: list[tuple[int, int, RowError]] = []
        for order, (rows, column, messages) in enumerate(self.chunks):
            row_lines = lines[rows].tolist()
            if isinstance(messages, str):
                out.extend((ln, order, RowError(ln, column, messages)) for ln in row_lines)
            else:
                out.extend((ln, order, RowError(ln, column, msg)) for ln, msg in zip(row_lines, messages, strict=True))
        out.sort(key=lambda t: (t[0], t[1]))
        return [t[2] for t in out]


def packed_keys(keys: pd.DataFrame) -> pd.Index:
    """Key columns of small non-negative integers (or -1) packed into one integer per row where they fit, so
    that finding equal keys is one hash lookup a row; else the columns as they are."""
    packed = np.zeros(len(keys), dtype=np.int64)
    room = 1
    for name in keys.columns:
        column = keys[name].to_numpy(dtype=np.int64) + 1  # -1 ("none") becomes 0
        size = int(column.max(initial=0)) + 1
        room *= size
        if room >= 2**62:
            return pd.MultiIndex.from_frame(keys)
        packed = packed * size + column
    return pd.Index(packed)
