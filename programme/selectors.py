"""Reads of the programme: which clinics are due, the year plan with the team's load, and a person's calendar.
Each function runs a fixed number of queries however many clinics, dialogues or people there are (tests assert
it; ``bench/programme.py`` times them at national scale)."""

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Max, Min, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext_lazy as _

from dialogs.models import AgendaBlock
from dialogs.models.dialogue import (
    ClinicParticipant,
    Dialogue,
    DialogueStatus,
    FollowUpMeeting,
    TeamMember,
)
from dialogs.selectors.dialogue import months_before, shift_agenda
from organisations.models import Clinic, Membership, Region, Role
from programme.models import CycleSettings


def cycle_settings_for(region: Region) -> CycleSettings:
    """The region's settings, or the defaults (unsaved) while its administrators have not saved any."""
    return CycleSettings.objects.filter(region=region).first() or CycleSettings(region=region)


def cycle_settings_by_region(region_ids) -> dict[int, CycleSettings]:
    """Settings for many regions in one query, defaults for those without."""
    saved = {row.region_id: row for row in CycleSettings.objects.filter(region_id__in=list(region_ids))}
    return {region_id: saved.get(region_id) or CycleSettings(region_id=region_id) for region_id in region_ids}


def months_after(day: date, months: int) -> date:
    return months_before(day, -months)


# --- Clinics due -------------------------------------------------------------------------------------------


class DueStatus:
    """Where a clinic stands in the programme. The order is the order of urgency."""

    OVERDUE = "forsenad"
    DUE_SOON = "snart"
    PLANNED = "planerad"
    NOT_DUE = "ej-aktuell"

    LABELS = {
        OVERDUE: _("försenad"),
        DUE_SOON: _("dags snart"),
        PLANNED: _("planerad"),
        NOT_DUE: _("inte aktuell än"),
    }
    ORDER = (OVERDUE, DUE_SOON, PLANNED, NOT_DUE)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(status, cls.LABELS[status]) for status in cls.ORDER]


@dataclass
class ClinicDue:
    clinic: Clinic
    last_date: date | None
    next_date: date | None
    next_dialogue_id: int | None
    interval_months: int
    own_interval: bool
    due_date: date | None  # None: never followed up, due now
    status: str
    planned_late: bool  # the next dialogue lies after the date it was due

    @property
    def status_label(self) -> str:
        return str(DueStatus.LABELS[self.status])


def _not_cancelled(prefix: str = "dialogues__") -> Q:
    return ~Q(**{f"{prefix}status": DialogueStatus.INSTALLD})


def clinics_due(*, region: Region, today: date, settings: CycleSettings | None = None) -> list[ClinicDue]:
    """Every active clinic of the region with its latest dialogue (held or not, on or before today, not
    cancelled), the next one planned, its interval (its own or the region's) and its status. Two queries."""
    settings = settings or cycle_settings_for(region)
    next_dialogue = (
        Dialogue.objects.filter(clinic=OuterRef("pk"), date__gt=today)
        .exclude(status=DialogueStatus.INSTALLD)
        .order_by("date", "start_time", "pk")
        .values("pk")[:1]
    )
    clinics = (
        Clinic.objects.filter(region=region, active=True)
        .select_related("cycle")
        .annotate(
            last_dialogue_date=Max("dialogues__date", filter=Q(dialogues__date__lte=today) & _not_cancelled()),
            next_dialogue_date=Min("dialogues__date", filter=Q(dialogues__date__gt=today) & _not_cancelled()),
            next_dialogue_id=Subquery(next_dialogue),
        )
        .order_by("name", "pk")
    )
    soon = months_after(today, settings.due_soon_months)
    rows = []
    for clinic in clinics:
        own = getattr(clinic, "cycle", None)
        interval = own.interval_months if own is not None else settings.interval_months
        last = clinic.last_dialogue_date
        due = months_after(last, interval) if last else None
        planned = clinic.next_dialogue_date
        if planned:
            status = DueStatus.PLANNED
        elif due is None or due < today:
            status = DueStatus.OVERDUE
        elif due <= soon:
            status = DueStatus.DUE_SOON
        else:
            status = DueStatus.NOT_DUE
        rows.append(
            ClinicDue(
                clinic=clinic, last_date=last, next_date=planned, next_dialogue_id=clinic.next_dialogue_id,
                interval_months=interval, own_interval=own is not None, due_date=due, status=status,
                planned_late=bool(planned and due and planned > due),
            )
        )
    return rows


