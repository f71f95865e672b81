"""Writes of dialogues: planning, preparation, status transitions (cancelling among them), deleting a dialogue
planned by mistake, the follow-up meeting and sharing.

Every function is keyword-only and atomic. Forms check what a person typed; these functions check the rules
again against the database (a clinic of the region, a published version, a date not in the past …) because a
service may also be called from elsewhere (the demo, the feedback app, a bench script).
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from dialogs.models.dialogue import (
    MAX_FOCUS_AREAS,
    MIN_FOCUS_AREAS,
    TEAM_PARTIES,
    ClinicParticipant,
    DataSourceChoice,
    Dialogue,
    DialogueStatus,
    DialogueStatusChange,
    FollowUpMeeting,
    ParticipantRole,
    Preparation,
    TeamMember,
    TeamRole,
)
from dialogs.models.guide import GuideVersion, GuideVersionStatus, Question, Section
from dialogs.services import mail
from notifications.headers import is_valid_address
from organisations.models import Clinic, Membership, Party, Region, Role

logger = logging.getLogger(__name__)


class DialogueError(Exception):
    """A rule of the dialogue's life was broken; the message is meant for the person who tried."""


class TransitionError(DialogueError):
    pass


class PlanChanged(ValidationError):
    """Someone saved the plan after this form was opened: saving it would undo their change without anyone seeing.
    ``stamp`` is the plan's stamp now; a form that shows the saved plan and posts again with it goes ahead."""

    def __init__(self, stamp: str):
        super().__init__(_(
            "Någon annan har sparat ändringar i planeringen medan du hade sidan öppen. Dina ändringar är inte "
            "sparade, men de finns kvar i formuläret. Jämför med den sparade planeringen och spara igen om dina "
            "uppgifter ska gälla."
        ))
        self.stamp = stamp


class PreparationConflict(DialogueError):
    """Someone saved the party's preparation after this form was opened; nothing was written. ``current`` is
    what is saved now."""

    def __init__(self, current: Preparation):
        super().__init__(_("Någon annan har sparat förberedelsen medan du skrev."))
        self.current = current


@dataclass(frozen=True)
class TeamSelection:
    user_id: int
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParticipantData:
    name: str
    role: str
    role_other: str = ""
    email: str = ""
    presents_data: bool = False


def default_place(clinic: Clinic) -> str:
    """On site at the clinic: the method advises holding the dialogue where the clinic works (chapter 3.2)."""
    place = _("På vårdcentralen")
    return f"{place}, {clinic.address}" if clinic.address else str(place)


# --- Planning --------------------------------------------------------------------------------------------


def _check_planning(
    *, region: Region, clinic: Clinic, guide_version: GuideVersion, day: date, today: date, held: bool
) -> None:
    errors = {}
    if clinic.region_id != region.pk:
        errors["clinic"] = _("Vårdcentralen hör inte till %(region)s.") % {"region": region.name}
    if guide_version.status != GuideVersionStatus.PUBLISHED or guide_version.guide.region_id != region.pk:
        errors["guide_version"] = _("Välj en publicerad version av regionens dialogstöd.")
    if day < today and not held:
        errors["date"] = _(
            "Datumet har redan passerat. Registrerar ni en dialog som redan har hållits, kryssa i att den är hållen."
        )
    if held and day > today:
        errors["date"] = _("En dialog som redan har hållits kan inte ha ett datum som inte har kommit än.")
    if errors:
        raise ValidationError(errors)


def holiday_name(day: date) -> str:
    """The Swedish public holiday on ``day`` in the active language, or "" (Sundays are weekends, not holidays)."""
    language = "en_US" if (get_language() or "sv").startswith("en") else "sv"
    return holidays.SE(years=day.year, language=language, include_sundays=False).get(day, "")


