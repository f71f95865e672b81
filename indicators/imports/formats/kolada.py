"""Reading Kolada's JSON: an API v2/v3 data response (one envelope ``{"values": [...]}``) or a JSON array of such
pages, or a bare array of items. Each item names a ``kpi``, a unit (``ou`` for a clinic; ``municipality``
"0000" for the country, "00NN" for a region, else a municipality), a ``period`` and a list of ``values`` by
gender; see ``docs/indicator-import.md`` for how statuses map.

JSON nested deeper than ``MAX_DEPTH`` is refused before it is parsed: Python's parser is recursive, and a file
nested 100,000 levels deep would end it in a RecursionError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from common import textfiles
from indicators.imports.cells import Col, norm_key
from indicators.imports.frame import (
    FORMAT_KOLADA_JSON,
    STATUS_MASKED,
    STATUS_MISSING,
    Errors,
    ParseResult,
    RowError,
    file_error,
    quote,
)
from indicators.imports.normalize import normalize

# Kolada nests six levels at most (list of pages, page, its values, item, the item's values, entry).
MAX_DEPTH = 20
_MASK_WORDS = ("mask", "msk", "sekret", "skydd", "forfa", "few", "suppress", "anonym")
_FIELDS = ("indicator_code", "unit_code", "unit_name", "unit_kind", "period", "sex", "value", "status")
# The field each column comes from, as Kolada names it (the unit's is decided by the file).
_NAMES = {"indicator_code": "kpi", "period": "period", "sex": "gender", "value": "value", "status": "status"}


@dataclass
class _Items:
    """The value entries of the file as columns of strings, one row per entry, and the item-level errors."""

    rows: dict[str, list[object]] = field(default_factory=lambda: {k: [] for k in _FIELDS})
    lines: list[int] = field(default_factory=list)
    deleted: list[bool] = field(default_factory=list)
    problems: list[tuple[int, str | None, str]] = field(default_factory=list)  # (line, field, message)
    unit_fields: set[str] = field(default_factory=set)


def read_kolada_json(content: bytes) -> ParseResult:
    if textfiles.detect_encoding(content) != "utf-8-sig":
        return file_error(FORMAT_KOLADA_JSON, _("JSON-filen måste vara kodad som UTF-8."))
    data = _load(content)
    if isinstance(data, ParseResult):
        return data
    items = _item_list(data)
    if items is None or (items and not any(isinstance(it, dict) and "kpi" in it for it in items)):
        return file_error(
            FORMAT_KOLADA_JSON,
            _(
                "JSON-filen har inte Koladas format: den ska innehålla en lista ”values” med poster som "
                "har fälten ”kpi”, ”municipality” eller ”ou”, ”period” och ”values”."
            ),
        )
    collected = _Items()
    for index, item in enumerate(items, start=1):
        _collect(collected, index, item)
    return _normalized(collected, empty=not items)


def _load(content: bytes) -> object:
    try:
        return textfiles.load_json(content.decode("utf-8-sig"), max_depth=MAX_DEPTH)
    except textfiles.JsonTooDeep:
        return file_error(
            FORMAT_KOLADA_JSON,
            _(
                "JSON-filen är nästlad i fler än %(depth)s nivåer, vilket Koladas format aldrig är. "
                "Kontrollera att det är rätt fil."
            )
            % {"depth": MAX_DEPTH},
        )
    except ValueError as exc:  # json.JSONDecodeError
        return file_error(
            FORMAT_KOLADA_JSON,
            _("Filen är inte giltig JSON (fel på rad %(line)s, position %(col)s).")
            % {"line": getattr(exc, "lineno", 1), "col": getattr(exc, "colno", 1)},
        )


def _item_list(data: object) -> list | None:
    """The items of an envelope, of a list of pages, or of a bare list; None when it is none of them."""
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        return list(data["values"])
    if (
        isinstance(data, list)
        and data
        and all(isinstance(p, dict) and isinstance(p.get("values"), list) and "kpi" not in p for p in data)
    ):
        return [it for page in data for it in page["values"]]
    if isinstance(data, list) and all(isinstance(it, dict) and "kpi" in it for it in data):
        return list(data)
    return None


def _unit(item: dict) -> tuple[str, str, str, str] | None:
    """(unit_kind, unit_code, unit_name, field name) for an item."""
    if "ou" in item and item["ou"] not in (None, ""):
        return ("clinic", str(item["ou"]), "", "ou")
    municipality = item.get("municipality")
    if municipality in (None, ""):
        return None
    code = str(municipality)
    if code == "0000":
        return ("nation", code, "Riket", "municipality")
    if re.fullmatch(r"00\d{2}", code):
        return ("region", code, "", "municipality")
    return ("municipality", code, "", "municipality")


def _status(value: object, status: object) -> str:
    """Status for one value entry: "" (decided from the value: ok) when there is a value, else masked or
    missing by the words of its status."""
    if value is not None:
        return ""
    key = norm_key(str(status or ""))
    return STATUS_MASKED if any(word in key for word in _MASK_WORDS) else STATUS_MISSING


def _item_problems(index: int, item: dict, unit) -> list[tuple[int, str | None, str]]:
    missing = _("Posten saknar fältet %(field)s.")
    problems = []
    if item.get("kpi") in (None, ""):
        problems.append((index, "kpi", missing % {"field": quote("kpi")}))
    if unit is None:
        problems.append((index, "municipality", missing % {"field": quote("municipality/ou")}))
    if item.get("period") in (None, ""):
        problems.append((index, "period", missing % {"field": quote("period")}))
    if not isinstance(item.get("values"), list):
        problems.append((index, "values", _("Posten saknar listan %(field)s.") % {"field": quote("values")}))
    return problems


def _collect(collected: _Items, index: int, item: object) -> None:
    """One item's value entries as rows (or its problems)."""
    if not isinstance(item, dict):
        collected.problems.append((index, None, _("Posten är inte ett JSON-objekt.")))
        return
    unit = _unit(item)
    problems = _item_problems(index, item, unit)
    if problems:
        collected.problems.extend(problems)
        return
    collected.unit_fields.add(unit[3])
    item_deleted = bool(item.get("is_deleted") or item.get("isdeleted"))
    for entry in item["values"]:
        if not isinstance(entry, dict):
            collected.problems.append(
                (index, "values", _("Ett värde i listan %(field)s är inte ett JSON-objekt.") % {"field": quote("values")})
            )
            continue
        value = entry.get("value")
        collected.lines.append(index)
        collected.deleted.append(item_deleted or bool(entry.get("is_deleted") or entry.get("isdeleted")))
        row = collected.rows
        row["indicator_code"].append(str(item["kpi"]))
        row["unit_kind"].append(unit[0])
        row["unit_code"].append(unit[1])
        row["unit_name"].append(unit[2])
        row["period"].append(str(item["period"]))
        row["sex"].append("" if entry.get("gender") is None else str(entry.get("gender")))
        row["value"].append(_value_text(value))
        row["status"].append(_status(value, entry.get("status")))


