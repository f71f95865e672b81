"""Reminders by e-mail, decided by a periodic job (``manage.py send_reminders``, run by ``run_schedule``).

What is due, from each region's cycle settings (``CycleSettings``):

- a party that has not prepared, from ``preparation_reminder_days_before`` days before the day until the day:
  the clinic's staff and its contact address for the vårdcentral (once the letter has gone to it), the team
  members of that party for the beställarorganisation and the utvecklingsavdelning;
- the team, from the day the feedback is due (``feedback_due_days_after``) while it has not been shared, for
  two weeks;
- the clinic (its staff and contact address), ``follow_up_reminder_days_before`` days before the follow-up
  meeting until the meeting;
- whoever owns an agreement that is not done, ``AGREEMENT_REMINDER_DAYS`` before its due date until the date: the
  clinic (once the documentation is shared with it, so the link opens) or the team members of the owning party.

Running the job twice sends nothing twice: every message carries a dedupe key that names the dialogue, the
party and the date it is about (a dialogue moved to another day is reminded of again). A job that did not
run for a few days catches up while the reminder still makes sense. Each kind is optional: a person can turn
it off on their e-mail settings page; a clinic's contact address, which belongs to no account, always gets it.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogs.models.agreements import OPEN_AGREEMENT_STATUSES, Agreement
from dialogs.models.dialogue import (
    PLANNING_STATUSES,
    Dialogue,
    DialogueStatus,
    FollowUpMeeting,
    Preparation,
    TeamMember,
)
from dialogs.services.mail import LETTER
from notifications import kinds
from notifications.headers import is_valid_address
from notifications.models import OutboxMessage
from notifications.services import absolute_url, message_queue, message_queue_many
from organisations.models import Membership, Party, Region, Role
from programme.models import (
    FEEDBACK_DAYS_RANGE,
    FOLLOW_UP_REMINDER_RANGE,
    PREPARATION_DAYS_RANGE,
)
from programme.selectors import cycle_settings_by_region

PREPARATION = "programme.preparation_reminder"
FEEDBACK_DUE = "programme.feedback_due"
FOLLOW_UP = "programme.follow_up_reminder"
AGREEMENT_DUE = "programme.agreement_due"
REMINDER_KINDS = (PREPARATION, FEEDBACK_DUE, FOLLOW_UP, AGREEMENT_DUE)
# An agreement's owner is reminded this many days before its due date (and until the date, if the job was late).
AGREEMENT_REMINDER_DAYS = 7
# The team is reminded of feedback for this long after it fell due; after that the start page's to-do remains.
FEEDBACK_NAG_DAYS = 14


def register_kinds() -> None:
    kinds.register(
        PREPARATION, _("Påminnelse om förberedelser inför en dialog"), optional=True,
        help_text=_("När din part inte har gjort sin förberedelse några dagar före dialogen."),
    )
    kinds.register(
        FEEDBACK_DUE, _("Påminnelse när återkopplingen ska vara klar"), optional=True,
        help_text=_("När dagen då återkopplingen ska vara klar har kommit och den ännu inte är delad med vårdcentralen."),
        audience=[kinds.TEAM],
    )
    kinds.register(
        FOLLOW_UP, _("Påminnelse före uppföljningsmötet"), optional=True,
        help_text=_("Några dagar före det bokade uppföljningsmötet, med tid och länk."), audience=[kinds.CLINIC],
    )
    kinds.register(
        AGREEMENT_DUE, _("Påminnelse när en överenskommelse ska vara klar"), optional=True,
        help_text=_("En vecka före datumet, när din part eller din vårdcentral äger en överenskommelse som inte är klar."),
    )


def _topic(dialogue: Dialogue) -> str:
    return f"dialogue:{dialogue.pk}"


def _staff_of(dialogue: Dialogue) -> list:
    return [membership.user for membership in dialogue.clinic.staff_memberships.all()]


def _to_clinic(dialogue: Dialogue, **kwargs) -> None:
    """Queue a message to the clinic's staff accounts and its contact address (once per address)."""
    staff = _staff_of(dialogue)
    message_queue_many(recipients=staff, **kwargs)
    address = dialogue.clinic.contact_email
    if address and is_valid_address(address) and address.lower() not in {user.email.lower() for user in staff}:
        message_queue(to=address, language=settings.LANGUAGE_CODE, **kwargs)


