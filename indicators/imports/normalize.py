"""From a reader's string columns to the documented frame of valid rows: one small step per column group, each
adding the errors it finds (by row, naming the column as the file names it) to one ``Errors`` collection.

Steps, in order: text that looks like a spreadsheet formula; indicator; unit (kind, code, name); period (which
must be parseable and not after next year); sex; value and status; counts (numerator, denominator); the rule
for proportions (0–100, numerator ≤ denominator); duplicates within the file. A row with any error is left
out of the frame; the others are assembled into the columns of ``frame.FRAME_COLUMNS``.

Every conversion runs once per distinct cell value (``cells.Col``) and is broadcast to the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from config.inputs import is_one_line
from indicators.imports import cells, rules
from indicators.imports.cells import Col
from indicators.imports.frame import STATUS_MISSING, STATUS_OK, STR_COLUMNS, Errors, packed_keys, quote

# Text columns a spreadsheet formula could hide in.
TEXT_FIELDS = (
    "indicator_code", "chart_title", "indicator_name", "source", "unit_kind", "region_code", "unit_code",
    "unit_name", "unit_label", "status",
)
# How many other rows a duplicate's message names.
DUPLICATES_SHOWN = 10
# The longest text a column may hold: that of the field it is matched against (``Indicator.code`` and ``.name``,
# ``DataSource.name``, ``Clinic.hsa_id`` and ``.name``), else ``MAX_TEXT_LENGTH``.
MAX_TEXT_LENGTH = 255
MAX_LENGTHS = {"indicator_code": 60, "indicator_name": 255, "chart_title": 255, "source": 120, "unit_code": 64,
               "unit_name": 200}


@dataclass
class _Table:
    """The reader's columns (by canonical field) and row numbers, and the errors found so far."""

    cols: dict[str, Col]
    lines: np.ndarray
    errors: Errors

    @property
    def n(self) -> int:
        return len(self.lines)

    def col(self, name: str) -> Col | None:
        return self.cols.get(name)

    def text(self, name: str) -> np.ndarray:
        column = self.cols.get(name)
        return column.strings() if column is not None else np.full(self.n, "", dtype=object)


@dataclass
class _Unit:
    kind: np.ndarray
    code: np.ndarray
    name: np.ndarray
    # The same as integers, for finding duplicates without comparing strings row by row.
    kind_key: np.ndarray
    code_key: np.ndarray
    name_key: np.ndarray


# The kinds of unit a row may name, as small integers while the rows are checked (0: not said).
KINDS = ("", "clinic", "region", "nation", "municipality")
_KIND_NAMES = np.asarray(KINDS, dtype=object)
_NOT_SAID, _CLINIC, _REGION, _NATION = 0, 1, 2, 3
SEXES = ("T", "K", "M")


@dataclass
class _Period:
    col: Col
    ok: np.ndarray  # per row
    start: np.ndarray  # per distinct value, like the three below
    end: np.ndarray
    granularity: np.ndarray
    key: np.ndarray  # the same number for every spelling of the same period


def normalize(cols: dict[str, Col], lines: np.ndarray, *, errors: Errors, deleted: np.ndarray | None = None) -> pd.DataFrame:
    """Validate and convert the string columns; returns the frame of valid rows."""
    table = _Table(cols, lines, errors)
    _refuse_bad_text(table)
    indicator, indicator_name = _indicator(table)
    unit = _unit(table)
    period = _period(table)
    sex_ok, sex, sex_key = _sex(table)
    value, status = _value_and_status(table)
    numerator, denominator = _counts(table, "numerator"), _counts(table, "denominator")
    unit_label = _unit_rules(table, value, numerator, denominator)
    deleted = np.zeros(table.n, dtype=bool) if deleted is None else deleted
    # Rows that already have an error are left out, so one broken row does not also knock out the valid row it
    # would collide with.
    keyable = period.ok & sex_ok & (indicator != "") & ~deleted & ~errors.bad
    _duplicates(table, np.flatnonzero(keyable), unit, period, sex_key)
    rows = np.flatnonzero(~errors.bad)
    period_codes = period.col.codes[rows]
    columns = {
        "line": lines[rows].astype(np.int64),
        "indicator_code": indicator[rows],
        "indicator_name": indicator_name[rows],
        "source": table.text("source")[rows],
        "unit_label": unit_label[rows],
        "unit_kind": unit.kind[rows],
        "unit_code": unit.code[rows],
        "unit_name": unit.name[rows],
        "period_start": period.start[period_codes],
        "period_end": period.end[period_codes],
        "period_label": np.asarray(period.col.uniques, dtype=object)[period_codes],
        "granularity": period.granularity[period_codes],
        "sex": sex[rows],
        "value": value[rows].astype(np.float64),
        "numerator": numerator[rows].astype(np.float64),
        "denominator": denominator[rows].astype(np.float64),
        "status": status[rows],
        "deleted": deleted[rows].astype(bool),
    }
    series = {
        name: pd.Series(array, dtype="str" if name in STR_COLUMNS else None, copy=False)
        for name, array in columns.items()
    }
    return pd.DataFrame(series, copy=False)


