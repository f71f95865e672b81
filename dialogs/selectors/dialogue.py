"""Reads of dialogues: the overview lists, the day's agenda, what a dialogue carries over from the previous one,
and its documentation laid out along the guide. Each function runs a fixed number of queries, however many
dialogues, clinics or answers there are (tests assert it)."""

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.text import get_text_list
from django.utils.translation import gettext

from dialogs import access
from dialogs.models.answers import Answer
from dialogs.models.dialogue import (
    COURSE_STATUSES,
    PLANNING_STATUSES,
    ClinicParticipant,
    Dialogue,
    DialogueStatus,
    DialogueStatusChange,
    FollowUpMeeting,
    Preparation,
    TeamMember,
)
from dialogs.models.guide import AgendaBlock, AgendaBlockSection, Question, Section, SectionKind
from dialogs.selectors.agreements import previous_held_dialogues
from dialogs.selectors.guide import GuideTree, guide_version_tree
from dialogs.services.letter import RenderedLetter, letter_render, letter_template_for_region, letter_values
from organisations.models import Clinic, Membership, Party, Region, Role

# --- The day's agenda ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaSlot:
    key: str
    start: time
    end: time
    title: str
    participants: str
    section_ids: tuple[int, ...] = ()
    section_headings: tuple[str, ...] = ()
    # Optional sections the team chose for this dialogue (Bilaga 5, levnadsvanor), walked through in this slot.
    added_headings: tuple[str, ...] = ()


def shift_agenda(blocks: Iterable[AgendaBlock], start_time: time) -> list[AgendaSlot]:
    """The guide's agenda blocks moved so the first one begins at ``start_time``; lengths and gaps are kept.

    Works on blocks with ``block_sections`` prefetched (``guide_version_tree``) or without (no sections then)."""
    blocks = list(blocks)
    if not blocks:
        return []
    anchor = date(2000, 1, 3)  # any day; only the difference matters
    offset = datetime.combine(anchor, start_time) - datetime.combine(anchor, blocks[0].start)

    def moved(value: time) -> time:
        return (datetime.combine(anchor, value) + offset).time()

    slots = []
    for block in blocks:
        cached = getattr(block, "_prefetched_objects_cache", {}).get("block_sections")
        sections = [link.section for link in cached] if cached is not None else []
        slots.append(
            AgendaSlot(
                key=block.key,
                start=moved(block.start),
                end=moved(block.end),
                title=block.title,
                participants=block.participants,
                section_ids=tuple(section.pk for section in sections),
                section_headings=tuple(section.heading for section in sections),
            )
        )
    return slots


def version_agenda_blocks(version_id: int) -> list[AgendaBlock]:
    """A version's agenda blocks with the sections they walk through (two queries)."""
    return list(
        AgendaBlock.objects.filter(version_id=version_id)
        .order_by("position")
        .prefetch_related(
            Prefetch("block_sections", queryset=AgendaBlockSection.objects.select_related("section").order_by("position"))
        )
    )


def dialogue_agenda(dialogue: Dialogue, tree: GuideTree | None = None) -> list[AgendaSlot]:
    """The day's agenda: the pinned version's blocks, shifted to the dialogue's start time. With the lifestyle
    module chosen, its optional sections (Bilaga 5) join the slot that walks through P4, where the guide's
    prevention and lifestyle questions are (one more query)."""
    blocks = tree.agenda_blocks if tree is not None else version_agenda_blocks(dialogue.guide_version_id)
    slots = shift_agenda(blocks, dialogue.start_time)
    if dialogue.include_lifestyle_module and slots:
        slots = _with_optional_sections(slots, dialogue.guide_version_id)
    return slots