def due_counts(rows: list[ClinicDue]) -> dict[str, int]:
    counted = Counter(row.status for row in rows)
    return {status: counted.get(status, 0) for status in DueStatus.ORDER}


SORTS = {
    "namn": lambda row: (row.clinic.name.lower(),),
    "senaste": lambda row: (row.last_date or date.min, row.clinic.name.lower()),
    "nasta": lambda row: (row.next_date or date.max, row.clinic.name.lower()),
    "forfaller": lambda row: (row.due_date or date.min, row.clinic.name.lower()),
    "status": lambda row: (DueStatus.ORDER.index(row.status), row.due_date or date.min, row.clinic.name.lower()),
}


def filter_and_sort(rows: list[ClinicDue], *, status: str = "", query: str = "", sort: str = "status",
                    descending: bool = False) -> list[ClinicDue]:
    if status:
        rows = [row for row in rows if row.status == status]
    if query:
        needle = query.casefold()
        rows = [row for row in rows if needle in row.clinic.name.casefold() or needle in row.clinic.hsa_id.casefold()]
    return sorted(rows, key=SORTS.get(sort, SORTS["status"]), reverse=descending)


# --- The year plan -----------------------------------------------------------------------------------------


@dataclass
class CalendarEntry:
    """A dialogue or a follow-up meeting on one day of the plan."""

    kind: str  # "dialogue" or "follow_up"
    day: date
    time: object
    dialogue: Dialogue
    team_names: list[str] = field(default_factory=list)
    url: str = ""  # set by the page

    @property
    def cancelled(self) -> bool:
        return self.kind == "dialogue" and self.dialogue.status == DialogueStatus.INSTALLD


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    entries: list[CalendarEntry]


@dataclass
class LoadRow:
    name: str
    party: str
    months: list[int]  # dialogues per month, January first

    @property
    def total(self) -> int:
        return sum(self.months)


@dataclass
class YearPlan:
    year: int
    month: int
    weeks: list[list[CalendarDay]]
    entries: list[CalendarEntry]  # the month's, by day and time: the list view
    month_counts: list[int]  # the region's dialogues per month of the year (cancelled not counted)
    load: list[LoadRow]
    load_totals: list[int]

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def previous_month(self) -> date:
        return months_before(self.first_day, 1)

    @property
    def next_month(self) -> date:
        return months_after(self.first_day, 1)

    @property
    def load_total(self) -> int:
        return sum(self.load_totals)

    @property
    def months(self) -> list[tuple[date, int]]:
        return [(date(self.year, number, 1), count) for number, count in enumerate(self.month_counts, start=1)]


def _month_entries(region: Region, first: date, last: date) -> list[CalendarEntry]:
    """The month's dialogues (with their team) and follow-up meetings: three queries."""
    dialogues = (
        Dialogue.objects.in_region(region)
        .filter(date__range=(first, last))
        .select_related("clinic")
        .prefetch_related(Prefetch("team_members", queryset=TeamMember.objects.select_related("user")))
    )
    entries = [
        CalendarEntry("dialogue", dialogue.date, dialogue.start_time, dialogue,
                      [member.display_name for member in dialogue.team_members.all()])
        for dialogue in dialogues
    ]
    meetings = FollowUpMeeting.objects.filter(dialogue__clinic__region=region, date__range=(first, last)).select_related(
        "dialogue__clinic"
    )
    entries += [CalendarEntry("follow_up", meeting.date, meeting.start_time, meeting.dialogue) for meeting in meetings]
    entries.sort(key=lambda entry: (entry.day, entry.time, entry.kind, entry.dialogue.clinic.name))
    return entries


