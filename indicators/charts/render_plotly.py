"""A chart specification as a plotly figure (plain dicts) for plotly.js in the browser.

Built as plain dicts rather than with plotly's Python API (``plotly.graph_objects``), which validates every
property of every trace: measured by ``bench/indicator_pages.py`` (``plotly_figures``), presentation mode's 60
figures take about 1 ms as dicts and about 900 ms through graph_objects, nearly three times the page's whole
server time (about 320 ms) where the rule was to use the API unless it cost more than 20 % of it. The layout
and traces written here are the ones plotly.js documents; tests check the figures the pages inline."""

from __future__ import annotations

from django.utils import formats

from indicators.charts.spec import ChartSpec, Series
from indicators.models import Unit


FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
_PLOTLY_MARKERS = {"circle": "circle", "square": "square", "diamond": "diamond", "triangle-up": "triangle-up"}


def _translucent(color: str, alpha: float = 0.3) -> str:
    # As in the SVG: a light bar keeps the dark interval whisker readable.
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _error_bars(one: Series) -> dict | None:
    if one.lower is None or one.upper is None or all(v is None for v in one.lower):
        return None
    plus = [None if (u is None or y is None) else max(0.0, u - y) for u, y in zip(one.upper, one.y)]
    minus = [None if (l is None or y is None) else max(0.0, y - l) for l, y in zip(one.lower, one.y)]
    return {"type": "data", "symmetric": False, "array": plus, "arrayminus": minus,
            "color": "#1f2933" if one.mode == "bars" else one.style.color, "thickness": 1.5, "width": 4}


def _text_positions(one: Series, spec: ChartSpec) -> str | list[str]:
    """Labels above their points; near the left or right edge they lean inwards, so no name is cut off."""
    if not spec.numeric_x or one.x is None:
        return "top center"
    xs = [float(x) for x in one.x if x is not None]
    low, high = min(xs, default=0.0), max(xs, default=0.0)
    if high <= low:
        return "top center"
    shares = [0.5 if x is None else (float(x) - low) / (high - low) for x in one.x]
    return ["top right" if share < 0.25 else "top left" if share > 0.75 else "top center" for share in shares]


def to_plotly(spec: ChartSpec, *, font_size: int = 14, show_title: bool = False) -> dict:
    """A plotly figure as plain dicts: ``{"data": [...], "layout": {...}, "config": {...}}``."""
    traces = []
    for one in spec.series:
        style = one.style
        trace: dict = {
            "name": one.name,
            "x": list(one.x) if one.x is not None else list(spec.categories),
            "y": list(one.y),
            "showlegend": one.legend,
            "legendgroup": one.role,
        }
        if one.mode == "bars":
            trace.update(type="bar", marker={"color": _translucent(style.color), "line": {"color": style.color, "width": 1.5}})
        else:
            mode = one.mode + ("+text" if one.labels else "")
            trace.update(
                type="scatter",
                mode=mode,
                line={"color": style.color, "dash": style.dash, "width": style.width},
                marker={"color": style.color, "symbol": _PLOTLY_MARKERS.get(style.marker, "circle"), "size": 8},
            )
        if one.labels:
            trace.update(text=[label or "" for label in one.labels], textposition=_text_positions(one, spec),
                         textfont={"size": max(10, font_size - 3), "color": "#1f2933"})
        errors = _error_bars(one)
        if errors:
            trace["error_y"] = errors
        if one.hover:
            trace.update(hovertext=list(one.hover), hoverinfo="text")
        elif one.mode == "lines":
            trace["hoverinfo"] = "skip"
        traces.append(trace)
    layout = {
        "separators": formats.get_format("DECIMAL_SEPARATOR") + formats.get_format("THOUSAND_SEPARATOR"),
        "font": {"family": FONT_FAMILY, "size": font_size, "color": "#1f2933"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 10, "r": 10, "t": 40 if show_title else 10, "b": 10},
        "xaxis": {
            "title": {"text": spec.x_title},
            "type": "linear" if spec.numeric_x else "category",
            "automargin": True,
            "gridcolor": "#dde3e9",
            "linecolor": "#4f5b66",
            "fixedrange": True,
        },
        "yaxis": {
            "title": {"text": spec.y_title},
            "automargin": True,
            "gridcolor": "#dde3e9",
            "linecolor": "#4f5b66",
            "zeroline": False,
            "fixedrange": True,
            "tickformat": f",.{0 if spec.unit in (Unit.COUNT, Unit.AMOUNT) else 1}~f",
        },
        # Below the plot, clear of the x axis's title when there is one.
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.3 if spec.x_title else -0.12, "x": 0},
        "barmode": "group",
        "hovermode": "closest",
    }
    if spec.y_range:
        layout["yaxis"]["range"] = list(spec.y_range)
    if spec.numeric_x:
        layout["xaxis"]["rangemode"] = "tozero"
    if show_title:
        layout["title"] = {"text": spec.title, "x": 0, "xanchor": "left"}
    config = {"displayModeBar": False, "responsive": True, "scrollZoom": False, "doubleClick": False}
    return {"data": traces, "layout": layout, "config": config}
