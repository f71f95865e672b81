"""To-dos on the start page: what each person has to do now, by their role, each linking to the one page where it
is done.

Any app can add to-dos: a module ``<app>/todos.py`` with a function ``todos(context)`` that returns items made
with ``context.todo(...)`` (so an app to the left of this one needs no import of it). The start page collects
them from every installed app, in INSTALLED_APPS order, and groups them under their headings. A provider must
run a fixed number of queries, whatever the size of the region (the start page's query count is asserted).
This module is also the programme's own provider.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from common.apphooks import app_functions
from dialogs.models.dialogue import (
    HELD_STATUSES,
    PLANNING_STATUSES,
    Dialogue,
    DialogueStatus,
    FollowUpMeeting,
    Preparation,
)
from feedback.models import Acknowledgement, FeedbackReport, SharedVersion
from notifications.models import OutboxMessage
from organisations.models import Membership, Party, Region, Role
from programme.models import CycleSettings
from programme.selectors import DueStatus, clinics_due, cycle_settings_for

# Headings in the order the start page shows them; other apps may use their own (shown after these).
PLAN = gettext_lazy("Planera")
LETTERS = gettext_lazy("Förord att skicka")
PREPARATIONS = gettext_lazy("Förberedelser")
DOCUMENTATION = gettext_lazy("Dokumentation")
FEEDBACK = gettext_lazy("Återkoppling")
FOLLOW_UPS = gettext_lazy("Uppföljningsmöten")
NEXT = gettext_lazy("Nästa möte")
GROUP_ORDER = [PLAN, LETTERS, PREPARATIONS, DOCUMENTATION, FEEDBACK, FOLLOW_UPS, NEXT]
# How far back the team's open dialogues are looked for (a held dialogue whose feedback is still not shared).
LOOK_BACK_DAYS = 180


@dataclass(frozen=True)
class Todo:
    group: str
    title: str
    url: str
    due: date | None = None
    detail: str = ""


@dataclass
class TodoContext:
    """Who is asking, in which region, as what. ``roles`` are the person's roles there, ``parties`` the team
    parties they speak for, ``clinic_ids`` the clinics they work at."""

    user: object
    region: Region
    today: date
    roles: set[str]
    parties: set[str]
    clinic_ids: set[int]
    cycle: CycleSettings

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def is_team(self) -> bool:
        return bool({Role.ADMIN, Role.UPPFOLJARE} & self.roles)

    def todo(self, *, group, title: str, url: str, due: date | None = None, detail: str = "") -> Todo:
        return Todo(group=str(group), title=title, url=url, due=due, detail=detail)


@dataclass
class TodoGroup:
    title: str
    items: list[Todo] = field(default_factory=list)


@cache
def providers() -> list:
    """Every installed app's ``todos`` function (from ``<app>/todos.py``), in INSTALLED_APPS order."""
    return app_functions("todos", "todos")


def todo_context(*, user, region: Region, today: date) -> TodoContext:
    memberships = list(Membership.objects.filter(user=user, region=region).values_list("role", "party", "clinic_id"))
    return TodoContext(
        user=user,
        region=region,
        today=today,
        roles={role for role, _party, _clinic in memberships},
        parties={party for role, party, _clinic in memberships if role == Role.UPPFOLJARE and party},
        clinic_ids={clinic for role, _party, clinic in memberships if role == Role.VARDCENTRAL and clinic},
        cycle=cycle_settings_for(region),
    )


def todos_for(*, user, region: Region, today: date) -> list[TodoGroup]:
    """The person's to-dos in the region, grouped and ordered: known headings first, each group by due date."""
    context = todo_context(user=user, region=region, today=today)
    groups: dict[str, TodoGroup] = {}
    for provider in providers():
        for item in provider(context):
            groups.setdefault(item.group, TodoGroup(item.group)).items.append(item)
    order = [str(title) for title in GROUP_ORDER]
    for group in groups.values():
        group.items.sort(key=lambda item: (item.due is None, item.due or date.max))
    return sorted(groups.values(), key=lambda group: order.index(group.title) if group.title in order else len(order))


# --- The programme's own to-dos -----------------------------------------------------------------------------


def todos(context: TodoContext) -> list[Todo]:
    items: list[Todo] = []
    if context.is_team:
        items += _planning(context)
        items += _team_dialogues(context)
    if context.clinic_ids:
        items += _clinic(context)
    return items


def _day(day: date) -> str:
    return date_format(day, "j F Y")


def _due_list(status: str) -> str:
    return f"{reverse('programme:due_list')}?status={status}"


