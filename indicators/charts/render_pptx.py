"""A chart specification as series data for native PowerPoint charts (python-pptx)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from indicators.charts.spec import ChartSpec, ChartTable, Series
from indicators.charts.words import DECIMALS
from indicators.models import Unit


_PPTX_DASH = {"solid": "SOLID", "dash": "DASH", "dot": "ROUND_DOT", "longdash": "LONG_DASH", "dashdot": "DASH_DOT"}


@dataclass(frozen=True)
class PptxSeries:
    name: str
    role: str
    values: tuple[float | None, ...] = ()  # category charts
    points: tuple[tuple[float, float], ...] = ()  # XY charts
    lower: tuple[float | None, ...] = ()  # the 95 % interval, for error bars if the deck draws them
    upper: tuple[float | None, ...] = ()
    color: str = "1D5A85"  # RGB hex without '#', as pptx.dml.color.RGBColor.from_string takes it
    dash: str = "SOLID"  # a member of pptx.enum.dml.MSO_LINE_DASH_STYLE
    markers: bool = True
    line: bool = True


@dataclass(frozen=True)
class PptxChart:
    """Data for a native PowerPoint chart: ``chart_type`` names a member of pptx.enum.chart.XL_CHART_TYPE.

    Category charts (LINE_MARKERS, COLUMN_CLUSTERED) fill ``CategoryChartData`` with ``categories`` and
    each series' ``values``; XY_SCATTER_LINES_NO_MARKERS fills ``XyChartData`` with each series'
    ``points``. Line charts carry the interval as two extra dashed series ("95 % KI, nedre/övre"), since
    PowerPoint's error bars are not reachable through python-pptx; bar charts keep it in lower/upper.
    """

    chart_type: str
    title: str
    categories: tuple[str, ...]
    series: tuple[PptxSeries, ...]
    number_format: str
    value_axis_title: str
    category_axis_title: str
    caption: str  # "Källa: … Period: …"
    source: str
    period: str
    interval_note: str
    summary: str
    notes: tuple[str, ...] = ()
    value_axis_range: tuple[float, float] | None = None
    table: ChartTable = field(default_factory=lambda: ChartTable((), ()))


def _number_format(unit: str) -> str:
    # Values are stored on the display scale (41.7 for 41.7 %), so no Excel percent format (which multiplies).
    if unit == Unit.PERCENT:
        return '0.0" %"'
    if DECIMALS.get(unit, 1) == 0:
        return "#,##0"
    return "#,##0.0"


def to_pptx(spec: ChartSpec) -> PptxChart:
    series: list[PptxSeries] = []
    if spec.numeric_x:
        chart_type = "XY_SCATTER"
        for one in spec.series:
            points = tuple((x, y) for x, y in zip(one.x or (), one.y) if y is not None)
            series.append(_pptx_series(one, points=points, line=one.mode != "markers", markers="markers" in one.mode))
    else:
        bars = any(one.mode == "bars" for one in spec.series)
        chart_type = "COLUMN_CLUSTERED" if bars else "LINE_MARKERS"
        for one in spec.series:
            series.append(_pptx_series(one, values=one.y, line="lines" in one.mode or one.mode == "bars",
                                       markers="markers" in one.mode))
            if not bars and one.lower is not None and any(v is not None for v in one.lower):
                for name, bound in ((_("95 % KI, nedre"), one.lower), (_("95 % KI, övre"), one.upper)):
                    series.append(
                        PptxSeries(f"{one.name}, {name}", f"{one.role}_interval", values=tuple(bound),
                                   color=one.style.color.lstrip("#").upper(), dash="DASH", markers=False)
                    )
    return PptxChart(
        chart_type=chart_type,
        title=spec.title,
        categories=spec.categories,
        series=tuple(series),
        number_format=_number_format(spec.unit),
        value_axis_title=spec.y_title,
        category_axis_title=spec.x_title,
        caption=spec.caption,
        source=spec.source,
        period=spec.period,
        interval_note=spec.interval_note,
        summary=spec.summary,
        notes=spec.notes,
        value_axis_range=spec.y_range,
        table=spec.table,
    )


def _pptx_series(one: Series, **kwargs) -> PptxSeries:
    return PptxSeries(
        name=one.name,
        role=one.role,
        lower=tuple(one.lower or ()),
        upper=tuple(one.upper or ()),
        color=one.style.color.lstrip("#").upper(),
        dash=_PPTX_DASH.get(one.style.dash, "SOLID"),
        **kwargs,
    )
