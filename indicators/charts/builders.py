"""Chart specifications from indicators.selectors objects: run charts, women/men, funnel plots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators import stats
from indicators.charts.spec import ChartSpec, ChartTable, Series, spec_values, value_range
from indicators.charts.words import (
    SummaryWords,
    axis_title,
    format_estimate,
    format_interval,
    format_number,
    format_point,
    format_value,
    run_chart_in_words,
    summary_in_words,
    target_in_words,
)
from indicators.models import Granularity, Indicator, Sex, Unit, UnitKind
from indicators.selectors import series as series_selectors
from indicators.selectors.region import FunnelPosition, RegionIndicator
from indicators.selectors.series import IndicatorSeries, IndicatorSummary, Point, estimate_for
from organisations.models import Clinic


def _hover(label: str, estimate_text: str) -> str:
    return f"{label}: {estimate_text}"


def _period_text(points: Sequence[Point], granularity: str | None) -> str:
    if not points:
        return "–"
    first, last = points[0].period_label, points[-1].period_label
    span = first if first == last else f"{first}–{last}"
    if granularity and granularity != Granularity.YEAR:
        return f"{span} ({Granularity(granularity).label})"
    return span


def _sex_label(sex: str) -> str:
    return capfirst(str(Sex(sex).label))


def interval_note(unit: str) -> str:
    if unit == Unit.PERCENT:
        return _("95 % konfidensintervall (Wilson)")
    if unit == Unit.RATE_PER_1000:
        return _("95 % konfidensintervall (Byar; exakt Poisson under 10 händelser)")
    if unit == Unit.COUNT:
        return _("95 % konfidensintervall (Poisson)")
    return ""


_SIZE_DEPENDENT_UNITS = {Unit.COUNT, Unit.AMOUNT}
_SEX_ROLES = {Sex.TOTAL: "clinic", Sex.WOMEN: "women", Sex.MEN: "men"}


def run_chart_spec(
    series: IndicatorSeries,
    *,
    clinic_name: str,
    sexes: Sequence[str] = (Sex.TOTAL,),
    periods: int | None = None,
    benchmarks: bool = True,
) -> ChartSpec:
    """The clinic's values over time with 95 % intervals.

    One sex: a run chart, with the median as centre line and Anhøj's verdict in the notes, the region's
    and the country's values (unless the unit depends on the clinic's size) and the target level.
    Several sexes: one line each with its own intervals, no centre line.
    """
    indicator, unit = series.indicator, series.indicator.unit
    sexes = list(sexes) or [Sex.TOTAL]
    single = len(sexes) == 1
    starts, shown = _shown_periods(series, sexes, periods)
    categories = tuple(point.period_label for point in shown)
    chart_series: list[Series] = []
    table_columns: list[tuple[str, list[str]]] = []
    for sex in sexes:
        name = clinic_name if single and sex == Sex.TOTAL else f"{clinic_name}, {Sex(sex).label}"
        line, columns = _sex_line(series, sex, starts, categories, name=name, with_counts=single)
        chart_series.append(line)
        table_columns.extend(columns)
    notes: list[str] = []
    run = None
    if single:
        run = stats.run_chart(list(chart_series[0].y))
        if run.median is not None:
            chart_series.append(_level_line(_("Median"), "median", run.median, categories))
        notes.extend(run_chart_in_words(run, unit).details)
        if benchmarks and unit not in _SIZE_DEPENDENT_UNITS:
            for line, column in _benchmark_lines(series, starts, sexes[0], categories):
                chart_series.append(line)
                table_columns.append(column)
    if indicator.target is not None:
        chart_series.append(_level_line(_("Målnivå"), "target", indicator.target, categories))
        notes.append(target_in_words(indicator, None))
    headers = (_("Period"), *(header for header, _values in table_columns))
    rows = tuple((category, *(values[i] for _h, values in table_columns)) for i, category in enumerate(categories))
    period = _period_text(shown, series.granularity)
    return ChartSpec(
        title=indicator.name if single else f"{indicator.name}, " + _("kvinnor och män"),
        source=indicator.source.name,
        period=period,
        unit=unit,
        y_title=axis_title(unit),
        x_title="",  # the categories are periods; saying so would only crowd the legend
        series=tuple(chart_series),
        categories=categories,
        table=ChartTable(headers, rows),
        summary=_summary_over_time(indicator, clinic_name, chart_series[0], categories, period, run),
        notes=tuple(notes),
        y_range=value_range(spec_values(chart_series), unit),
        interval_note=interval_note(unit),
    )


def _shown_periods(series: IndicatorSeries, sexes: Sequence[str], periods: int | None) -> tuple[list, list[Point]]:
    """The period starts the chart shows (the last ``periods`` of those any of ``sexes`` has) and a point of each,
    for its label."""
    by_start = {p.period_start: p for sex in sexes for p in series.points(sex)}
    starts = sorted(by_start)
    if periods:
        starts = starts[-periods:]
    return starts, [by_start[start] for start in starts]


def _estimate_series(name: str, role: str, categories: Sequence[str], points: Sequence[Point | None], unit: str,
                     mode: str = "lines+markers") -> tuple[Series, list]:
    """The clinic's values at ``points`` with their 95 % intervals, and the estimates they come from."""
    estimates = [estimate_for(unit, point) for point in points]
    line = Series(
        name=name,
        role=role,
        y=tuple(e.value if e else None for e in estimates),
        lower=tuple(e.interval.lower if e and e.interval else None for e in estimates),
        upper=tuple(e.interval.upper if e and e.interval else None for e in estimates),
        mode=mode,
        hover=tuple(
            _hover(category, format_estimate(e, unit) if e else format_point(p, unit))
            for category, e, p in zip(categories, estimates, points)
        ),
    )
    return line, estimates