# JSON's own spelling of the numbers Python reads as NaN or infinite (also 1e999), so a refusal quotes what the file
# says.
_NON_FINITE_TEXT = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _value_text(value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return _NON_FINITE_TEXT.get(repr(value), repr(value))
    return "" if value is None else str(value)


def _normalized(collected: _Items, *, empty: bool) -> ParseResult:
    n = len(collected.lines)
    lines = np.asarray(collected.lines, dtype=np.int64)
    unit_field = "/".join(sorted(collected.unit_fields, reverse=True)) or "municipality"
    names = {**dict.fromkeys(("unit_code", "unit_name", "unit_kind"), unit_field), **_NAMES}
    cols = {k: Col.from_values(names[k], v) for k, v in collected.rows.items()}
    cols["source"] = Col.constant("source", "Kolada", n)
    errors = Errors(n)
    frame = normalize(cols, lines, errors=errors, deleted=np.asarray(collected.deleted, dtype=bool))
    row_errors = errors.build(lines) + [RowError(ln, f, m) for ln, f, m in collected.problems]
    row_errors.sort(key=lambda e: e.line or 0)
    total = n + len({ln for ln, _f, _m in collected.problems} - set(collected.lines))
    if empty:
        row_errors.append(RowError(None, None, _("JSON-filen innehåller inga värden.")))
    return ParseResult(format=FORMAT_KOLADA_JSON, frame=frame, errors=row_errors, total_rows=total)
