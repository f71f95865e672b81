"""The learning report's charts as the project's one chart model (``indicators.charts.ChartSpec``), drawn by its one
renderer per output: SVG on the page and in the PDF, native charts in PowerPoint (through the feedback deck's
``chart_block``). Numbers the small-group rule hides are gaps (None), never zeros, in every chart."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.charts import ChartSpec, ChartTable, Series, Style
from indicators.charts.words import format_number
from indicators.models import Unit
from learning.selectors import CategoryCounts, EvaluationSummary, GroupSummary

# Six looks that differ in colour (each at least 3:1 against white), dash and marker, never only in hue.
LOOKS = [
    Style("#1d5a85", marker="circle"),
    Style("#b3470c", dash="dash", marker="square"),
    Style("#1e6b3a", dash="dot", marker="diamond"),
    Style("#7d3c98", dash="longdash", marker="triangle-up"),
    Style("#4f5b66", dash="dashdot", marker="circle"),
    Style("#7a5a00", marker="square"),
]
SOURCE = gettext_lazy("Uppföljningsdialogernas medskick, lärdomar och utvärderingar")  # read in the reader's language


def nice_top(value: float) -> int:
    """The top of a count axis: at least 4, and a round number above the largest count."""
    for top in (4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if value <= top:
            return top
    return int(value * 1.1) + 1


def chart_period(periods) -> str:
    """A chart's period, as its first and last period ("2026 K1–2026 K4")."""
    if not periods:
        return ""
    return periods[0].label if len(periods) == 1 else f"{periods[0].label}–{periods[-1].label}"


def _look(index: int) -> Style:
    return LOOKS[index % len(LOOKS)]


def _cell(value) -> str:
    return "–" if value is None else format_number(value, 0)


def medskick_chart(counts: CategoryCounts, *, period_text: str, source: str = "") -> ChartSpec:
    """Medskick per category (one bar each) per period."""
    labels = [str(label) for _value, label in counts.categories]
    rows = counts.rows()
    series = tuple(
        Series(name=label, role="clinic", y=tuple(values[index] for _period, values in rows), mode="bars",
               own_style=_look(index))
        for index, label in enumerate(labels)
    )
    total = sum(value or 0 for value in counts.totals.values())
    return ChartSpec(
        title=_("Medskick per kategori och period"),
        source=source or str(SOURCE),
        period=period_text,
        unit=Unit.COUNT,
        y_title=_("antal medskick"),
        x_title="",
        series=series,
        table=ChartTable((_("Period"), *labels), tuple((period.label, *(_cell(value) for value in values)) for period, values in rows)),
        categories=tuple(period.label for period, _values in rows),
        summary=_("Staplarna visar hur många medskick som hade varje kategori, period för period; sammanlagt %(total)s "
                  "kategorimarkeringar (ett medskick kan ha flera kategorier).") % {"total": format_number(total, 0)},
        y_range=(0.0, float(nice_top(max((value or 0 for _period, values in rows for value in values), default=0)))),
        number_format="0",
    )


def criteria_chart(summary: EvaluationSummary, *, period_text: str, source: str = "") -> ChartSpec:
    """The share who answered 4–5 on each criterion (one bar each, with its 95 % Wilson interval), for the clinics'
    and the teams' answers side by side."""
    groups = summary.overall
    series = tuple(
        Series(
            name=str(result.criterion.label), role="clinic", mode="bars", own_style=_look(index),
            y=tuple(_share(group.criteria[index], group) for group in groups),
            lower=tuple(group.criteria[index].lower_percent if _share(group.criteria[index], group) is not None else None
                        for group in groups),
            upper=tuple(group.criteria[index].upper_percent if _share(group.criteria[index], group) is not None else None
                        for group in groups),
        )
        for index, result in enumerate(groups[0].criteria)
    )
    return ChartSpec(
        title=_("Andel som svarade 4 eller 5, per kriterium"),
        source=source or str(SOURCE),
        period=period_text,
        unit=Unit.PERCENT,
        y_title=_("andel 4–5 (%)"),
        x_title="",
        series=series,
        table=_criteria_table(groups),
        categories=tuple(str(group.label).capitalize() for group in groups),
        summary=_("Staplarna visar andelen svar 4 eller 5 (instämmer) för varje kriterium, för vårdcentralerna och "
                  "uppföljningsteamen var för sig. Grupper med färre än tre svar visas inte."),
        y_range=(0.0, 100.0),
        interval_note=_("95 % konfidensintervall för andelen (Wilson)"),
    )


def trend_chart(summary: EvaluationSummary, group: str, *, period_text: str, source: str = "") -> ChartSpec:
    """The share who answered 4–5 on each criterion, period by period, for one respondent group."""
    rows = summary.trend[group]
    label = str(rows[0].label) if rows else ""
    series = tuple(
        Series(name=str(criterion_label), role="clinic", own_style=_look(index),
               y=tuple(_share(period_summary.criteria[index], period_summary) for period_summary in rows))
        for index, criterion_label in enumerate(result.criterion.label for result in summary.overall[0].criteria)
    )
    return ChartSpec(
        title=_("Utvärderingen över tid: %(group)s") % {"group": label},
        source=source or str(SOURCE),
        period=period_text,
        unit=Unit.PERCENT,
        y_title=_("andel 4–5 (%)"),
        x_title="",
        series=series,
        table=ChartTable(
            (_("Period"), *[str(one.name) for one in series]),
            tuple((period.label, *(_percent(one.y[index]) for one in series)) for index, period in enumerate(summary.periods)),
        ),
        categories=tuple(period.label for period in summary.periods),
        summary=_("Linjerna visar andelen svar 4 eller 5 per kriterium och period. En period med färre än tre svar "
                  "lämnar en lucka."),
        y_range=(0.0, 100.0),
        interval_note=_("Andel 4–5; konfidensintervallen står i tabellen"),
    )


def _share(result, group: GroupSummary):
    return result.share_percent if group.shown and result.shown else None


def _percent(value) -> str:
    return "–" if value is None else f"{format_number(value, 0)} %"


def _criteria_table(groups: list[GroupSummary]) -> ChartTable:
    headers = (_("Kriterium"), *[str(group.label).capitalize() for group in groups])
    rows = []
    for index, result in enumerate(groups[0].criteria):
        cells = []
        for group in groups:
            one = group.criteria[index]
            if group.shown and one.shown:
                cells.append(f"{format_number(one.share_percent, 0)} % ({format_number(one.lower_percent, 0)}–"
                             f"{format_number(one.upper_percent, 0)} %)")
            else:
                cells.append(_("för få svar"))
        rows.append((str(result.criterion.label), *cells))
    return ChartTable(headers, tuple(rows))
