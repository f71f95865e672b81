"""Parse indicator data files into one normalized :class:`pandas.DataFrame`.

Supported inputs (see ``docs/indicator-import.md`` for the user-facing description):

* ``vis_csv``      – CSV export from Vården i siffror ("Ladda ner data"): ``;``, decimal comma,
  UTF-8 with or without byte-order mark, ``UNK``/``MSK``/``INV`` value codes.
* ``generic_csv``  – the application's own documented layout (Swedish or English header names),
  UTF-8 (with/without BOM) or Windows-1252, ``;`` / ``,`` / tab separated, decimal comma or point.
* ``generic_xlsx`` – the same layout (or a Vården i siffror export) saved as an Excel workbook.
* ``kolada_json``  – Kolada API v2/v3 data responses (one envelope or a JSON array of pages).

Everything is keyed on header names (case-, whitespace-, punctuation- and diacritic-insensitive),
never on column order; unknown extra columns are ignored.

Performance: CSV files are read with ``pandas.read_csv(dtype="category")`` and every conversion
(numbers, periods, sex, unit types, formula checks) is computed once per *distinct* cell value and
broadcast to the rows through the categorical codes.  Python-level loops only run over distinct
values and over the rows that have errors.

Output (``ParseResult.frame``), one row per valid data row, columns in this order:

==============  ===========  ==========================================================
column          dtype        meaning
==============  ===========  ==========================================================
line            int64        row number as the user sees it (header = 1); JSON: item index
indicator_code  str          VIS ``Indikator-Id`` (else ``Diagramrubrik``); Kolada kpi id
indicator_name  str          may be ""
source          str          ``Register/källa`` / ``källa``; "Kolada" for Kolada; may be ""
unit_label      str          ``Måttenhet`` as given, may be ""
unit_kind       str          "clinic" | "region" | "nation" | "municipality"
unit_code       str          HSA-id/Enhetskod, region code, Kolada id; "" when absent
unit_name       str          may be ""
period_start    object       :class:`datetime.date` (first day of the period)
period_end      object       :class:`datetime.date` (last day of the period)
period_label    str          the period as written in the file
granularity     str          "year" | "half" | "quarter" | "month"
sex             str          "T" | "K" | "M"
value           float64      NaN unless status == "ok"
numerator       float64      NaN when missing
denominator     float64      NaN when missing
status          str          "ok" | "unknown" | "masked" | "invalid" | "missing"
deleted         bool         Kolada ``is_deleted`` / ``isdeleted``
==============  ===========  ==========================================================
"""

from __future__ import annotations

import calendar
import codecs
import csv
import datetime as dt
import io
import json
import re
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

__all__ = [
    "FORMAT_GENERIC_CSV",
    "FORMAT_GENERIC_XLSX",
    "FORMAT_KOLADA_JSON",
    "FORMAT_VIS_CSV",
    "FRAME_COLUMNS",
    "ParseResult",
    "RowError",
    "parse_file",
    "parse_period",
]

FORMAT_VIS_CSV = "vis_csv"
FORMAT_GENERIC_CSV = "generic_csv"
FORMAT_GENERIC_XLSX = "generic_xlsx"
FORMAT_KOLADA_JSON = "kolada_json"

STATUS_OK = "ok"
STATUS_UNKNOWN = "unknown"
STATUS_MASKED = "masked"
STATUS_INVALID = "invalid"
STATUS_MISSING = "missing"

FRAME_COLUMNS: tuple[str, ...] = (
    "line",
    "indicator_code",
    "indicator_name",
    "source",
    "unit_label",
    "unit_kind",
    "unit_code",
    "unit_name",
    "period_start",
    "period_end",
    "period_label",
    "granularity",
    "sex",
    "value",
    "numerator",
    "denominator",
    "status",
    "deleted",
)
_STR_COLUMNS = (
    "indicator_code",
    "indicator_name",
    "source",
    "unit_label",
    "unit_kind",
    "unit_code",
    "unit_name",
    "period_label",
    "granularity",
    "sex",
    "status",
)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


