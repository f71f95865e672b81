"""A chart specification as a native PowerPoint chart (python-pptx): ``to_pptx`` turns the spec into the series
PowerPoint holds (a shared deck keeps these in its snapshot), ``add_chart`` draws them on a slide with the
theme's font, each series' colour, dash and markers, the value axis' number format and range, and the periods
named as they fit (``axis``: PowerPoint's ``tickLblSkip``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from lxml import etree
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from indicators.charts.axis import label_step, label_width
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
        number_format=spec.number_format or _number_format(spec.unit),
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


def add_chart(shapes, spec: ChartSpec, *, left: int, top: int, width: int, height: int, font: str, font_pt: float,
              category_axis_width: int):
    """Draw ``spec`` as a native chart on a slide's ``shapes``; returns the chart's graphic frame.
    ``category_axis_width`` is the room the periods get (the chart's width less the value axis)."""
    data = to_pptx(spec)
    frame = shapes.add_chart(getattr(XL_CHART_TYPE, data.chart_type), left, top, width, height, _chart_data(data))
    chart = frame.chart
    chart.font.name = font
    chart.font.size = Pt(font_pt)
    chart.has_legend = len(data.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    _value_axis(chart, data)
    if data.categories:
        _thin_period_labels(chart, list(data.categories), Emu(category_axis_width).pt / len(data.categories), font_pt)
    for series, one in zip(chart.plots[0].series, data.series, strict=True):
        _style_series(series, one, bars=data.chart_type == "COLUMN_CLUSTERED")
    return frame


def _chart_data(data: PptxChart):
    if data.chart_type == "XY_SCATTER":
        chart_data = XyChartData(number_format=data.number_format)
        for one in data.series:
            series = chart_data.add_series(one.name)
            for x, y in one.points:
                series.add_data_point(x, y)
        return chart_data
    chart_data = CategoryChartData(number_format=data.number_format)
    chart_data.categories = list(data.categories)
    for one in data.series:
        chart_data.add_series(one.name, list(one.values), number_format=data.number_format)
    return chart_data


def _value_axis(chart, data: PptxChart) -> None:
    axis = chart.value_axis
    axis.tick_labels.number_format = data.number_format
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    if data.value_axis_title:
        axis.has_title = True
        axis.axis_title.text_frame.text = data.value_axis_title
    if data.value_axis_range is not None:
        axis.minimum_scale, axis.maximum_scale = data.value_axis_range


def _style_series(series, one: PptxSeries, *, bars: bool) -> None:
    colour = RGBColor.from_string(one.color)
    if bars:
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = colour
        return
    series.format.line.color.rgb = colour
    series.format.line.width = Pt(2.5)
    if one.dash in MSO_LINE_DASH_STYLE.__members__:
        series.format.line.dash_style = MSO_LINE_DASH_STYLE[one.dash]
    series.smooth = False
    if one.markers:
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = colour
        series.marker.format.line.color.rgb = colour
    else:
        series.marker.style = XL_MARKER_STYLE.NONE


def _thin_period_labels(chart, categories: list[str], slot_pt: float, font_pt: float) -> None:
    """Name every k-th period on the category axis when the names would not fit side by side (16 half-years,
    36 months), so that PowerPoint writes them upright instead of tilting and crowding all of them. A step that
    ends on the latest period is preferred (``axis``). LibreOffice (7.4) ignores the setting and keeps tilting
    every name, which stays readable there."""
    step = label_step(len(categories), slot_pt, label_width(categories, font_pt))
    if step < 2:
        return
    axis = chart.category_axis._element
    for old in axis.findall(qn("c:tickLblSkip")):
        axis.remove(old)
    axis.insert_element_before(etree.Element(qn("c:tickLblSkip"), val=str(step)), "c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")
