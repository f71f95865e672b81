"""Reading CSV: Vården i siffror's export ("Ladda ner data": ``;``, decimal comma, UTF-8 with or without
byte-order mark, ``UNK``/``MSK``/``INV`` value codes) and the application's generic layout (Swedish or English
header names, UTF-8 or Windows-1252, ``;`` / ``,`` / tab, decimal comma or point). The two are the same file
format and differ only in their header's vocabulary, which ``header.map_header`` recognises: one reader
serves both and names the format the header showed.

The file is read with ``pandas.read_csv(dtype="category")``, so each column arrives as codes into its distinct
values; rows with more fields than the header are reported, blank lines dropped. pandas 3 reads a category column
whose every distinct text is a number as numbers ("03" became 3, "Infinity" inf); such a column is read again as
text unless its numbers say the same as the texts (``_inferred``).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from common import textfiles
from indicators.imports.cells import MAX_MAGNITUDE, Col
from indicators.imports.formats.header import Layout, is_vis_header, map_header
from indicators.imports.frame import (
    FORMAT_GENERIC_CSV,
    FORMAT_VIS_CSV,
    Errors,
    ParseResult,
    RowError,
    empty_frame,
    file_error,
    quote,
)
from indicators.imports.normalize import normalize

EXTRA_FIELDS = 3  # spare columns to detect rows with more fields than the header
# What a part says when the file cannot be read in parts; never shown: the file is then read whole (``write``).
_NOT_IN_PARTS = "not readable in parts"
_SKIP_RE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")
_SEP_HINT_RE = re.compile(r'"?sep=(.)"?[;,\t]*')
# Columns whose texts pandas may read as numbers without changing what they say (when finite and not too large).
_NUMBER_FIELDS = ("value", "numerator", "denominator")


@dataclass
class _Header:
    index: int  # 0, or 1 after an Excel "sep=;" line
    separator: str
    names: list[str]


@dataclass
class _Raw:
    """The data rows as read: one ``Col`` per field (the header's and the spare ones), the row numbers, and the
    rows pandas skipped for having too many fields (line, fields seen)."""

    cols: dict[int, Col]
    lines: np.ndarray
    skipped: list[tuple[int, int]]


def read_csv(content: bytes) -> ParseResult:
    encoding = textfiles.detect_encoding(content)
    if encoding is None:
        return file_error(
            FORMAT_GENERIC_CSV,
            _(
                "Filens teckenkodning kunde inte tolkas. Spara filen som UTF-8 eller som "
                "Windows-1252 (”CSV (semikolonavgränsad)” i Excel)."
            ),
        )
    header = _read_header(content, encoding)
    layout, header_errors = map_header(header.names, header.index + 1)
    if layout is None:
        fmt = FORMAT_VIS_CSV if is_vis_header(header.names) else FORMAT_GENERIC_CSV
        return ParseResult(format=fmt, frame=empty_frame(), errors=header_errors, total_rows=0)
    fmt = FORMAT_VIS_CSV if layout.is_vis else FORMAT_GENERIC_CSV
    raw = _read_rows(content, encoding, header, layout)
    if isinstance(raw, str):
        return file_error(fmt, raw)
    return _normalized(raw, layout, header, fmt)


def read_csv_parts(content: bytes, size: Callable[[], int]) -> Iterator[ParseResult]:
    """The file in parts of ``size()`` records (asked before each part), each read and checked exactly as
    ``read_csv`` reads the whole file and numbered with the file's own line numbers: for the import that writes one
    part while it reads the next (``write``). Checks that span the whole file (the same observation twice, a header without
    rows) are the caller's: it combines the parts only when none has an error and no observation repeats across
    them. Anything ``read_csv`` would report about the file as a whole (its encoding, its header, a record it could
    not split) ends the parts with one part holding an error, so the caller reads the file whole and reports it."""
    # The encoding from the first megabyte: a later byte that does not fit stops the parts (pandas raises), and
    # reading the file whole then looks at all of it.
    encoding = textfiles.detect_encoding(content[: 1 << 20])
    header = _read_header(content, encoding) if encoding else None
    layout = map_header(header.names, header.index + 1)[0] if header else None
    if layout is None:
        yield file_error(FORMAT_GENERIC_CSV, _NOT_IN_PARTS)
        return
    fmt = FORMAT_VIS_CSV if layout.is_vis else FORMAT_GENERIC_CSV
    names = list(range(len(header.names) + EXTRA_FIELDS))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with pd.read_csv(io.BytesIO(content), chunksize=1, **_read_options(header, names, encoding)) as reader:
                yield from _parts(reader, size, caught, names=names, layout=layout, header=header, fmt=fmt)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
            yield file_error(fmt, _NOT_IN_PARTS)


def _parts(
    reader, size: Callable[[], int], caught: list, *, names: list[int], layout: Layout, header: _Header, fmt: str
) -> Iterator[ParseResult]:
    read = 0
    while True:
        try:
            frame = reader.get_chunk(size())
        except StopIteration:
            return
        skipped = any(_SKIP_RE.search(str(warning.message)) for warning in caught)
        misread = bool(_inferred(frame, layout))  # read whole, where such a column is read again as text
        if skipped or misread or not isinstance(frame.index, pd.RangeIndex) or frame.index.start != read:
            yield file_error(fmt, _NOT_IN_PARTS)
            return
        lines = np.arange(header.index + 2 + read, header.index + 2 + read + len(frame), dtype=np.int64)
        read += len(frame)
        raw = _Raw({i: Col.from_categorical(str(i), frame[i]) for i in names}, lines, [])
        yield _normalized(raw, layout, header, fmt)


def _read_options(header: _Header, names: list[int], encoding: str) -> dict:
    """``pandas.read_csv``'s options for the data rows: every field a category of its distinct texts, nothing read
    as missing, blank lines kept (they count as lines), rows with too many fields reported."""
    return {
        "sep": header.separator, "header": None, "names": names, "skiprows": header.index + 1, "dtype": "category",
        "keep_default_na": False, "na_values": [], "skip_blank_lines": False, "on_bad_lines": "warn",
        "encoding": encoding, "quotechar": '"', "engine": "c",
    }


def _read_header(content: bytes, encoding: str) -> _Header:
    """The header: the first line (an Excel "sep=;" hint line before it is honoured)."""
    first_lines = content[: 1 << 20].decode(encoding, errors="replace").splitlines()
    index, separator = 0, None
    if first_lines and (hint := _SEP_HINT_RE.fullmatch(first_lines[0].strip())):
        index, separator = 1, hint.group(1)
    line = first_lines[index] if len(first_lines) > index else ""
    separator = separator or textfiles.sniff_separator(line)
    return _Header(index, separator, next(csv.reader([line], delimiter=separator), []))


def _inferred(frame: pd.DataFrame, layout: Layout) -> list[int]:
    """The layout's columns whose texts pandas turned into numbers (or booleans) that do not say the same: any but
    a number column (``_NUMBER_FIELDS``, while its numbers are finite and within ``MAX_MAGNITUDE``) or a period
    column of years (``2023``)."""
    keep_numbers = {layout.columns[name] for name in _NUMBER_FIELDS if name in layout.columns}
    period = layout.columns.get("period")
    found = []
    for idx in sorted(set(layout.columns.values())):
        categories = frame[idx].cat.categories
        if pd.api.types.is_object_dtype(categories.dtype) or pd.api.types.is_string_dtype(categories.dtype):
            continue
        numbers = categories.to_numpy()
        if categories.dtype.kind in "iuf" and (
            (idx in keep_numbers and bool(np.all(np.abs(numbers) <= MAX_MAGNITUDE)))
            or (idx == period and categories.dtype.kind in "iu" and bool(np.all((numbers >= 1000) & (numbers <= 9999))))
        ):
            continue
        found.append(idx)
    return found


def _read_rows(content: bytes, encoding: str, header: _Header, layout: Layout) -> _Raw | str:
    """The data rows, or the message for a file that cannot be read as CSV at all."""
    names = list(range(len(header.names) + EXTRA_FIELDS))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pd.read_csv(io.BytesIO(content), **_read_options(header, names, encoding))
            if misread := _inferred(frame, layout):
                frame = _read_as_text(content, header, names, encoding, misread)
        except pd.errors.EmptyDataError:
            frame = pd.DataFrame({i: pd.Categorical([]) for i in names})
        except (pd.errors.ParserError, ValueError) as exc:  # pragma: no cover - defensive
            return _("Filen kunde inte läsas som CSV: %(error)s") % {"error": str(exc)[:200]}
    if not isinstance(frame.index, pd.RangeIndex):
        # pandas turned leading fields into an index: the first data row was too long.
        return _(
            "Rad %(line)s har fler fält än rubrikraden. Kontrollera att ingen text innehåller "
            "avgränsaren %(sep)s utan citattecken."
        ) % {"line": header.index + 2, "sep": quote(header.separator)}
    skipped = sorted({(int(m.group(1)), int(m.group(3))) for w in caught for m in _SKIP_RE.finditer(str(w.message))})
    first_line = header.index + 2
    skipped_lines = np.asarray(sorted(line for line, _seen in skipped), dtype=np.int64)
    lines = np.arange(first_line, first_line + len(frame) + len(skipped_lines), dtype=np.int64)
    if len(skipped_lines):
        lines = np.setdiff1d(lines, skipped_lines, assume_unique=True)
    if len(lines) != len(frame):  # pragma: no cover - defensive (unexpected warning format)
        lines = np.arange(first_line, first_line + len(frame), dtype=np.int64)
    return _Raw({i: Col.from_categorical(str(i), frame[i]) for i in names}, lines, skipped)


def _read_as_text(content: bytes, header: _Header, names: list[int], encoding: str, columns: list[int]) -> pd.DataFrame:
    """The file read again, ``columns`` as the texts they hold (the same rows: the same options read them)."""
    options = _read_options(header, names, encoding)
    options["dtype"] = {i: "str" if i in columns else "category" for i in names}
    frame = pd.read_csv(io.BytesIO(content), **options)
    for idx in columns:
        frame[idx] = frame[idx].astype("category")
    return frame


def _normalized(raw: _Raw, layout: Layout, header: _Header, fmt: str) -> ParseResult:
    """Blank lines dropped, rows with more fields than the header reported, the rest normalized."""
    ncols = len(header.names)
    n_read = len(raw.lines)
    extra = np.zeros(n_read, dtype=bool)
    for i in range(ncols, ncols + EXTRA_FIELDS):
        extra |= ~raw.cols[i].empty_mask()
    blank = np.ones(n_read, dtype=bool)
    for column in raw.cols.values():
        blank &= column.empty_mask()
    keep = np.flatnonzero(~blank)
    lines = raw.lines[keep]
    cols = {}
    for fieldname, idx in layout.columns.items():
        column = raw.cols[idx].take(keep) if len(keep) != n_read else raw.cols[idx]
        column.name = layout.names[fieldname]
        cols[fieldname] = column
    errors = Errors(len(keep))
    too_many = _(
        "Raden har fler fält än rubrikraden (%(expected)s). Kontrollera att ingen text innehåller "
        "avgränsaren %(sep)s utan citattecken."
    ) % {"expected": ncols, "sep": quote(header.separator)}
    errors.add(np.flatnonzero(extra[keep]), None, too_many)
    frame = normalize(cols, lines, errors=errors)
    row_errors = errors.build(lines)
    if raw.skipped:
        extra_errors = [RowError(line, None, too_many) for line, _seen in raw.skipped]
        row_errors = sorted(row_errors + extra_errors, key=lambda e: e.line or 0)
    total = len(keep) + len(raw.skipped)
    if total == 0:
        row_errors.append(RowError(None, None, _("Filen innehåller en rubrikrad men inga datarader.")))
    return ParseResult(format=fmt, frame=frame, errors=row_errors, total_rows=total)