def day_off_warnings(day: date) -> list[str]:
    """A weekend day or a Swedish public holiday, said in words; [] on a working day."""
    warnings = []
    if day.weekday() >= 5:
        warnings.append(_("%(date)s är en %(weekday)s.") % {"date": date_format(day, "j F Y"), "weekday": date_format(day, "l")})
    holiday = holiday_name(day)
    if holiday:
        warnings.append(_("%(date)s är en helgdag: %(holiday)s.") % {"date": date_format(day, "j F Y"), "holiday": holiday})
    return warnings


def planning_warnings(
    *, clinic: Clinic, day: date, dialogue: Dialogue | None = None, team_user_ids: Iterable[int] = ()
) -> list[str]:
    """What is unusual about holding a dialogue at ``clinic`` on ``day``: a weekend, a Swedish public holiday,
    another dialogue (not cancelled) at the same clinic that day, or members of the chosen team who are on the
    team of another of the region's dialogues that day. The person may go ahead once warned."""
    warnings = day_off_warnings(day)
    same_day = Dialogue.objects.filter(clinic=clinic, date=day).exclude(status=DialogueStatus.INSTALLD)
    if dialogue is not None:
        same_day = same_day.exclude(pk=dialogue.pk)
    if same_day.exists():
        warnings.append(_("%(clinic)s har redan en dialog planerad samma dag.") % {"clinic": clinic.name})
    return warnings + _team_elsewhere(clinic=clinic, day=day, dialogue=dialogue, team_user_ids=team_user_ids)


def _team_elsewhere(*, clinic: Clinic, day: date, dialogue: Dialogue | None, team_user_ids: Iterable[int]) -> list[str]:
    """One line per other dialogue of the region that day whose team shares people with the chosen team."""
    team_user_ids = list(team_user_ids)
    if not team_user_ids:
        return []
    shared = TeamMember.objects.elsewhere_on(day, user_ids=team_user_ids, dialogue=dialogue).filter(
        dialogue__clinic__region=clinic.region_id
    )
    return [
        ngettext(
            "%(names)s är redan med i teamet för %(clinic)s samma dag (kl. %(time)s).",
            "%(names)s är redan med i teamet för %(clinic)s samma dag (kl. %(time)s).",
            len(members),
        ) % {
            "names": get_text_list([member.display_name for member in members], _("och")),
            "clinic": other.clinic.name,
            "time": other.start_time.strftime("%H:%M"),
        }
        for other, members in shared.by_dialogue()
    ]


def _check_warnings(
    *, clinic: Clinic, day: date, dialogue: Dialogue | None, confirmed: bool, team: Iterable[TeamSelection] = ()
) -> None:
    warnings = planning_warnings(
        clinic=clinic, day=day, dialogue=dialogue, team_user_ids=[selection.user_id for selection in team]
    )
    if warnings and not confirmed:
        raise ValidationError({"confirm_date": warnings}, code="needs_confirmation")


def _team_members(*, region: Region, team: list[TeamSelection]) -> list[TeamMember]:
    """TeamMember rows (unsaved) for the selection, each with the party of their membership in the region."""
    parties = dict(
        Membership.objects.filter(
            region=region, role=Role.UPPFOLJARE, user_id__in=[selection.user_id for selection in team]
        ).values_list("user_id", "party")
    )
    members = []
    for selection in team:
        party = parties.get(selection.user_id)
        if party not in TEAM_PARTIES:
            raise ValidationError({"team": _("Teamet kan bara bestå av regionens uppföljare.")})
        unknown = set(selection.roles) - set(TeamRole.values)
        if unknown:
            raise ValidationError({"team": _("Okänd roll: %(roles)s.") % {"roles": ", ".join(sorted(unknown))}})
        roles = [role for role in TeamRole.values if role in selection.roles]  # canonical order
        members.append(TeamMember(user_id=selection.user_id, party=party, roles=roles))
    return members


