"""Template tags for indicator data beside other content, e.g. the questions of the on-site dialogue form.

    {% load indicator_presentation %}
    {% question_indicators clinic summaries question.indicators.all %}

``summaries`` comes from ``indicators.selectors.series.indicator_summaries(clinic, indicators)``, called once
for the indicators of every question on the page (one query); each question then picks its own without
further queries (prefetch ``indicators`` on the questions). A view that has already picked them
(``series.summaries_for``) can include the partial itself:

    {% include "indicators/partials/question_indicators.html" with clinic=clinic summaries=summaries %}
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from indicators import charts
from indicators.selectors import series

register = template.Library()


@register.inclusion_tag("indicators/partials/question_indicators.html")
def question_indicators(clinic, summaries, indicators=None):
    """The summaries of ``indicators`` (all of ``summaries`` when None) as the compact list."""
    chosen = series.summaries_for(summaries, indicators) if indicators is not None else list(summaries)
    return {"clinic": clinic, "summaries": chosen}


@register.simple_tag
def summary_words(summary):
    """``{% summary_words summary as words %}``: the texts of charts.summary_in_words."""
    return charts.summary_in_words(summary)


@register.simple_tag
def sparkline(summary, words):
    """The trend of a summary as a small inline SVG, labelled with ``words.trend_label``."""
    return charts.sparkline_svg(summary.trend, label=words.trend_label)


@register.simple_tag
def comparison(text, *, detailed=False):
    """A comparison mark: a shape and a text label (never colour alone); with ``detailed`` also the reason,
    else the reason only when no comparison was made. Built in Python: a page can hold 120 of them."""
    mark = format_html(
        '<span class="cmp {}"><span class="cmp-symbol" aria-hidden="true">{}</span> {}</span>',
        text.css_class,
        text.symbol,
        text.short,
    )
    if text.reason and (detailed or text.css_class == "cmp-not_compared"):
        mark += format_html('<span class="d-block small text-muted">{}</span>', capfirst(text.reason))
    return mark


@register.inclusion_tag("indicators/presentation/_chart.html")
def chart_figure(spec, prefix, key, heading_level=3, heading=""):
    """A plotly chart container (DOM id ``<prefix>-<key>``, where the page's figures hold its plotly figure)
    with its caption naming source and period, its notes and a table alternative. ``heading_level=0``
    leaves the heading out, for a slide whose own heading already names the chart."""
    return {
        "dom_id": f"{prefix}-{key}" if key != "" else prefix,
        "spec": spec,
        "heading_tag": f"h{heading_level}" if heading_level else "",
        "heading": heading or spec.title,
    }


@register.filter
def unit_value(value, unit):
    """A number in the indicator's unit and the active language's format: ``{{ target|unit_value:unit }}``."""
    return charts.format_value(value, unit)


@register.filter
def funnel_position(position):
    """A selectors.region.FunnelPosition in words: ``{{ run.position|funnel_position }}``."""
    return charts.FUNNEL_POSITION_LABELS.get(position, "")


@register.simple_tag
def chart_table_body(spec):
    """The rows of a chart's table alternative (first cell a row header), built in Python: presentation
    mode holds one table per indicator."""
    return format_html_join(
        "\n",
        "<tr><th scope=\"row\">{}</th>{}</tr>",
        ((row[0], format_html_join("", "<td>{}</td>", ((cell,) for cell in row[1:]))) for row in spec.table.rows),
    )
