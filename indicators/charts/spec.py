"""The chart specification: what a chart says, independent of how it is drawn. One model for every chart of the
project: the indicator pages build it from the selectors (``builders``), a shared feedback deck rebuilds it from
its snapshot (``feedback.renderers.charts``), and one renderer per output draws it (``render_svg``,
``render_pptx``, ``render_plotly``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from indicators.charts.words import DECIMALS
from indicators.models import Unit


@dataclass(frozen=True)
class Style:
    color: str
    dash: str = "solid"  # plotly dash names; SVG and PowerPoint patterns follow from them
    width: float = 2.0
    marker: str = "circle"


# Colours keep at least 3:1 against white (WCAG 1.4.11) and differ in dash and marker too, never only hue.
STYLES = {
    "clinic": Style("#1d5a85", marker="circle"),
    "women": Style("#7d3c98", marker="square"),
    "men": Style("#1e6b3a", marker="diamond"),
    "region": Style("#b3470c", dash="dash", width=1.75, marker="triangle-up"),
    "nation": Style("#4f5b66", dash="dot", width=1.75, marker="square"),
    "median": Style("#1f2933", dash="dash", width=1.25),
    "target": Style("#7a5a00", dash="longdash", width=1.5),
    "centre": Style("#b3470c", width=1.5),
    "limit95": Style("#4f5b66", dash="dash", width=1.25),
    "limit998": Style("#1f2933", dash="dot", width=1.25),
    "clinics": Style("#1d5a85", marker="circle"),
}


@dataclass(frozen=True)
class Series:
    name: str
    role: str  # a key of STYLES
    y: tuple[float | None, ...]
    x: tuple[float, ...] | None = None  # numeric x; None means the spec's categories
    lower: tuple[float | None, ...] | None = None
    upper: tuple[float | None, ...] | None = None
    mode: str = "lines+markers"  # "lines", "markers", "lines+markers" or "bars"
    labels: tuple[str | None, ...] | None = None  # printed beside points (funnel outliers)
    hover: tuple[str, ...] | None = None
    legend: bool = True
    own_style: Style | None = None  # a look of its own (a shared deck's snapshot keeps its colours), else the role's

    @property
    def style(self) -> Style:
        return self.own_style or STYLES[self.role]


@dataclass(frozen=True)
class ChartTable:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ChartSpec:
    title: str
    source: str
    period: str
    unit: str
    y_title: str
    x_title: str
    series: tuple[Series, ...]
    table: ChartTable
    categories: tuple[str, ...] = ()  # empty for a numeric x axis (funnel)
    summary: str = ""  # the text alternative: what the chart shows, in a few sentences
    notes: tuple[str, ...] = ()  # signals and caveats, printed with the chart
    y_range: tuple[float, float] | None = None
    interval_note: str = ""  # how the intervals or limits were computed, for a deck's "Intervall:" line
    number_format: str = ""  # an Excel number format for PowerPoint's value axis; "" for the unit's own

    @property
    def numeric_x(self) -> bool:
        return not self.categories

    @property
    def caption(self) -> str:
        return _("Källa: %(source)s. Period: %(period)s.") % {"source": self.source, "period": self.period}

    @property
    def decimals(self) -> int:
        return DECIMALS.get(self.unit, 1)


def nice_step(span: float, target_ticks: int = 5) -> float:
    if not (math.isfinite(span) and span > 0):  # no range to divide: one unit a step
        return 1.0
    raw = span / max(1, target_ticks)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def value_range(values: Sequence[float], unit: str) -> tuple[float, float]:
    """A range covering every value, padded and rounded to whole steps; percentages stay within 0–100,
    and nothing goes below zero (none of the units can). A value that is not finite is left out."""
    values = [value for value in values if math.isfinite(value)]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if not math.isfinite((high - low) * 2):  # too far apart for any axis (only data stored before the limits)
        return max(0.0, low), high
    if high - low < 1e-9:
        low, high = low - max(1.0, abs(low) * 0.1), high + max(1.0, abs(high) * 0.1)
    pad = (high - low) * 0.08
    step = nice_step(high - low + 2 * pad)
    low, high = math.floor((low - pad) / step) * step, math.ceil((high + pad) / step) * step
    low = max(0.0, low)
    if unit == Unit.PERCENT:
        high = min(100.0, high)
    return low, high


def spec_values(series: Sequence[Series]) -> list[float]:
    values = []
    for one in series:
        for column in (one.y, one.lower or (), one.upper or ()):
            values.extend(v for v in column if v is not None and math.isfinite(v))
    return values