# --------------------------------------------------------------------------------------------
# Public result types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem found in the file.

    ``line`` is the row number as the user sees it in the file (header line = 1, first data
    row = 2; Excel row number for XLSX; 1-based item index for Kolada JSON) or ``None`` for
    problems with the file as a whole.  ``column`` is the column/field name as written in the
    file, or ``None``.  ``message`` is already translated.
    """

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.line is not None and self.column:
            return _("Rad %(line)s, kolumn %(column)s: %(message)s") % {
                "line": self.line,
                "column": _quote(self.column),
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
    data: dict[str, object] = {}
    for name in FRAME_COLUMNS:
        if name == "line":
            data[name] = pd.Series([], dtype="int64")
        elif name in ("value", "numerator", "denominator"):
            data[name] = pd.Series([], dtype="float64")
        elif name == "deleted":
            data[name] = pd.Series([], dtype="bool")
        elif name in ("period_start", "period_end"):
            data[name] = pd.Series([], dtype="object")
        else:
            data[name] = pd.Series([], dtype="str")
    return pd.DataFrame(data)


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def parse_file(
    *,
    filename: str,
    content: bytes,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ParseResult:
    """Detect the format of ``content`` and parse it.

    Never raises for bad input: every problem is reported in ``ParseResult.errors``.  Rows with
    errors are left out of ``ParseResult.frame``; valid rows are kept.
    """
    kind = _sniff_kind(filename, content)
    fallback_format = {
        "xlsx": FORMAT_GENERIC_XLSX,
        "json": FORMAT_KOLADA_JSON,
    }.get(kind, FORMAT_GENERIC_CSV)

    if len(content) > max_bytes:
        return _file_error(
            fallback_format,
            _("Filen är för stor (%(size)s). Största tillåtna storlek är %(max)s.")
            % {"size": _format_size(len(content)), "max": _format_size(max_bytes)},
        )
    if not content or not content.lstrip(b"\xef\xbb\xbf \t\r\n\x0c"):
        return _file_error(fallback_format, _("Filen är tom."))

    if kind == "utf16":
        return _file_error(fallback_format, _msg_utf16())
    if kind == "xls":
        return _file_error(
            FORMAT_GENERIC_XLSX,
            _(
                "Gamla Excel-filer (.xls) stöds inte. Spara filen som Excel-arbetsbok (.xlsx) "
                "eller som CSV och försök igen."
            ),
        )
    if kind == "binary":
        return _file_error(fallback_format, _msg_binary())
    if kind == "xlsx":
        return _parse_xlsx(content)
    if kind == "json":
        return _parse_kolada_json(content)
    return _parse_csv(content)


def _file_error(fmt: str, message: str, column: str | None = None) -> ParseResult:
    return ParseResult(format=fmt, frame=empty_frame(), errors=[RowError(None, column, message)], total_rows=0)


def _msg_utf16() -> str:
    return _(
        "Filen är sparad som UTF-16, vilket inte stöds. Spara den som ”CSV UTF-8” eller "
        "”CSV (semikolonavgränsad)” och försök igen."
    )


def _msg_binary() -> str:
    return _("Filen innehåller binära data och kan inte läsas som text. Ladda upp en CSV-, XLSX- eller JSON-fil.")


def _format_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")
    if n >= 1024:
        return f"{n / 1024:.1f} kB".replace(".", ",")
    return f"{n} B"


_UTF8_BOM = b"\xef\xbb\xbf"


def _sniff_kind(filename: str, content: bytes) -> str:
    """Classify the bytes: xlsx, xls, json, csv, utf16 or binary. Content wins over name."""
    head = content[:8]
    lower = (filename or "").lower()
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    sample = content[:65536]
    if b"\x00" in sample or content.find(b"\x00") != -1:
        # UTF-16 without BOM has a NUL in every other byte for ASCII text.
        even = sample[0::2].count(0)
        odd = sample[1::2].count(0)
        half = max(1, len(sample) // 2)
        if max(even, odd) > 0.3 * half:
            return "utf16"
        return "binary"
    if head.startswith((b"%PDF", b"\x1f\x8b")):
        return "binary"
    controls = sum(sample.count(bytes([c])) for c in (*range(1, 9), 11, *range(14, 32)))
    if controls > max(2, len(sample) // 100):
        return "binary"
    stripped = sample.lstrip(_UTF8_BOM + b" \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return "json"
    if lower.endswith((".xlsx", ".xlsm")) and content:
        # Named like a workbook but not a zip: report it as a broken workbook.
        return "xlsx"
    return "csv"


# --------------------------------------------------------------------------------------------
# Header mapping
# --------------------------------------------------------------------------------------------


def _norm_key(text: str) -> str:
    """Header/keyword normalisation: drop diacritics, case, whitespace and punctuation."""
    text = unicodedata.normalize("NFKD", str(text).replace("\ufeff", ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", text.casefold())


# canonical field -> accepted header names (normalised with _norm_key)
_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator_code": (
        "indikator",
        "indikatorid",
        "indikatorkod",
        "indicator",
        "indicatorid",
        "indicatorcode",
        "kpi",
    ),
    "chart_title": ("diagramrubrik",),
    "indicator_name": ("indikatornamn", "titel", "indicatorname", "title"),
    "source": ("kalla", "registerkalla", "register", "datakalla", "source"),
    "unit_kind": ("enhetstyp", "unittype", "unitkind"),
    "region_code": ("regionskod", "regionkod", "regioncode"),
    "unit_code": (
        "enhet",
        "hsaid",
        "enhetskod",
        "enhetsid",
        "unit",
        "unitcode",
        "unitid",
    ),
    "unit_name": ("enhetsnamn", "unitname"),
    "sex": ("kon", "kontotalt", "sex", "gender"),
    "period": ("period", "matperiod", "tidsperiod", "ar", "year"),
    "value": ("varde", "value"),
    "numerator": ("taljare", "numerator"),
    "denominator": ("namnare", "namnareantalfall", "antalfall", "denominator"),
    "unit_label": ("mattenhet", "matt", "unitlabel", "unitofmeasure", "measure"),
    "status": ("status", "vardestatus"),
}
_ALIAS_LOOKUP = {alias: fieldname for fieldname, aliases in _ALIASES.items() for alias in aliases}
# Header names that only occur in Vården i siffror exports.
_VIS_MARKERS = frozenset(
    {
        "diagramrubrik",
        "matperiod",
        "kontotalt",
        "namnareantalfall",
        "registerkalla",
        "regionskod",
        "enhetskod",
        "indikatorid",
    }
)
_TEXT_FIELDS = (
    "indicator_code",
    "chart_title",
    "indicator_name",
    "source",
    "unit_kind",
    "region_code",
    "unit_code",
    "unit_name",
    "unit_label",
    "status",
)


@dataclass
class _Layout:
    is_vis: bool
    columns: dict[str, int]  # canonical field -> column index
    names: dict[str, str]  # canonical field -> header as written in the file


def _clean_header(name: object) -> str:
    return (
        unicodedata.normalize("NFC", str(name if name is not None else ""))
        .replace("\ufeff", "")
        .strip()
        .strip('"')
        .strip()
    )


def _map_header(headers: Sequence[str], header_line: int = 1) -> tuple[_Layout | None, list[RowError]]:
    cleaned = [_clean_header(h) for h in headers]
    keys = [_norm_key(h) for h in cleaned]
    is_vis = any(k in _VIS_MARKERS for k in keys)
    found: dict[str, list[int]] = {}
    for idx, key in enumerate(keys):
        fieldname = _ALIAS_LOOKUP.get(key)
        if fieldname is not None:
            found.setdefault(fieldname, []).append(idx)

    errors: list[RowError] = []
    for fieldname, idxs in found.items():
        if len(idxs) > 1:
            errors.append(
                RowError(
                    header_line,
                    None,
                    _("Kolumnerna %(columns)s betyder samma sak. Ta bort alla utom en.")
                    % {"columns": ", ".join(_quote(cleaned[i]) for i in idxs)},
                )
            )

    missing: list[str] = []
    if is_vis:
        required_text = _("Diagramrubrik eller Indikator-Id, Enhetsnamn eller Enhetskod, Mätperiod, Värde")
        if "indicator_code" not in found and "chart_title" not in found:
            missing.append(_("Diagramrubrik eller Indikator-Id"))
        if "unit_code" not in found and "unit_name" not in found:
            missing.append(_("Enhetsnamn eller Enhetskod"))
        if "period" not in found:
            missing.append("Mätperiod")
        if "value" not in found:
            missing.append("Värde")
    else:
        required_text = _("indikator, enhet (eller hsa-id), period, värde")
        if "indicator_code" not in found:
            missing.append(_("indikator"))
        if "unit_code" not in found:
            missing.append(_("enhet (eller hsa-id)"))
        if "period" not in found:
            missing.append(_("period"))
        if "value" not in found:
            missing.append(_("värde"))
    if missing:
        shown = [c for c in cleaned if c]
        errors.insert(
            0,
            RowError(
                None,
                None,
                _(
                    "Rubrikraden matchar inget känt format. Hittade kolumner: %(found)s. "
                    "Obligatoriska kolumner: %(required)s. Saknas: %(missing)s."
                )
                % {
                    "found": ", ".join(_quote(c) for c in shown[:40]) or _("(inga)"),
                    "required": required_text,
                    "missing": ", ".join(missing),
                },
            ),
        )
    if errors:
        return None, errors
    columns = {f: idxs[0] for f, idxs in found.items()}
    names = {f: cleaned[i] for f, i in columns.items()}
    return _Layout(is_vis=is_vis, columns=columns, names=names), []


# --------------------------------------------------------------------------------------------
# Column of strings, stored as (codes, distinct values)
# --------------------------------------------------------------------------------------------


class _Col:
    """A column of cell strings stored as integer codes into a list of distinct stripped values.

    All conversions are done once per distinct value and broadcast with ``codes``.
    """

    __slots__ = ("codes", "name", "uniques")

    def __init__(self, name: str, codes: np.ndarray, uniques: Sequence[str]):
        # Normalise the distinct values (NFC + strip) and merge the ones that become equal.
        normalised = [unicodedata.normalize("NFC", u).strip() for u in uniques]
        new_codes, new_uniques = pd.factorize(np.asarray(normalised, dtype=object))
        self.name = name
        self.codes = new_codes[codes]
        self.uniques: list[str] = list(new_uniques)

    @classmethod
    def from_categorical(cls, name: str, series: pd.Series) -> _Col:
        cat = series.cat
        codes = cat.codes.to_numpy().astype(np.intp, copy=True)
        uniques = [str(c) for c in cat.categories]
        missing = codes < 0
        if missing.any():
            codes[missing] = len(uniques)
        uniques.append("")
        return cls(name, codes, uniques)

    @classmethod
    def from_values(cls, name: str, values: Sequence[object]) -> _Col:
        arr = np.asarray(["" if v is None else str(v) for v in values], dtype=object)
        if len(arr) == 0:
            return cls(name, np.zeros(0, dtype=np.intp), [""])
        codes, uniques = pd.factorize(arr)
        return cls(name, codes.astype(np.intp), list(uniques) + [""])

    @classmethod
    def constant(cls, name: str, value: str, n: int) -> _Col:
        return cls(name, np.zeros(n, dtype=np.intp), [value])

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, rows: np.ndarray) -> _Col:
        new = object.__new__(_Col)
        new.name = self.name
        new.codes = self.codes[rows]
        new.uniques = self.uniques
        return new

    def umap(self, func: Callable[[str], object], dtype: object = object) -> np.ndarray:
        """Apply ``func`` to every distinct value; returns an array aligned with ``uniques``."""
        out = np.empty(len(self.uniques), dtype=dtype)
        for i, u in enumerate(self.uniques):
            out[i] = func(u)
        return out

    def map(self, func: Callable[[str], object], dtype: object = object) -> np.ndarray:
        return self.umap(func, dtype)[self.codes]

    def strings(self) -> np.ndarray:
        return np.asarray(self.uniques, dtype=object)[self.codes]

    def empty_mask(self) -> np.ndarray:
        return self.umap(lambda u: u == "", bool)[self.codes]


# --------------------------------------------------------------------------------------------
# Value parsers (applied per distinct value)
# --------------------------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SPACES = str.maketrans({" ": None, "\u00a0": None, "\u202f": None, "\u2009": None, "'": None})


_GROUPED_RE = {
    ",": re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"),  # 1,234.5
    ".": re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?"),  # 1.234,5
}


def _parse_number(text: str) -> float | None:
    """Swedish/English number, or None when the text is not a number.

    Decimal comma or point; spaces (also non-breaking) as thousands separators.  When both a
    comma and a point occur, the last one is the decimal separator and the other must group
    thousands (``1,234.5`` or ``1.234,5``).  A lone comma is always a decimal comma.
    """
    t = text.translate(_SPACES).replace("\u2212", "-")
    t = t.removesuffix("%")
    if "," in t and "." in t:
        thousands = "," if t.rfind(",") < t.rfind(".") else "."
        if not _GROUPED_RE[thousands].fullmatch(t):
            return None
        t = t.replace(thousands, "")
    t = t.replace(",", ".")
    if not _NUMBER_RE.fullmatch(t):
        return None
    return float(t)


_VALUE_CODES = {"unk": STATUS_UNKNOWN, "msk": STATUS_MASKED, "inv": STATUS_INVALID}
_COUNT_BLANKS = frozenset({"", "-", "–", "—", "..", ".", "unk", "msk", "inv"})

_STATUS_WORDS = {
    "": None,
    "ok": None,
    "giltig": None,
    "unk": STATUS_UNKNOWN,
    "unknown": STATUS_UNKNOWN,
    "okand": STATUS_UNKNOWN,
    "okant": STATUS_UNKNOWN,
    "msk": STATUS_MASKED,
    "masked": STATUS_MASKED,
    "maskerad": STATUS_MASKED,
    "maskerat": STATUS_MASKED,
    "sekretess": STATUS_MASKED,
    "forfa": STATUS_MASKED,
    "inv": STATUS_INVALID,
    "invalid": STATUS_INVALID,
    "ogiltig": STATUS_INVALID,
    "ogiltigt": STATUS_INVALID,
    "missing": STATUS_MISSING,
    "saknas": STATUS_MISSING,
    "saknad": STATUS_MISSING,
    "saknat": STATUS_MISSING,
}

_SEX_WORDS = {
    "": "T",
    "t": "T",
    "totalt": "T",
    "total": "T",
    "alla": "T",
    "all": "T",
    "bada": "T",
    "badakonen": "T",
    "both": "T",
    "samtliga": "T",
    "k": "K",
    "kvinnor": "K",
    "kvinna": "K",
    "f": "K",
    "female": "K",
    "females": "K",
    "women": "K",
    "woman": "K",
    "flickor": "K",
    "m": "M",
    "man": "M",
    "male": "M",
    "males": "M",
    "men": "M",
    "pojkar": "M",
}

_KIND_WORDS = {
    "vardenhet": "clinic",
    "vardenheter": "clinic",
    "vardcentral": "clinic",
    "vardcentraler": "clinic",
    "halsocentral": "clinic",
    "halsocentraler": "clinic",
    "huslakarmottagning": "clinic",
    "mottagning": "clinic",
    "enhet": "clinic",
    "primarvardsenhet": "clinic",
    "klinik": "clinic",
    "sjukhus": "clinic",
    "clinic": "clinic",
    "vc": "clinic",
    "unit": "clinic",
    "region": "region",
    "regioner": "region",
    "landsting": "region",
    "lan": "region",
    "riket": "nation",
    "sverige": "nation",
    "helariket": "nation",
    "nation": "nation",
    "national": "nation",
    "country": "nation",
    "kommun": "municipality",
    "kommuner": "municipality",
    "municipality": "municipality",
}
_NATION_NAMES = frozenset({"riket", "sverige", "helariket", "helalandet", "nation"})


def _kind_from_name(name: str) -> str:
    if name == "":
        return ""
    key = _norm_key(name)
    if key in _NATION_NAMES:
        return "nation"
    low = name.casefold()
    if low.startswith(("region ", "landstinget ")) or low.endswith("regionen"):
        return "region"
    return "clinic"


def _kind_from_code(code: str) -> str:
    if code == "":
        return ""
    if _norm_key(code) in _NATION_NAMES:
        return "nation"
    if re.fullmatch(r"\d{2}", code):  # län/region code, e.g. "03"
        return "region"
    return ""


def _looks_like_formula(text: str) -> bool:
    """A text cell that a spreadsheet would evaluate: starts with = + - @ and is not a number."""
    if not text or text[0] not in "=+-@":
        return False
    if text[0] in "=@":
        return True
    if set(text) <= {"-", "+", " "}:  # "-", "--" placeholders
        return False
    return _parse_number(text) is None


# ---- periods --------------------------------------------------------------------------------

_MONTHS = {
    "jan": 1,
    "januari": 1,
    "january": 1,
    "feb": 2,
    "febr": 2,
    "februari": 2,
    "february": 2,
    "mar": 3,
    "mars": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "maj": 5,
    "may": 5,
    "jun": 6,
    "juni": 6,
    "june": 6,
    "jul": 7,
    "juli": 7,
    "july": 7,
    "aug": 8,
    "augusti": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "okt": 10,
    "oct": 10,
    "oktober": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_RANGE_KIND = {
    (1, 12): ("year", 0),
    (1, 6): ("half", 1),
    (7, 12): ("half", 2),
    (1, 3): ("quarter", 1),
    (4, 6): ("quarter", 2),
    (7, 9): ("quarter", 3),
    (10, 12): ("quarter", 4),
}
_MONTH_RE = "[a-zåäö]+"
_QUARTER_RES = (
    re.compile(r"(?:kv|kvartal|kvartalet|q|k)\s*([1-4])"),
    re.compile(r"([1-4])\s*(?::?\s*(?:a|e)\s*)?(?:kv|kvartal|kvartalet|q)"),
)
_HALF_RES = (
    re.compile(r"(?:h|hå|ha|halvår|halvar|halvåret|halvaret)\s*([12])"),
    re.compile(r"([12])\s*(?::?\s*(?:a|e)\s*)?(?:h|halvår|halvar|halvåret|halvaret)"),
)
_MONTH_RANGE_RE = re.compile(rf"({_MONTH_RE})\s*-\s*({_MONTH_RE})")
_YEAR_FIRST_RE = re.compile(r"(\d{4})\s*[-/,:]?\s*(.+)")
_YEAR_LAST_RE = re.compile(r"(.+?)\s*[-/,:]?\s*(\d{4})")


def _period_span(year: int, granularity: str, number: int) -> tuple[dt.date, dt.date, str]:
    if granularity == "year":
        first, last = 1, 12
    elif granularity == "half":
        first = 1 if number == 1 else 7
        last = first + 5
    elif granularity == "quarter":
        first = 3 * (number - 1) + 1
        last = first + 2
    else:
        first = last = number
    end_day = calendar.monthrange(year, last)[1]
    return dt.date(year, first, 1), dt.date(year, last, end_day), granularity


def _period_rest(rest: str) -> tuple[str, int] | None:
    """The part after (or before) the year: month, quarter, half-year or a month range."""
    rest = rest.strip(" .")
    if rest in ("helår", "helar", "hela året", "hela aret", "år", "ar"):
        return ("year", 0)
    for rx in _QUARTER_RES:
        m = rx.fullmatch(rest)
        if m:
            return ("quarter", int(m.group(1)))
    for rx in _HALF_RES:
        m = rx.fullmatch(rest)
        if m:
            return ("half", int(m.group(1)))
    m = _MONTH_RANGE_RE.fullmatch(rest)
    if m:
        a = _MONTHS.get(m.group(1).rstrip("."))
        b = _MONTHS.get(m.group(2).rstrip("."))
        if a is None or b is None:
            return None
        return _RANGE_KIND.get((a, b))
    if rest in _MONTHS:
        return ("month", _MONTHS[rest])
    if re.fullmatch(r"\d{1,2}", rest) and 1 <= int(rest) <= 12:
        return ("month", int(rest))
    m = re.fullmatch(r"m\s*(\d{1,2})", rest)
    if m and 1 <= int(m.group(1)) <= 12:
        return ("month", int(m.group(1)))
    return None


def parse_period(label: str) -> tuple[dt.date, dt.date, str] | None:
    """Parse a period label; returns ``(first_day, last_day, granularity)`` or ``None``.

    Accepted (case-insensitive, Swedish or English month names, full or abbreviated):
    ``2023``; ``2023-05``, ``2023/5``, ``202305``, ``2023M05``, ``2023-05-01`` (a date means its
    month); ``2023 maj``, ``maj 2023``; ``2023 jan-jun``/``2023 jul-dec``, ``2023 H1``,
    ``2023 halvår 1``; ``2023 kv 2``, ``2023 kvartal 2``, ``2023 Q2``, ``2023 jan-mar``.
    """
    text = re.sub(r"\s+", " ", label.replace("–", "-").replace("—", "-").casefold().strip())
    text = re.sub(rf"({_MONTH_RE})\.", r"\1", text)  # "jan.-jun." -> "jan-jun"
    if not text:
        return None
    result: tuple[str, int] | None = None
    year: int | None = None
    if re.fullmatch(r"\d{4}", text):
        year, result = int(text), ("year", 0)
    elif m := re.fullmatch(r"(\d{4})(?:\s*[-/.]\s*(\d{1,2})|(\d{2}))", text):  # 2023-05, 2023/5, 202305
        year, result = int(m.group(1)), ("month", int(m.group(2) or m.group(3)))
    elif m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", text):
        year, result = int(m.group(1)), ("month", int(m.group(2)))
        try:
            dt.date(year, result[1], int(m.group(3)))
        except ValueError:
            return None
    elif m := re.fullmatch(r"(\d{1,2})\s*[-/.]\s*(\d{4})", text):
        year, result = int(m.group(2)), ("month", int(m.group(1)))
    elif m := _YEAR_FIRST_RE.fullmatch(text):
        year, result = int(m.group(1)), _period_rest(m.group(2))
    elif m := _YEAR_LAST_RE.fullmatch(text):
        year, result = int(m.group(2)), _period_rest(m.group(1))
    if result is None or year is None or not 1900 <= year <= 2100:
        return None
    granularity, number = result
    if granularity == "month" and not 1 <= number <= 12:
        return None
    return _period_span(year, granularity, number)


# --------------------------------------------------------------------------------------------
# Shared normalisation of a table of string columns
# --------------------------------------------------------------------------------------------


def _quote(value: object, limit: int = 60) -> str:
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"”{text}”"


class _Errors:
    """Collects row errors as (row indices, column, messages) chunks; cheap for many rows."""

    def __init__(self, n: int):
        self.bad = np.zeros(n, dtype=bool)
        self.chunks: list[tuple[np.ndarray, str | None, Sequence[str] | str]] = []

    def add(self, rows: np.ndarray, column: str | None, messages: Sequence[str] | str) -> None:
        if len(rows):
            self.bad[rows] = True
            self.chunks.append((rows, column, messages))

    def add_by_unique(
        self, col: _Col, mask: np.ndarray, message_for: Callable[[str], str], column: str | None = None
    ) -> None:
        """Error on rows in ``mask``; the message is computed once per distinct cell value."""
        rows = np.flatnonzero(mask)
        if not len(rows):
            return
        codes = col.codes[rows]
        cache: dict[int, str] = {}
        for code in np.unique(codes):
            cache[int(code)] = message_for(col.uniques[code])
        self.add(rows, col.name if column is None else column, [cache[c] for c in codes.tolist()])

    def build(self, lines: np.ndarray) -> list[RowError]:
        out: list[tuple[int, int, RowError]] = []
        for order, (rows, column, messages) in enumerate(self.chunks):
            row_lines = lines[rows].tolist()
            if isinstance(messages, str):
                out.extend((ln, order, RowError(ln, column, messages)) for ln in row_lines)
            else:
                out.extend((ln, order, RowError(ln, column, msg)) for ln, msg in zip(row_lines, messages, strict=True))
        out.sort(key=lambda t: (t[0], t[1]))
        return [t[2] for t in out]


def _is_proportion(label: str) -> bool:
    low = label.casefold()
    return "andel" in low or "%" in low or "procent" in low


def _normalize(
    cols: dict[str, _Col],
    lines: np.ndarray,
    *,
    errors: _Errors,
    deleted: np.ndarray | None = None,
) -> pd.DataFrame:
    """Validate and convert the string columns; returns the frame of valid rows."""
    n = len(lines)

    def col(name: str) -> _Col | None:
        return cols.get(name)

    def text(name: str) -> np.ndarray:
        c = cols.get(name)
        return c.strings() if c is not None else np.full(n, "", dtype=object)

    # -- formula-looking text cells ------------------------------------------------------
    for name in _TEXT_FIELDS:
        c = col(name)
        if c is None:
            continue
        bad_u = c.umap(_looks_like_formula, bool)
        if bad_u.any():
            errors.add_by_unique(
                c,
                bad_u[c.codes],
                lambda u: (
                    _(
                        "Texten %(value)s börjar med %(char)s och ser ut som en kalkylbladsformel. "
                        "Sådana celler tas inte emot; ta bort tecknet i början."
                    )
                    % {"value": _quote(u), "char": _quote(u[0])}
                ),
            )

    # -- indicator ------------------------------------------------------------------------
    code_col, chart_col = col("indicator_code"), col("chart_title")
    indicator = text("indicator_code")
    if chart_col is not None:
        chart = chart_col.strings()
        indicator = np.where(indicator == "", chart, indicator)
    missing_ind = indicator == ""
    if missing_ind.any():
        shown = code_col.name if code_col is not None else chart_col.name  # type: ignore[union-attr]
        errors.add(
            np.flatnonzero(missing_ind),
            shown,
            _("Indikator saknas i kolumnen %(column)s.") % {"column": _quote(shown)},
        )
    name_arr = text("indicator_name")
    if chart_col is not None:
        name_arr = np.where(name_arr == "", chart_col.strings(), name_arr)

    # -- unit kind, code and name -----------------------------------------------------------
    unit_code = text("unit_code")
    unit_name = text("unit_name")
    kind_col = col("unit_kind")
    if kind_col is not None:
        kind_u = kind_col.umap(lambda u: "" if u == "" else _KIND_WORDS.get(_norm_key(u)))
        unknown = np.asarray([k is None for k in kind_u], dtype=bool)
        if unknown.any():
            errors.add_by_unique(
                kind_col,
                unknown[kind_col.codes],
                lambda u: (
                    _(
                        "Okänd enhetstyp %(value)s i kolumnen %(column)s. Använd vårdcentral "
                        "(vårdenhet), region, riket eller kommun."
                    )
                    % {"value": _quote(u), "column": _quote(kind_col.name)}
                ),
            )
        kind_u = np.asarray(["" if k is None else k for k in kind_u], dtype=object)
        kind = kind_u[kind_col.codes]
    else:
        kind = np.full(n, "", dtype=object)
    need = kind == ""
    if need.any():
        ucol, ncol_ = col("unit_code"), col("unit_name")
        from_code = ucol.map(_kind_from_code) if ucol is not None else np.full(n, "", dtype=object)
        from_name = ncol_.map(_kind_from_name) if ncol_ is not None else np.full(n, "", dtype=object)
        inferred = np.where(from_code != "", from_code, from_name)
        inferred = np.where(inferred == "", "clinic", inferred)
        kind = np.where(need, inferred, kind)
    region_col = col("region_code")
    if region_col is not None:
        region = region_col.strings()
        use_region = (kind == "region") & (region != "")
        unit_code = np.where(use_region, region, unit_code)
    no_unit = (unit_code == "") & (unit_name == "") & (kind != "nation")
    if no_unit.any():
        named = [c.name for c in (col("unit_code"), col("unit_name")) if c is not None]
        errors.add(
            np.flatnonzero(no_unit),
            named[0] if named else None,
            _("Enhet saknas: varken enhetskod eller enhetsnamn är ifyllt (kolumn %(columns)s).")
            % {"columns": ", ".join(_quote(x) for x in named)},
        )

    # -- period -------------------------------------------------------------------------------
    pcol = cols["period"]
    parsed_u = pcol.umap(lambda u: parse_period(u) if u else None)
    ok_u = np.asarray([p is not None for p in parsed_u], dtype=bool)
    period_ok = ok_u[pcol.codes]
    if not period_ok.all():
        errors.add_by_unique(
            pcol,
            ~period_ok,
            lambda u: (
                _("Period saknas i kolumnen %(column)s.") % {"column": _quote(pcol.name)}
                if u == ""
                else _(
                    "Perioden %(value)s i kolumnen %(column)s kan inte tolkas. Använd till "
                    "exempel 2023, 2023-05, 2023 maj, 2023 jan-jun eller 2023 kv 2."
                )
                % {"value": _quote(u), "column": _quote(pcol.name)}
            ),
        )
    start_u = np.asarray([p[0] if p else None for p in parsed_u], dtype=object)
    end_u = np.asarray([p[1] if p else None for p in parsed_u], dtype=object)
    gran_u = np.asarray([p[2] if p else "" for p in parsed_u], dtype=object)
    # a key per distinct *period* (different spellings of the same period collide)
    pkey_map: dict[tuple, int] = {}
    pkey_u = np.asarray(
        [pkey_map.setdefault((p[2], p[0]), len(pkey_map)) if p else -1 for p in parsed_u],
        dtype=np.int64,
    )

    # -- sex ----------------------------------------------------------------------------------
    scol = col("sex")
    if scol is not None:
        sex_u = scol.umap(lambda u: _SEX_WORDS.get(_norm_key(u)))
        bad_sex_u = np.asarray([s is None for s in sex_u], dtype=bool)
        sex_ok = ~bad_sex_u[scol.codes]
        if not sex_ok.all():
            errors.add_by_unique(
                scol,
                ~sex_ok,
                lambda u: (
                    _("Okänt kön %(value)s i kolumnen %(column)s. Använd Totalt, Kvinnor eller Män (T, K eller M).")
                    % {"value": _quote(u), "column": _quote(scol.name)}
                ),
            )
        sex = np.asarray(["" if s is None else s for s in sex_u], dtype=object)[scol.codes]
    else:
        sex_ok = np.ones(n, dtype=bool)
        sex = np.full(n, "T", dtype=object)

    # -- value and status -------------------------------------------------------------------
    vcol = cols["value"]

    def value_info(u: str) -> tuple[float, str | None]:
        if u == "":
            return (np.nan, STATUS_MISSING)
        code = _VALUE_CODES.get(u.casefold())
        if code is not None:
            return (np.nan, code)
        num = _parse_number(u)
        if num is None:
            return (np.nan, None)  # None = not a number -> error
        return (num, STATUS_OK)

    vinfo = vcol.umap(value_info)
    vnum_u = np.asarray([v[0] for v in vinfo], dtype=np.float64)
    vstat_u = np.asarray([v[1] if v[1] is not None else "" for v in vinfo], dtype=object)
    value = vnum_u[vcol.codes]
    status = vstat_u[vcol.codes]
    bad_value = status == ""
    if bad_value.any():
        errors.add_by_unique(
            vcol,
            bad_value,
            lambda u: (
                _("Talet %(value)s i kolumnen %(column)s kan inte läsas som ett tal.")
                % {"value": _quote(u), "column": _quote(vcol.name)}
            ),
        )
    stcol = col("status")
    if stcol is not None:
        st_u = stcol.umap(lambda u: _STATUS_WORDS.get(_norm_key(u), "?"))
        bad_st = np.asarray([s == "?" for s in st_u], dtype=bool)
        if bad_st.any():
            errors.add_by_unique(
                stcol,
                bad_st[stcol.codes],
                lambda u: (
                    _(
                        "Okänd status %(value)s i kolumnen %(column)s. Använd ok, UNK (okänt), "
                        "MSK (maskerat), INV (ogiltigt) eller saknas."
                    )
                    % {"value": _quote(u), "column": _quote(stcol.name)}
                ),
            )
        st_rows = np.asarray(["" if s in (None, "?") else s for s in st_u], dtype=object)[stcol.codes]
        override = st_rows != ""
        status = np.where(override & ~bad_value, st_rows, status)
    not_ok = status != STATUS_OK
    value = np.where(not_ok, np.nan, value)  # a non-ok value is never shown, never 0

    # -- numerator / denominator --------------------------------------------------------------
    def count_column(name: str) -> np.ndarray:
        c = col(name)
        if c is None:
            return np.full(n, np.nan)

        def conv(u: str) -> float | None:
            if u.casefold() in _COUNT_BLANKS:
                return np.nan
            return _parse_number(u)

        conv_u = c.umap(conv)
        bad_u = np.asarray([x is None for x in conv_u], dtype=bool)
        num_u = np.asarray([np.nan if x is None else x for x in conv_u], dtype=np.float64)
        if bad_u.any():
            errors.add_by_unique(
                c,
                bad_u[c.codes],
                lambda u: (
                    _("Talet %(value)s i kolumnen %(column)s kan inte läsas som ett tal.")
                    % {"value": _quote(u), "column": _quote(c.name)}
                ),
            )
        neg_u = num_u < 0
        if neg_u.any():
            errors.add_by_unique(
                c,
                neg_u[c.codes],
                lambda u: (
                    _("Värdet %(value)s i kolumnen %(column)s är negativt; täljare och nämnare kan inte vara negativa.")
                    % {"value": _quote(u), "column": _quote(c.name)}
                ),
            )
        return num_u[c.codes]

    numerator = count_column("numerator")
    denominator = count_column("denominator")

    # -- proportion checks -------------------------------------------------------------------
    lcol = col("unit_label")
    if lcol is not None:
        prop_u = lcol.umap(_is_proportion, bool)
        if prop_u.any():
            prop = prop_u[lcol.codes]
            labels = lcol.strings()
            with np.errstate(invalid="ignore"):
                too_big = prop & (numerator > denominator) & (denominator >= 0)
                out_of_range = prop & ((value < 0) | (value > 100))
            if too_big.any():
                rows = np.flatnonzero(too_big)
                ncol, dcol = cols["numerator"], cols["denominator"]
                msgs = [
                    _(
                        "Täljaren %(numerator)s är större än nämnaren %(denominator)s, vilket "
                        "inte går för en andel (måttenhet %(unit)s)."
                    )
                    % {
                        "numerator": _quote(ncol.uniques[ncol.codes[r]]),
                        "denominator": _quote(dcol.uniques[dcol.codes[r]]),
                        "unit": _quote(labels[r]),
                    }
                    for r in rows.tolist()
                ]
                errors.add(rows, ncol.name, msgs)
            if out_of_range.any():
                rows = np.flatnonzero(out_of_range)
                msgs = [
                    _(
                        "Värdet %(value)s i kolumnen %(column)s ligger utanför 0–100, vilket "
                        "inte går för en andel i procent (måttenhet %(unit)s)."
                    )
                    % {
                        "value": _quote(vcol.uniques[vcol.codes[r]]),
                        "column": _quote(vcol.name),
                        "unit": _quote(labels[r]),
                    }
                    for r in rows.tolist()
                ]
                errors.add(rows, vcol.name, msgs)
        unit_label = lcol.strings()
    else:
        unit_label = np.full(n, "", dtype=object)

    # -- duplicates --------------------------------------------------------------------------
    if deleted is None:
        deleted = np.zeros(n, dtype=bool)
    # Rows that already have an error are left out, so one broken row does not also knock out
    # the valid row it would collide with.
    keyable = period_ok & sex_ok & (indicator != "") & ~deleted & ~errors.bad
    rows = np.flatnonzero(keyable)
    if len(rows) > 1:
        # Integer keys (factorizing object arrays runs in C); the unit is its code, or its
        # name when the code is empty.
        uc = unit_code[rows]
        has_code = uc != ""
        if code_col is not None:
            ind_a = code_col.codes[rows]
            ind_b = (
                np.where(ind_a == code_col.uniques.index(""), chart_col.codes[rows], -1)
                if chart_col is not None and "" in code_col.uniques
                else np.full(len(rows), -1)
            )
        else:
            ind_a = np.zeros(len(rows), dtype=np.intp)
            ind_b = chart_col.codes[rows]  # type: ignore[union-attr]
        keys = pd.DataFrame(
            {
                "i": ind_a,
                "j": ind_b,
                "k": pd.factorize(kind[rows])[0],
                "c": pd.factorize(uc)[0],
                "n": np.where(has_code, -1, pd.factorize(unit_name[rows])[0]),
                "p": pkey_u[pcol.codes[rows]],
                "s": pd.factorize(sex[rows])[0],
            }
        )
        dup = keys.duplicated(keep=False).to_numpy()
        if dup.any():
            dup_rows = rows[dup]
            groups = keys[dup].groupby(list(keys.columns), sort=False).indices
            dup_msgs: dict[int, str] = {}
            shown_max = 10
            for positions in groups.values():
                members = dup_rows[positions]
                member_lines = lines[members].tolist()
                head = member_lines[: shown_max + 1]  # enough to name 10 others for any member
                for r, ln in zip(members.tolist(), member_lines, strict=True):
                    others = [str(x) for x in head if x != ln][:shown_max]
                    more = len(member_lines) - 1 - len(others)
                    if more > 0:
                        dup_msgs[r] = _(
                            "Samma indikator, enhet, period och kön finns också på rad %(lines)s och på "
                            "%(more)s rader till."
                        ) % {"lines": ", ".join(others), "more": more}
                    else:
                        dup_msgs[r] = _("Samma indikator, enhet, period och kön finns också på rad %(lines)s.") % {
                            "lines": ", ".join(others)
                        }
            ordered = sorted(dup_msgs)
            errors.add(np.asarray(ordered, dtype=np.intp), None, [dup_msgs[r] for r in ordered])

    # -- assemble valid rows -------------------------------------------------------------------
    keep = ~errors.bad
    rows = np.flatnonzero(keep)
    source = text("source")
    columns = {
        "line": lines[rows].astype(np.int64),
        "indicator_code": indicator[rows],
        "indicator_name": name_arr[rows],
        "source": source[rows],
        "unit_label": unit_label[rows],
        "unit_kind": kind[rows],
        "unit_code": unit_code[rows],
        "unit_name": unit_name[rows],
        "period_start": start_u[pcol.codes[rows]],
        "period_end": end_u[pcol.codes[rows]],
        "period_label": np.asarray(pcol.uniques, dtype=object)[pcol.codes[rows]],
        "granularity": gran_u[pcol.codes[rows]],
        "sex": sex[rows],
        "value": value[rows].astype(np.float64),
        "numerator": numerator[rows].astype(np.float64),
        "denominator": denominator[rows].astype(np.float64),
        "status": status[rows],
        "deleted": deleted[rows].astype(bool),
    }
    series = {
        name: pd.Series(arr, dtype="str" if name in _STR_COLUMNS else None, copy=False) for name, arr in columns.items()
    }
    frame = pd.DataFrame(series, copy=False)
    return frame


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------

_EXTRA_FIELDS = 3  # spare columns to detect rows with more fields than the header


def _detect_encoding(content: bytes) -> str | None:
    """'utf-8-sig' if the bytes are valid UTF-8, else 'cp1252' if valid there, else None.

    Validates in chunks so a large file is never decoded into one big string.
    """
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            step = 1 << 20
            for start in range(0, len(content), step):
                decoder.decode(content[start : start + step])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def _sniff_separator(header_line: str) -> str:
    counts = {";": 0, ",": 0, "\t": 0}
    in_quotes = False
    for ch in header_line:
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes and ch in counts:
            counts[ch] += 1
    best = max(counts.items(), key=lambda kv: (kv[1], kv[0] == ";"))
    return best[0] if best[1] > 0 else ";"


_SKIP_RE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")


def _parse_csv(content: bytes) -> ParseResult:
    encoding = _detect_encoding(content)
    if encoding is None:
        return _file_error(
            FORMAT_GENERIC_CSV,
            _(
                "Filens teckenkodning kunde inte tolkas. Spara filen som UTF-8 eller som "
                "Windows-1252 (”CSV (semikolonavgränsad)” i Excel)."
            ),
        )

    # Header: the first line (an Excel "sep=;" hint line before it is honoured).
    first_lines = content[: 1 << 20].decode(encoding, errors="replace").splitlines()
    header_index = 0
    sep: str | None = None
    if first_lines and (m := re.fullmatch(r'"?sep=(.)"?[;,\t]*', first_lines[0].strip())):
        sep = m.group(1)
        header_index = 1
    header_line = first_lines[header_index] if len(first_lines) > header_index else ""
    if sep is None:
        sep = _sniff_separator(header_line)
    headers = next(csv.reader([header_line], delimiter=sep), [])
    layout, header_errors = _map_header(headers, header_index + 1)
    fmt = FORMAT_VIS_CSV if layout is not None and layout.is_vis else FORMAT_GENERIC_CSV
    if layout is None:
        if any(_norm_key(h) in _VIS_MARKERS for h in headers):
            fmt = FORMAT_VIS_CSV
        return ParseResult(format=fmt, frame=empty_frame(), errors=header_errors, total_rows=0)

    ncols = len(headers)
    names = list(range(ncols + _EXTRA_FIELDS))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            df = pd.read_csv(
                io.BytesIO(content),
                sep=sep,
                header=None,
                names=names,
                skiprows=header_index + 1,
                dtype="category",
                keep_default_na=False,
                na_values=[],
                skip_blank_lines=False,
                on_bad_lines="warn",
                encoding=encoding,
                quotechar='"',
                engine="c",
            )
        except pd.errors.EmptyDataError:
            df = pd.DataFrame({i: pd.Categorical([]) for i in names})
        except (pd.errors.ParserError, ValueError) as exc:  # pragma: no cover - defensive
            return _file_error(
                fmt,
                _("Filen kunde inte läsas som CSV: %(error)s") % {"error": str(exc)[:200]},
            )
    skipped: list[tuple[int, int]] = []
    for w in caught:
        for m in _SKIP_RE.finditer(str(w.message)):
            skipped.append((int(m.group(1)), int(m.group(3))))

    if not isinstance(df.index, pd.RangeIndex):
        # pandas turned leading fields into an index: the first data row was too long.
        return _file_error(
            fmt,
            _(
                "Rad %(line)s har fler fält än rubrikraden. Kontrollera att ingen text innehåller "
                "avgränsaren %(sep)s utan citattecken."
            )
            % {"line": header_index + 2, "sep": _quote(sep)},
        )

    n_read = len(df)
    first_line = header_index + 2
    skipped_lines = np.asarray(sorted(s for s, _n in skipped), dtype=np.int64)
    all_lines = np.arange(first_line, first_line + n_read + len(skipped_lines), dtype=np.int64)
    lines = np.setdiff1d(all_lines, skipped_lines, assume_unique=True) if len(skipped_lines) else all_lines
    if len(lines) != n_read:  # pragma: no cover - defensive (unexpected warning format)
        lines = np.arange(first_line, first_line + n_read, dtype=np.int64)

    raw = {i: _Col.from_categorical(str(i), df[i]) for i in names}
    del df
    # rows with more fields than the header (but within the spare columns)
    extra_nonempty = np.zeros(n_read, dtype=bool)
    for i in names[ncols:]:
        extra_nonempty |= ~raw[i].empty_mask()
    # fully blank lines are dropped silently
    blank = np.ones(n_read, dtype=bool)
    for i in names:
        blank &= raw[i].empty_mask()
    keep_rows = np.flatnonzero(~blank)
    lines = lines[keep_rows]
    n = len(keep_rows)
    extra_nonempty = extra_nonempty[keep_rows]

    cols: dict[str, _Col] = {}
    for fieldname, idx in layout.columns.items():
        c = raw[idx].take(keep_rows) if len(keep_rows) != n_read else raw[idx]
        c.name = layout.names[fieldname]
        cols[fieldname] = c
    del raw

    errors = _Errors(n)
    too_many_msg = _(
        "Raden har fler fält än rubrikraden (%(expected)s). Kontrollera att ingen text innehåller "
        "avgränsaren %(sep)s utan citattecken."
    )
    if extra_nonempty.any():
        errors.add(
            np.flatnonzero(extra_nonempty),
            None,
            too_many_msg % {"expected": ncols, "sep": _quote(sep)},
        )
    frame = _normalize(cols, lines, errors=errors)
    row_errors = errors.build(lines)
    if skipped:
        extra = [RowError(line, None, too_many_msg % {"expected": ncols, "sep": _quote(sep)}) for line, _saw in skipped]
        row_errors = sorted(row_errors + extra, key=lambda e: e.line or 0)
    total = n + len(skipped)
    if total == 0:
        row_errors.append(RowError(None, None, _("Filen innehåller en rubrikrad men inga datarader.")))
    return ParseResult(format=fmt, frame=frame, errors=row_errors, total_rows=total)


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------

_EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)


def _excel_cell_text(value: object, *, period: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date)):
        return f"{value.year:04d}-{value.month:02d}" if period else value.isoformat()
    if isinstance(value, int):
        if period and 20000 <= value <= 80000:  # an Excel date serial without date format
            day = dt.date(1899, 12, 30) + dt.timedelta(days=value)
            return f"{day.year:04d}-{day.month:02d}"
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return _excel_cell_text(int(value), period=period)
        return repr(value)
    return str(value)


def _parse_xlsx(content: bytes) -> ParseResult:
    import openpyxl  # local import: only needed for workbooks

    fmt = FORMAT_GENERIC_XLSX
    try:
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - zipfile/openpyxl raise assorted errors for broken files
        return _file_error(
            fmt,
            _("Excel-filen kunde inte öppnas. Kontrollera att det är en giltig .xlsx-fil."),
        )

    try:
        chosen = None
        first_errors: list[RowError] | None = None
        for ws in wb.worksheets:
            rows_iter = ws.iter_rows(min_row=1, values_only=True)
            header_row_no = 0
            header: tuple | None = None
            for row_no, row in enumerate(rows_iter, start=1):
                if row is not None and any(v not in (None, "") for v in row):
                    header, header_row_no = row, row_no
                    break
            if header is None:
                continue
            headers = [_excel_cell_text(h, period=False) for h in header]
            layout, errs = _map_header(headers, header_row_no)
            if layout is not None:
                chosen = (ws, layout, headers, header_row_no, rows_iter)
                break
            if first_errors is None:
                first_errors = errs
        if chosen is None:
            if first_errors is None:
                return _file_error(fmt, _("Filen är tom."))
            return ParseResult(format=fmt, frame=empty_frame(), errors=first_errors, total_rows=0)

        ws, layout, headers, header_row_no, rows_iter = chosen
        ncols = len(headers)
        wanted = layout.columns
        period_idx = wanted["period"]
        values: dict[str, list[str]] = {f: [] for f in wanted}
        line_list: list[int] = []
        excel_errors: list[tuple[int, str, str]] = []  # (row position, field, value)
        empty_cells: list[tuple[int, str]] = []  # candidates for formulas without cached value
        for row_no, row in enumerate(rows_iter, start=header_row_no + 1):
            if row is None or all(v in (None, "") for v in row):
                continue
            pos = len(line_list)
            line_list.append(row_no)
            for fieldname, idx in wanted.items():
                v = row[idx] if idx < len(row) else None
                if v is None:
                    empty_cells.append((pos, fieldname))
                elif isinstance(v, str) and v.strip() in _EXCEL_ERRORS:
                    excel_errors.append((pos, fieldname, v.strip()))
                values[fieldname].append(_excel_cell_text(v, period=idx == period_idx))
        sheet_title = ws.title
    finally:
        wb.close()

    n = len(line_list)
    lines = np.asarray(line_list, dtype=np.int64)
    errors = _Errors(n)

    # Formula cells whose result Excel never saved (e.g. files written by scripts).
    if empty_cells and _workbook_has_formulas(content):
        for pos, fieldname in _formulas_without_value(content, sheet_title, empty_cells, line_list, wanted):
            errors.add(
                np.asarray([pos]),
                layout.names[fieldname],
                _(
                    "Cellen i kolumnen %(column)s innehåller en formel utan sparat resultat. "
                    "Öppna filen i Excel, spara den och ladda upp den igen."
                )
                % {"column": _quote(layout.names[fieldname])},
            )
    for pos, fieldname, err in excel_errors:
        errors.add(
            np.asarray([pos]),
            layout.names[fieldname],
            _("Cellen i kolumnen %(column)s innehåller Excel-felet %(value)s.")
            % {"column": _quote(layout.names[fieldname]), "value": err},
        )
    del ncols

    cols = {f: _Col.from_values(layout.names[f], values[f]) for f in wanted}
    frame = _normalize(cols, lines, errors=errors)
    row_errors = errors.build(lines)
    # the same message can be reported twice for a formula cell (e.g. as missing and as
    # formula); keep the errors unique
    seen: set[RowError] = set()
    unique_errors = [e for e in row_errors if not (e in seen or seen.add(e))]
    if n == 0:
        unique_errors.append(RowError(None, None, _("Filen innehåller en rubrikrad men inga datarader.")))
    return ParseResult(format=fmt, frame=frame, errors=unique_errors, total_rows=n)


_FORMULA_TAG_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _workbook_has_formulas(content: bytes) -> bool:
    """Cheap pre-check: does any worksheet XML contain a formula element at all?"""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with zf.open(name) as fh:
                        tail = b""
                        while chunk := fh.read(1 << 20):
                            if _FORMULA_TAG_RE.search(tail + chunk):
                                return True
                            tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, KeyError):
        return True  # let the slow path decide
    return False


def _formulas_without_value(
    content: bytes,
    sheet_title: str,
    empty_cells: list[tuple[int, str]],
    line_list: list[int],
    wanted: dict[str, int],
) -> list[tuple[int, str]]:
    """Which of the empty cells are formulas (read a second time, with formulas)."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        ws = wb[sheet_title]
        targets: dict[int, list[tuple[int, str]]] = {}
        for pos, fieldname in empty_cells:
            targets.setdefault(line_list[pos], []).append((pos, fieldname))
        found: list[tuple[int, str]] = []
        last = max(targets)
        for row_no, row in enumerate(ws.iter_rows(min_row=1, max_row=last, values_only=True), start=1):
            for pos, fieldname in targets.get(row_no, ()):
                idx = wanted[fieldname]
                v = row[idx] if idx < len(row) else None
                if v is not None and (not isinstance(v, str) or v.startswith("=")):
                    found.append((pos, fieldname))
        return found
    finally:
        wb.close()