def _planning(context: TodoContext) -> list[Todo]:
    """Clinics without a planned dialogue that are overdue or due soon (the team); overdue for administrators,
    and a region whose cycle has never been set."""
    counts = {status: 0 for status in DueStatus.ORDER}
    for row in clinics_due(region=context.region, today=context.today, settings=context.cycle):
        counts[row.status] += 1
    items = []
    if counts[DueStatus.OVERDUE]:
        items.append(context.todo(
            group=PLAN, url=_due_list(DueStatus.OVERDUE),
            title=ngettext(
                "%(count)s vårdcentral är försenad: planera dess dialog",
                "%(count)s vårdcentraler är försenade: planera deras dialoger",
                counts[DueStatus.OVERDUE],
            ) % {"count": counts[DueStatus.OVERDUE]},
        ))
    if counts[DueStatus.DUE_SOON]:
        items.append(context.todo(
            group=PLAN, url=_due_list(DueStatus.DUE_SOON),
            title=ngettext(
                "%(count)s vårdcentral ska ha dialog snart", "%(count)s vårdcentraler ska ha dialog snart",
                counts[DueStatus.DUE_SOON],
            ) % {"count": counts[DueStatus.DUE_SOON]},
        ))
    if context.is_admin and context.cycle.pk is None:
        items.append(context.todo(
            group=PLAN, url=reverse("programme:cycle_settings"),
            title=_("Ställ in regionens uppföljningscykel (nu gäller standardvärdena)"),
        ))
    return items


def _team_dialogues(context: TodoContext) -> list[Todo]:
    """The dialogues the person is on the team of: letters, preparations, documentation, feedback and the
    follow-up meeting (five queries)."""
    cycle, today = context.cycle, context.today
    dialogues = list(
        Dialogue.objects.filter(
            team_members__user=context.user, clinic__region=context.region,
            status__in=[*PLANNING_STATUSES, DialogueStatus.GENOMFORD, DialogueStatus.ATERKOPPLING_DELAD],
            date__gte=today - timedelta(days=LOOK_BACK_DAYS),
        )
        .select_related("clinic")
        .prefetch_related(Prefetch("preparations", queryset=Preparation.objects.only("dialogue_id", "party")))
        .order_by("date", "pk")
    )
    if not dialogues:
        return []
    ids = [dialogue.pk for dialogue in dialogues]
    lettered = set(
        OutboxMessage.objects.filter(kind="dialogs.letter", topic__in=[f"dialogue:{pk}" for pk in ids]).values_list("topic", flat=True)
    )
    reports = dict(FeedbackReport.objects.filter(dialogue_id__in=ids).values_list("dialogue_id", "pk"))
    booked = set(FollowUpMeeting.objects.filter(dialogue_id__in=ids).values_list("dialogue_id", flat=True))
    items = []
    for dialogue in dialogues:
        name, day = dialogue.clinic.name, dialogue.date
        when = {"clinic": name, "date": _day(day)}
        if dialogue.is_planning and day >= today:
            letter_day = day - timedelta(days=cycle.letter_days_before)
            if letter_day <= today and f"dialogue:{dialogue.pk}" not in lettered:
                items.append(context.todo(
                    group=LETTERS, due=letter_day, url=reverse("dialogs:dialogue_letter", args=[dialogue.pk]),
                    title=_("Skicka förordet till %(clinic)s inför dialogen %(date)s") % when,
                ))
            prepared = {preparation.party for preparation in dialogue.preparations.all()}
            deadline = day - timedelta(days=cycle.preparation_days_before)
            for party in sorted(context.parties - prepared):
                items.append(context.todo(
                    group=PREPARATIONS, due=deadline,
                    url=reverse("dialogs:preparation_update", args=[dialogue.pk, party]),
                    title=_("Gör %(party)s förberedelse inför %(clinic)s %(date)s") % {**when, "party": _party_genitive(party)},
                ))
            if Party.VARDCENTRAL in prepared and day <= today + timedelta(days=cycle.letter_days_before):
                items.append(context.todo(
                    group=PREPARATIONS, due=day, url=reverse("dialogs:preparation_list", args=[dialogue.pk]),
                    title=_("Läs förberedelserna inför %(clinic)s %(date)s") % when,
                ))
        feedback_due = day + timedelta(days=cycle.feedback_due_days_after)
        if dialogue.status in HELD_STATUSES and not dialogue.is_documentation_shared:
            items.append(context.todo(
                group=DOCUMENTATION, due=feedback_due, url=reverse("dialogs:dialogue_summary", args=[dialogue.pk]),
                title=_("Slutför och dela dokumentationen från %(clinic)s %(date)s") % when,
            ))
        if dialogue.status == DialogueStatus.GENOMFORD:
            report = reports.get(dialogue.pk)
            items.append(context.todo(
                group=FEEDBACK, due=feedback_due,
                url=reverse("feedback:report_detail", args=[report]) if report else reverse("feedback:index"),
                title=_("Skriv och dela återkopplingen till %(clinic)s") % when,
            ))
        if dialogue.status == DialogueStatus.ATERKOPPLING_DELAD and dialogue.pk not in booked and not dialogue.follow_up_waived:
            items.append(context.todo(
                group=FOLLOW_UPS, url=reverse("dialogs:follow_up_book", args=[dialogue.pk]),
                title=_("Boka uppföljningsmötet med %(clinic)s") % when,
            ))
    return items


