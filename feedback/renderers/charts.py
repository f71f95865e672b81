"""A shared deck's chart, from its snapshot (``ChartBlock``) to the project's one chart model
(``indicators.charts.ChartSpec``), drawn by the one renderer per output: ``indicators.charts.to_svg`` for the PDF
and the page, ``indicators.charts.add_chart`` for PowerPoint.

A block holds exactly the series its PowerPoint chart holds (the clinic, the interval's bounds as dashed lines,
the median, the region, the country …) with their colours, dashes and markers, the value axis' number format
and range: the spec keeps all of it, so an old version's chart, drawn again, looks like its PPTX and shows the
numbers it was shared with, never today's data.
"""

from __future__ import annotations

from dataclasses import dataclass

from feedback.renderers.colours import HEX_COLOUR
from feedback.renderers.content import THEME_FONTS, ChartBlock, ChartSeries, clean_text
from indicators.charts import SCREEN_SVG, ChartSpec, ChartTable, Series, Style, to_svg
from indicators.charts.axis import decimals_of
from indicators.models import Unit

# PowerPoint's dash styles (ChartSeries.dash) as the spec's (plotly's) dash names.
DASHES = {"SOLID": "solid", "DASH": "dash", "SYSTEM_DASH": "dash", "SQUARE_DOT": "dot", "ROUND_DOT": "dot",
          "SYSTEM_DOT": "dot", "LONG_DASH": "longdash", "DASH_DOT": "dashdot", "SYSTEM_DASH_DOT": "dashdot",
          "LONG_DASH_DOT": "dashdot", "LONG_DASH_DOT_DOT": "dashdot"}


@dataclass(frozen=True)
class Layout:
    """The drawing's size in SVG units and the size of its tick labels (``to_svg``'s ``font``)."""

    width: int
    height: int
    font_size: int


PDF = Layout(800, 450, 13)
# A page scales the drawing to its column (690 px on a 768 px tablet): narrower, with larger type.
SCREEN = Layout(SCREEN_SVG["width"], SCREEN_SVG["height"], SCREEN_SVG["font"])


def _unit(number_format: str) -> str:
    """The unit a block's number format speaks of, as far as drawing needs it (0–100 for a share, whole numbers
    for a count)."""
    if "%" in number_format:
        return Unit.PERCENT
    return Unit.COUNT if decimals_of(number_format) == 0 else ""


def _colour(series: ChartSeries, index: int, palette: list[str]) -> str:
    return series.colour if HEX_COLOUR.match(series.colour) else palette[index % len(palette)]


def block_spec(block: ChartBlock, *, palette: list[str]) -> ChartSpec:
    """The block as a chart spec: its own series in its own colours (the theme's palette where a series has
    none), dashes and markers; its categories, number format, value axis title and range; its words."""
    bars = block.kind == "bar"
    series = tuple(
        Series(
            name=clean_text(one.name),
            role="clinic",
            y=tuple(one.values),
            mode="bars" if bars else ("lines+markers" if one.markers else "lines"),
            own_style=Style(
                _colour(one, index, palette),
                dash=DASHES.get(one.dash, "solid"),
                width=2.0 if one.markers else 1.25,
                marker="circle",
            ),
        )
        for index, one in enumerate(block.series)
    )
    has_range = block.axis_min is not None and block.axis_max is not None and block.axis_min < block.axis_max
    return ChartSpec(
        title=clean_text(block.title),
        source=clean_text(block.source),
        period=clean_text(block.period),
        unit=_unit(block.number_format),
        y_title=clean_text(block.unit),
        x_title="",
        series=series,
        table=ChartTable((), ()),
        categories=tuple(clean_text(category) for category in block.categories),
        summary=clean_text(block.comparison),
        y_range=(block.axis_min, block.axis_max) if has_range else None,
        interval_note=clean_text(block.interval),
        number_format=block.number_format,
    )


def block_svg(block: ChartBlock, *, palette: list[str], font: str, layout: Layout = PDF) -> str:
    """The block drawn as SVG in the theme's font (one of THEME_FONTS, with its free look-alikes)."""
    families = ", ".join([font, *THEME_FONTS.get(font, []), "sans-serif"])
    return to_svg(
        block_spec(block, palette=palette),
        width=layout.width,
        height=layout.height,
        font=layout.font_size,
        font_family=families,
    )


def chart_block(spec: ChartSpec, *, key: str, interval: str = "", comparison: str = "") -> ChartBlock:
    """A chart spec as the deck's chart block: the series PowerPoint holds (``to_pptx``: an interval as two dashed
    series), the SVG for the PDF and for the page, the words. ``interval`` defaults to the spec's interval note.
    The feedback deck's indicator charts and the learning report's charts (learning/) are made with it."""
    from indicators.charts import to_pptx

    data = to_pptx(spec)
    return ChartBlock(
        key=key,
        title=data.title,
        categories=list(data.categories),
        series=[
            ChartSeries(series.name, list(series.values), colour=f"#{series.color}", dash=series.dash, markers=series.markers)
            for series in data.series
        ],
        number_format=data.number_format,
        unit=data.value_axis_title,
        source=data.source,
        period=data.period,
        interval=interval or data.interval_note,
        comparison=comparison,
        kind="bar" if data.chart_type == "COLUMN_CLUSTERED" else "line",
        svg=to_svg(spec),
        screen_svg=to_svg(spec, **SCREEN_SVG),
        notes="\n".join([spec.summary, *spec.notes]),
        axis_min=data.value_axis_range[0] if data.value_axis_range else None,
        axis_max=data.value_axis_range[1] if data.value_axis_range else None,
    )