def _participants(participants: list[ParticipantData]) -> list[ClinicParticipant]:
    rows = []
    for position, participant in enumerate(participants):
        if participant.role not in ParticipantRole.values:
            raise ValidationError({"participants": _("Okänd roll för %(name)s.") % {"name": participant.name}})
        if participant.role == ParticipantRole.ANNAN and not participant.role_other.strip():
            raise ValidationError({"participants": _("Skriv vilken roll %(name)s har.") % {"name": participant.name}})
        email = participant.email.strip()
        if email and not is_valid_address(email):
            raise ValidationError(
                {"participants": _("E-postadressen för %(name)s går inte att skicka till.") % {"name": participant.name}}
            )
        rows.append(
            ClinicParticipant(
                name=participant.name.strip(),
                role=participant.role,
                role_other=participant.role_other.strip(),
                email=email,
                presents_data=participant.presents_data,
                position=position,
            )
        )
    return rows


def _replace_people(dialogue: Dialogue, members: list[TeamMember], participants: list[ClinicParticipant]) -> None:
    dialogue.team_members.all().delete()
    dialogue.clinic_participants.all().delete()
    for row in [*members, *participants]:
        row.dialogue = dialogue
    TeamMember.objects.bulk_create(members)
    ClinicParticipant.objects.bulk_create(participants)


def _record(dialogue: Dialogue, from_status: str, to_status: str, user, note: str = "") -> None:
    DialogueStatusChange.objects.create(
        dialogue=dialogue, from_status=from_status, to_status=to_status, changed_by=user, note=note[:500]
    )


# How long a second, identical plan by the same person counts as the same post sent twice.
SAME_PLAN_WINDOW = timedelta(minutes=10)


@transaction.atomic
def dialogue_plan(
    *,
    region: Region,
    clinic: Clinic,
    guide_version: GuideVersion,
    date: date,
    start_time: time,
    place: str,
    include_lifestyle_module: bool,
    show_followups: bool,
    team: list[TeamSelection],
    participants: list[ParticipantData],
    user,
    today: date | None = None,
    held: bool = False,
    confirm_date: bool = True,
) -> Dialogue:
    """Plan a dialogue for a clinic of the region, pinning a published version of the region's guide.
    ``held`` registers a dialogue that has already taken place (held on paper) with its real, past date: it is
    recorded as planned and then held. With ``confirm_date=False`` (the planning page, until the person has
    ticked the box) a weekend, a public holiday or a second dialogue at the clinic that day is refused with
    the warnings under "confirm_date". Raises ValidationError (keyed by field) and saves nothing when a rule is
    broken. The same plan sent again by the same person within a few minutes (a double click, a retried post) is
    the dialogue already planned: it is returned, not copied (the clinic's row lock orders simultaneous posts)."""
    today = today or timezone.localdate()
    Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
    just_planned = Dialogue.objects.filter(
        clinic=clinic, date=date, start_time=start_time, guide_version=guide_version, created_by=user,
        created_at__gte=timezone.now() - SAME_PLAN_WINDOW,
    ).first()
    if just_planned is not None:
        return just_planned
    _check_planning(region=region, clinic=clinic, guide_version=guide_version, day=date, today=today, held=held)
    _check_warnings(clinic=clinic, day=date, dialogue=None, confirmed=confirm_date, team=team)
    members = _team_members(region=region, team=team)
    rows = _participants(participants)
    dialogue = Dialogue.objects.create(
        clinic=clinic,
        guide_version=guide_version,
        date=date,
        start_time=start_time,
        place=place.strip() or default_place(clinic),
        include_lifestyle_module=include_lifestyle_module,
        show_followups=show_followups,
        created_by=user,
    )
    _replace_people(dialogue, members, rows)
    _record(dialogue, "", DialogueStatus.PLANERAD, user)
    if held:
        with translation.override(settings.LANGUAGE_CODE):  # stored, so read by everyone in the site's language
            note = _("Registrerad i efterhand: dialogen hölls %(date)s.") % {"date": date_format(date, "j F Y")}
        dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.GENOMFORD, user=user, note=note, today=today)
    return dialogue


