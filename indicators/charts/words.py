"""Numbers and verdicts in words, shared by the pages, the PDF and the deck so they say the same thing."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from indicators import stats
from indicators.models import Indicator, Unit, UnitKind
from indicators.selectors.series import BenchmarkComparison, Estimate, IndicatorSummary, NotCompared, Point

Comparison = stats.Comparison


DECIMALS = {Unit.PERCENT: 1, Unit.RATE_PER_1000: 1, Unit.COUNT: 0, Unit.DAYS: 1, Unit.INDEX: 1, Unit.AMOUNT: 0}
NBSP = "\u00a0"


def format_number(value: float, decimals: int = 1) -> str:
    """A number in the active language's style: 12 345,6 in Swedish, 12,345.6 in English.

    Python's own formatting with the language's separators: Django's number_format gives the same result
    but costs ten times as much, and a page can format thousands of numbers."""
    text = f"{round(value, decimals) + 0.0:,.{decimals}f}"  # + 0.0 turns -0.0 into 0.0
    decimal, thousands = formats.get_format("DECIMAL_SEPARATOR"), formats.get_format("THOUSAND_SEPARATOR")
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)


_SUFFIXES = {
    Unit.RATE_PER_1000: gettext_lazy("per 1 000"),
    Unit.DAYS: gettext_lazy("dagar"),
    Unit.AMOUNT: gettext_lazy("kr"),
}


def _suffix(unit: str) -> str:
    if unit == Unit.PERCENT:
        return f"{NBSP}%"
    suffix = _SUFFIXES.get(unit)
    return NBSP + str(suffix).replace(" ", NBSP) if suffix else ""


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return format_number(value, DECIMALS.get(unit, 1)) + _suffix(unit)


def format_interval(interval: stats.Interval | None, unit: str) -> str:
    """ "39,9–43,5 %" (without the level; see ``format_estimate``)."""
    if interval is None:
        return ""
    decimals = DECIMALS.get(unit, 1)
    return f"{format_number(interval.lower, decimals)}–{format_number(interval.upper, decimals)}{_suffix(unit)}"


def format_estimate(estimate: Estimate | None, unit: str) -> str:
    """ "41,7 % (95 % KI 39,9–43,5 %)", or the value alone when no interval can be computed."""
    if estimate is None:
        return "–"
    text = format_value(estimate.value, unit)
    if estimate.interval is not None:
        text += " (" + _("95 %% KI %(interval)s") % {"interval": format_interval(estimate.interval, unit)} + ")"
    return text


def format_point(point: Point | None, unit: str) -> str:
    """A value, or the status the source gave instead (masked, unknown …): never a zero."""
    if point is None:
        return "–"
    if not point.has_value:
        return point.status_label
    return format_value(point.value, unit)


def axis_title(unit: str) -> str:
    return capfirst(str(Unit(unit).label)) if unit in Unit.values else ""


# ---------------------------------------------------------------------------------------------------------
# Comparisons, run charts and targets in words
# ---------------------------------------------------------------------------------------------------------

_SHORT = {
    (Comparison.BETTER, UnitKind.REGION): gettext_lazy("Bättre än regionen"),
    (Comparison.BETTER, UnitKind.NATION): gettext_lazy("Bättre än riket"),
    (Comparison.WORSE, UnitKind.REGION): gettext_lazy("Sämre än regionen"),
    (Comparison.WORSE, UnitKind.NATION): gettext_lazy("Sämre än riket"),
    (Comparison.SIMILAR, UnitKind.REGION): gettext_lazy("Liknande regionen"),
    (Comparison.SIMILAR, UnitKind.NATION): gettext_lazy("Liknande riket"),
    (Comparison.HIGHER, UnitKind.REGION): gettext_lazy("Högre än regionen"),
    (Comparison.HIGHER, UnitKind.NATION): gettext_lazy("Högre än riket"),
    (Comparison.LOWER, UnitKind.REGION): gettext_lazy("Lägre än regionen"),
    (Comparison.LOWER, UnitKind.NATION): gettext_lazy("Lägre än riket"),
    (Comparison.NOT_COMPARED, UnitKind.REGION): gettext_lazy("Ej jämförd med regionen"),
    (Comparison.NOT_COMPARED, UnitKind.NATION): gettext_lazy("Ej jämförd med riket"),
}
_DIFFERENT = {
    UnitKind.REGION: gettext_lazy("95 %% konfidensintervall överlappar inte regionens värde, %(value)s"),
    UnitKind.NATION: gettext_lazy("95 %% konfidensintervall överlappar inte rikets värde, %(value)s"),
}
_SIMILAR = {
    UnitKind.REGION: gettext_lazy(
        "95 %% konfidensintervall omfattar regionens värde, %(value)s: skillnaden kan bero på slumpen"
    ),
    UnitKind.NATION: gettext_lazy(
        "95 %% konfidensintervall omfattar rikets värde, %(value)s: skillnaden kan bero på slumpen"
    ),
}
_NOT_COMPARED = {
    NotCompared.UNIT: gettext_lazy("antal och belopp beror på vårdcentralens storlek och jämförs inte"),
    NotCompared.NO_VALUE: gettext_lazy("vårdcentralen har inget värde för perioden"),
    NotCompared.NO_INTERVAL: gettext_lazy("osäkerheten kan inte beräknas utan täljare och nämnare"),
    (NotCompared.NO_BENCHMARK, UnitKind.REGION): gettext_lazy("regionens värde för perioden saknas"),
    (NotCompared.NO_BENCHMARK, UnitKind.NATION): gettext_lazy("rikets värde för perioden saknas"),
}
# Marks that carry the result without colour (WCAG 1.4.1); the text label always goes with them.
_SYMBOL = {
    Comparison.BETTER: "▲",
    Comparison.WORSE: "▼",
    Comparison.SIMILAR: "●",
    Comparison.HIGHER: "△",
    Comparison.LOWER: "▽",
    Comparison.NOT_COMPARED: "–",
}


@dataclass(frozen=True)
class ComparisonText:
    short: str  # "Bättre än regionen"
    reason: str  # "95 % konfidensintervall överlappar inte regionens värde, 43,2 %"
    caveat: str  # small-numbers warning, or ""
    symbol: str  # a shape for the result; decorative next to the text
    css_class: str

    @property
    def sentence(self) -> str:
        """ "Bättre än regionen (95 % konfidensintervall …). Få fall: …" – what a deck prints."""
        text = f"{self.short} ({self.reason})" if self.reason else self.short
        return f"{text}. {self.caveat}" if self.caveat else text


def small_numbers_caveat() -> str:
    return _("Få fall (färre än %(threshold)s i nämnaren): slumpen kan ge stora skillnader, tolka med försiktighet.") % {
        "threshold": stats.SMALL_NUMBERS_THRESHOLD
    }


def comparison_in_words(comparison: BenchmarkComparison, unit: str) -> ComparisonText:
    """The comparison of a clinic with the region or the country, as a label, a reason and a caveat."""
    result, kind = comparison.result, comparison.kind
    value = format_point(comparison.benchmark, unit)
    if result == Comparison.NOT_COMPARED:
        key = (comparison.reason, kind) if comparison.reason == NotCompared.NO_BENCHMARK else comparison.reason
        reason = str(_NOT_COMPARED.get(key, ""))
    elif result == Comparison.SIMILAR:
        reason = str(_SIMILAR[kind]) % {"value": value}
    else:
        reason = str(_DIFFERENT[kind]) % {"value": value}
        if result in (Comparison.HIGHER, Comparison.LOWER):
            reason += "; " + _("ingen värdering: ett högt eller lågt värde är inte i sig bättre eller sämre")
    return ComparisonText(
        short=str(_SHORT[(result, kind)]),
        reason=reason,
        caveat=small_numbers_caveat() if comparison.small_numbers else "",
        symbol=_SYMBOL[result],
        css_class=f"cmp-{result.value}",
    )


@dataclass(frozen=True)
class RunChartText:
    signal: bool
    short: str  # "Icke-slumpmässig variation", "Ingen signal", "För få mätpunkter"
    details: tuple[str, ...]  # full sentences, for captions and slides
    brief: str = ""  # the numbers behind a signal in a few words, for tables: "Få korsningar: 1 (gräns 2)"


def run_chart_in_words(run: stats.RunChartResult, unit: str = Unit.PERCENT) -> RunChartText:
    """Anhøj's two rules, named, with the numbers behind the verdict."""
    if run.n_useful == 0:
        return RunChartText(False, _("Inga mätpunkter"), (_("Det finns inga värden att bedöma."),))
    if run.n_useful < stats.MIN_RUN_CHART_POINTS:
        numbers = {"n": run.n_useful, "minimum": stats.MIN_RUN_CHART_POINTS}
        return RunChartText(
            False,
            _("För få mätpunkter"),
            (
                _(
                    "%(n)s mätpunkter utanför medianen; minst %(minimum)s behövs för att bedöma om variationen "
                    "är slumpmässig."
                )
                % numbers,
            ),
            _("%(n)s av minst %(minimum)s mätpunkter") % numbers,
        )
    median = format_value(run.median, unit)
    details, brief = [], []
    if run.signal_runs:
        brief.append(_("Lång serie: %(run)s i rad (gräns %(limit)s)") % {"run": run.longest_run, "limit": run.run_limit})
        details.append(
            _(
                "Lång serie: %(run)s mätpunkter i rad på samma sida om medianen %(median)s (fler än %(limit)s "
                "är osannolikt av slumpen). Det tyder på en verklig förändring."
            )
            % {"run": run.longest_run, "limit": run.run_limit, "median": median}
        )
    if run.signal_crossings:
        brief.append(
            _("Få korsningar: %(crossings)s (gräns %(limit)s)") % {"crossings": run.crossings, "limit": run.crossings_limit}
        )
        details.append(
            ngettext(
                "Få korsningar: kurvan korsar medianen %(crossings)s gång (färre än %(limit)s är osannolikt "
                "av slumpen). Det tyder på icke-slumpmässig variation.",
                "Få korsningar: kurvan korsar medianen %(crossings)s gånger (färre än %(limit)s är osannolikt "
                "av slumpen). Det tyder på icke-slumpmässig variation.",
                run.crossings,
            )
            % {"crossings": run.crossings, "limit": run.crossings_limit}
        )
    if details:
        return RunChartText(True, _("Icke-slumpmässig variation"), tuple(details), "; ".join(brief))
    return RunChartText(
        False,
        _("Ingen signal"),
        (
            _(
                "Ingen signal enligt Anhøjs regler: längsta serie %(run)s (gräns %(limit)s), %(crossings)s "
                "korsningar av medianen %(median)s (minst %(climit)s). Variationen kan förklaras av slumpen."
            )
            % {
                "run": run.longest_run,
                "limit": run.run_limit,
                "crossings": run.crossings,
                "climit": run.crossings_limit,
                "median": median,
            },
        ),
    )