# --------------------------------------------------------------------------------------------
# Kolada JSON
# --------------------------------------------------------------------------------------------

_KOLADA_MASK_WORDS = ("mask", "msk", "sekret", "skydd", "forfa", "few", "suppress", "anonym")


def _kolada_status(value: object, status: object) -> str:
    """Status for one Kolada value entry; see docs/indicator-import.md for the mapping."""
    if value is not None:
        return ""  # decided from the value (ok)
    key = _norm_key(str(status or ""))
    if any(w in key for w in _KOLADA_MASK_WORDS):
        return STATUS_MASKED
    return STATUS_MISSING


def _kolada_unit(item: dict) -> tuple[str, str, str, str] | None:
    """(unit_kind, unit_code, unit_name, field name) for an item."""
    if "ou" in item and item["ou"] not in (None, ""):
        return ("clinic", str(item["ou"]), "", "ou")
    mun = item.get("municipality")
    if mun in (None, ""):
        return None
    code = str(mun)
    if code == "0000":
        return ("nation", code, "Riket", "municipality")
    if re.fullmatch(r"00\d{2}", code):
        return ("region", code, "", "municipality")
    return ("municipality", code, "", "municipality")


def _parse_kolada_json(content: bytes) -> ParseResult:
    fmt = FORMAT_KOLADA_JSON
    encoding = _detect_encoding(content)
    if encoding != "utf-8-sig":
        return _file_error(fmt, _("JSON-filen måste vara kodad som UTF-8."))
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except json.JSONDecodeError as exc:
        return _file_error(
            fmt,
            _("Filen är inte giltig JSON (fel på rad %(line)s, position %(col)s).")
            % {"line": exc.lineno, "col": exc.colno},
        )

    not_kolada = _(
        "JSON-filen har inte Koladas format: den ska innehålla en lista ”values” med poster som "
        "har fälten ”kpi”, ”municipality” eller ”ou”, ”period” och ”values”."
    )
    items: list[object]
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        items = list(data["values"])
    elif (
        isinstance(data, list)
        and all(isinstance(p, dict) and isinstance(p.get("values"), list) and "kpi" not in p for p in data)
        and data
    ):
        items = [it for page in data for it in page["values"]]
    elif isinstance(data, list) and all(isinstance(it, dict) and "kpi" in it for it in data):
        items = list(data)
    else:
        return _file_error(fmt, not_kolada)
    if items and not any(isinstance(it, dict) and "kpi" in it for it in items):
        return _file_error(fmt, not_kolada)

    rows: dict[str, list[object]] = {
        k: [] for k in ("indicator_code", "unit_code", "unit_name", "unit_kind", "period", "sex", "value", "status")
    }
    line_list: list[int] = []
    deleted_list: list[bool] = []
    pre: list[tuple[int, str | None, str]] = []  # item-level errors: (line, field, message)
    unit_fields: set[str] = set()

    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            pre.append((index, None, _("Posten är inte ett JSON-objekt.")))
            continue
        problems = []
        if item.get("kpi") in (None, ""):
            problems.append((index, "kpi", _("Posten saknar fältet %(field)s.") % {"field": _quote("kpi")}))
        unit = _kolada_unit(item)
        if unit is None:
            problems.append(
                (index, "municipality", _("Posten saknar fältet %(field)s.") % {"field": _quote("municipality/ou")})
            )
        if item.get("period") in (None, ""):
            problems.append((index, "period", _("Posten saknar fältet %(field)s.") % {"field": _quote("period")}))
        entries = item.get("values")
        if not isinstance(entries, list):
            problems.append((index, "values", _("Posten saknar listan %(field)s.") % {"field": _quote("values")}))
        if problems:
            pre.extend(problems)
            continue
        assert unit is not None and isinstance(entries, list)
        unit_fields.add(unit[3])
        item_deleted = bool(item.get("is_deleted") or item.get("isdeleted"))
        for entry in entries:
            if not isinstance(entry, dict):
                pre.append(
                    (
                        index,
                        "values",
                        _("Ett värde i listan %(field)s är inte ett JSON-objekt.") % {"field": _quote("values")},
                    )
                )
                continue
            value = entry.get("value")
            line_list.append(index)
            deleted_list.append(item_deleted or bool(entry.get("is_deleted") or entry.get("isdeleted")))
            rows["indicator_code"].append(str(item["kpi"]))
            rows["unit_kind"].append(unit[0])
            rows["unit_code"].append(unit[1])
            rows["unit_name"].append(unit[2])
            rows["period"].append(str(item["period"]))
            rows["sex"].append("" if entry.get("gender") is None else str(entry.get("gender")))
            if isinstance(value, bool):
                rows["value"].append(str(value))
            elif isinstance(value, float):
                rows["value"].append(repr(value))
            else:
                rows["value"].append("" if value is None else str(value))
            rows["status"].append(_kolada_status(value, entry.get("status")))

    n = len(line_list)
    lines = np.asarray(line_list, dtype=np.int64)
    unit_field = "/".join(sorted(unit_fields, reverse=True)) or "municipality"
    names = {
        "indicator_code": "kpi",
        "unit_code": unit_field,
        "unit_name": unit_field,
        "unit_kind": unit_field,
        "period": "period",
        "sex": "gender",
        "value": "value",
        "status": "status",
    }
    cols = {k: _Col.from_values(names[k], v) for k, v in rows.items()}
    cols["source"] = _Col.constant("source", "Kolada", n)
    errors = _Errors(n)
    frame = _normalize(
        cols,
        lines,
        errors=errors,
        deleted=np.asarray(deleted_list, dtype=bool),
    )
    row_errors = errors.build(lines) + [RowError(ln, f, m) for ln, f, m in pre]
    row_errors.sort(key=lambda e: e.line or 0)
    total = n + len({ln for ln, _f, _m in pre} - set(line_list))
    if not items:
        row_errors.append(RowError(None, None, _("JSON-filen innehåller inga värden.")))
    return ParseResult(format=fmt, frame=frame, errors=row_errors, total_rows=total)