@transaction.atomic
def dialogue_update(
    *,
    dialogue: Dialogue,
    date: date,
    start_time: time,
    place: str,
    include_lifestyle_module: bool,
    show_followups: bool,
    team: list[TeamSelection],
    participants: list[ParticipantData],
    user,
    today: date | None = None,
    confirm_date: bool = True,
    plan_stamp: str = "",
) -> Dialogue:
    """Change the plan of a dialogue that has not taken place. The clinic and the pinned version stay. With
    ``confirm_date=False`` a new date on a weekend, a public holiday or beside another dialogue at the clinic
    is refused with the warnings, as when planning. ``plan_stamp`` is ``Dialogue.plan_stamp()`` when the form
    was opened: if the plan has changed since, nothing is saved (PlanChanged). Empty: no check."""
    dialogue = Dialogue.objects.select_for_update(of=("self",)).select_related("clinic__region").get(pk=dialogue.pk)
    if plan_stamp and plan_stamp != (current := dialogue.plan_stamp()):
        raise PlanChanged(current)
    if not dialogue.is_planning:
        raise DialogueError(_("Dialogen är genomförd; planeringen kan inte längre ändras."))
    today = today or timezone.localdate()
    if date != dialogue.date and date < today:
        raise ValidationError({"date": _("Datumet har redan passerat.")})
    if date != dialogue.date:
        _check_warnings(clinic=dialogue.clinic, day=date, dialogue=dialogue, confirmed=confirm_date, team=team)
    region = dialogue.clinic.region
    members = _team_members(region=region, team=team)
    rows = _participants(participants)
    previous = (dialogue.date, dialogue.start_time, dialogue.place)
    dialogue.date, dialogue.start_time = date, start_time
    dialogue.place = place.strip() or default_place(dialogue.clinic)
    dialogue.include_lifestyle_module, dialogue.show_followups = include_lifestyle_module, show_followups
    moved = previous != (dialogue.date, dialogue.start_time, dialogue.place)
    dialogue.calendar_sequence += 1 if moved else 0
    dialogue.save(
        update_fields=[
            "date", "start_time", "place", "include_lifestyle_module", "show_followups", "calendar_sequence", "updated_at"
        ]
    )
    _replace_people(dialogue, members, rows)
    if moved:
        mail.dialogue_changed_notify(
            dialogue=dialogue, previous_date=previous[0], previous_time=previous[1], previous_place=previous[2]
        )
    return dialogue


# --- Status ----------------------------------------------------------------------------------------------


@transaction.atomic
def dialogue_transition(*, dialogue: Dialogue, to_status: str, user, note: str = "", today: date | None = None) -> Dialogue:
    """Move the dialogue to ``to_status`` if the table of allowed transitions and the guards let it
    (see ``Dialogue.transition_blocker``); records who and when. Raises TransitionError otherwise."""
    locked = Dialogue.objects.select_for_update().get(pk=dialogue.pk)
    if to_status not in DialogueStatus.values:
        raise TransitionError(_("Okänd status."))
    blocker = locked.transition_blocker(
        to_status,
        has_follow_up_meeting=FollowUpMeeting.objects.filter(dialogue_id=locked.pk).exists(),
        today=today or timezone.localdate(),
        note=note,
    )
    if blocker:
        raise TransitionError(blocker)
    from_status = locked.status
    locked.status = to_status
    # Cancelling and planning again change the calendar event: a new SEQUENCE, and the people are told.
    calendar_change = DialogueStatus.INSTALLD in (from_status, to_status)
    locked.calendar_sequence += 1 if calendar_change else 0
    locked.save(update_fields=["status", "calendar_sequence", "updated_at"])
    _record(locked, from_status, to_status, user, note)
    if to_status == DialogueStatus.ATERKOPPLING_DELAD:
        _share_documentation(locked, user)  # feedback shared means the clinic reads the day's documentation too
    dialogue.status, dialogue.updated_at = locked.status, locked.updated_at
    dialogue.calendar_sequence = locked.calendar_sequence
    dialogue.documentation_shared_at = locked.documentation_shared_at
    dialogue.documentation_shared_by_id = locked.documentation_shared_by_id
    if to_status == DialogueStatus.INSTALLD:
        mail.dialogue_cancelled_notify(dialogue=locked, reason=note.strip())
    elif from_status == DialogueStatus.INSTALLD:
        mail.dialogue_changed_notify(
            dialogue=locked, previous_date=locked.date, previous_time=locked.start_time,
            previous_place=locked.place, replanned=True,
        )
    return dialogue


