"""Reading evaluations as results (issue 14), never one by one: per respondent group (the team, the clinic), each
of the six criteria as the number of answers, the mean, and the share who answered 4 or 5 with its 95 % Wilson
interval (``indicators.stats.wilson_interval``: the scale is ordinal, so the interval is given for a proportion
rather than for the mean).

The small-group rule: a group is shown only when at least ``MIN_GROUP`` people answered, and a criterion only when
at least ``MIN_GROUP`` of them gave it a score (not "vet ej"); below that nothing but the count is returned – no
mean, no share, no interval, no free text – so no page, export or chart can show one person's answer.
``criterion_result`` is the one place that applies it, to a dialogue here and to the region's report in learning/.

Results are shown once the dialogue's evaluation round has closed (``round_closed``): until then only the number of
answers, so nobody learns an answer from how the result moved when it came in.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from dialogs.models.dialogue import Dialogue
from dialogs.models.evaluations import CRITERIA, MIN_GROUP, Criterion, Evaluation, RespondentGroup, round_closed
from indicators.stats import Interval, wilson_interval

POSITIVE_FROM = 4  # 4 and 5 count as agreeing


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    answers: int  # scores given (1–5)
    unknown: int = 0  # "vet ej"
    mean: float | None = None
    share: float | None = None  # of the answers, the share 4 or 5 (0–1)
    interval: Interval | None = None

    @property
    def shown(self) -> bool:
        return self.mean is not None

    @property
    def share_percent(self) -> float | None:
        return None if self.share is None else 100 * self.share

    @property
    def lower_percent(self) -> float | None:
        return None if self.interval is None else 100 * self.interval.lower

    @property
    def upper_percent(self) -> float | None:
        return None if self.interval is None else 100 * self.interval.upper


def criterion_result(criterion: Criterion, *, answers: int, score_sum: int, positive: int, unknown: int,
                     respondents: int) -> CriterionResult:
    """One criterion of a group, with the small-group rule applied: too few respondents or scores, and only the
    counts remain."""
    answers, unknown = int(answers or 0), int(unknown or 0)
    if respondents < MIN_GROUP or answers < MIN_GROUP:
        return CriterionResult(criterion, answers=answers if respondents >= MIN_GROUP else 0,
                               unknown=unknown if respondents >= MIN_GROUP else 0)
    return CriterionResult(
        criterion,
        answers=answers,
        unknown=unknown,
        mean=int(score_sum) / answers,
        share=int(positive) / answers,
        interval=wilson_interval(int(positive), answers),
    )


def score_aggregates(prefix: str = "") -> dict:
    """Aggregates of the six criteria for ``.annotate``/``.aggregate`` over evaluations (``prefix`` for a
    relation, e.g. "evaluations__"): per criterion the scores given, their sum and the 4s and 5s ("vet ej" is the
    respondents less the scores given)."""
    aggregates = {"respondents": Count(f"{prefix}pk", distinct=bool(prefix))}
    for criterion in CRITERIA:
        column = f"{prefix}{criterion.key}"
        aggregates[f"{criterion.key}_n"] = Count(column)
        aggregates[f"{criterion.key}_sum"] = Sum(column)
        aggregates[f"{criterion.key}_pos"] = Count(f"{prefix}pk", filter=Q(**{f"{column}__gte": POSITIVE_FROM}))
    return aggregates


def results_from_row(row: dict) -> list[CriterionResult]:
    """The six criteria from one row of ``score_aggregates``."""
    respondents = int(row.get("respondents") or 0)
    return [
        criterion_result(
            criterion,
            answers=row.get(f"{criterion.key}_n") or 0,
            score_sum=row.get(f"{criterion.key}_sum") or 0,
            positive=row.get(f"{criterion.key}_pos") or 0,
            unknown=respondents - (row.get(f"{criterion.key}_n") or 0),
            respondents=respondents,
        )
        for criterion in CRITERIA
    ]


@dataclass
class GroupResult:
    group: str
    respondents: int
    criteria: list[CriterionResult]
    went_well: list[str] = field(default_factory=list)
    improve: list[str] = field(default_factory=list)
    released: bool = True  # the round has closed

    @property
    def shown(self) -> bool:
        return self.released and self.respondents >= MIN_GROUP

    @property
    def label(self) -> str:
        return str(RespondentGroup(self.group).label)

    @property
    def missing(self) -> int:
        """How many more answers the group needs before it is shown."""
        return max(0, MIN_GROUP - self.respondents)


def dialogue_results(dialogue: Dialogue) -> list[GroupResult]:
    """The dialogue's evaluation by respondent group (the team first), two queries at most: the aggregates, and
    the free texts of the groups large enough to show, in alphabetical order (not the order they came in). While
    the round is open, only the number of answers."""
    rows = {
        row["group"]: row
        for row in Evaluation.objects.filter(dialogue=dialogue).values("group").annotate(**score_aggregates()).order_by()
    }
    released = round_closed(dialogue.date)
    results = [
        GroupResult(
            group, int(rows.get(group, {}).get("respondents") or 0),
            results_from_row(rows.get(group, {}) if released else {}), released=released,
        )
        for group in (RespondentGroup.TEAM, RespondentGroup.VARDCENTRAL)
    ]
    shown = {result.group: result for result in results if result.shown}
    if shown:
        for group, went_well, improve in Evaluation.objects.filter(dialogue=dialogue, group__in=shown).values_list(
            "group", "went_well", "improve"
        ):
            if went_well:
                shown[group].went_well.append(went_well)
            if improve:
                shown[group].improve.append(improve)
        for result in shown.values():
            result.went_well.sort(key=str.casefold)
            result.improve.sort(key=str.casefold)
    return results