def _clinic_staff_prefetch(prefix: str = "") -> Prefetch:
    return Prefetch(
        f"{prefix}clinic__staff_memberships",
        queryset=Membership.objects.filter(role=Role.VARDCENTRAL, user__is_active=True).select_related("user"),
    )


def _preparation_reminders(today: date, regions: dict) -> None:
    horizon = today + timedelta(days=PREPARATION_DAYS_RANGE[1])
    dialogues = (
        Dialogue.objects.filter(status__in=PLANNING_STATUSES, date__gt=today, date__lte=horizon, clinic__active=True)
        .select_related("clinic")
        .prefetch_related(
            Prefetch("preparations", queryset=Preparation.objects.only("dialogue_id", "party")),
            Prefetch("team_members", queryset=TeamMember.objects.select_related("user")),
            _clinic_staff_prefetch(),
        )
    )
    dialogues = list(dialogues)
    invited = _letter_sent_topics([_topic(dialogue) for dialogue in dialogues])
    for dialogue in dialogues:
        cycle = regions[dialogue.clinic.region_id]
        deadline = dialogue.date - timedelta(days=cycle.preparation_days_before)
        if today < dialogue.date - timedelta(days=cycle.preparation_reminder_days_before):
            continue
        prepared = {preparation.party for preparation in dialogue.preparations.all()}
        for party in Party:
            if party in prepared or (party == Party.VARDCENTRAL and _topic(dialogue) not in invited):
                continue  # the clinic hears of its preparation first in the letter, never in a reminder
            context = {
                "dialogue": dialogue, "clinic": dialogue.clinic, "party_label": party.label, "deadline": deadline,
                "url": absolute_url(reverse("dialogs:preparation_update", args=[dialogue.pk, party.value])),
            }
            common = {
                "kind": PREPARATION, "template": "programme/email/preparation_reminder", "context": context,
                "topic": _topic(dialogue), "dedupe_key": f"{PREPARATION}:{dialogue.pk}:{party.value}:{dialogue.date:%Y%m%d}",
            }
            if party == Party.VARDCENTRAL:
                _to_clinic(dialogue, **common)
            else:
                team = [member.user for member in dialogue.team_members.all() if member.party == party]
                message_queue_many(recipients=team, **common)


def _letter_sent_topics(topics: list[str]) -> set[str]:
    """The dialogues (by topic) whose letter has gone, or is on its way, to the clinic: one query."""
    return set(
        OutboxMessage.objects.filter(kind=LETTER, topic__in=topics).values_list("topic", flat=True).distinct()
    )


def _feedback_reminders(today: date, regions: dict) -> None:
    earliest = today - timedelta(days=FEEDBACK_DAYS_RANGE[1] + FEEDBACK_NAG_DAYS)
    dialogues = (
        Dialogue.objects.filter(status=DialogueStatus.GENOMFORD, date__gte=earliest, date__lt=today)
        .select_related("clinic")
        .prefetch_related(Prefetch("team_members", queryset=TeamMember.objects.select_related("user")))
    )
    for dialogue in dialogues:
        due = dialogue.date + timedelta(days=regions[dialogue.clinic.region_id].feedback_due_days_after)
        if not due <= today <= due + timedelta(days=FEEDBACK_NAG_DAYS):
            continue
        message_queue_many(
            recipients=[member.user for member in dialogue.team_members.all()],
            kind=FEEDBACK_DUE, template="programme/email/feedback_due",
            context={"dialogue": dialogue, "clinic": dialogue.clinic, "due": due,
                     "url": absolute_url(reverse("feedback:index"))},
            topic=_topic(dialogue), dedupe_key=f"{FEEDBACK_DUE}:{dialogue.pk}:{dialogue.date:%Y%m%d}",
        )


