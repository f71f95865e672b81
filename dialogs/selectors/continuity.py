"""What a dialogue carries forward from the clinic's previous one (issue 13), for the pages of the next: the
on-site form (last dialogue's answer beside each question, the agreements of each 5P area, the indicators that
changed most since), the preparation (the agreements that concern each party), and planning (the open
agreements, the clinic's participants to confirm and the previous dialogue's focus areas). Fixed numbers of
queries, whatever the size of either dialogue.

Clinic staff see what the previous dialogue left only where its documentation was shared with them; the team
sees everything.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch

from dialogs.access import readable_answers
from dialogs.models.answers import Answer
from dialogs.models.dialogue import ClinicParticipant, Dialogue, Preparation
from dialogs.models.guide import Question, Section, SectionKind
from dialogs.selectors.agreements import agreements_by_area, carried_agreements, open_agreements_of_clinic
from indicators.selectors.changes import IndicatorChange, indicator_changes

CHANGES_SHOWN = 5


@dataclass
class PreviousAnswer:
    dialogue_date: date
    answer: Answer


@dataclass
class OnsiteContinuity:
    previous: Dialogue | None
    answers: dict[str, PreviousAnswer] = field(default_factory=dict)  # by question key
    agreements_by_area: dict = field(default_factory=dict)  # by 5P area key
    changes: list[IndicatorChange] = field(default_factory=list)

    def for_screen(self, section: Section) -> list:
        """The carried agreements a screen shows: its own 5P area's on a 5P screen, all of them on the summary."""
        if section.kind == SectionKind.FIVE_P:
            return self.agreements_by_area.get(section.key, [])
        if section.kind == SectionKind.SUMMARY:
            return [agreement for agreements in self.agreements_by_area.values() for agreement in agreements]
        return []

    def attach(self, items) -> None:
        """Give each question item of the screen the previous dialogue's answer (``previous``) and its parts as the
        form shows them (``previous_parts``)."""
        from dialogs.selectors.onsite import answer_parts

        for item in items:
            previous = self.answers.get(item.question.key)
            item.previous = previous
            item.previous_parts = answer_parts(item.question, previous.answer.snapshot()) if previous else []


def previous_dialogue_for(dialogue: Dialogue, *, for_team: bool) -> Dialogue | None:
    """The clinic's latest held dialogue before this one whose documentation the reader may see (one query)."""
    from dialogs.selectors.dialogue import previous_dialogue

    previous = previous_dialogue(dialogue)
    if previous is not None and not (for_team or previous.is_documentation_shared):
        return None
    return previous


def onsite_continuity(dialogue: Dialogue, *, questions: list[Question], data_review: bool, for_team: bool) -> OnsiteContinuity:
    """For one screen of the on-site form: the previous dialogue's answers to the same questions (matched by key,
    which every version of the guide keeps), the agreements carried forward by 5P area, and – on the "Titta på
    data gemensamt" screen – the indicators that changed most since the previous dialogue (at most six queries)."""
    previous = previous_dialogue_for(dialogue, for_team=for_team)
    if previous is None:
        return OnsiteContinuity(previous=None)
    keys = [question.key for question in questions]
    answers = {
        answer.question.key: PreviousAnswer(previous.date, answer)
        for answer in readable_answers(Answer.objects.filter(dialogue=previous, question__key__in=keys), team=for_team)
        .select_related("question")
        if answer.is_answered
    }
    agreements = carried_agreements(dialogue, for_team=for_team, previous_id=previous.pk)
    changes = indicator_changes(dialogue.clinic, since=previous.date, limit=CHANGES_SHOWN) if data_review else []
    return OnsiteContinuity(previous=previous, answers=answers, agreements_by_area=agreements_by_area(agreements), changes=changes)


def party_agreements(dialogue: Dialogue, party: str, *, for_team: bool) -> list:
    """The agreements carried forward to this dialogue that the party owns: what its preparation should look at
    (two queries)."""
    return [agreement for agreement in carried_agreements(dialogue, for_team=for_team) if agreement.owner == party]


@dataclass
class PlanningContinuity:
    """What planning the next dialogue with a clinic brings from its previous one."""

    previous: Dialogue | None
    clinic: object = None
    open_agreements: list = field(default_factory=list)
    participants: list[ClinicParticipant] = field(default_factory=list)
    focus_areas: list[tuple[str, list[str]]] = field(default_factory=list)  # (party label, areas)


def planning_continuity(clinic_id: int, *, today: date | None = None) -> PlanningContinuity:
    """The clinic's latest dialogue that was held (not cancelled) with its participants and the parties' focus
    areas, and the clinic's open agreements (five queries)."""
    from dialogs.models.dialogue import HELD_STATUSES

    previous = (
        Dialogue.objects.filter(clinic_id=clinic_id, status__in=HELD_STATUSES)
        .order_by("-date", "-pk")
        .prefetch_related(
            Prefetch("clinic_participants", queryset=ClinicParticipant.objects.order_by("position", "pk")),
            Prefetch(
                "preparations",
                queryset=Preparation.objects.prefetch_related("focus_sections__parent", "focus_questions").order_by("party"),
            ),
        )
        .first()
    )
    agreements = open_agreements_of_clinic(clinic_id, for_team=True)
    if previous is None:
        return PlanningContinuity(previous=None, open_agreements=agreements)
    focus = []
    for preparation in previous.preparations.all():
        areas = [section.path_heading for section in preparation.focus_sections.all()]
        areas += [question.text for question in preparation.focus_questions.all()]
        if areas:
            focus.append((preparation.get_party_display(), areas))
    return PlanningContinuity(
        previous=previous,
        open_agreements=agreements,
        participants=list(previous.clinic_participants.all()),
        focus_areas=focus,
    )


def planning_continuity_for(region, clinic_value) -> PlanningContinuity | None:
    """Planning continuity for the clinic named in the planning page's address (``?vardcentral=``), when it is an
    active clinic of the region; None otherwise."""
    from organisations.models import Clinic

    if not str(clinic_value or "").isdigit() or len(str(clinic_value)) > 12:
        return None
    clinic = Clinic.objects.filter(pk=int(clinic_value), region=region, active=True).first()
    if clinic is None:
        return None
    continuity = planning_continuity(clinic.pk)
    continuity.clinic = clinic
    return continuity