def _team_load(region: Region, year: int) -> tuple[list[LoadRow], list[int]]:
    """Dialogues per team member per month of the year (two queries): everyone who follows up in the region,
    and anyone else who was on a team that year."""
    counts = (
        TeamMember.objects.filter(dialogue__clinic__region=region, dialogue__date__year=year)
        .exclude(dialogue__status=DialogueStatus.INSTALLD)
        .annotate(month=ExtractMonth("dialogue__date"))
        .values("user_id", "user__first_name", "user__last_name", "user__username", "party", "month")
        .annotate(dialogues=Count("dialogue_id"))
    )
    rows: dict[int, LoadRow] = {}
    for membership in Membership.objects.filter(region=region, role=Role.UPPFOLJARE).select_related("user"):
        user = membership.user
        rows[user.pk] = LoadRow(user.get_full_name() or user.username, membership.get_party_display(), [0] * 12)
    for count in counts:
        row = rows.get(count["user_id"])
        if row is None:
            name = f"{count['user__first_name']} {count['user__last_name']}".strip() or count["user__username"]
            row = rows[count["user_id"]] = LoadRow(name, "", [0] * 12)
        row.months[count["month"] - 1] += count["dialogues"]
    ordered = sorted(rows.values(), key=lambda row: (-row.total, row.name.lower()))
    totals = [sum(row.months[index] for row in ordered) for index in range(12)]
    return ordered, totals


def year_plan(*, region: Region, year: int, month: int, today: date) -> YearPlan:
    """The month's calendar (weeks from Monday) and list, the year's dialogues per month, and the team's load
    (seven queries)."""
    weeks_of_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks_of_dates[0][0], weeks_of_dates[-1][-1]
    entries = _month_entries(region, first, last)
    by_day: dict[date, list[CalendarEntry]] = defaultdict(list)
    for entry in entries:
        by_day[entry.day].append(entry)
    weeks = [
        [CalendarDay(day, day.month == month, day == today, by_day.get(day, [])) for day in week]
        for week in weeks_of_dates
    ]
    monthly = dict(
        Dialogue.objects.in_region(region)
        .filter(date__year=year)
        .exclude(status=DialogueStatus.INSTALLD)
        .annotate(month=ExtractMonth("date"))
        .values_list("month")
        .annotate(count=Count("pk"))
        .values_list("month", "count")
    )
    load, totals = _team_load(region, year)
    return YearPlan(
        year=year,
        month=month,
        weeks=weeks,
        entries=[entry for entry in entries if entry.day.month == month],
        month_counts=[monthly.get(number, 0) for number in range(1, 13)],
        load=load,
        load_totals=totals,
    )


# --- A person's calendar feed ------------------------------------------------------------------------------

FEED_PAST_DAYS = 90


@dataclass
class FeedDialogue:
    dialogue: Dialogue
    agenda: list
    team_members: list
    participants: list
    follow_up: FollowUpMeeting | None


def feed_dialogues(user, *, today: date) -> list[FeedDialogue]:
    """The dialogues ``user`` takes part in (on the team, or staff of the clinic) that they may still see, from
    three months back, cancelled ones included (so calendars drop them), with what their events need: six
    queries."""
    staff_clinics = Membership.objects.filter(user=user, role=Role.VARDCENTRAL).values("clinic_id")
    meetings = FollowUpMeeting.objects.all()
    dialogues = list(
        Dialogue.objects.for_user(user)
        .filter(Q(team_members__user=user) | Q(clinic_id__in=staff_clinics))
        .filter(Q(date__gte=today - timedelta(days=FEED_PAST_DAYS)) | Q(follow_up_meeting__date__gte=today))
        .distinct()
        .select_related("clinic")
        .prefetch_related(
            Prefetch("team_members", queryset=TeamMember.objects.select_related("user")),
            Prefetch("clinic_participants", queryset=ClinicParticipant.objects.order_by("position", "pk")),
        )
        .order_by("date", "pk")
    )
    follow_ups = {meeting.dialogue_id: meeting for meeting in meetings.filter(dialogue__in=[d.pk for d in dialogues])}
    blocks: dict[int, list[AgendaBlock]] = defaultdict(list)
    for block in AgendaBlock.objects.filter(version_id__in={d.guide_version_id for d in dialogues}).order_by("position"):
        blocks[block.version_id].append(block)
    return [
        FeedDialogue(
            dialogue=dialogue,
            agenda=shift_agenda(blocks.get(dialogue.guide_version_id, []), dialogue.start_time),
            team_members=list(dialogue.team_members.all()),
            participants=list(dialogue.clinic_participants.all()),
            follow_up=follow_ups.get(dialogue.pk),
        )
        for dialogue in dialogues
    ]
