"""SVG for the PDF: a simple line or bar chart drawn from a ``ChartBlock``'s own series, used when the block
carries no SVG from ``indicators.charts``, so the PDF shows exactly the numbers the PowerPoint chart holds.

Built with ElementTree, so every label is escaped as XML text.
"""

import math
import xml.etree.ElementTree as ET

from feedback.renderers.axis import GLYPH_EM, label_step, label_width, named_periods
from feedback.renderers.colours import HEX_COLOUR, INK
from feedback.renderers.content import ChartBlock, clean_text

WIDTH, HEIGHT = 760, 420
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 70, 740, 20, 340
FONT_SIZE = 13
GRID = "#D9D9D9"


def decimals_of(number_format: str) -> int:
    """Decimals an Excel number format shows: "0.0" → 1, "0" → 0, '0.00"%"' → 2."""
    head = number_format.split(";")[0]
    if "." not in head:
        return 0
    return sum(1 for char in head.split(".", 1)[1] if char in "0#")


def format_number(value: float, decimals: int) -> str:
    """Swedish style: decimal comma, thin space between thousands."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def _nice_range(low: float, high: float) -> tuple[float, float, float]:
    if low == high:
        low, high = low - 1, high + 1
    span = high - low
    raw_step = span / 5
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def chart_svg(chart: ChartBlock, *, palette: list[str], font: str) -> str:
    values = [value for series in chart.series for value in series.values if value is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if chart.kind == "bar":
        low = min(0.0, low)
    axis_min, axis_max, step = _nice_range(low, high)
    decimals = decimals_of(chart.number_format)

    def y_of(value: float) -> float:
        return PLOT_BOTTOM - (value - axis_min) / (axis_max - axis_min) * (PLOT_BOTTOM - PLOT_TOP)

    svg = ET.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        width=str(WIDTH),
        height=str(HEIGHT),
        viewBox=f"0 0 {WIDTH} {HEIGHT}",
        role="img",
        style=f"font-family: {font}; font-size: {FONT_SIZE}px",
    )
    ET.SubElement(svg, "title").text = clean_text(chart.title)
    tick = axis_min
    while tick <= axis_max + step / 1000:
        y = y_of(tick)
        ET.SubElement(svg, "line", x1=str(PLOT_LEFT), x2=str(PLOT_RIGHT), y1=f"{y:.1f}", y2=f"{y:.1f}", stroke=GRID)
        label = ET.SubElement(svg, "text", x=str(PLOT_LEFT - 8), y=f"{y + 4:.1f}", fill=INK)
        label.set("text-anchor", "end")
        label.text = format_number(tick, decimals if step < 1 else 0)
        tick += step
    if chart.unit:
        unit = ET.SubElement(svg, "text", x="12", y=str(PLOT_TOP + 4), fill=INK)
        unit.text = clean_text(chart.unit)
    categories = chart.categories or [""]
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(categories)
    for x, category in _period_labels([clean_text(category) for category in categories], slot):
        label = ET.SubElement(svg, "text", x=f"{x:.1f}", y=str(PLOT_BOTTOM + 20), fill=INK)
        label.set("text-anchor", "middle")
        label.text = category
    for series_index, series in enumerate(chart.series):
        colour = series.colour if HEX_COLOUR.match(series.colour) else palette[series_index % len(palette)]
        if chart.kind == "bar":
            _bars(svg, series.values, series_index, len(chart.series), slot, colour, y_of, axis_min)
        else:
            _line(svg, series.values, slot, colour, y_of)
    _legend(svg, chart.series, palette)
    return ET.tostring(svg, encoding="unicode")


def _period_labels(categories: list[str], slot: float) -> list[tuple[float, str]]:
    """The period names to write under the axis and where: every k-th and the latest (feedback.renderers.axis),
    each kept inside the drawing, and none closer to the next than the longest name needs."""
    width = label_width(categories, FONT_SIZE)
    placed = []
    for index in named_periods(len(categories), label_step(len(categories), slot, width)):
        half = len(categories[index]) * GLYPH_EM * FONT_SIZE / 2
        x = min(max(PLOT_LEFT + slot * (index + 0.5), half + 2), WIDTH - half - 2)
        placed.append((x, categories[index]))
    kept: list[tuple[float, str]] = []
    for x, category in reversed(placed):  # the latest period keeps its name if pulling it inside crowds another
        if not kept or kept[-1][0] - x >= width:
            kept.append((x, category))
    return kept[::-1]


def _line(svg, values, slot, colour, y_of) -> None:
    segment: list[str] = []
    for index, value in enumerate(values + [None]):
        if value is None:
            # A missing value (masked, unknown) is a gap, never a zero.
            if len(segment) > 1:
                ET.SubElement(svg, "polyline", points=" ".join(segment), fill="none", stroke=colour)
                svg[-1].set("stroke-width", "3")
            segment = []
            continue
        x, y = PLOT_LEFT + slot * (index + 0.5), y_of(value)
        segment.append(f"{x:.1f},{y:.1f}")
        ET.SubElement(svg, "circle", cx=f"{x:.1f}", cy=f"{y:.1f}", r="4.5", fill=colour)


def _bars(svg, values, series_index, series_count, slot, colour, y_of, axis_min) -> None:
    bar_width = slot * 0.8 / series_count
    for index, value in enumerate(values):
        if value is None:
            continue
        x = PLOT_LEFT + slot * index + slot * 0.1 + bar_width * series_index
        top, base = y_of(value), y_of(max(axis_min, 0.0))
        ET.SubElement(
            svg, "rect", x=f"{x:.1f}", y=f"{min(top, base):.1f}", width=f"{bar_width:.1f}",
            height=f"{abs(base - top):.1f}", fill=colour,
        )


def _legend(svg, series_list, palette: list[str]) -> None:
    x = PLOT_LEFT
    for index, series in enumerate(series_list):
        name = series.name
        colour = series.colour if HEX_COLOUR.match(series.colour) else palette[index % len(palette)]
        ET.SubElement(svg, "rect", x=str(x), y=str(HEIGHT - 32), width="14", height="14", fill=colour)
        label = ET.SubElement(svg, "text", x=str(x + 20), y=str(HEIGHT - 20), fill=INK)
        label.text = clean_text(name)[:60]
        x += 40 + 8 * min(len(label.text), 60)