def _sex_line(series: IndicatorSeries, sex: str, starts: Sequence, categories: Sequence[str], *, name: str,
              with_counts: bool) -> tuple[Series, list[tuple[str, list[str]]]]:
    """One sex's line over the periods and its table columns (value and interval; numerator and denominator
    when it is the only line)."""
    unit = series.indicator.unit
    points = _at(series, starts, sex)
    line, estimates = _estimate_series(name, _SEX_ROLES[sex], categories, points, unit)
    columns = [
        (name if not with_counts else _("Värde"), [format_point(p, unit) for p in points]),
        (_("95 % KI"), [format_interval(e.interval, unit) if e else "" for e in estimates]),
    ]
    if with_counts:
        columns.append((_("Täljare"), [_count(p.numerator) if p else "" for p in points]))
        columns.append((_("Nämnare"), [_count(p.denominator) if p else "" for p in points]))
    return line, columns


def _benchmark_lines(series: IndicatorSeries, starts: Sequence, sex: str, categories: Sequence[str]):
    """The region's and the country's values beside the clinic's, each with its table column, where there are
    any."""
    unit = series.indicator.unit
    for kind, role, name in ((UnitKind.REGION, "region", _("Regionen")), (UnitKind.NATION, "nation", _("Riket"))):
        points = [series.benchmark(kind, point) if point else None for point in _at(series, starts, sex)]
        if not any(p is not None and p.has_value for p in points):
            continue
        values = tuple(p.value if p is not None and p.has_value else None for p in points)
        hover = tuple(_hover(c, format_point(p, unit)) for c, p in zip(categories, points))
        column = (name, [format_point(p, unit) for p in points])
        yield Series(name, role, values, mode="lines+markers", hover=hover), column


def _level_line(name: str, role: str, level: float, categories: Sequence[str]) -> Series:
    """A horizontal line (the median, the target level) across the chart."""
    return Series(name, role, tuple(level for _c in categories), mode="lines")


def _at(series: IndicatorSeries, starts: Sequence, sex: str) -> list[Point | None]:
    by_start = {p.period_start: p for p in series.points(sex)}
    return [by_start.get(start) for start in starts]


def _count(number: float | None) -> str:
    if number is None:
        return ""
    return format_number(number, 0 if number == int(number) else 1)


def _summary_over_time(indicator, clinic_name, first: Series, categories, period, run) -> str:
    values = [(c, v) for c, v in zip(categories, first.y) if v is not None]
    if not values:
        return _("%(indicator)s för %(clinic)s, %(period)s: inga värden.") % {
            "indicator": indicator.name, "clinic": clinic_name, "period": period,
        }
    parts = [
        _("%(indicator)s för %(clinic)s, %(period)s: från %(first)s (%(first_period)s) till %(last)s (%(last_period)s).")
        % {
            "indicator": indicator.name,
            "clinic": clinic_name,
            "period": period,
            "first": format_value(values[0][1], indicator.unit),
            "first_period": values[0][0],
            "last": format_value(values[-1][1], indicator.unit),
            "last_period": values[-1][0],
        }
    ]
    if run is not None:
        parts.append(run_chart_in_words(run, indicator.unit).short + ".")
    return " ".join(parts)