def _with_optional_sections(slots: list[AgendaSlot], version_id: int) -> list[AgendaSlot]:
    sections = list(
        Section.objects.filter(version_id=version_id, parent=None)
        .filter(Q(optional=True) | Q(code__iexact="P4"))
        .order_by("position")
    )
    optional = tuple(section.heading for section in sections if section.optional)
    if not optional:
        return slots
    p4 = {section.pk for section in sections if not section.optional}
    target = next(
        (slot for slot in slots if p4 & set(slot.section_ids)),
        next((slot for slot in slots if slot.section_ids), slots[0]),
    )
    return [replace(slot, added_headings=optional) if slot is target else slot for slot in slots]


def agenda_end(slots: list[AgendaSlot], dialogue: Dialogue) -> datetime:
    """When the day ends: the last block's end, or four hours after the start without an agenda."""
    start = datetime.combine(dialogue.date, dialogue.start_time)
    if not slots:
        return start + timedelta(hours=4)
    end = datetime.combine(dialogue.date, slots[-1].end)
    return end if end > start else end + timedelta(days=1)


# --- One dialogue with what its pages show ------------------------------------------------------------


def dialogue_with_people(queryset: QuerySet) -> QuerySet:
    """Dialogues with their clinic, region, version, team (and users) and clinic participants, in 3 queries."""
    return queryset.select_related("clinic__region", "guide_version__guide", "created_by").prefetch_related(
        Prefetch("team_members", queryset=TeamMember.objects.select_related("user")),
        Prefetch("clinic_participants", queryset=ClinicParticipant.objects.order_by("position", "pk")),
    )


def dialogue_status_history(dialogue: Dialogue) -> list[DialogueStatusChange]:
    return list(dialogue.status_changes.select_related("changed_by").order_by("changed_at", "pk"))


def course_status_choices() -> list[tuple[str, str]]:
    """The steps of the progress indicator: the normal course, without "inställd"."""
    return [(status.value, status.label) for status in COURSE_STATUSES]


def cancellation_of(dialogue: Dialogue, history: list[DialogueStatusChange]) -> DialogueStatusChange | None:
    """The change that cancelled the dialogue (who, when and why), while it is cancelled."""
    if not dialogue.is_cancelled:
        return None
    return next((change for change in reversed(history) if change.to_status == DialogueStatus.INSTALLD), None)


def follow_up_meeting_of(dialogue: Dialogue) -> FollowUpMeeting | None:
    return FollowUpMeeting.objects.filter(dialogue=dialogue).select_related("booked_by").first()


# --- Overview: the region's dialogues, filtered ---------------------------------------------------------


@dataclass
class DialogueFilters:
    clinic: int | None = None
    status: str = ""
    year: int | None = None
    team_member: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.clinic or self.status or self.year or self.team_member)


def dialogues_overview(*, user, region: Region, filters: DialogueFilters) -> QuerySet:
    """The region's dialogues the user may see, newest first, ready for a paginated table. Cancelled dialogues
    are shown only when the status filter asks for them."""
    dialogues = Dialogue.objects.for_user(user).in_region(region)
    if filters.clinic:
        dialogues = dialogues.filter(clinic_id=filters.clinic)
    if filters.status:
        dialogues = dialogues.filter(status=filters.status)
    else:
        dialogues = dialogues.exclude(status=DialogueStatus.INSTALLD)
    if filters.year:
        dialogues = dialogues.filter(date__year=filters.year)
    if filters.team_member:
        dialogues = dialogues.filter(team_members__user_id=filters.team_member)
    return (
        dialogues.select_related("clinic", "guide_version")
        .prefetch_related(Prefetch("team_members", queryset=TeamMember.objects.select_related("user")))
        .order_by("-date", "-start_time", "-pk")
    )


@dataclass
class FilterOptions:
    clinics: list[Clinic]
    years: list[int]
    team_members: list
    statuses: list = field(default_factory=lambda: list(DialogueStatus.choices))