def _follow_up_reminders(today: date, regions: dict) -> None:
    meetings = (
        FollowUpMeeting.objects.filter(date__gt=today, date__lte=today + timedelta(days=FOLLOW_UP_REMINDER_RANGE[1]))
        .exclude(dialogue__status=DialogueStatus.AVSLUTAD)
        .select_related("dialogue__clinic")
        .prefetch_related(_clinic_staff_prefetch("dialogue__"))
    )
    for meeting in meetings:
        dialogue = meeting.dialogue
        if today < meeting.date - timedelta(days=regions[dialogue.clinic.region_id].follow_up_reminder_days_before):
            continue
        _to_clinic(
            dialogue, kind=FOLLOW_UP, template="programme/email/follow_up_reminder",
            context={"dialogue": dialogue, "clinic": dialogue.clinic, "meeting": meeting,
                     "url": absolute_url(reverse("dialogs:dialogue_summary", args=[dialogue.pk]))},
            topic=_topic(dialogue),
            dedupe_key=f"{FOLLOW_UP}:{dialogue.pk}:{meeting.date:%Y%m%d}{meeting.start_time:%H%M}",
        )


def _agreement_reminders(today: date, regions: dict) -> None:
    """The owner of each agreement that is not done and falls due within the week. ``regions`` is unused: the week
    is the same everywhere (an agreement's date is set by hand, unlike the cycle's deadlines)."""
    agreements = (
        Agreement.objects.filter(
            status__in=OPEN_AGREEMENT_STATUSES, due_date__gte=today,
            due_date__lte=today + timedelta(days=AGREEMENT_REMINDER_DAYS), dialogue__clinic__active=True,
        )
        .exclude(dialogue__status=DialogueStatus.INSTALLD)
        .select_related("dialogue__clinic")
        .prefetch_related(
            Prefetch("dialogue__team_members", queryset=TeamMember.objects.select_related("user")),
            _clinic_staff_prefetch("dialogue__"),
        )
    )
    for agreement in agreements:
        dialogue = agreement.dialogue
        common = {
            "kind": AGREEMENT_DUE, "template": "programme/email/agreement_due",
            "context": {"agreement": agreement, "dialogue": dialogue, "clinic": dialogue.clinic,
                        "url": absolute_url(reverse("dialogs:agreement_detail", args=[agreement.pk]))},
            "topic": _topic(dialogue), "dedupe_key": f"{AGREEMENT_DUE}:{agreement.pk}:{agreement.due_date:%Y%m%d}",
        }
        if agreement.owner == Party.VARDCENTRAL:
            if dialogue.is_documentation_shared:
                _to_clinic(dialogue, **common)
        else:
            team = [member.user for member in dialogue.team_members.all() if member.party == agreement.owner]
            message_queue_many(recipients=team, **common)


def reminders_send(*, now=None) -> dict[str, int]:
    """Queue every reminder that is due now and has not been queued before; returns how many messages of each
    kind this run queued (none on a second run). Each kind of reminder commits as one transaction (a commit per
    message took most of a national run's time on PostgreSQL); a run stopped half-way leaves the rest to the next
    run, and two runs at once queue each message once (the dedupe key is unique)."""
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    regions = cycle_settings_by_region(list(Region.objects.values_list("pk", flat=True)))
    before = OutboxMessage.objects.aggregate(last=Max("pk"))["last"] or 0
    for step in (_preparation_reminders, _feedback_reminders, _follow_up_reminders, _agreement_reminders):
        with transaction.atomic():  # one commit per kind, not per message; the tasks are enqueued after it
            step(today, regions)
    queued = dict(
        OutboxMessage.objects.filter(pk__gt=before, kind__in=REMINDER_KINDS).values_list("kind").annotate(n=Count("pk"))
    )
    return {kind: queued.get(kind, 0) for kind in REMINDER_KINDS}