@transaction.atomic
def dialogue_cancel(*, dialogue: Dialogue, user, reason: str) -> Dialogue:
    """Call off a dialogue that has not taken place (planerad or förberedelse). The reason is required; it is
    kept in the status history, where the team and the clinic read it. Raises ValidationError for a missing
    reason and TransitionError for a dialogue that has already taken place."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv varför dialogen ställs in.")})
    return dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.INSTALLD, user=user, note=reason)


# What a dialogue's plan consists of. Any other row that points at a dialogue (answers, preparations, the
# follow-up meeting, the feedback app's report, …) is something written in it, which deleting would destroy.
# Asked through the model's relations, so dialogs needs no import of the apps to its right.
PLAN_RELATIONS = frozenset({"team_members", "clinic_participants", "status_changes"})
# Content followed after the day, named in the refusal (agreements and cases, issue 13).
NAMED_RELATIONS = ("agreements", "cases")


def dialogue_deletion_blocker(dialogue: Dialogue) -> str:
    """Why this dialogue may not be deleted, or "" when it may: only a dialogue that has not taken place, and
    only while nothing has been written in it (one query, asking every kind of content at once)."""
    if dialogue.is_held:
        return _("En dialog som har genomförts kan inte tas bort.")
    relations = [relation for relation in Dialogue._meta.related_objects if relation.get_accessor_name() not in PLAN_RELATIONS]
    written = {
        f"written_{number}": Exists(relation.related_model._base_manager.filter(**{relation.field.name: OuterRef("pk")}))
        for number, relation in enumerate(relations)
    }
    found = (Dialogue.objects.filter(pk=dialogue.pk).annotate(**written).values_list(*written).first() or ()) if written else ()
    kept = [relation for relation, exists in zip(relations, found) if exists]
    named = [relation for relation in kept if relation.get_accessor_name() in NAMED_RELATIONS]
    if named:
        # Agreements and fördjupad uppföljning are followed after the day: say which the dialogue holds.
        return _("Dialogen kan inte tas bort eftersom den har %(what)s. Ställ in den i stället.") % {
            "what": _(" och ").join(str(relation.related_model._meta.verbose_name_plural) for relation in named)
        }
    if kept:
        return _(
            "Dialogen kan inte tas bort eftersom något redan är skrivet i den (svar, förberedelser eller "
            "återkoppling). Ställ in den i stället."
        )
    return ""


@transaction.atomic
def dialogue_delete(*, dialogue: Dialogue, user) -> None:
    """Delete a dialogue planned by mistake, with its team, participants and status history. Refused with
    DialogueError once it has taken place or anything has been written in it (see dialogue_deletion_blocker)."""
    locked = Dialogue.objects.select_for_update().get(pk=dialogue.pk)
    blocker = dialogue_deletion_blocker(locked)
    if blocker:
        raise DialogueError(blocker)
    # Deleting leaves no row behind, so the log keeps who removed what.
    logger.info("Dialogue %s (%s) deleted by user %s", locked.pk, locked, getattr(user, "pk", None))
    locked.delete()


@transaction.atomic
def dialogue_share_documentation(*, dialogue: Dialogue, user) -> Dialogue:
    """Let the clinic's staff read the documentation of the day (openness, one of the seven principles).

    One rule for the two "share" actions: sharing the documentation on its own lets the clinic read it early;
    sharing the feedback (``dialogue_feedback_shared``) or moving the status to "återkoppling delad" by hand
    shares the documentation too, so a clinic whose feedback is shared never meets a locked documentation."""
    if not dialogue.is_held:
        raise DialogueError(_("Dokumentationen kan delas när dialogen är genomförd."))
    _share_documentation(dialogue, user)
    return dialogue


def _share_documentation(dialogue: Dialogue, user) -> None:
    if dialogue.documentation_shared_at is None:
        dialogue.documentation_shared_at, dialogue.documentation_shared_by = timezone.now(), user
        dialogue.save(update_fields=["documentation_shared_at", "documentation_shared_by", "updated_at"])


@transaction.atomic
def dialogue_feedback_shared(*, dialogue: Dialogue, user) -> Dialogue:
    """The team has shared its written feedback with the clinic (the feedback app calls this): the clinic reads
    the day's documentation from now on, and a held dialogue moves on to "återkoppling delad". A dialogue that
    has already moved past that point keeps its status: sharing a new version never moves it backwards."""
    if dialogue.status == DialogueStatus.GENOMFORD:
        return dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.ATERKOPPLING_DELAD, user=user)
    return dialogue_share_documentation(dialogue=dialogue, user=user)


# --- Preparation -----------------------------------------------------------------------------------------


@transaction.atomic
def preparation_save(
    *,
    dialogue: Dialogue,
    party: str,
    user,
    focus_section_ids: list[int],
    focus_question_ids: list[int],
    overview_notes: str,
    data_sources: list[str],
    data_sources_other: str,
    responsibility: str,
    base_revision: int | None = None,
) -> Preparation:
    """Save one party's preparation: 2–3 focus areas (sections or questions of the pinned version), the data
    looked at, and the party's responsibility on the day. The first preparation moves a planned dialogue to
    "förberedelse". Raises ValidationError (keyed by field) and saves nothing when a rule is broken.

    ``base_revision`` is the revision the form was opened at (0 before the first save). When someone has saved
    since, PreparationConflict is raised and nothing is written, unless this save says what is saved already.
    Without it (the demo, the tests' set-up) the save stands as it is."""
    if party not in Party.values:
        raise ValidationError({"party": _("Okänd part.")})
    if not dialogue.is_planning:
        raise DialogueError(_("Dialogen är genomförd; förberedelserna kan inte längre ändras."))
    sections, questions, texts = _preparation_content(
        dialogue, focus_section_ids, focus_question_ids, overview_notes=overview_notes, data_sources=data_sources,
        data_sources_other=data_sources_other, responsibility=responsibility,
    )
    preparation = Preparation.objects.select_for_update().filter(dialogue=dialogue, party=party).first()
    if preparation is None:
        preparation = Preparation(dialogue=dialogue, party=party)
    else:
        posted = {"focus_section_ids": {s.pk for s in sections}, "focus_question_ids": {q.pk for q in questions}, **texts}
        if preparation.snapshot() == posted:
            return preparation  # nothing changed, whatever revision the form started from
        if base_revision is not None and base_revision != preparation.revision:
            raise PreparationConflict(preparation)
    for name, value in texts.items():
        setattr(preparation, name, value)
    preparation.revision += 1
    preparation.updated_by = user
    try:
        with transaction.atomic():
            preparation.save()
    except IntegrityError:  # another first save of the same party's preparation came in at the same moment
        raise PreparationConflict(Preparation.objects.get(dialogue=dialogue, party=party)) from None
    preparation.focus_sections.set(sections)
    preparation.focus_questions.set(questions)
    if dialogue.status == DialogueStatus.PLANERAD:
        dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.FORBEREDELSE, user=user)
    return preparation


