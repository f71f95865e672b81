"""A line or bar chart drawn as SVG from a ``ChartBlock``'s own series: exactly the numbers the PowerPoint chart
holds, styled as it is (colours, dashes, markers, the value axis' range).

Two uses: the PDF's drawing of a block that carries no SVG from ``indicators.charts`` (``PDF``), and the page's
drawing of a chart shared before versions kept one for the screen (``SCREEN``): such a version's only drawing
is the PDF's, whose smallest type comes out under 10 px on a tablet. Drawn from the snapshot's series at view
time, the shared content stays as it was shared; only its drawing on the page is new.

Built with ElementTree, so every label is escaped as XML text.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from feedback.renderers.axis import GLYPH_EM, label_step, label_width, named_periods
from feedback.renderers.colours import HEX_COLOUR, INK
from feedback.renderers.content import THEME_FONTS, ChartBlock, ChartSeries, clean_text
from indicators.charts import format_number
from indicators.charts.spec import nice_step

GRID = "#D9D9D9"
AXIS = "#595959"
# PowerPoint's dash styles (ChartSeries.dash) as SVG dash patterns, in units of the line's width.
DASHES = {"DASH": (3, 2), "SQUARE_DOT": (1, 1), "ROUND_DOT": (1, 1.5), "LONG_DASH": (6, 2), "DASH_DOT": (3, 2, 1, 2),
          "LONG_DASH_DOT": (6, 2, 1, 2), "LONG_DASH_DOT_DOT": (6, 2, 1, 2, 1, 2), "SYSTEM_DASH": (3, 1),
          "SYSTEM_DOT": (1, 1), "SYSTEM_DASH_DOT": (3, 1, 1, 1)}


@dataclass(frozen=True)
class Layout:
    """The drawing's size in SVG units and the size of all its text."""

    width: int
    height: int
    font_size: int


PDF = Layout(760, 420, 13)
# A page scales the drawing to its column (690 px on a 768 px tablet): narrower, with larger type, the text comes
# out at 16 px there. The same choice as indicators.charts.SCREEN_SVG.
SCREEN = Layout(640, 420, 15)


def decimals_of(number_format: str) -> int:
    """Decimals an Excel number format shows: "0.0" → 1, "0" → 0, '0.00"%"' → 2."""
    head = number_format.split(";")[0]
    if "." not in head:
        return 0
    return sum(1 for char in head.split(".", 1)[1] if char in "0#")