def dialogue_filter_options(*, user, region: Region) -> FilterOptions:
    """What the overview's filters offer (three queries)."""
    clinics = list(Clinic.objects.filter(region=region, pk__in=Clinic.objects.for_user(user).values("pk")).order_by("name"))
    years = sorted(
        {day.year for day in Dialogue.objects.for_user(user).in_region(region).dates("date", "year")}, reverse=True
    )
    team = [membership.user for membership in region_follow_up_members(region)]
    return FilterOptions(clinics=clinics, years=years, team_members=team)


def region_follow_up_members(region: Region) -> list[Membership]:
    """The region's uppföljare (who may be in a dialogue's team), by name."""
    return list(
        Membership.objects.filter(region=region, role=Role.UPPFOLJARE)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


# --- Overview: per clinic -------------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier, clamped to the end of a shorter month."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def clinics_overview(*, user, region: Region, without_months: int | None = None, today: date | None = None) -> QuerySet:
    """The region's clinics the user may see, each annotated with ``last_dialogue_date`` (the latest dialogue
    held on or before today), ``next_dialogue_date`` and ``dialogue_count``, none of them counting cancelled
    dialogues. With ``without_months``, only the clinics that have had no dialogue in that many months (one
    query)."""
    today = today or timezone.localdate()
    not_cancelled = ~Q(dialogues__status=DialogueStatus.INSTALLD)
    clinics = (
        Clinic.objects.filter(region=region, pk__in=Clinic.objects.for_user(user).values("pk"))
        .annotate(
            last_dialogue_date=Max("dialogues__date", filter=Q(dialogues__date__lte=today) & not_cancelled),
            next_dialogue_date=Min("dialogues__date", filter=Q(dialogues__date__gt=today) & not_cancelled),
            dialogue_count=Count("dialogues", filter=not_cancelled),
        )
        .order_by("name")
    )
    if without_months:
        since = months_before(today, without_months)
        clinics = clinics.filter(Q(last_dialogue_date__isnull=True) | Q(last_dialogue_date__lt=since))
    return clinics


# --- The home page --------------------------------------------------------------------------------------


def upcoming_dialogues_for_user(user, limit: int = 5, *, region: Region | None = None) -> list[Dialogue]:
    """The next dialogues the user may see (today onwards, still to be held: a dialogue held this morning is not
    coming any more), soonest first; one query. With ``region``, only that region's."""
    dialogues = Dialogue.objects.for_user(user).filter(date__gte=timezone.localdate(), status__in=PLANNING_STATUSES)
    if region is not None:
        dialogues = dialogues.in_region(region)
    return list(dialogues.select_related("clinic").order_by("date", "start_time", "pk")[:limit])


# --- Continuity: what the previous dialogue agreed ------------------------------------------------------

# Questions are matched by key, which stays the same in every version copied from the SKR guide.
WORK_ON_KEYS = ("sammanfattning-q02",)  # "Vad ska ni jobba vidare med?"
IMPROVEMENT_KEYS = ("p4-utveckling-q06", "p4-data-q06", "levnadsvanor-q10")  # identified improvement areas
FOLLOW_UP_KEYS = ("aterkoppling-q04",)  # "Inbokning av uppföljningsmöte? Önskemål om något fokusområde då?"


@dataclass
class Continuity:
    """What the clinic's previous dialogue agreed, shown when the next one opens."""

    previous: Dialogue
    work_on: list[Answer]
    improvement_areas: list[Answer]
    follow_up_notes: list[Answer]
    follow_up_meeting: object | None

    @property
    def is_empty(self) -> bool:
        return not (self.work_on or self.improvement_areas or self.follow_up_notes or self.follow_up_meeting)

    @property
    def follow_up_meeting_held(self) -> bool:
        """Whether the follow-up meeting has taken place: a booked meeting still to come was not "held"."""
        return self.follow_up_meeting is not None and self.follow_up_meeting.date < timezone.localdate()


def previous_dialogue(dialogue: Dialogue) -> Dialogue | None:
    """The clinic's latest held dialogue before this one."""
    return previous_held_dialogues(dialogue).select_related("guide_version").first()


def dialogue_continuity(dialogue: Dialogue, *, team: bool) -> Continuity | None:
    """What the previous dialogue of the same clinic left to follow up (three queries), or None. ``team``: whether
    the reader reads team-only answers (``access.reads_team_only``)."""
    previous = previous_dialogue(dialogue)
    if previous is None:
        return None
    keys = WORK_ON_KEYS + IMPROVEMENT_KEYS + FOLLOW_UP_KEYS
    answers = [
        answer
        for answer in access.readable_answers(Answer.objects.filter(dialogue=previous, question__key__in=keys), team=team)
        .select_related("question")
        .order_by("question__position")
        if answer.is_answered
    ]
    return Continuity(
        previous=previous,
        work_on=[answer for answer in answers if answer.question.key in WORK_ON_KEYS],
        improvement_areas=[answer for answer in answers if answer.question.key in IMPROVEMENT_KEYS],
        follow_up_notes=[answer for answer in answers if answer.question.key in FOLLOW_UP_KEYS],
        follow_up_meeting=FollowUpMeeting.objects.filter(dialogue=previous).first(),
    )


# --- Preparations ----------------------------------------------------------------------------------------


def dialogue_preparations(dialogue: Dialogue) -> dict[str, Preparation]:
    """The dialogue's preparations by party, with focus areas and editor loaded (four queries)."""
    preparations = (
        Preparation.objects.filter(dialogue=dialogue)
        .select_related("updated_by")
        .prefetch_related(
            Prefetch("focus_sections", queryset=Section.objects.select_related("parent").order_by("position")),
            Prefetch("focus_questions", queryset=Question.objects.select_related("section").order_by("position")),
        )
    )
    return {preparation.party: preparation for preparation in preparations}


# --- Documentation laid out along the guide -------------------------------------------------------------


def sections_in_use(tree: GuideTree, dialogue: Dialogue) -> list[Section]:
    """Top-level sections documented in this dialogue: optional modules only when the team chose them."""
    return [section for section in tree.sections if not section.optional or dialogue.include_lifestyle_module]


@dataclass
class DocumentedQuestion:
    section: Section  # the top-level section
    subsection: Section | None
    question: Question
    answer: Answer | None


@dataclass
class Documentation:
    dialogue: Dialogue
    tree: GuideTree
    rows: list[DocumentedQuestion]

    def by_kind(self, *kinds: str) -> list[DocumentedQuestion]:
        return [row for row in self.rows if row.section.kind in kinds]

    @property
    def answered_count(self) -> int:
        return sum(1 for row in self.rows if row.answer is not None and row.answer.is_answered)

    def sections(self) -> Iterator[tuple[Section, list[DocumentedQuestion]]]:
        current, rows = None, []
        for row in self.rows:
            if row.section is not current:
                if current is not None:
                    yield current, rows
                current, rows = row.section, []
            rows.append(row)
        if current is not None:
            yield current, rows


def dialogue_documentation(dialogue: Dialogue, tree: GuideTree | None = None, *, team: bool) -> Documentation:
    """Every question of the pinned version in reading order with its answer (the tree's queries plus one).
    ``team``: whether the reader reads team-only answers (``access.reads_team_only``); for anyone else those
    questions are left out."""
    tree = tree or guide_version_tree(dialogue.guide_version)
    answers = {
        answer.question_id: answer
        for answer in access.readable_answers(Answer.objects.filter(dialogue=dialogue), team=team).select_related("updated_by")
    }
    rows = []
    for section in sections_in_use(tree, dialogue):
        for question in section.questions.all():
            rows.append(DocumentedQuestion(section, None, question, answers.get(question.pk)))
        for subsection in section.subsections.all():
            for question in subsection.questions.all():
                rows.append(DocumentedQuestion(section, subsection, question, answers.get(question.pk)))
    return Documentation(dialogue=dialogue, tree=tree, rows=access.readable_rows(rows, team=team))


SUMMARY_KINDS = (SectionKind.SUMMARY, SectionKind.FEEDBACK)


# --- Choosing focus areas --------------------------------------------------------------------------------


def focus_groups(dialogue: Dialogue) -> list[tuple[Section, list[tuple[str, str, bool]]]]:
    """What a party may choose as focus areas, grouped by top-level section: the section itself, each
    sub-section and each question, as (value, label, is_section). Three queries."""
    sections = list(
        Section.objects.filter(version_id=dialogue.guide_version_id).order_by("position").select_related("parent")
    )
    questions = list(Question.objects.filter(version_id=dialogue.guide_version_id).order_by("position"))
    children: dict[int, list[Section]] = {}
    for section in sections:
        if section.parent_id:
            children.setdefault(section.parent_id, []).append(section)
    by_section: dict[int, list[Question]] = {}
    for question in questions:
        by_section.setdefault(question.section_id, []).append(question)
    groups = []
    for section in sections:
        if section.parent_id or (section.optional and not dialogue.include_lifestyle_module):
            continue
        options = [(f"section-{section.pk}", section.heading, True)]
        options += [(f"question-{question.pk}", question.text, False) for question in by_section.get(section.pk, [])]
        for subsection in children.get(section.pk, []):
            options.append((f"section-{subsection.pk}", f"{section.code or section.title}: {subsection.title}", True))
            options += [(f"question-{question.pk}", question.text, False) for question in by_section.get(subsection.pk, [])]
        groups.append((section, options))
    return groups


# --- The pre-meeting letter ------------------------------------------------------------------------------


@dataclass
class LetterPage:
    letter: RenderedLetter
    agenda: list[AgendaSlot]
    team_members: list[TeamMember]
    participants: list[ClinicParticipant]


def dialogue_letter(dialogue: Dialogue) -> LetterPage:
    """The region's letter template filled in for this dialogue (five queries), as the clinic receives it: in the
    site's language (Swedish) whatever the reader's, on the page, in the PDF, the e-mail, the .ics and the archive."""
    with translation.override(settings.LANGUAGE_CODE):
        agenda = dialogue_agenda(dialogue)
        team_members = list(TeamMember.objects.filter(dialogue=dialogue).select_related("user"))
        participants = list(ClinicParticipant.objects.filter(dialogue=dialogue).order_by("position", "pk"))
        subject, body = letter_template_for_region(dialogue.clinic.region)
        values = letter_values(dialogue=dialogue, agenda=agenda, team_members=team_members, participants=participants)
        return LetterPage(
            letter=letter_render(subject=subject, body=body, values=values),
            agenda=agenda,
            team_members=team_members,
            participants=participants,
        )


# --- Whole pages -----------------------------------------------------------------------------------------


def dialogue_day_initial(dialogue: Dialogue) -> dict:
    return {
        "date": dialogue.date,
        "start_time": dialogue.start_time,
        "place": dialogue.place,
        "include_lifestyle_module": dialogue.include_lifestyle_module,
        "show_followups": dialogue.show_followups,
    }


@dataclass
class PartyPreparation:
    party: str
    label: str
    preparation: Preparation | None
    can_edit: bool


def party_preparations(dialogue: Dialogue, preparations: dict[str, Preparation], parties: set[str]) -> list[PartyPreparation]:
    return [
        PartyPreparation(
            party=party.value,
            label=str(party.label),
            preparation=preparations.get(party.value),
            can_edit=party.value in parties and dialogue.is_planning,
        )
        for party in Party
    ]


def status_options(dialogue: Dialogue, follow_up_meeting) -> list:
    """The statuses the panel offers, each with why it cannot be chosen today ("" when it can)."""
    return dialogue.status_options(has_follow_up_meeting=follow_up_meeting is not None, today=timezone.localdate())


@dataclass(frozen=True)
class TeamClash:
    """Members of this dialogue's team who are on the team of ``other`` as well, the same day."""

    members: tuple[TeamMember, ...]
    other: Dialogue

    @property
    def names(self) -> str:
        """The names joined as a sentence says them: "Anna, Bo och Cecilia" ("… and …" in English)."""
        return get_text_list([member.display_name for member in self.members], gettext("och"))


@dataclass
class DetailPage:
    agenda: list[AgendaSlot]
    team_members: list[TeamMember]
    participants: list[ClinicParticipant]
    preparations: list[PartyPreparation]
    continuity: Continuity | None
    status_history: list[DialogueStatusChange]
    follow_up_meeting: object | None
    can_edit: bool
    can_delete: bool
    can_read_documentation: bool
    statuses: list
    next_statuses: list
    cancellation: DialogueStatusChange | None
    delete_blocker: str = ""
    team_clashes: list[TeamClash] = field(default_factory=list)
    # What other features add to the page, by column (dialogs/panels.py): agreements carried forward, cases, …
    panels: dict = field(default_factory=dict)


def team_clashes(dialogue: Dialogue, team_members: list[TeamMember], *, user) -> list[TeamClash]:
    """Members of the team who are also on the team of another dialogue that day (one the reader may see, not
    cancelled). A dialogue takes the working day, so the planner is told; it is a warning, never a refusal (one
    person may lead the morning at one clinic and join the afternoon at a neighbour). Only while it is planned."""
    if dialogue.status not in PLANNING_STATUSES or not team_members:
        return []
    others = TeamMember.objects.elsewhere_on(
        dialogue.date, user_ids=[member.user_id for member in team_members], dialogue=dialogue
    ).filter(dialogue__in=Dialogue.objects.for_user(user))
    clashes = []
    for other, shared in others.by_dialogue():
        people = {row.user_id for row in shared}
        clashes.append(TeamClash(tuple(member for member in team_members if member.user_id in people), other))
    return clashes


@dataclass
class SavedPlan:
    dialogue: Dialogue
    team_members: list[TeamMember]
    participants: list[ClinicParticipant]


def dialogue_plan(pk: int) -> SavedPlan:
    """The plan as it is saved now (three queries): what a person is shown when someone saved it after their form
    was opened (``services.dialogue.PlanChanged``)."""
    dialogue = Dialogue.objects.get(pk=pk)
    return SavedPlan(
        dialogue=dialogue,
        team_members=list(TeamMember.objects.filter(dialogue=dialogue).select_related("user")),
        participants=list(ClinicParticipant.objects.filter(dialogue=dialogue).order_by("position", "pk")),
    )


def dialogue_detail_page(dialogue: Dialogue, *, user) -> DetailPage:
    """Everything the dialogue's page shows, in a fixed number of queries (about fifteen)."""
    can_edit = access.can_edit_dialogue(user, dialogue)
    continuity = dialogue_continuity(dialogue, team=access.reads_team_only(user, dialogue.clinic.region))
    if continuity is not None and not (can_edit or continuity.previous.is_documentation_shared):
        continuity = None  # the clinic reads the previous dialogue's conclusions once they were shared
    history = dialogue_status_history(dialogue)
    meeting = follow_up_meeting_of(dialogue)
    can_delete = access.can_delete_dialogue(user, dialogue) and not dialogue.is_held
    from dialogs.panels import detail_panels
    from dialogs.services.dialogue import dialogue_deletion_blocker  # a read; services import this module's kin

    team_members = list(TeamMember.objects.filter(dialogue=dialogue).select_related("user"))
    return DetailPage(
        agenda=dialogue_agenda(dialogue),
        team_members=team_members,
        team_clashes=team_clashes(dialogue, team_members, user=user) if can_edit else [],
        participants=list(ClinicParticipant.objects.filter(dialogue=dialogue).order_by("position", "pk")),
        preparations=party_preparations(dialogue, dialogue_preparations(dialogue), access.parties_for_user(user, dialogue)),
        continuity=continuity,
        status_history=history,
        follow_up_meeting=meeting,
        can_edit=can_edit,
        can_delete=can_delete,
        delete_blocker=dialogue_deletion_blocker(dialogue) if can_delete else "",
        can_read_documentation=access.can_read_documentation(user, dialogue),
        statuses=course_status_choices(),
        next_statuses=status_options(dialogue, meeting),
        cancellation=cancellation_of(dialogue, history),
        panels=detail_panels(dialogue, user=user, can_edit=can_edit),
    )


@dataclass
class SummaryPage:
    rows: list[DocumentedQuestion]
    follow_up_meeting: object | None
    can_edit: bool
    next_statuses: list
    status_history: list[DialogueStatusChange]
    statuses: list = field(default_factory=course_status_choices)
    # What other features add to the page, by column (dialogs/panels.py): agreements, fördjupad uppföljning, …
    panels: dict = field(default_factory=dict)
    # Beside a team-only summary question (the indication question): the way to mark an indication as a case.
    can_mark_indication: bool = False

    def by_kind(self, kind: str) -> list[DocumentedQuestion]:
        return [row for row in self.rows if row.section.kind == kind]


def dialogue_summary_page(dialogue: Dialogue, *, user) -> SummaryPage:
    """The Sammanfattning and Återkoppling sections with their answers, and the follow-up meeting (five queries)."""
    questions = (
        Question.objects.filter(version_id=dialogue.guide_version_id)
        .filter(Q(section__kind__in=SUMMARY_KINDS, section__parent=None) | Q(section__parent__kind__in=SUMMARY_KINDS))
        .select_related("section__parent")
        .order_by("section__position", "position")
    )
    team = access.reads_team_only(user, dialogue.clinic.region)
    answers = {
        answer.question_id: answer
        for answer in access.readable_answers(Answer.objects.filter(dialogue=dialogue, question__in=questions), team=team)
        .select_related("updated_by")
    }
    rows = []
    for question in questions:
        top = question.section.parent or question.section
        rows.append(DocumentedQuestion(top, question.section if question.section.parent_id else None, question, answers.get(question.pk)))
    rows.sort(key=lambda row: (row.section.position, row.subsection.position if row.subsection else -1, row.question.position))
    rows = access.readable_rows(rows, team=team)
    meeting = follow_up_meeting_of(dialogue)
    can_edit = access.can_edit_dialogue(user, dialogue)
    from dialogs.panels import summary_panels  # the panels' providers read this module's kin

    return SummaryPage(
        rows=rows,
        follow_up_meeting=meeting,
        can_edit=can_edit,
        next_statuses=status_options(dialogue, meeting),
        status_history=dialogue_status_history(dialogue),
        panels=summary_panels(dialogue, user=user, can_edit=can_edit),
        can_mark_indication=team and not dialogue.is_cancelled,
    )


@dataclass
class DocumentationPage:
    documentation: Documentation
    agenda: list[AgendaSlot]
    team_members: list[TeamMember]
    participants: list[ClinicParticipant]
    preparations: list[PartyPreparation]
    follow_up_meeting: object | None


def dialogue_documentation_page(dialogue: Dialogue, *, team: bool) -> DocumentationPage:
    """The whole documentation of a dialogue for reading, printing and the PDF (a fixed number of queries).
    ``team``: whether the reader reads team-only answers (``access.reads_team_only``)."""
    tree = guide_version_tree(dialogue.guide_version)
    return DocumentationPage(
        documentation=dialogue_documentation(dialogue, tree, team=team),
        agenda=dialogue_agenda(dialogue, tree),
        team_members=list(TeamMember.objects.filter(dialogue=dialogue).select_related("user")),
        participants=list(ClinicParticipant.objects.filter(dialogue=dialogue).order_by("position", "pk")),
        preparations=party_preparations(dialogue, dialogue_preparations(dialogue), set()),
        follow_up_meeting=follow_up_meeting_of(dialogue),
    )