def _preparation_content(
    dialogue: Dialogue, focus_section_ids: list[int], focus_question_ids: list[int], **texts
) -> tuple[list[Section], list[Question], dict]:
    """The checked content of a preparation save: its sections, its questions and the rest as model fields;
    ValidationError (keyed by field) when a rule is broken."""
    section_ids, question_ids = set(focus_section_ids), set(focus_question_ids)
    sections = list(Section.objects.filter(version_id=dialogue.guide_version_id, pk__in=section_ids))
    questions = list(Question.objects.filter(version_id=dialogue.guide_version_id, pk__in=question_ids))
    if len(sections) != len(section_ids) or len(questions) != len(question_ids):
        raise ValidationError({"focus": _("Välj områden ur dialogens version av dialogstödet.")})
    count = len(sections) + len(questions)
    if not MIN_FOCUS_AREAS <= count <= MAX_FOCUS_AREAS:
        raise ValidationError({"focus": _("Välj två eller tre områden (nu %(count)s).") % {"count": count}})
    unknown = set(texts["data_sources"]) - set(DataSourceChoice.values)
    if unknown:
        raise ValidationError({"data_sources": _("Okänd datakälla.")})
    sources = [value for value in DataSourceChoice.values if value in texts["data_sources"]]
    return sections, questions, {
        "overview_notes": texts["overview_notes"].strip(),
        "data_sources": sources,
        "data_sources_other": texts["data_sources_other"].strip() if DataSourceChoice.ANNAN in sources else "",
        "responsibility": texts["responsibility"].strip(),
    }