def target_in_words(indicator: Indicator, target_met: bool | None) -> str:
    if indicator.target is None:
        return ""
    target = format_value(indicator.target, indicator.unit)
    if target_met is None:
        return _("Målnivå %(target)s") % {"target": target}
    if target_met:
        return _("Målnivå %(target)s: nås") % {"target": target}
    return _("Målnivå %(target)s: nås inte") % {"target": target}


@dataclass(frozen=True)
class SummaryWords:
    """Everything a page, a slide or a deck says about one indicator of one clinic, as text."""

    period: str  # the latest period, "2024"
    value: str  # "41,7 %", or what the source gave instead ("maskerat, för få fall (MSK)")
    interval: str  # "39,9–43,5 %", or ""
    estimate: str  # "41,7 % (95 % KI 39,9–43,5 %)"
    vs_region: ComparisonText
    vs_nation: ComparisonText
    region_value: str  # the region's value for the same period, or "" when it has none
    nation_value: str
    women: str
    men: str
    run: RunChartText
    target: str
    small_numbers: str  # the caveat, or ""
    trend_label: str  # the sparkline's text alternative


def _sex_words(value: Estimate | Point | None, unit: str) -> str:
    if isinstance(value, Estimate):
        return format_estimate(value, unit)
    return format_point(value, unit)