def _refuse_bad_text(table: _Table) -> None:
    """Text columns refuse what a spreadsheet would run as a formula, control characters (one-line text, as every
    text field of the project) and texts longer than the field they are matched against."""
    for name in TEXT_FIELDS:
        column = table.col(name)
        if column is not None:
            _refuse_formulas(table, column)
            _refuse_control_and_length(table, column, MAX_LENGTHS.get(name, MAX_TEXT_LENGTH))


def _refuse_formulas(table: _Table, column: Col) -> None:
    bad = column.umap(cells.looks_like_formula, bool)
    if bad.any():
        table.errors.add_by_unique(
            column,
            bad[column.codes],
            lambda u: _(
                "Texten %(value)s börjar med %(char)s och ser ut som en kalkylbladsformel. "
                "Sådana celler tas inte emot; ta bort tecknet i början."
            )
            % {"value": quote(u), "char": quote(u[0])},
        )


def _refuse_control_and_length(table: _Table, column: Col, max_length: int) -> None:
    control = ~column.umap(is_one_line, bool)
    if control.any():
        table.errors.add_by_unique(
            column,
            control[column.codes],
            lambda _u: _(
                "Texten i kolumnen %(column)s innehåller styrtecken (till exempel radbrytning, tabb eller "
                "escape-tecken). Sådana tecken tas inte emot; ta bort dem och försök igen."
            )
            % {"column": quote(column.name)},
        )
    too_long = column.umap(lambda u: len(u) > max_length, bool)
    if too_long.any():
        table.errors.add_by_unique(
            column,
            too_long[column.codes],
            lambda u: _("Texten i kolumnen %(column)s är %(length)s tecken lång; högst %(max)s tecken tas emot.")
            % {"column": quote(column.name), "length": len(u), "max": max_length},
        )


def _indicator(table: _Table) -> tuple[np.ndarray, np.ndarray]:
    """The indicator's code (Vården i siffror's chart title where there is no id) and name, per row."""
    code_col, chart_col = table.col("indicator_code"), table.col("chart_title")
    indicator = table.text("indicator_code")
    name = table.text("indicator_name")
    if chart_col is not None:
        chart = chart_col.strings()
        indicator = np.where(indicator == "", chart, indicator)
        name = np.where(name == "", chart, name)
    missing = indicator == ""
    if missing.any():
        shown = code_col.name if code_col is not None else chart_col.name
        table.errors.add(
            np.flatnonzero(missing), shown, _("Indikator saknas i kolumnen %(column)s.") % {"column": quote(shown)}
        )
    return indicator, name


