"""Reads of the learning report (issue 14): what the region's dialogues taught it, in a fixed number of queries
however many dialogues, medskick and evaluations there are (tests assert it; bench/learning.py times it).

Everything is counted in the database by month, and months are folded into the report's periods (quarter, half
year, year) here, so one query serves every division:

- medskick by category and period (``category_counts``), and listed with their clinic and date (``medskick_page``);
- the team's lessons (``lessons``);
- the evaluation per criterion and respondent group, over the whole period, per period (the trend) and per follow-up
  team (``evaluation_summary``), through ``dialogs.selectors.evaluations.criterion_result``: the share who answered
  4–5 with its Wilson interval, and the small-group rule (no group or criterion under three answers is shown).

No figure can be taken apart by comparing two reports (a longer period less a shorter one, a year less its
quarters). Every figure is a sum of parts that could each be shown on their own:

- an evaluation counts only a dialogue's group (its team, its clinic) whose round has closed and that has at least
  ``MIN_GROUP`` answers, every criterion scored by none or at least ``MIN_GROUP`` of them (``_releasable``), so
  the difference of two reports is always such groups, never one person's answer;
- the national view (``region=None``) pools every region, by whole months, and counts a month (of a category, of a
  respondent group) only when it holds dialogues from at least ``MIN_REGIONS`` regions; the others are left out of
  every total, so a figure is never pooled from fewer. It reads no clinic-level text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.core.paginator import Paginator
from django.db import connection, connections
from django.db.models import CharField, Count, DateField, Exists, Func, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogs.models.dialogue import Dialogue, DialogueStatus, TeamMember
from dialogs.models.evaluations import CRITERIA, MIN_GROUP, ROUND_DAYS, Evaluation, RespondentGroup
from dialogs.models.guide import Section, SectionKind
from dialogs.models.learning import Medskick, MedskickCategory, MedskickComment, MedskickTag, TeamLesson
from dialogs.selectors.evaluations import CriterionResult, results_from_row, score_aggregates
from learning.forms import Granularity, ReportFilters
from organisations.models import Clinic, Region

MIN_REGIONS = 3
LIST_PAGE_SIZE = 50
LESSONS_SHOWN = 50
TEAMS_SHOWN = 30
GROUPS = (RespondentGroup.VARDCENTRAL, RespondentGroup.TEAM)


# --- Periods ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: tuple
    label: str


def period_key(day: date, granularity: str) -> tuple:
    if granularity == Granularity.YEAR:
        return (day.year,)
    if granularity == Granularity.HALF:
        return (day.year, 1 if day.month <= 6 else 2)
    return (day.year, (day.month - 1) // 3 + 1)


def period_label(key: tuple, granularity: str) -> str:
    if granularity == Granularity.YEAR:
        return str(key[0])
    if granularity == Granularity.HALF:
        return _("%(year)s H%(number)s") % {"year": key[0], "number": key[1]}
    return _("%(year)s K%(number)s") % {"year": key[0], "number": key[1]}


def periods(filters: ReportFilters) -> list[Period]:
    """Every period of the division that the chosen dates touch, in order."""
    keys, year, month = [], filters.start.year, filters.start.month
    while (year, month) <= (filters.end.year, filters.end.month):
        key = period_key(date(year, month, 1), filters.granularity)
        if key not in keys:
            keys.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [Period(key, period_label(key, filters.granularity)) for key in keys]


def whole_months(filters: ReportFilters) -> ReportFilters:
    """The national view's period, widened to whole months: its figures are sums of whole months' cells, so two
    reports' periods never differ by part of a month."""
    last = date(filters.end.year + filters.end.month // 12, filters.end.month % 12 + 1, 1) - timedelta(days=1)
    return replace(filters, start=filters.start.replace(day=1), end=last)


def _publishable(cells: dict, national: bool) -> dict:
    """The national view's month cells pooled from at least ``MIN_REGIONS`` regions (each cell: [value, regions]);
    the region's report keeps them all."""
    if not national:
        return cells
    return {key: cell for key, cell in cells.items() if len(cell[1]) >= MIN_REGIONS}


class _MonthStart(Func):
    """PostgreSQL: the first day of a date's month, truncated as a timestamp without time zone. Django's TruncMonth
    casts the date to a timestamp *with* time zone, looking the session's zone up for every row: 15–20 % of the
    national view's two largest queries (bench/learning.py)."""

    template = "DATE_TRUNC('month', %(expressions)s::timestamp)::date"
    output_field = DateField()


def month_of(field: str):
    """The month of a date column, for grouping: on PostgreSQL the month's first day (``_MonthStart``); on SQLite
    the first seven characters of the stored ISO date ("2026-03"), since Django's TruncMonth there calls a Python
    function for every row (two thirds of the national view's time at 30,000 rows, bench/learning.py)."""
    if connection.vendor == "sqlite":
        return Substr(Cast(field, output_field=CharField()), 1, 7)
    return _MonthStart(field)


def _month_key(value: str | date, granularity: str) -> tuple:
    """The period of a month as ``month_of`` gives it: "2026-03" (SQLite) or the month's first day (PostgreSQL)."""
    if isinstance(value, str):
        return period_key(date(int(value[:4]), int(value[5:7]), 1), granularity)
    return period_key(value, granularity)


def _raw_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` of groups, counts and sums as the database returns them: Django otherwise runs a
    converter (``int()``) on every aggregate of every row, 50,000 calls and a sixth of the report's Python time
    (bench/learning.py). Counts and sums come back as integers from both databases already."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- Scope ----------------------------------------------------------------------------------------------------


def dialogue_q(prefix: str, *, region: Region | None, filters: ReportFilters) -> Q:
    """The dialogues the report covers, seen from a model ``prefix`` away: the region's (all regions' for the
    national view), in the period, not cancelled, at the chosen clinic."""
    q = Q(**{f"{prefix}date__gte": filters.start, f"{prefix}date__lte": filters.end}) & ~Q(
        **{f"{prefix}status": DialogueStatus.INSTALLD}
    )
    if region is not None:
        q &= Q(**{f"{prefix}clinic__region": region})
        if filters.clinic_id:
            q &= Q(**{f"{prefix}clinic_id": filters.clinic_id})
    return q


def _medskick(region: Region | None, filters: ReportFilters) -> QuerySet:
    medskick = Medskick.objects.filter(dialogue_q("dialogue__", region=region, filters=filters))
    if filters.area:
        medskick = medskick.filter(area=filters.area)
    if filters.category:
        medskick = medskick.filter(Exists(MedskickTag.objects.filter(medskick=OuterRef("pk"), category=filters.category)))
    return medskick


def clinic_choices(region: Region) -> list[Clinic]:
    return list(Clinic.objects.filter(region=region).only("pk", "name").order_by("name"))


def area_choices(region: Region | None) -> list[tuple[str, str]]:
    """The 5P areas of the region's guides (every region's for the national view), by key: one query."""
    sections = Section.objects.filter(parent=None, kind=SectionKind.FIVE_P)
    if region is not None:
        sections = sections.filter(Q(version__guide__region=region) | Q(version__guide__region=None))
    areas: dict[str, str] = {}
    for key, code, title in sections.order_by("position", "key", "-version_id").values_list("key", "code", "title"):
        areas.setdefault(key, f"{code}: {title}" if code else title)
    return sorted(areas.items(), key=lambda item: item[0])


# --- Medskick -------------------------------------------------------------------------------------------------


@dataclass
class CategoryCounts:
    periods: list[Period]
    categories: list[tuple[str, str]]
    counts: dict[tuple, int | None]  # (period key, category) → medskick; None: too few regions (national)
    totals: dict[str, int | None]  # category → medskick over the whole period
    medskick: int | None  # distinct medskick (one with two categories counts once)
    dialogues: int | None = None  # dialogues in the report (national: None below MIN_REGIONS regions)
    regions: int = 0

    def rows(self) -> list[tuple[Period, list[int | None]]]:
        return [(period, [self.counts.get((period.key, value), 0) for value, _label in self.categories]) for period in self.periods]


def category_counts(*, region: Region | None, filters: ReportFilters) -> CategoryCounts:
    """Medskick by category and period (two queries). With ``region=None`` (national) the period is whole months and
    a month of a category counts only when pooled from at least three regions."""
    national = region is None
    if national:
        filters = whole_months(filters)
    tags = MedskickTag.objects.filter(dialogue_q("medskick__dialogue__", region=region, filters=filters))
    if filters.area:
        tags = tags.filter(medskick__area=filters.area)
    if filters.category:
        tags = tags.filter(category=filters.category)
    rows = (
        tags.values("category", "medskick__dialogue__clinic__region_id", month=month_of("medskick__dialogue__date"))
        .annotate(n=Count("pk"))
        .values_list("category", "medskick__dialogue__clinic__region_id", "month", "n")
        .order_by()
    )
    months: dict[tuple, list] = defaultdict(lambda: [0, set()])
    for category, region_id, month, count in _raw_rows(rows):
        months[(month, category)][0] += count
        months[(month, category)][1].add(region_id)
    # A cell whose months were all left out (national: too few regions) is None, shown as too few, never as 0.
    cells: dict[tuple, int | None] = {}
    totals: dict[str, int | None] = {}
    publishable = _publishable(months, national)
    for (month, category), (count, _regions) in months.items():
        for target, key in ((cells, (_month_key(month, filters.granularity), category)), (totals, category)):
            if (month, category) in publishable:
                target[key] = (target.get(key) or 0) + count
            else:
                target.setdefault(key, None)
    chosen = [(value, label) for value, label in MedskickCategory.choices if not filters.category or value == filters.category]
    dialogues, medskick, regions = _dialogue_totals(region, filters)
    return CategoryCounts(
        periods=periods(filters),
        categories=chosen,
        counts=cells,
        totals={value: totals.get(value, 0) for value, _label in chosen},
        medskick=medskick,
        dialogues=dialogues,
        regions=regions,
    )


def _dialogue_totals(region: Region | None, filters: ReportFilters) -> tuple[int | None, int | None, int]:
    """The report's dialogues, their medskick (of the chosen category and area) and how many regions they come from,
    in one pass over the dialogues (no second pass over the medskick): with a category chosen, a medskick meets its
    one tag of that category, so it is still counted once. National: the publishable months' only, and None for
    both counts when no month is."""
    national = region is None
    chosen_medskick = Q()
    if filters.area:
        chosen_medskick &= Q(medskick__area=filters.area)
    if filters.category:
        chosen_medskick &= Q(medskick__tags__category=filters.category)
    dialogues = Dialogue.objects.filter(dialogue_q("", region=region, filters=filters))
    aggregates = {"n": Count("pk", distinct=True), "medskick": Count("medskick", filter=chosen_medskick or None)}
    if not national:
        totals = dialogues.aggregate(**aggregates, regions=Count("clinic__region", distinct=True))
        return totals["n"], totals["medskick"], totals["regions"]
    rows = dialogues.values("clinic__region_id", month=month_of("date")).annotate(**aggregates).values_list(
        "clinic__region_id", "month", "n", "medskick").order_by()
    months: dict[str, list] = defaultdict(lambda: [[0, 0], set()])
    for region_id, month, count, medskick in _raw_rows(rows):
        months[month][0][0] += count
        months[month][0][1] += medskick
        months[month][1].add(region_id)
    shown = _publishable(months, national)
    regions = len(set().union(*(cell[1] for cell in months.values()))) if months else 0
    if not shown:
        return None, None, regions
    return sum(cell[0][0] for cell in shown.values()), sum(cell[0][1] for cell in shown.values()), regions


def medskick_page(*, region: Region, filters: ReportFilters):
    """One page of the region's medskick, newest dialogue first, with clinic, date, categories and how many
    comments the clinic made (four queries: the count, the page, the categories, the comments)."""
    medskick = (
        _medskick(region, filters)
        .select_related("dialogue__clinic")
        .prefetch_related("tags")
        .order_by("-dialogue__date", "-dialogue_id", "position", "pk")
    )
    page = Paginator(medskick, LIST_PAGE_SIZE).get_page(filters.page)
    page.object_list = list(page.object_list)
    # The clinic's comments counted for this page's medskick only (an annotation grouped every medskick of the
    # region before the page was cut out of them).
    counts = dict(
        MedskickComment.objects.filter(medskick__in=[item.pk for item in page.object_list], by_clinic=True)
        .values("medskick").annotate(n=Count("pk")).values_list("medskick", "n").order_by()
    )
    for item in page.object_list:
        item.clinic_comments = counts.get(item.pk, 0)
    return page


def medskick_rows(*, region: Region, filters: ReportFilters, limit: int | None = None) -> list[Medskick]:
    """The region's medskick for an export, newest first, with their categories and comments."""
    medskick = (
        _medskick(region, filters)
        .select_related("dialogue__clinic")
        .prefetch_related("tags", "comments")
        .order_by("-dialogue__date", "-dialogue_id", "position", "pk")
    )
    return list(medskick[:limit] if limit else medskick)


# --- Lessons --------------------------------------------------------------------------------------------------


def lessons(*, region: Region, filters: ReportFilters, limit: int | None = LESSONS_SHOWN) -> tuple[list[TeamLesson], int]:
    """The team's lessons, newest dialogue first (the first ``limit``), and how many there are (two queries)."""
    rows = TeamLesson.objects.filter(dialogue_q("dialogue__", region=region, filters=filters))
    ordered = rows.select_related("dialogue__clinic").order_by("-dialogue__date", "-dialogue_id", "position", "pk")
    shown = list(ordered[:limit] if limit else ordered)
    return shown, (rows.count() if limit and len(shown) >= limit else len(shown))


# --- Evaluation -------------------------------------------------------------------------------------------------


# The aggregates of ``score_aggregates`` in a fixed order: rows are read as tuples and summed position by position
# (tens of thousands of evaluations fold in a few milliseconds).
SUMMED = ["respondents", *[f"{criterion.key}_{part}" for criterion in CRITERIA for part in ("n", "sum", "pos")]]


def _empty() -> list[int]:
    return [0] * len(SUMMED)


def _add(total: list[int], values) -> None:
    for index, value in enumerate(values):
        total[index] += value or 0


@dataclass
class GroupSummary:
    group: str
    respondents: int
    criteria: list[CriterionResult]
    regions_short: bool = False  # national: pooled from fewer than three regions, so nothing is shown

    @property
    def label(self) -> str:
        return str(RespondentGroup(self.group).label)

    @property
    def shown(self) -> bool:
        return not self.regions_short and any(result.shown for result in self.criteria)


@dataclass
class TeamSummary:
    label: str
    dialogues: int
    groups: list[GroupSummary]


@dataclass
class EvaluationSummary:
    periods: list[Period]
    overall: list[GroupSummary]
    trend: dict[str, list[GroupSummary]]  # group → one summary per period
    teams: list[TeamSummary] = field(default_factory=list)
    teams_not_shown: int = 0

    def teams_by_group(self) -> list[tuple[str, list[tuple[TeamSummary, GroupSummary]]]]:
        """The teams' results as one table per respondent group: (the group's name, [(team, its results)])."""
        return [
            (str(RespondentGroup(group).label), [(team, team.groups[index]) for team in self.teams])
            for index, group in enumerate(GROUPS)
        ]


def _summary(group: str, total: list[int], regions: set, national: bool) -> GroupSummary:
    """``total``: the publishable sums; ``regions``: every region seen. National answers that were all left out
    (too few regions) are "too few regions", with no count."""
    respondents = total[0]
    if national and not respondents and regions:
        return GroupSummary(group, 0, results_from_row({}), regions_short=True)
    return GroupSummary(group, respondents, results_from_row(dict(zip(SUMMED, total))))


def _releasable() -> Q:
    """A dialogue's group may count (a HAVING on its aggregates): at least ``MIN_GROUP`` answered, and every criterion
    was scored by none of them or at least ``MIN_GROUP`` (so no sum in any report is one or two people's scores)."""
    q = Q(respondents__gte=MIN_GROUP)
    for criterion in CRITERIA:
        q &= Q(**{f"{criterion.key}_n": 0}) | Q(**{f"{criterion.key}_n__gte": MIN_GROUP})
    return q


def evaluation_summary(*, region: Region | None, filters: ReportFilters, today: date | None = None) -> EvaluationSummary:
    """The evaluation per respondent group: over the whole period, per period, and (the region's report) per
    follow-up team, from the dialogues' groups that may count (``_releasable``) of rounds that have closed. One query
    (two more for the teams' members)."""
    national = region is None
    if national:
        filters = whole_months(filters)
    closed_before = (today or timezone.localdate()) - timedelta(days=ROUND_DAYS)
    evaluations = Evaluation.objects.filter(
        dialogue_q("dialogue__", region=region, filters=filters), dialogue__date__lt=closed_before
    )
    units = (
        evaluations.values("dialogue_id", "group", "dialogue__clinic__region_id", month=month_of("dialogue__date"))
        .annotate(**score_aggregates())
        .filter(_releasable())
        .values_list("dialogue_id", "group", "dialogue__clinic__region_id", "month", *SUMMED)
        .order_by()
    )
    months: dict[tuple, list] = defaultdict(lambda: [_empty(), set()])
    released: list[tuple] = []
    for dialogue_id, group, region_id, month, *values in _raw_rows(units):
        _add(months[(month, group)][0], values)
        months[(month, group)][1].add(region_id)
        if not national:  # the teams' table is the region's report's only
            released.append((dialogue_id, group, values))
    # Each total: the publishable months' sums, and every region seen (to tell "too few regions" from "none").
    overall = {group: [_empty(), set()] for group in GROUPS}
    by_period: dict[tuple, list] = defaultdict(lambda: [_empty(), set()])
    publishable = _publishable(months, national)
    for (month, group), (values, regions) in months.items():
        for target in (overall[group], by_period[(_month_key(month, filters.granularity), group)]):
            if (month, group) in publishable:
                _add(target[0], values)
            target[1].update(regions)
    chosen = periods(filters)
    summary = EvaluationSummary(
        periods=chosen,
        overall=[_summary(group, *overall[group], national) for group in GROUPS],
        trend={group: [_summary(group, *by_period[(period.key, group)], national) for period in chosen] for group in GROUPS},
    )
    if not national:
        summary.teams, summary.teams_not_shown = _teams(released, region=region, filters=filters)
    return summary


def _teams(released: list[tuple], *, region: Region, filters: ReportFilters) -> tuple[list[TeamSummary], int]:
    """Evaluations by follow-up team: the dialogues whose team had the same members, largest first."""
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    team_rows = TeamMember.objects.filter(dialogue_q("dialogue__", region=region, filters=filters)).values_list(
        "dialogue_id", "user_id", "user__first_name", "user__last_name", "user__username"
    )
    for dialogue_id, user_id, first, last, username in team_rows:  # rows, not objects: 5,000 of them at scale
        members[dialogue_id].append((user_id, f"{first} {last}".strip() or username))
    totals: dict[frozenset, dict] = {}
    for dialogue_id, group, values in released:
        team = members.get(dialogue_id)
        if not team:
            continue
        key = frozenset(user_id for user_id, _name in team)
        entry = totals.setdefault(key, {"label": ", ".join(sorted({name for _id, name in team})), "dialogues": set(),
                                        **{one: _empty() for one in GROUPS}})
        entry["dialogues"].add(dialogue_id)
        _add(entry[group], values)
    ordered = sorted(totals.values(), key=lambda entry: (-len(entry["dialogues"]), entry["label"]))
    teams = [
        TeamSummary(entry["label"], len(entry["dialogues"]), [_summary(group, entry[group], set(), False) for group in GROUPS])
        for entry in ordered[:TEAMS_SHOWN]
    ]
    return teams, max(0, len(ordered) - TEAMS_SHOWN)