def _party_genitive(party: str) -> str:
    return {Party.BESTALLARE: _("beställarorganisationens"), Party.UTVECKLING: _("utvecklingsavdelningens")}.get(party, "")


def _clinic(context: TodoContext) -> list[Todo]:
    """Clinic staff: their preparation (with its deadline), feedback to read and acknowledge, and the next meeting
    (four queries)."""
    today, cycle = context.today, context.cycle
    dialogues = list(
        Dialogue.objects.filter(clinic_id__in=context.clinic_ids, clinic__region=context.region, date__gte=today)
        .exclude(status=DialogueStatus.INSTALLD)
        .select_related("clinic")
        .prefetch_related(Prefetch("preparations", queryset=Preparation.objects.only("dialogue_id", "party")))
        .order_by("date", "start_time", "pk")
    )
    items = []
    for dialogue in dialogues:
        when = {"clinic": dialogue.clinic.name, "date": _day(dialogue.date)}
        prepared = {preparation.party for preparation in dialogue.preparations.all()}
        if dialogue.is_planning and Party.VARDCENTRAL not in prepared:
            items.append(context.todo(
                group=PREPARATIONS, due=dialogue.date - timedelta(days=cycle.preparation_days_before),
                url=reverse("dialogs:preparation_update", args=[dialogue.pk, Party.VARDCENTRAL]),
                title=_("Gör vårdcentralens förberedelse inför dialogen %(date)s") % when,
            ))
    versions = (
        SharedVersion.objects.filter(
            report__dialogue__clinic_id__in=context.clinic_ids, report__dialogue__clinic__region=context.region,
            shared_at__date__gte=today - timedelta(days=LOOK_BACK_DAYS),
        )
        .annotate(acknowledged=Exists(Acknowledgement.objects.filter(version=OuterRef("pk"), user=context.user)))
        .select_related("report__dialogue")
        .order_by("report_id", "-number")
    )
    latest: dict[int, SharedVersion] = {}
    for version in versions:
        latest.setdefault(version.report_id, version)  # the newest version of each report
    for version in latest.values():
        if not version.acknowledged:
            items.append(context.todo(
                group=FEEDBACK, url=reverse("feedback:version_detail", args=[version.pk]),
                title=_("Läs och kvittera återkopplingen från dialogen %(date)s (version %(number)s)") % {
                    "date": _day(version.report.dialogue.date), "number": version.number},
            ))
    upcoming = [(dialogue.date, dialogue.start_time, "dialogue", dialogue) for dialogue in dialogues if dialogue.is_planning]
    meeting = (
        FollowUpMeeting.objects.filter(dialogue__clinic_id__in=context.clinic_ids, dialogue__clinic__region=context.region,
                                       date__gte=today)
        .select_related("dialogue__clinic").order_by("date", "start_time").first()
    )
    if meeting is not None:
        upcoming.append((meeting.date, meeting.start_time, "follow_up", meeting))
    if upcoming:
        day, start, kind, item = min(upcoming, key=lambda row: (row[0], row[1]))
        if kind == "dialogue":
            items.append(context.todo(
                group=NEXT, url=reverse("dialogs:dialogue_detail", args=[item.pk]),
                title=_("Uppföljningsdialog %(date)s kl. %(time)s") % {"date": _day(day), "time": f"{start:%H:%M}"},
                detail=item.place,
            ))
        else:
            items.append(context.todo(
                group=NEXT, url=reverse("dialogs:dialogue_summary", args=[item.dialogue_id]),
                title=_("Uppföljningsmöte %(date)s kl. %(time)s") % {"date": _day(day), "time": f"{start:%H:%M}"},
                detail=item.video_link,
            ))
    return items