def sex_split_spec(series: IndicatorSeries, *, clinic_name: str) -> ChartSpec:
    """Women, men and everyone in the latest period, each with its own interval (bars), and the region's
    values for the same groups as markers when the unit allows a comparison."""
    indicator, unit = series.indicator, series.indicator.unit
    latest = series.latest()
    sexes = (Sex.WOMEN, Sex.MEN, Sex.TOTAL)
    categories = tuple(_sex_label(sex) for sex in sexes)
    points = [series.at(latest.period_start, sex) if latest else None for sex in sexes]
    bars, estimates = _estimate_series(clinic_name, "clinic", categories, points, unit, mode="bars")
    chart_series = [bars]
    headers = [_("Grupp"), _("Värde"), _("95 % KI"), _("Täljare"), _("Nämnare")]
    region_points = [series.benchmark(UnitKind.REGION, p) if p else None for p in points]
    show_region = unit not in _SIZE_DEPENDENT_UNITS and any(p is not None and p.has_value for p in region_points)
    if show_region:
        chart_series.append(
            Series(
                _("Regionen"),
                "region",
                tuple(p.value if p is not None and p.has_value else None for p in region_points),
                mode="markers",
            )
        )
        headers.append(_("Regionen"))
    rows = _sex_split_rows(categories, points, estimates, region_points if show_region else None, unit)
    period = latest.period_label if latest else "–"
    described = "; ".join(
        f"{category} {format_estimate(e, unit) if e else format_point(p, unit)}"
        for category, e, p in zip(categories, estimates, points)
    )
    return ChartSpec(
        title=f"{indicator.name}, " + _("kvinnor och män"),
        source=indicator.source.name,
        period=period,
        unit=unit,
        y_title=axis_title(unit),
        x_title="",
        series=tuple(chart_series),
        categories=categories,
        table=ChartTable(tuple(headers), tuple(rows)),
        summary=_("%(indicator)s för %(clinic)s, %(period)s: %(values)s.")
        % {"indicator": indicator.name, "clinic": clinic_name, "period": period, "values": described},
        notes=(
            _("Kvinnor och män har egna konfidensintervall: en skillnad räknas bara när intervallen inte överlappar."),
        ),
        y_range=value_range([0.0, *spec_values(chart_series)], unit),
        interval_note=interval_note(unit),
    )


def _sex_split_rows(categories, points, estimates, region_points, unit: str) -> list[tuple[str, ...]]:
    """The table under the women/men chart: one row per group, with the region's value when it is shown."""
    rows = []
    for i, category in enumerate(categories):
        point, estimate = points[i], estimates[i]
        row = [category, format_point(point, unit), format_interval(estimate.interval, unit) if estimate else ""]
        row += [_count(point.numerator) if point else "", _count(point.denominator) if point else ""]
        if region_points is not None:
            row.append(format_point(region_points[i], unit))
        rows.append(tuple(row))
    return rows


# "95 %-gränsen" is not a format string: the xgettext:no-python-format markers keep xgettext from reading "%-g" as one.
FUNNEL_POSITION_LABELS = {
    FunnelPosition.INSIDE: gettext_lazy("Inom gränserna"),
    # xgettext:no-python-format
    FunnelPosition.ABOVE_95: gettext_lazy("Över 95 %-gränsen"),
    # xgettext:no-python-format
    FunnelPosition.BELOW_95: gettext_lazy("Under 95 %-gränsen"),
    # xgettext:no-python-format
    FunnelPosition.ABOVE_998: gettext_lazy("Över 99,8 %-gränsen"),
    # xgettext:no-python-format
    FunnelPosition.BELOW_998: gettext_lazy("Under 99,8 %-gränsen"),
}


