"""A chart specification as a standalone SVG document, drawn without a browser: the one SVG renderer of the
project, for the PDF (WeasyPrint) and for pages (a shared deck's charts, ``SCREEN_SVG``); and sparklines for
tables. The periods under the axis are named as they fit (``axis``): the first, the latest and every k-th
between, never two closer than the longest name needs, each inside the drawing."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

from indicators.charts.axis import GLYPH_EM, label_step, label_width, named_periods
from indicators.charts.spec import ChartSpec, Series, Style, nice_step, spec_values, value_range
from indicators.charts.words import format_number


_SVG_DASH = {"solid": "", "dash": "6 4", "dot": "2 3", "longdash": "10 4", "dashdot": "6 3 2 3"}
SVG_FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"


def _wrap(text: str, max_chars: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > max_chars:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def _text_width(text: str, font: float) -> float:
    """An estimate of a name's width in the drawing's sans-serif font (``axis.GLYPH_EM``, generous)."""
    return len(text) * font * GLYPH_EM


def _ticks(low: float, high: float, target: int = 5) -> list[float]:
    step = nice_step(high - low, target)
    first = math.ceil(low / step - 1e-9) * step
    ticks, value = [], first
    while value <= high + step * 1e-6:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _tick_decimals(ticks: Sequence[float]) -> int:
    return 0 if all(abs(t - round(t)) < 1e-9 for t in ticks) else (1 if all(abs(t * 10 - round(t * 10)) < 1e-6 for t in ticks) else 2)


def _marker_svg(shape: str, x: float, y: float, color: str, size: float = 4.0) -> str:
    if shape == "square":
        return f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" height="{2 * size:.1f}" fill="{color}"/>'
    if shape == "diamond":
        s = size * 1.25
        return f'<path d="M{x:.1f} {y - s:.1f}L{x + s:.1f} {y:.1f}L{x:.1f} {y + s:.1f}L{x - s:.1f} {y:.1f}Z" fill="{color}"/>'
    if shape == "triangle-up":
        s = size * 1.2
        return f'<path d="M{x:.1f} {y - s:.1f}L{x + s:.1f} {y + s * 0.8:.1f}L{x - s:.1f} {y + s * 0.8:.1f}Z" fill="{color}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{color}"/>'


def _line_attrs(style: Style) -> str:
    dash = _SVG_DASH.get(style.dash, "")
    return f'stroke="{style.color}" stroke-width="{style.width}" fill="none"' + (f' stroke-dasharray="{dash}"' if dash else "")


def _bar_attrs(style: Style) -> str:
    # A light fill keeps the dark interval whisker readable on top of the bar.
    return f'fill="{style.color}" fill-opacity="0.3" stroke="{style.color}" stroke-width="1.5"'


class _SvgCanvas:
    """Maps data to pixels for one chart; knows the plot area and the axes."""

    def __init__(self, spec: ChartSpec, width: int, height: int, top: float, bottom: float, font: int):
        self.spec = spec
        self.left, self.right = 72.0, width - 20.0
        if spec.categories and not spec.numeric_x:
            # The latest period is always named, centred under its point: the plot ends early enough that
            # its name ("2024 jul-dec") stays inside the drawing instead of being cut at the edge.
            half_label = _text_width(spec.categories[-1], font) / 2
            share = 1 / (2 * len(spec.categories))  # the last point sits half a band inside the plot's end
            self.right = min(self.right, (width - 2 - half_label - self.left * share) / (1 - share))
        self.top, self.bottom = top, bottom
        self.y_low, self.y_high = spec.y_range or value_range(spec_values(spec.series), spec.unit)
        if spec.numeric_x:
            xs = [x for one in spec.series if one.x for x in one.x]
            self.x_low, self.x_high = 0.0, (max(xs) if xs else 1.0) * 1.02
            self.band = 0.0
        else:
            self.x_low, self.x_high = 0.0, float(len(spec.categories))
            self.band = (self.right - self.left) / max(1, len(spec.categories))

    def clamp(self, value: float) -> float:
        return min(max(value, self.y_low), self.y_high)

    def y(self, value: float) -> float:
        share = (value - self.y_low) / ((self.y_high - self.y_low) or 1.0)
        return self.bottom - share * (self.bottom - self.top)

    def x(self, index_or_value: float) -> float:
        if self.spec.numeric_x:
            share = (index_or_value - self.x_low) / ((self.x_high - self.x_low) or 1.0)
            return self.left + share * (self.right - self.left)
        return self.left + (index_or_value + 0.5) * self.band


# to_svg's defaults are the PDF's drawing. A page asks for a narrower one with larger type, since the browser
# scales the whole drawing to its column: 800 units wide in a 690 px column made the PDF's 11-unit source line
# under 10 px on a tablet. At 640 units with 15-unit ticks, the smallest text is 13 units.
SCREEN_SVG = {"width": 640, "height": 420, "font": 15}


def to_svg(
    spec: ChartSpec,
    *,
    width: int = 800,
    height: int = 450,
    id_prefix: str | None = None,
    font: int = 13,
    font_family: str = SVG_FONT,
) -> str:
    """A standalone SVG document: title, axes, gridlines, series with 95 % whiskers, centre and limit lines,
    legend, source and period, and <title>/<desc> for screen readers.

    ``font`` is the size of tick labels; the title is 3 units larger, legend 1 and the source line and point
    labels 2 smaller, and line spacing follows. ``font_family`` is a CSS font list (a region's theme font for a
    deck). The defaults are the PDF's drawing."""
    prefix = id_prefix or "chart-" + hashlib.sha1(f"{spec.title}|{spec.period}|{spec.source}".encode()).hexdigest()[:8]
    title_lines = _wrap(spec.title, int(width / (font * 0.62)))[:2]
    legend_items = [one for one in spec.series if one.legend]
    legend_rows = _legend_rows(legend_items, width - 40, font - 1)
    title_step, legend_step = font + 6, font + 5  # 19 and 18 at the PDF's 13
    caption_y = height - 10
    legend_top = caption_y - legend_step - len(legend_rows) * legend_step
    top = 18 + len(title_lines) * title_step + 10
    bottom = legend_top - (2 * title_step + 6 if spec.x_title else title_step + 11)
    canvas = _SvgCanvas(spec, width, height, top, bottom, font)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" font-family={quoteattr(font_family)} font-size="{font}">',
        f'<title id="{prefix}-title">{escape(spec.title)}</title>',
        f'<desc id="{prefix}-desc">{escape(" ".join(filter(None, [spec.summary, spec.caption])))}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for i, line in enumerate(title_lines):
        out.append(
            f'<text x="20" y="{font + 11 + i * title_step}" font-size="{font + 3}" font-weight="bold" '
            f'fill="#1f2933">{escape(line)}</text>'
        )
    out += _svg_axes(canvas, font, width)
    for one in spec.series:
        out += _svg_series(canvas, one, spec, font - 2)
    out += _svg_legend(legend_rows, legend_top, font - 1, legend_step)
    out.append(f'<text x="20" y="{caption_y}" font-size="{font - 2}" fill="#4f5b66">{escape(spec.caption)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _svg_axes(canvas: _SvgCanvas, font: int, width: int) -> list[str]:
    spec = canvas.spec
    out = ['<g class="axes">']
    y_ticks = _ticks(canvas.y_low, canvas.y_high)
    decimals = _tick_decimals(y_ticks)
    for tick in y_ticks:
        y = canvas.y(tick)
        out.append(f'<line x1="{canvas.left}" x2="{canvas.right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dde3e9"/>')
        out.append(
            f'<text x="{canvas.left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#1f2933">'
            f"{escape(format_number(tick, decimals))}</text>"
        )
    if spec.numeric_x:
        x_ticks = _ticks(canvas.x_low, canvas.x_high, 6)
        x_decimals = _tick_decimals(x_ticks)
        labels = [(canvas.x(t), format_number(t, x_decimals)) for t in x_ticks]
    else:
        labels = _period_labels(canvas, font, width)
    for x, label in labels:
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{canvas.bottom}" y2="{canvas.bottom + 5}" stroke="#4f5b66"/>')
        out.append(
            f'<text x="{x:.1f}" y="{canvas.bottom + font + 6}" text-anchor="middle" fill="#1f2933">{escape(label)}</text>'
        )
    out.append(f'<line x1="{canvas.left}" x2="{canvas.right}" y1="{canvas.bottom}" y2="{canvas.bottom}" stroke="#4f5b66"/>')
    out.append(f'<line x1="{canvas.left}" x2="{canvas.left}" y1="{canvas.top}" y2="{canvas.bottom}" stroke="#4f5b66"/>')
    middle = (canvas.top + canvas.bottom) / 2
    out.append(
        f'<text x="16" y="{middle:.1f}" transform="rotate(-90 16 {middle:.1f})" text-anchor="middle" '
        f'fill="#1f2933">{escape(spec.y_title)}</text>'
    )
    if spec.x_title:
        out.append(
            f'<text x="{(canvas.left + canvas.right) / 2:.1f}" y="{canvas.bottom + 2 * (font + 6)}" text-anchor="middle" '
            f'fill="#1f2933">{escape(spec.x_title)}</text>'
        )
    out.append("</g>")
    return out


def _period_labels(canvas: _SvgCanvas, font: int, width: int) -> list[tuple[float, str]]:
    """The period names to write under the axis and where: the first, every k-th and the latest (``axis``), each
    kept inside the drawing, and none closer to the next than the longest name needs (16 half-years or 36
    months would otherwise run into each other)."""
    categories = canvas.spec.categories
    room = label_width(categories, font)
    placed = []
    for index in named_periods(len(categories), label_step(len(categories), canvas.band, room)):
        half = _text_width(categories[index], font) / 2
        placed.append((min(max(canvas.x(index), half + 2), width - half - 2), categories[index]))
    kept: list[tuple[float, str]] = []
    for x, category in reversed(placed):  # the latest period keeps its name if pulling it inside crowds another
        if not kept or kept[-1][0] - x >= room:
            kept.append((x, category))
    return kept[::-1]


def _svg_series(canvas: _SvgCanvas, one: Series, spec: ChartSpec, label_font: int) -> list[str]:
    bar_series = [s for s in spec.series if s.mode == "bars"]
    xs = _series_xs(canvas, one, bar_series)
    points = [(x, canvas.y(canvas.clamp(value)) if value is not None else None) for x, value in zip(xs, one.y)]
    out = [f'<g class="series series-{one.role}">']
    if one.mode == "bars":
        out += _bars(canvas, one, points, canvas.band * 0.7 / len(bar_series) * 0.9)
    if "lines" in one.mode:
        out += _polylines(points, one.style)
    if one.lower is not None and one.upper is not None:
        out += _whiskers(canvas, one, xs)
    if "markers" in one.mode:
        out += [_marker_svg(one.style.marker, x, y, one.style.color) for x, y in points if y is not None]
    for (x, y), label in zip(points, one.labels or ()):
        if label and y is not None:
            out.append(
                f'<text x="{x + 7:.1f}" y="{y - 7:.1f}" font-size="{label_font}" fill="#1f2933">{escape(label)}</text>'
            )
    out.append("</g>")
    return out


def _series_xs(canvas: _SvgCanvas, one: Series, bar_series: list[Series]) -> list[float]:
    if one.x is not None:
        return [canvas.x(value) for value in one.x]
    if one.mode == "bars":  # side by side within each period's band
        slot = canvas.band * 0.7 / len(bar_series)
        offset = -canvas.band * 0.35 + slot * (bar_series.index(one) + 0.5)
        return [canvas.x(i) + offset for i in range(len(one.y))]
    return [canvas.x(i) for i in range(len(one.y))]


def _bars(canvas: _SvgCanvas, one: Series, points, width: float) -> list[str]:
    base = canvas.y(canvas.clamp(0.0))
    return [
        f'<rect x="{x - width / 2:.1f}" y="{min(y, base):.1f}" width="{width:.1f}" height="{abs(base - y):.1f}" '
        f"{_bar_attrs(one.style)}/>"
        for x, y in points
        if y is not None
    ]


def _polylines(points, style: Style) -> list[str]:
    """One polyline per unbroken run of values: a missing value is a gap, never a zero."""
    out, segment = [], []
    for x, y in [*points, (None, None)]:
        if y is None:
            if len(segment) > 1:
                out.append(f'<polyline points="{" ".join(segment)}" {_line_attrs(style)}/>')
            segment = []
        else:
            segment.append(f"{x:.1f},{y:.1f}")
    return out


def _whiskers(canvas: _SvgCanvas, one: Series, xs: list[float]) -> list[str]:
    colour = "#1f2933" if one.mode == "bars" else one.style.color
    out = []
    for x, low, high in zip(xs, one.lower, one.upper):
        if low is not None and high is not None:
            y1, y2 = canvas.y(canvas.clamp(low)), canvas.y(canvas.clamp(high))
            out.append(
                f'<path d="M{x:.1f} {y1:.1f}V{y2:.1f}M{x - 4:.1f} {y1:.1f}H{x + 4:.1f}M{x - 4:.1f} {y2:.1f}H{x + 4:.1f}" '
                f'stroke="{colour}" stroke-width="1.5" fill="none"/>'
            )
    return out


def _legend_rows(items: Sequence[Series], max_width: float, font: int) -> list[list[tuple[Series, float]]]:
    rows: list[list[tuple[Series, float]]] = [[]]
    used = 0.0
    for item in items:
        item_width = 34 + len(item.name) * font * 0.6 + 16
        if rows[-1] and used + item_width > max_width:
            rows.append([])
            used = 0.0
        rows[-1].append((item, used))
        used += item_width
    return rows if rows[0] else []


def _svg_legend(rows: list[list[tuple[Series, float]]], top: float, font: int, step: int) -> list[str]:
    out = ['<g class="legend">']
    for row_index, row in enumerate(rows):
        y = top + row_index * step + step // 2
        for item, offset in row:
            x = 20 + offset
            style = item.style
            if item.mode == "bars":
                out.append(f'<rect x="{x + 4}" y="{y - 6}" width="18" height="12" {_bar_attrs(style)}/>')
            else:
                if "lines" in item.mode:
                    out.append(f'<line x1="{x}" x2="{x + 26}" y1="{y}" y2="{y}" {_line_attrs(style)}/>')
                if "markers" in item.mode:
                    out.append(_marker_svg(style.marker, x + 13, y, style.color))
            out.append(f'<text x="{x + 32}" y="{y + 4}" font-size="{font}" fill="#1f2933">{escape(item.name)}</text>')
    out.append("</g>")
    return out


def sparkline_svg(values: Sequence[float | None], *, label: str, width: int = 112, height: int = 28) -> SafeString:
    """A tiny inline trend line (no axes) with the last value marked; ``label`` is its text alternative."""
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return mark_safe(f'<span class="visually-hidden">{escape(label)}</span>')
    low, high = min(present), max(present)
    span = (high - low) or 1.0
    step = (width - 8) / max(1, len(values) - 1)

    def xy(index: int, value: float) -> str:
        return f"{4 + index * step:.1f},{height - 4 - (value - low) / span * (height - 8):.1f}"

    segments, segment = [], []
    for index, value in enumerate([*values, None]):
        if value is None:
            if len(segment) > 1:
                segments.append(f'<polyline points="{" ".join(segment)}" stroke="#1d5a85" stroke-width="1.5" fill="none"/>')
            segment = []
        else:
            segment.append(xy(index, value))
    last_index = max(i for i, v in enumerate(values) if v is not None)
    x, y = xy(last_index, values[last_index]).split(",")
    return mark_safe(
        f'<svg class="sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f"aria-label={quoteattr(label)} focusable=\"false\">{''.join(segments)}"
        f'<circle cx="{x}" cy="{y}" r="2.5" fill="#1d5a85"/></svg>'
    )
