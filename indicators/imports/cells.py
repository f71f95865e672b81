"""Cells of an indicator file: strings turned into numbers, periods, statuses, sexes and kinds of unit, and the
check that refuses text a spreadsheet would run as a formula.

Every conversion runs once per *distinct* cell value: a column is a ``Col`` of integer codes into its distinct
(normalised) strings, and results are broadcast back to the rows through the codes. Python-level loops run
over distinct values only.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from indicators.imports.frame import STATUS_INVALID, STATUS_MASKED, STATUS_MISSING, STATUS_UNKNOWN


def norm_key(text: str) -> str:
    """Header/keyword normalisation: drop diacritics, case, whitespace and punctuation."""
    text = unicodedata.normalize("NFKD", str(text).replace("\ufeff", ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", text.casefold())


class Col:
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
    def from_categorical(cls, name: str, series: pd.Series) -> Col:
        cat = series.cat
        codes = cat.codes.to_numpy().astype(np.intp, copy=True)
        uniques = [str(c) for c in cat.categories]
        missing = codes < 0
        if missing.any():
            codes[missing] = len(uniques)
        uniques.append("")
        return cls(name, codes, uniques)

    @classmethod
    def from_values(cls, name: str, values: Sequence[object]) -> Col:
        arr = np.asarray(["" if v is None else str(v) for v in values], dtype=object)
        if len(arr) == 0:
            return cls(name, np.zeros(0, dtype=np.intp), [""])
        codes, uniques = pd.factorize(arr)
        return cls(name, codes.astype(np.intp), list(uniques) + [""])

    @classmethod
    def constant(cls, name: str, value: str, n: int) -> Col:
        return cls(name, np.zeros(n, dtype=np.intp), [value])

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, rows: np.ndarray) -> Col:
        new = object.__new__(Col)
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


_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SPACES = str.maketrans({" ": None, "\u00a0": None, "\u202f": None, "\u2009": None, "'": None})


_GROUPED_RE = {
    ",": re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"),  # 1,234.5
    ".": re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?"),  # 1.234,5
}


def parse_number(text: str) -> float | None:
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


# The largest number a cell may hold (numerator, denominator or value): far above any figure for a clinic, a
# region or the country (Sweden's yearly health-care cost is below 10^12 kronor), so anything larger is a mistake
# (a misplaced decimal separator, a number pasted twice, an overflow such as 1e309), and it keeps every stored
# number finite.
MAX_MAGNITUDE = 1e12

VALUE_CODES = {"unk": STATUS_UNKNOWN, "msk": STATUS_MASKED, "inv": STATUS_INVALID}
COUNT_BLANKS = frozenset({"", "-", "–", "—", "..", ".", "unk", "msk", "inv"})
# The markers Swedish statistics put where a figure is not shown: ".." (not available or too uncertain), "*" and
# "<5" (too few to show) are masked values; a dash or a lone point says there is no figure. Neither is ever 0.
SUPPRESSED_MARKERS = frozenset({"..", "*"})
NO_FIGURE_MARKERS = frozenset({"-", "–", "—", "."})
_BELOW_RE = re.compile(r"<\s*\d+(?:[.,]\d+)?")


def marker_status(text: str) -> str | None:
    """The status a suppression marker in a value cell stands for, or None when the text is no such marker."""
    if text in SUPPRESSED_MARKERS or _BELOW_RE.fullmatch(text):
        return STATUS_MASKED
    if text in NO_FIGURE_MARKERS:
        return STATUS_MISSING
    return None


def within_magnitude(number: float) -> bool:
    """A finite number no larger than ``MAX_MAGNITUDE`` either way (False for inf and NaN)."""
    return abs(number) <= MAX_MAGNITUDE

STATUS_WORDS = {
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

SEX_WORDS = {
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

KIND_WORDS = {
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


def kind_from_name(name: str) -> str:
    if name == "":
        return ""
    key = norm_key(name)
    if key in _NATION_NAMES:
        return "nation"
    low = name.casefold()
    if low.startswith(("region ", "landstinget ")) or low.endswith("regionen"):
        return "region"
    return "clinic"


def kind_from_code(code: str) -> str:
    if code == "":
        return ""
    if norm_key(code) in _NATION_NAMES:
        return "nation"
    if re.fullmatch(r"\d{2}", code):  # län/region code, e.g. "03"
        return "region"
    return ""


def looks_like_formula(text: str) -> bool:
    """A text cell that a spreadsheet would evaluate: starts with = + - @ and is not a number."""
    if not text or text[0] not in "=+-@":
        return False
    if text[0] in "=@":
        return True
    if set(text) <= {"-", "+", " "}:  # "-", "--" placeholders
        return False
    return parse_number(text) is None


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


# The years a period may fall in: before 1900 there are no indicator data; ``normalize`` also refuses any period
# after next year.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def parse_period(label: str) -> tuple[dt.date, dt.date, str] | None:
    """Parse a period label; returns ``(first_day, last_day, granularity)`` or ``None``.

    Accepted (case-insensitive, Swedish or English month names, full or abbreviated):
    ``2023``; ``2023-05``, ``2023/5``, ``202305``, ``2023M05``, ``2023-05-01`` (a date means its
    month); ``2023 maj``, ``maj 2023``; ``2023 jan-jun``/``2023 jul-dec``, ``2023 H1``,
    ``2023 halvår 1``; ``2023 kv 2``, ``2023 kvartal 2``, ``2023 Q2``, ``2023 jan-mar``.
    The year must lie within ``FIRST_YEAR``–``LAST_YEAR`` (``period_year`` tells a year outside them).
    """
    parsed = _period_parts(label)
    if parsed is None or not FIRST_YEAR <= parsed[0] <= LAST_YEAR:
        return None
    year, (granularity, number) = parsed
    return _period_span(year, granularity, number)


def period_year(label: str) -> int | None:
    """The year of a period written in an accepted way, whether or not the year is within range."""
    parsed = _period_parts(label)
    return None if parsed is None else parsed[0]


def _period_parts(label: str) -> tuple[int, tuple[str, int]] | None:
    """(year, (granularity, number)) of a period label, the year not yet checked against the range."""
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
            dt.date(max(year, 1), result[1], int(m.group(3)))
        except ValueError:
            return None
    elif m := re.fullmatch(r"(\d{1,2})\s*[-/.]\s*(\d{4})", text):
        year, result = int(m.group(2)), ("month", int(m.group(1)))
    elif m := _YEAR_FIRST_RE.fullmatch(text):
        year, result = int(m.group(1)), _period_rest(m.group(2))
    elif m := _YEAR_LAST_RE.fullmatch(text):
        year, result = int(m.group(2)), _period_rest(m.group(1))
    if result is None or year is None or (result[0] == "month" and not 1 <= result[1] <= 12):
        return None
    return year, result