def funnel_spec(data: RegionIndicator) -> ChartSpec:
    """The region's clinics for one indicator and period against 95 % and 99,8 % control limits around the
    region's value; clinics outside the limits are named on the chart."""
    indicator, unit = data.indicator, data.indicator.unit
    funnel = data.funnel
    labels = tuple(
        entry.clinic.name if entry.is_outside else None for entry in funnel
    )
    hover = tuple(
        f"{entry.clinic.name}: {format_estimate(entry.estimate, unit)}, "
        + _("nämnare %(size)s") % {"size": _count(entry.size)}
        + f" – {FUNNEL_POSITION_LABELS[entry.position]}"
        for entry in funnel
    )
    series = [
        Series(
            _("Vårdcentraler"),
            "clinics",
            tuple(entry.estimate.value for entry in funnel),
            x=tuple(entry.size for entry in funnel),
            mode="markers",
            labels=labels,
            hover=hover,
        )
    ]
    sizes = tuple(point.size for point in data.curve)
    centre_name = _("Regionens värde") if data.centre_is_region_value else _("Vårdcentralernas sammanlagda värde")
    if data.centre is not None and sizes:
        series.append(Series(centre_name, "centre", tuple(data.centre for _s in sizes), x=sizes, mode="lines"))
    limit_names = (
        # xgettext:no-python-format
        ("limit95", _("95 %-gräns")),
        # xgettext:no-python-format
        ("limit998", _("99,8 %-gräns")),
    )
    for index, (role, name) in enumerate(limit_names):
        series.append(
            Series(name, role, tuple(p.limits[index].upper for p in data.curve), x=sizes, mode="lines")
        )
        series.append(
            Series(name, role, tuple(p.limits[index].lower for p in data.curve), x=sizes, mode="lines", legend=False)
        )
    rows = tuple(
        (
            entry.clinic.name,
            format_value(entry.estimate.value, unit),
            format_interval(entry.estimate.interval, unit),
            _count(entry.estimate.point.numerator),
            _count(entry.size),
            str(FUNNEL_POSITION_LABELS[entry.position]),
        )
        for entry in sorted(funnel, key=lambda entry: entry.clinic.name)
    )
    period = data.period.period_label if data.period else "–"
    summary = _funnel_summary(data, period, centre_name)
    x_title = _("Antal i nämnaren") if unit == Unit.PERCENT else _("Befolkning (nämnare)")
    return ChartSpec(
        title=indicator.name,
        source=indicator.source.name,
        period=period,
        unit=unit,
        y_title=axis_title(unit),
        x_title=x_title,
        series=tuple(series),
        table=ChartTable(
            (_("Vårdcentral"), _("Värde"), _("95 % KI"), _("Täljare"), _("Nämnare"), _("Läge i trattdiagrammet")),
            rows,
        ),
        summary=summary,
        notes=(
            _(
                # xgettext:no-python-format
                "Gränserna visar hur mycket slumpen kan ge vid olika storlek. Ett värde utanför 95 %-gränsen "
                "är värt att titta närmare på, utanför 99,8 %-gränsen är slumpen en osannolik förklaring. "
                "Gränserna tar inte hänsyn till vårdbehov (CNI), sjukdomsbörda (ACG) eller skillnader i "
                "registrering."
            ),
        ),
        y_range=value_range(spec_values(series), unit),
        interval_note=_("Kontrollgränser 95 % och 99,8 % (Spiegelhalter)"),
    )


def _funnel_summary(data: RegionIndicator, period: str, centre_name: str) -> str:
    """The funnel plot in words: how many clinics, the centre line and which clinics lie outside the limits."""
    outside = [entry for entry in data.funnel if entry.is_outside]
    summary = _(
        "Trattdiagram för %(indicator)s, %(period)s: %(count)s vårdcentraler i %(region)s. "
        "Mittlinjen är %(centre_name)s, %(centre)s."
    ) % {
        "indicator": data.indicator.name,
        "period": period,
        "count": len(data.funnel),
        "region": data.region.name,
        "centre_name": centre_name.lower(),
        "centre": format_value(data.centre, data.indicator.unit) if data.centre is not None else "–",
    }
    if outside:
        summary += " " + _("Utanför gränserna: %(clinics)s.") % {
            "clinics": ", ".join(f"{entry.clinic.name} ({FUNNEL_POSITION_LABELS[entry.position]})" for entry in outside)
        }
    else:
        # xgettext:no-python-format
        summary += " " + _("Alla ligger inom 95 %-gränserna: skillnaderna kan förklaras av slumpen.")
    return summary


@dataclass(frozen=True)
class IndicatorChart:
    """One indicator of one clinic, ready to show or print: the numbers, the words and the run chart."""

    summary: IndicatorSummary
    words: SummaryWords
    spec: ChartSpec

    @property
    def indicator(self) -> Indicator:
        return self.summary.indicator


def clinic_indicator_charts(clinic: Clinic, indicators: Sequence[Indicator]) -> list[IndicatorChart]:
    """The chosen indicators of a clinic with words and run charts, in the order given (1 query): what
    presentation mode shows and what a feedback deck prints."""
    series = series_selectors.load_series(clinic, indicators)
    charts = []
    for indicator in indicators:
        summary = series_selectors.summarise(series[indicator.pk])
        spec = run_chart_spec(summary.series, clinic_name=clinic.name)
        charts.append(IndicatorChart(summary, summary_in_words(summary), spec))
    return charts