def _nice_range(low: float, high: float) -> tuple[float, float, float]:
    if low == high:
        low, high = low - 1, high + 1
    step = nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _value_axis(chart: ChartBlock) -> tuple[float, float, list[float]]:
    """The value axis' range and ticks: the block's own range where it has one (the PowerPoint chart's), else a
    range with round steps around every value (from zero for bars)."""
    values = [value for series in chart.series for value in series.values if value is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if chart.kind == "bar":
        low = min(0.0, low)
    axis_min, axis_max, step = _nice_range(low, high)
    if chart.axis_min is not None and chart.axis_max is not None and chart.axis_min < chart.axis_max:
        axis_min, axis_max = chart.axis_min, chart.axis_max
        step = _nice_range(axis_min, axis_max)[2]
    first = math.ceil(axis_min / step - 1e-9)
    ticks = [round(number * step, 10) for number in range(first, math.floor(axis_max / step + 1e-9) + 1)]
    return axis_min, axis_max, ticks


def _colour(series: ChartSeries, index: int, palette: list[str]) -> str:
    return series.colour if HEX_COLOUR.match(series.colour) else palette[index % len(palette)]


def _text(parent, x: float, y: float, text: str, anchor: str = "start", **attributes) -> ET.Element:
    element = ET.SubElement(parent, "text", x=f"{x:.1f}", y=f"{y:.1f}", fill=INK, **attributes)
    if anchor != "start":
        element.set("text-anchor", anchor)
    element.text = text
    return element


def _text_width(text: str, font_size: float) -> float:
    return len(text) * GLYPH_EM * font_size


def chart_svg(chart: ChartBlock, *, palette: list[str], font: str, layout: Layout = PDF) -> str:
    """The chart as a standalone SVG document: value axis with gridlines, the periods named as fit, the series
    (a gap where a value is missing, never a zero) and a legend that wraps. ``font`` is one of THEME_FONTS."""
    size = layout.font_size
    decimals = decimals_of(chart.number_format)
    axis_min, axis_max, ticks = _value_axis(chart)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    tick_labels = [format_number(tick, decimals if step < 1 else 0) for tick in ticks]
    legend_rows = _legend_rows(chart.series, layout)
    unit = clean_text(chart.unit)
    left = (1.6 * size if unit else 0) + 8 + max((_text_width(label, size) for label in tick_labels), default=0) + 8
    categories = [clean_text(category) for category in chart.categories] or [""]
    # Room on the right for half the latest period's name, which is centred under its point.
    overhang = _text_width(categories[-1], size) / 2 + 2 - (layout.width - 20 - left) / len(categories) / 2
    right = layout.width - max(20.0, overhang)
    top = size
    bottom = layout.height - 8 - len(legend_rows) * (size + 10) - (size + 14)
    slot = (right - left) / len(categories)

    def y_of(value: float) -> float:
        value = min(max(value, axis_min), axis_max)
        return bottom - (value - axis_min) / (axis_max - axis_min) * (bottom - top)

    families = ", ".join([font, *THEME_FONTS.get(font, []), "sans-serif"])
    svg = ET.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        width=str(layout.width),
        height=str(layout.height),
        viewBox=f"0 0 {layout.width} {layout.height}",
        role="img",
    )
    svg.set("font-family", families)
    svg.set("font-size", str(size))
    ET.SubElement(svg, "title").text = clean_text(chart.title)
    ET.SubElement(svg, "rect", width=str(layout.width), height=str(layout.height), fill="#FFFFFF")
    axes = ET.SubElement(svg, "g", {"class": "axes"})
    for tick, label in zip(ticks, tick_labels):
        y = y_of(tick)
        ET.SubElement(axes, "line", x1=f"{left:.1f}", x2=f"{right:.1f}", y1=f"{y:.1f}", y2=f"{y:.1f}", stroke=GRID)
        _text(axes, left - 8, y + size * 0.35, label, "end")
    if unit:
        middle = (top + bottom) / 2
        _text(axes, size, middle, unit, "middle", transform=f"rotate(-90 {size} {middle:.1f})")
    ET.SubElement(axes, "line", x1=f"{left:.1f}", x2=f"{right:.1f}", y1=f"{bottom:.1f}", y2=f"{bottom:.1f}", stroke=AXIS)
    for x, category in _period_labels(categories, left, slot, layout):
        _text(axes, x, bottom + size + 6, category, "middle")
    plot = ET.SubElement(svg, "g", {"class": "series"})
    for index, series in enumerate(chart.series):
        colour = _colour(series, index, palette)
        if chart.kind == "bar":
            _bars(plot, series.values, index, len(chart.series), left, slot, colour, y_of, axis_min)
        else:
            _line(plot, series, left, slot, colour, y_of, size)
    _legend(svg, legend_rows, chart.kind, palette, layout, top=bottom + size + 20)
    return ET.tostring(svg, encoding="unicode")


def _period_labels(categories: list[str], left: float, slot: float, layout: Layout) -> list[tuple[float, str]]:
    """The period names to write under the axis and where: every k-th and the latest (feedback.renderers.axis),
    each kept inside the drawing, and none closer to the next than the longest name needs."""
    size = layout.font_size
    width = label_width(categories, size)
    placed = []
    for index in named_periods(len(categories), label_step(len(categories), slot, width)):
        half = _text_width(categories[index], size) / 2
        x = min(max(left + slot * (index + 0.5), half + 2), layout.width - half - 2)
        placed.append((x, categories[index]))
    kept: list[tuple[float, str]] = []
    for x, category in reversed(placed):  # the latest period keeps its name if pulling it inside crowds another
        if not kept or kept[-1][0] - x >= width:
            kept.append((x, category))
    return kept[::-1]