def _unit(table: _Table) -> _Unit:
    """The unit's kind (as written, else inferred from its code or name), code and name, per row: a region's
    row takes its code from the region code column where there is one."""
    kind_key = _unit_kind(table)
    code_col, name_col, region_col = table.col("unit_code"), table.col("unit_name"), table.col("region_code")
    code, name = table.text("unit_code"), table.text("unit_name")
    code_empty = code_col.empty_mask() if code_col is not None else np.ones(table.n, dtype=bool)
    name_empty = name_col.empty_mask() if name_col is not None else np.ones(table.n, dtype=bool)
    code_key = _shared_codes(code_col, region_col, table.n)
    name_key = name_col.codes if name_col is not None else np.zeros(table.n, dtype=np.intp)
    if region_col is not None:
        use_region = (kind_key == _REGION) & ~region_col.empty_mask()
        code = np.where(use_region, region_col.strings(), code)
        code_key = np.where(use_region, code_key[1], code_key[0])
        code_empty &= ~use_region
    else:
        code_key = code_key[0]
    no_unit = code_empty & name_empty & (kind_key != _NATION)
    if no_unit.any():
        named = [c.name for c in (code_col, name_col) if c is not None]
        table.errors.add(
            np.flatnonzero(no_unit),
            named[0] if named else None,
            _("Enhet saknas: varken enhetskod eller enhetsnamn är ifyllt (kolumn %(columns)s).")
            % {"columns": ", ".join(quote(x) for x in named)},
        )
    return _Unit(_KIND_NAMES[kind_key], code, name, kind_key, np.where(code_empty, -1, code_key), name_key)