# --- The follow-up meeting -------------------------------------------------------------------------------


@transaction.atomic
def follow_up_book(
    *,
    dialogue: Dialogue,
    user,
    date: date,
    start_time: time,
    duration_minutes: int,
    video_link: str,
    focus_area: str,
    confirm_date: bool = True,
) -> FollowUpMeeting:
    """Book (or re-book) the follow-up meeting. Booking replaces an earlier waiver; when the feedback has
    been shared, the dialogue moves on to "uppföljning bokad". With ``confirm_date=False`` (the booking page,
    until the person has confirmed) a new date on a weekend or a public holiday raises ValidationError with the
    warnings under "confirm_date" and books nothing."""
    if not dialogue.is_held:
        raise DialogueError(_("Uppföljningsmötet bokas när dialogen är genomförd."))
    if date < dialogue.date:
        raise ValidationError({"date": _("Uppföljningsmötet kan inte ligga före dialogen.")})
    previous = FollowUpMeeting.objects.filter(dialogue=dialogue).values_list(
        "date", "start_time", "duration_minutes", "video_link", "calendar_sequence"
    ).first()
    warnings = day_off_warnings(date) if previous is None or previous[0] != date else []
    if warnings and not confirm_date:
        raise ValidationError({"confirm_date": warnings}, code="needs_confirmation")
    meeting, created = FollowUpMeeting.objects.update_or_create(
        dialogue=dialogue,
        defaults={
            "date": date,
            "start_time": start_time,
            "duration_minutes": duration_minutes,
            "video_link": video_link.strip(),
            "focus_area": focus_area.strip(),
            "booked_by": user,
            "booked_at": timezone.now(),
        },
    )
    mail.follow_up_moved(meeting=meeting, dialogue=dialogue, previous=previous)
    if dialogue.follow_up_waived:
        dialogue.follow_up_waived, dialogue.follow_up_waived_reason = False, ""
        dialogue.save(update_fields=["follow_up_waived", "follow_up_waived_reason", "updated_at"])
    if dialogue.status == DialogueStatus.ATERKOPPLING_DELAD:
        dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.UPPFOLJNING_BOKAD, user=user)
    return meeting


@transaction.atomic
def follow_up_waive(*, dialogue: Dialogue, user, reason: str) -> Dialogue:
    """Record that no follow-up meeting will be held, and why; this lets the dialogue be closed."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv varför inget uppföljningsmöte behövs.")})
    if not dialogue.is_held:
        raise DialogueError(_("Dialogen är inte genomförd ännu."))
    if FollowUpMeeting.objects.filter(dialogue=dialogue).exists():
        raise DialogueError(_("Ett uppföljningsmöte är redan bokat."))
    dialogue.follow_up_waived, dialogue.follow_up_waived_reason = True, reason
    dialogue.save(update_fields=["follow_up_waived", "follow_up_waived_reason", "updated_at"])
    _record(dialogue, dialogue.status, dialogue.status, user, _("Inget uppföljningsmöte: %(reason)s") % {"reason": reason})
    return dialogue