def _stroke(element: ET.Element, series: ChartSeries, colour: str, width: float) -> None:
    element.set("fill", "none")
    element.set("stroke", colour)
    element.set("stroke-width", f"{width:g}")
    if series.dash in DASHES:
        element.set("stroke-dasharray", " ".join(f"{part * width:g}" for part in DASHES[series.dash]))


def _line_width(series: ChartSeries, size: int) -> float:
    """A series with markers (the clinic, the region …) is drawn bolder than a reference line (interval, median)."""
    return round(size / 6 if series.markers else size / 9, 1)


def _line(plot, series: ChartSeries, left: float, slot: float, colour: str, y_of, size: int) -> None:
    width = _line_width(series, size)
    segment: list[str] = []
    for index, value in enumerate([*series.values, None]):
        if value is None:
            # A missing value (masked, unknown) is a gap, never a zero.
            if len(segment) > 1:
                _stroke(ET.SubElement(plot, "polyline", points=" ".join(segment)), series, colour, width)
            segment = []
            continue
        x, y = left + slot * (index + 0.5), y_of(value)
        segment.append(f"{x:.1f},{y:.1f}")
        if series.markers:
            ET.SubElement(plot, "circle", cx=f"{x:.1f}", cy=f"{y:.1f}", r=f"{size / 3.5:.1f}", fill=colour)


def _bars(plot, values, series_index, series_count, left, slot, colour, y_of, axis_min) -> None:
    bar_width = slot * 0.8 / series_count
    for index, value in enumerate(values):
        if value is None:
            continue
        x = left + slot * index + slot * 0.1 + bar_width * series_index
        top, base = y_of(value), y_of(max(axis_min, 0.0))
        ET.SubElement(
            plot, "rect", x=f"{x:.1f}", y=f"{min(top, base):.1f}", width=f"{bar_width:.1f}",
            height=f"{abs(base - top):.1f}", fill=colour,
        )


def _legend_rows(series_list: list[ChartSeries], layout: Layout) -> list[list[tuple[int, ChartSeries, float]]]:
    """The legend's items in rows that fit the drawing's width: (series index, series, x)."""
    size = layout.font_size
    rows: list[list[tuple[int, ChartSeries, float]]] = [[]]
    x = 12.0
    for index, series in enumerate(series_list):
        item_width = 2.4 * size + _text_width(clean_text(series.name)[:60], size) + size
        if rows[-1] and x + item_width > layout.width - 12:
            rows.append([])
            x = 12.0
        rows[-1].append((index, series, x))
        x += item_width
    return rows if rows[0] else []


def _legend(svg, rows, kind: str, palette: list[str], layout: Layout, *, top: float) -> None:
    size = layout.font_size
    legend = ET.SubElement(svg, "g", {"class": "legend"})
    for row_number, row in enumerate(rows):
        middle = top + row_number * (size + 10) + size / 2
        for index, series, x in row:
            colour = _colour(series, index, palette)
            if kind == "bar":
                ET.SubElement(legend, "rect", x=f"{x:.1f}", y=f"{middle - size / 2:.1f}", width=str(size),
                              height=str(size), fill=colour)
            else:
                line = ET.SubElement(legend, "line", x1=f"{x:.1f}", x2=f"{x + 1.8 * size:.1f}", y1=f"{middle:.1f}",
                                     y2=f"{middle:.1f}")
                _stroke(line, series, colour, _line_width(series, size))
                if series.markers:
                    ET.SubElement(legend, "circle", cx=f"{x + 0.9 * size:.1f}", cy=f"{middle:.1f}", r=f"{size / 3.5:.1f}",
                                  fill=colour)
            _text(legend, x + 2.4 * size, middle + size * 0.35, clean_text(series.name)[:60])