def _benchmark_words(comparison: BenchmarkComparison, unit: str) -> str:
    benchmark = comparison.benchmark
    return format_value(benchmark.value, unit) if benchmark is not None and benchmark.has_value else ""


def summary_in_words(summary: IndicatorSummary) -> SummaryWords:
    indicator, unit = summary.indicator, summary.indicator.unit
    estimate = summary.estimate
    run = run_chart_in_words(summary.run, unit)
    values = [v for v in summary.trend if v is not None]
    if len(values) >= 2:
        trend_label = _("Trend %(period)s: från %(first)s till %(last)s, %(short)s.") % {
            "period": summary.period_range,
            "first": format_value(values[0], unit),
            "last": format_value(values[-1], unit),
            "short": run.short.lower(),
        }
    else:
        trend_label = _("För få värden för en trend.")
    return SummaryWords(
        period=summary.latest.period_label if summary.latest else "",
        value=format_point(summary.latest, unit),
        interval=format_interval(estimate.interval, unit) if estimate else "",
        estimate=format_estimate(estimate, unit) if estimate else format_point(summary.latest, unit),
        vs_region=comparison_in_words(summary.vs_region, unit),
        vs_nation=comparison_in_words(summary.vs_nation, unit),
        region_value=_benchmark_words(summary.vs_region, unit),
        nation_value=_benchmark_words(summary.vs_nation, unit),
        women=_sex_words(summary.women, unit),
        men=_sex_words(summary.men, unit),
        run=run,
        target=target_in_words(indicator, summary.target_met),
        small_numbers=small_numbers_caveat() if summary.small_numbers else "",
        trend_label=trend_label,
    )
