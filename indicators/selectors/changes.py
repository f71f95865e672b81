"""What changed in a clinic's indicators since a given day (issue 13): the indicators that changed most since the
clinic's previous dialogue, shown first when the team and the clinic look at data together.

"Changed most" is read honestly, as chapter 4 of the method asks: a change counts as clear only when the two
95 % intervals do not overlap (the same rule the comparisons with the region use); clear changes come first,
then the rest by the size of the change relative to the earlier value. Each change says whether it is for the
better or the worse where the indicator has a polarity. Two queries, whatever the number of indicators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from indicators.models import Indicator, Polarity
from indicators.selectors.series import Estimate, Point, clinic_indicators, estimate_for, load_series
from organisations.models import Clinic


@dataclass(frozen=True)
class IndicatorChange:
    indicator: Indicator
    before: Point
    now: Point
    before_estimate: Estimate | None
    now_estimate: Estimate | None

    @property
    def change(self) -> float:
        return self.now.value - self.before.value

    @property
    def relative(self) -> float | None:
        """The change as a fraction of the earlier value (None from zero)."""
        return abs(self.change) / abs(self.before.value) if self.before.value else None

    @property
    def is_clear(self) -> bool:
        """Both values have intervals and they do not overlap: more than random variation."""
        first = self.before_estimate.interval if self.before_estimate else None
        second = self.now_estimate.interval if self.now_estimate else None
        if first is None or second is None:
            return False
        return first.upper < second.lower or second.upper < first.lower

    @property
    def direction(self) -> str:
        """"better", "worse" or "" (no change, or an indicator without a polarity)."""
        if not self.change or self.indicator.polarity == Polarity.NO_JUDGEMENT:
            return ""
        higher = self.change > 0
        return "better" if higher == (self.indicator.polarity == Polarity.HIGHER_BETTER) else "worse"


def _latest(points: list[Point], *, ending_by: date | None = None) -> Point | None:
    for point in reversed(points):
        if point.value is not None and (ending_by is None or point.period_end <= ending_by):
            return point
    return None


def indicator_changes(clinic: Clinic, *, since: date, limit: int | None = None) -> list[IndicatorChange]:
    """The clinic's indicators with a value in a period that ended by ``since`` and a later one, the clearest and
    largest changes first (two queries)."""
    indicators = clinic_indicators(clinic)
    series = load_series(clinic, indicators)
    changes = []
    for indicator in indicators:
        points = series[indicator.pk].points()
        before, now = _latest(points, ending_by=since), _latest(points)
        if before is None or now is None or now.period_start <= before.period_start:
            continue
        changes.append(
            IndicatorChange(indicator, before, now, estimate_for(indicator.unit, before), estimate_for(indicator.unit, now))
        )
    changes.sort(key=lambda item: (not item.is_clear, -(item.relative if item.relative is not None else abs(item.change)), item.indicator.name))
    return changes[:limit] if limit else changes
