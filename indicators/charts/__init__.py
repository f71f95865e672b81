"""Indicator charts as a service: build a chart once, render it for the browser, the PDF and PowerPoint.

A ``ChartSpec`` holds everything a chart says: its series (with 95 % intervals), the source and period it
must name, a one-paragraph text alternative, a table of the same numbers, and notes such as run-chart
signals. Builders make specs from indicators.selectors objects (``run_chart_spec``,
``sex_split_spec``, ``funnel_spec``; ``clinic_indicator_charts`` also loads a clinic's series, in one
query, with their words). The pages read their data through indicators.selectors and build the specs
from it, so a chart shows exactly the clinics and periods its page does. Three renderers turn a spec into

* ``to_plotly(spec)``: a plotly figure (data, layout, config) as plain JSON-ready dicts for plotly.js;
* ``to_svg(spec)``: a standalone SVG string for WeasyPrint, drawn here (no browser or kaleido), with
  ``<title>``/``<desc>``, axes, gridlines, intervals, legend, source and period (``to_svg(spec, **SCREEN_SVG)``
  draws it for a page: narrower, with larger type): the project's only SVG chart renderer;
* ``to_pptx(spec)``: categories and named series of floats (or x/y pairs) plus number format and axis
  titles, and ``add_chart(shapes, spec, …)`` drawing them as a native PowerPoint chart (python-pptx).

A shared feedback deck rebuilds the spec from its snapshot (``feedback.renderers.charts``) and draws it with
these same renderers.

The words that go with the numbers are here too, so the pages, the PDF and the deck say the same thing:
``comparison_in_words`` ("Bättre än regionen (95 % konfidensintervall överlappar inte regionens värde,
43,2 %)"), ``run_chart_in_words`` (Anhøj signals by name) and the number formats (the active language's
decimal comma).

Layout: ``words`` (formats and verdicts), ``spec`` (the data structure), ``builders`` (specs from the
selectors), ``axis`` (which periods an axis names), and one ``render_*`` module per output.
"""

from indicators.charts.builders import (
    FUNNEL_POSITION_LABELS,
    IndicatorChart,
    clinic_indicator_charts,
    funnel_spec,
    run_chart_spec,
    sex_split_spec,
)
from indicators.charts.render_plotly import to_plotly
from indicators.charts.render_pptx import PptxChart, PptxSeries, add_chart, to_pptx
from indicators.charts.render_svg import SCREEN_SVG, sparkline_svg, to_svg
from indicators.charts.spec import STYLES, ChartSpec, ChartTable, Series, Style
from indicators.charts.words import (
    ComparisonText,
    RunChartText,
    comparison_in_words,
    format_estimate,
    format_interval,
    format_number,
    format_point,
    format_value,
    run_chart_in_words,
    SummaryWords,
    small_numbers_caveat,
    summary_in_words,
    target_in_words,
)

__all__ = [
    "FUNNEL_POSITION_LABELS",
    "IndicatorChart",
    "STYLES",
    "add_chart",
    "ChartSpec",
    "ChartTable",
    "ComparisonText",
    "PptxChart",
    "PptxSeries",
    "RunChartText",
    "Series",
    "Style",
    "clinic_indicator_charts",
    "comparison_in_words",
    "format_estimate",
    "format_interval",
    "format_number",
    "format_point",
    "format_value",
    "funnel_spec",
    "run_chart_in_words",
    "run_chart_spec",
    "sex_split_spec",
    "SummaryWords",
    "small_numbers_caveat",
    "summary_in_words",
    "sparkline_svg",
    "target_in_words",
    "to_plotly",
    "to_pptx",
    "to_svg",
    "SCREEN_SVG",
]