def _shared_codes(code_col: Col | None, region_col: Col | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, an integer for the unit code and one for the region code such that equal texts get equal
    integers across both columns (computed over their distinct values only)."""
    code_uniques = code_col.uniques if code_col is not None else [""]
    region_uniques = region_col.uniques if region_col is not None else [""]
    shared, _texts = pd.factorize(np.asarray([*code_uniques, *region_uniques], dtype=object))
    code_codes = code_col.codes if code_col is not None else np.zeros(n, dtype=np.intp)
    region_codes = region_col.codes if region_col is not None else np.zeros(n, dtype=np.intp)
    return shared[: len(code_uniques)][code_codes], shared[len(code_uniques) :][region_codes]


def _unit_kind(table: _Table) -> np.ndarray:
    """Each row's kind of unit as an index into KINDS: the kind column's word, else inferred from the code (a
    two-digit code is a region, "Riket" the country) or the name ("Region …"), else a clinic."""
    kind_col = table.col("unit_kind")
    kind = np.zeros(table.n, dtype=np.int8)
    if kind_col is not None:
        words = kind_col.umap(lambda u: "" if u == "" else cells.KIND_WORDS.get(cells.norm_key(u)))
        unknown = np.asarray([word is None for word in words], dtype=bool)
        table.errors.add_by_unique(
            kind_col,
            unknown[kind_col.codes],
            lambda u: _(
                "Okänd enhetstyp %(value)s i kolumnen %(column)s. Använd vårdcentral (vårdenhet), region, riket "
                "eller kommun."
            )
            % {"value": quote(u), "column": quote(kind_col.name)},
        )
        kind = np.asarray([KINDS.index(word or "") for word in words], dtype=np.int8)[kind_col.codes]
    need = kind == _NOT_SAID
    if need.any():
        code_col, name_col = table.col("unit_code"), table.col("unit_name")
        zero = np.zeros(table.n, dtype=np.int8)
        from_code = code_col.map(lambda u: KINDS.index(cells.kind_from_code(u)), np.int8) if code_col is not None else zero
        from_name = name_col.map(lambda u: KINDS.index(cells.kind_from_name(u)), np.int8) if name_col is not None else zero
        inferred = np.where(from_code != _NOT_SAID, from_code, from_name)
        kind = np.where(need, np.where(inferred == _NOT_SAID, _CLINIC, inferred), kind).astype(np.int8)
    return kind


def _period(table: _Table) -> _Period:
    """Each distinct period parsed once; a period that cannot be read, or that begins after next year (a typo
    such as 2099 for 2009), is an error on its rows."""
    column = table.cols["period"]
    parsed = column.umap(lambda u: cells.parse_period(u) if u else None)
    latest_year = timezone.localdate().year + 1
    future = np.asarray([p is not None and p[0].year > latest_year for p in parsed], dtype=bool)
    readable = np.asarray([p is not None for p in parsed], dtype=bool)
    ok = (readable & ~future)[column.codes]
    if not ok.all():
        table.errors.add_by_unique(
            column, ~ok, lambda u: _period_message(u, column.name, latest_year)
        )
    keys: dict[tuple, int] = {}
    return _Period(
        col=column,
        ok=ok,
        start=np.asarray([p[0] if p else None for p in parsed], dtype=object),
        end=np.asarray([p[1] if p else None for p in parsed], dtype=object),
        granularity=np.asarray([p[2] if p else "" for p in parsed], dtype=object),
        key=np.asarray([keys.setdefault((p[2], p[0]), len(keys)) if p else -1 for p in parsed], dtype=np.int64),
    )


def _period_message(value: str, column: str, latest_year: int) -> str:
    if value == "":
        return _("Period saknas i kolumnen %(column)s.") % {"column": quote(column)}
    year = cells.period_year(value)
    if cells.parse_period(value) is None and year is not None:
        return _(
            "Årtalet %(year)s i perioden %(value)s (kolumnen %(column)s) ligger utanför det tillåtna intervallet "
            "%(first)s–%(last)s. Kontrollera årtalet."
        ) % {
            "year": year, "value": quote(value), "column": quote(column), "first": cells.FIRST_YEAR, "last": latest_year
        }
    if cells.parse_period(value) is not None:
        return _(
            "Perioden %(value)s i kolumnen %(column)s ligger efter %(year)s. Värden för framtida perioder tas inte "
            "emot; kontrollera årtalet."
        ) % {"value": quote(value), "column": quote(column), "year": latest_year}
    return _(
        "Perioden %(value)s i kolumnen %(column)s kan inte tolkas. Använd till exempel 2023, 2023-05, 2023 maj, "
        "2023 jan-jun eller 2023 kv 2."
    ) % {"value": quote(value), "column": quote(column)}


def _sex(table: _Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whether each row's sex could be read, the sex ("T", "K" or "M"; total when there is no column), and the
    same as an index into SEXES (-1 where unreadable)."""
    column = table.col("sex")
    if column is None:
        return np.ones(table.n, dtype=bool), np.full(table.n, "T", dtype=object), np.zeros(table.n, dtype=np.int8)
    words = column.umap(lambda u: cells.SEX_WORDS.get(cells.norm_key(u)))
    ok = ~np.asarray([word is None for word in words], dtype=bool)[column.codes]
    table.errors.add_by_unique(
        column,
        ~ok,
        lambda u: _("Okänt kön %(value)s i kolumnen %(column)s. Använd Totalt, Kvinnor eller Män (T, K eller M).")
        % {"value": quote(u), "column": quote(column.name)},
    )
    keys = np.asarray([-1 if word is None else SEXES.index(word) for word in words], dtype=np.int8)[column.codes]
    return ok, np.asarray(["" if word is None else word for word in words], dtype=object)[column.codes], keys


# The status ``_value_info`` gives a number beyond ``cells.MAX_MAGNITUDE`` (an error, like no number at all).
_TOO_LARGE = "too large"


def _value_info(text: str) -> tuple[float, str | None]:
    """(number, status) of a value cell; status None when it is not a number, ``_TOO_LARGE`` when it is too large
    (or no finite number: 1e309). A suppression marker (".." "*" "<5" "-") is a status without a number."""
    if text == "":
        return (np.nan, STATUS_MISSING)
    code = cells.VALUE_CODES.get(text.casefold()) or cells.marker_status(text)
    if code is not None:
        return (np.nan, code)
    number = cells.parse_number(text)
    if number is None:
        return (np.nan, None)
    return (number, STATUS_OK) if cells.within_magnitude(number) else (np.nan, _TOO_LARGE)


def _too_large_message(value: str, column: str) -> str:
    return _(
        "Talet %(value)s i kolumnen %(column)s är orimligt stort: tal över 1 000 000 000 000 (tusen miljarder) tas "
        "inte emot. Kontrollera talet och decimaltecknet."
    ) % {"value": quote(value), "column": quote(column)}


def _value_and_status(table: _Table) -> tuple[np.ndarray, np.ndarray]:
    """The value (NaN unless its status is ok: a masked value is never shown, never 0) and the status: from the
    value cell (a number, UNK/MSK/INV, empty), overridden by a status column where there is one."""
    column = table.cols["value"]
    info = column.umap(_value_info)
    value = np.asarray([number for number, _status in info], dtype=np.float64)[column.codes]
    status = np.asarray([s if s is not None else "" for _number, s in info], dtype=object)[column.codes]
    table.errors.add_by_unique(
        column,
        status == "",
        lambda u: _("Talet %(value)s i kolumnen %(column)s kan inte läsas som ett tal.")
        % {"value": quote(u), "column": quote(column.name)},
    )
    table.errors.add_by_unique(column, status == _TOO_LARGE, lambda u: _too_large_message(u, column.name))
    bad_value = (status == "") | (status == _TOO_LARGE)
    status_col = table.col("status")
    if status_col is not None:
        words = status_col.umap(lambda u: cells.STATUS_WORDS.get(cells.norm_key(u), "?"))
        table.errors.add_by_unique(
            status_col,
            np.asarray([word == "?" for word in words], dtype=bool)[status_col.codes],
            lambda u: _(
                "Okänd status %(value)s i kolumnen %(column)s. Använd ok, UNK (okänt), MSK (maskerat), INV "
                "(ogiltigt) eller saknas."
            )
            % {"value": quote(u), "column": quote(status_col.name)},
        )
        given = np.asarray(["" if word in (None, "?") else word for word in words], dtype=object)[status_col.codes]
        status = np.where((given != "") & ~bad_value, given, status)
    return np.where(status != STATUS_OK, np.nan, value), status


def _count_value(text: str) -> float | None:
    if text.casefold() in cells.COUNT_BLANKS or cells.marker_status(text) is not None:
        return np.nan
    return cells.parse_number(text)


def _counts(table: _Table, name: str) -> np.ndarray:
    """A numerator or denominator column as numbers (NaN where blank); not a number, or negative, is an error."""
    column = table.col(name)
    if column is None:
        return np.full(table.n, np.nan)
    converted = column.umap(_count_value)
    bad = np.asarray([x is None for x in converted], dtype=bool)
    numbers = np.asarray([np.nan if x is None else x for x in converted], dtype=np.float64)
    table.errors.add_by_unique(
        column,
        bad[column.codes],
        lambda u: _("Talet %(value)s i kolumnen %(column)s kan inte läsas som ett tal.")
        % {"value": quote(u), "column": quote(column.name)},
    )
    table.errors.add_by_unique(
        column,
        (numbers < 0)[column.codes],
        lambda u: _("Värdet %(value)s i kolumnen %(column)s är negativt; täljare och nämnare kan inte vara negativa.")
        % {"value": quote(u), "column": quote(column.name)},
    )
    too_large = np.abs(numbers) > cells.MAX_MAGNITUDE  # inf too; NaN (blank) is not
    table.errors.add_by_unique(column, too_large[column.codes], lambda u: _too_large_message(u, column.name))
    return np.where(too_large, np.nan, numbers)[column.codes]


def _unit_rules(table: _Table, value: np.ndarray, numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """The rules for what the file's unit label says the row measures: a proportion ("andel", "procent", "%"),
    a count ("antal"); ``rules.unit_rules`` and the proportion's range. Returns the unit label per row."""
    label_col = table.col("unit_label")
    if label_col is None:
        return np.full(table.n, "", dtype=object)
    labels = label_col.strings()
    proportion = label_col.umap(_is_proportion, bool)[label_col.codes]
    count = label_col.umap(_is_count, bool)[label_col.codes]
    if proportion.any():
        _proportion_rule(table, labels, proportion, value, numerator, denominator)
    for breach in rules.unit_rules(value, numerator, denominator, percent=proportion, count=count):
        table.errors.add(breach.rows, table.cols[breach.column].name, breach.messages)
    return labels


def _proportion_rule(
    table: _Table, labels: np.ndarray, proportion: np.ndarray, value: np.ndarray, numerator: np.ndarray,
    denominator: np.ndarray,
) -> None:
    """Where the file's unit says "andel", "procent" or "%", the value lies within 0–100 and the numerator is no
    larger than the denominator."""
    with np.errstate(invalid="ignore"):
        too_big = proportion & (numerator > denominator) & (denominator >= 0)
        out_of_range = proportion & ((value < 0) | (value > 100))
    if too_big.any():
        rows = np.flatnonzero(too_big)
        num_col, den_col = table.cols["numerator"], table.cols["denominator"]
        message = _(
            "Täljaren %(numerator)s är större än nämnaren %(denominator)s, vilket inte går för en andel "
            "(måttenhet %(unit)s)."
        )
        table.errors.add(rows, num_col.name, [
            message % {"numerator": quote(num_col.uniques[num_col.codes[r]]),
                       "denominator": quote(den_col.uniques[den_col.codes[r]]), "unit": quote(labels[r])}
            for r in rows.tolist()
        ])
    if out_of_range.any():
        rows = np.flatnonzero(out_of_range)
        value_col = table.cols["value"]
        message = _(
            "Värdet %(value)s i kolumnen %(column)s ligger utanför 0–100, vilket inte går för en andel i procent "
            "(måttenhet %(unit)s)."
        )
        table.errors.add(rows, value_col.name, [
            message % {"value": quote(value_col.uniques[value_col.codes[r]]), "column": quote(value_col.name),
                       "unit": quote(labels[r])}
            for r in rows.tolist()
        ])


def _is_proportion(label: str) -> bool:
    low = label.casefold()
    return "andel" in low or "%" in low or "procent" in low


def _is_count(label: str) -> bool:
    """"Antal", "Antal (st)", "Antal besök": a count; not "Antal per 1 000 invånare" or "Antal besök/listad"."""
    low = label.casefold()
    return low.startswith(("antal", "count")) and not any(
        word in low for word in ("per ", "/", "%", "andel", "procent", "medel", "median")
    )


def _duplicates(table: _Table, rows: np.ndarray, unit: _Unit, period: _Period, sex_key: np.ndarray) -> None:
    """Two valid rows of the file that say the same indicator, unit, period and sex: both are errors, each naming
    the other rows."""
    if len(rows) < 2:
        return
    keys = _duplicate_keys(table, rows, unit, period, sex_key)
    duplicated = packed_keys(keys).duplicated(keep=False)
    if not duplicated.any():
        return
    members_of = keys[duplicated].groupby(list(keys.columns), sort=False).indices
    messages: dict[int, str] = {}
    for positions in members_of.values():
        members = rows[duplicated][positions]
        messages.update(_duplicate_messages(members, table.lines[members].tolist()))
    ordered = sorted(messages)
    table.errors.add(np.asarray(ordered, dtype=np.intp), None, [messages[r] for r in ordered])


def _duplicate_keys(table: _Table, rows: np.ndarray, unit: _Unit, period: _Period, sex_key: np.ndarray) -> pd.DataFrame:
    """Integer keys only (no string is compared row by row): the unit is its code, or its name when the code is
    empty, and the indicator its code, or the chart title where the code is empty."""
    code_col, chart_col = table.col("indicator_code"), table.col("chart_title")
    code_key = unit.code_key[rows]
    if code_col is not None:
        indicator = code_col.codes[rows]
        title = (
            np.where(indicator == code_col.uniques.index(""), chart_col.codes[rows], -1)
            if chart_col is not None and "" in code_col.uniques
            else np.full(len(rows), -1)
        )
    else:
        indicator, title = np.zeros(len(rows), dtype=np.intp), chart_col.codes[rows]
    return pd.DataFrame(
        {
            "i": indicator,
            "j": title,
            "k": unit.kind_key[rows],
            "c": code_key,
            "n": np.where(code_key >= 0, -1, unit.name_key[rows]),
            "p": period.key[period.col.codes[rows]],
            "s": sex_key[rows],
        }
    )


def _duplicate_messages(members: np.ndarray, member_lines: list[int]) -> dict[int, str]:
    head = member_lines[: DUPLICATES_SHOWN + 1]  # enough to name ten others for any member
    messages = {}
    for row, line in zip(members.tolist(), member_lines, strict=True):
        others = [str(x) for x in head if x != line][:DUPLICATES_SHOWN]
        more = len(member_lines) - 1 - len(others)
        if more > 0:
            messages[row] = _(
                "Samma indikator, enhet, period och kön finns också på rad %(lines)s och på %(more)s rader till."
            ) % {"lines": ", ".join(others), "more": more}
        else:
            messages[row] = _("Samma indikator, enhet, period och kön finns också på rad %(lines)s.") % {
                "lines": ", ".join(others)
            }
    return messages
