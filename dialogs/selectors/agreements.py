"""Reads of agreements (issue 13): a dialogue's own, the ones carried forward to the clinic's next dialogue, the
lines of the summary that can become agreements, and an agreement's history. Each function runs a fixed number of
queries, however many agreements, changes or dialogues there are (tests assert it).

Carried forward: the agreements of the clinic's earlier dialogues that are still open, and every agreement of
the previous held dialogue whatever its status (so the next dialogue sees what was done, not only what is left).
Clinic staff read an agreement once its dialogue's documentation is shared with them.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from dialogs.models.agreements import (
    OPEN_AGREEMENT_STATUSES,
    Agreement,
    AgreementChange,
    AgreementChangeKind,
    AgreementStatus,
)
from dialogs.models.answers import Answer
from dialogs.models.dialogue import Dialogue, HELD_STATUSES
from dialogs.models.guide import Question, SectionKind
from dialogs.services.agreements import answer_lines, area_sections


def with_latest_comment(agreements: QuerySet) -> QuerySet:
    """Agreements annotated with their latest comment and when and by whom (as the clinic or the team) it was
    made: one subquery per value, no query per agreement."""
    comments = AgreementChange.objects.filter(agreement=OuterRef("pk")).exclude(comment="").order_by("-created_at", "-pk")
    return agreements.annotate(
        latest_comment=Subquery(comments.values("comment")[:1]),
        latest_comment_at=Subquery(comments.values("created_at")[:1]),
        latest_comment_by_clinic=Subquery(comments.values("by_clinic")[:1]),
    )


def dialogue_agreements(dialogue: Dialogue) -> list[Agreement]:
    """The agreements made in the dialogue, in order, with their latest comment (one query)."""
    return list(with_latest_comment(Agreement.objects.filter(dialogue=dialogue)).select_related("updated_by").order_by("position", "pk"))


def previous_held_dialogues(dialogue: Dialogue) -> QuerySet:
    """The clinic's held dialogues before this one, latest first."""
    return (
        Dialogue.objects.filter(clinic_id=dialogue.clinic_id, status__in=HELD_STATUSES)
        .filter(Q(date__lt=dialogue.date) | Q(date=dialogue.date, pk__lt=dialogue.pk))
        .exclude(pk=dialogue.pk)
        .order_by("-date", "-pk")
    )


def previous_held_dialogue_id(dialogue: Dialogue) -> int | None:
    """The clinic's latest held dialogue before this one (one query)."""
    return previous_held_dialogues(dialogue).values_list("pk", flat=True).first()


def previous_held_id_subquery(dialogue: Dialogue) -> Subquery:
    """The same as a subquery, for reads that need it without a query of their own."""
    return Subquery(previous_held_dialogues(dialogue).values("pk")[:1])


def carried_agreements(dialogue: Dialogue, *, for_team: bool, previous_id=None) -> list[Agreement]:
    """What the dialogue carries forward from the clinic's earlier dialogues (one query): still-open agreements,
    and all of the previous held dialogue's (``previous_id``, found by a subquery when not given). Oldest dialogue
    first. ``for_team=False`` keeps to the dialogues whose documentation the clinic may read."""
    if previous_id is None:
        previous_id = previous_held_id_subquery(dialogue)
    earlier = Agreement.objects.filter(dialogue__clinic_id=dialogue.clinic_id).exclude(dialogue=dialogue).filter(
        Q(dialogue__date__lt=dialogue.date) | Q(dialogue__date=dialogue.date, dialogue__pk__lt=dialogue.pk)
    )
    earlier = earlier.filter(Q(status__in=OPEN_AGREEMENT_STATUSES) | Q(dialogue_id=previous_id))
    if not for_team:
        earlier = earlier.filter(dialogue__documentation_shared_at__isnull=False)
    return list(
        with_latest_comment(earlier)
        .select_related("dialogue")
        .order_by("dialogue__date", "dialogue_id", "position", "pk")
    )


def open_agreements_of_clinic(clinic_id: int, *, for_team: bool) -> list[Agreement]:
    """The clinic's open agreements, oldest dialogue first (one query): what planning the next dialogue brings."""
    agreements = Agreement.objects.filter(dialogue__clinic_id=clinic_id, status__in=OPEN_AGREEMENT_STATUSES)
    if not for_team:
        agreements = agreements.filter(dialogue__documentation_shared_at__isnull=False)
    return list(with_latest_comment(agreements).select_related("dialogue").order_by("dialogue__date", "position", "pk"))


def agreements_by_area(agreements: list[Agreement]) -> dict[str, list[Agreement]]:
    by_area: dict[str, list[Agreement]] = {}
    for agreement in agreements:
        by_area.setdefault(agreement.area, []).append(agreement)
    return by_area


def agreement_history(agreement: Agreement) -> list[AgreementChange]:
    """Every change of the agreement, oldest first, with who made it and where (one query)."""
    return list(
        agreement.changes.select_related("user", "follow_up_meeting", "reviewed_in").order_by("created_at", "pk")
    )


def status_timeline(changes: list[AgreementChange]) -> list[AgreementChange]:
    """The changes that set a status (creation included): the agreement's status over time."""
    return [change for change in changes if change.kind in (AgreementChangeKind.CREATED, AgreementChangeKind.STATUS)]


def area_choices(dialogue: Dialogue) -> list[tuple[str, str]]:
    """The 5P areas of the dialogue's guide, for the agreement form (one query)."""
    return [(section.key, section.heading) for section in area_sections(dialogue.guide_version_id)]


# --- Lines of the summary that can become agreements ---------------------------------------------------------

# "Vad ska ni jobba vidare med?" and the improvement areas the SKR guide asks about, by key (every version copied
# from it keeps the keys); a region's own guide falls back on its summary section's questions.
WORK_ON_KEYS = ("sammanfattning-q02", "p4-utveckling-q06", "p4-data-q06", "levnadsvanor-q10")
# "Föreligger någon indikation för fördjupad uppföljning?": marked as a case instead (team only).
INDICATION_KEYS = ("sammanfattning-q03",)


@dataclass
class AnswerLine:
    index: int
    text: str
    agreement: Agreement | None = None  # the agreement already made from it


@dataclass
class LineSource:
    question: Question
    lines: list[AnswerLine] = field(default_factory=list)


def agreement_line_sources(dialogue: Dialogue, agreements: list[Agreement]) -> list[LineSource]:
    """The answers whose lines the summary offers to turn into agreements, each line with the agreement already
    made from it (one query)."""
    answers = (
        Answer.objects.filter(dialogue=dialogue)
        .filter(Q(question__key__in=WORK_ON_KEYS) | Q(question__section__kind=SectionKind.SUMMARY, question__section__parent=None))
        .exclude(question__key__in=INDICATION_KEYS)
        .select_related("question__section__parent")
        .order_by("question__section__position", "question__position")
    )
    made = {(agreement.source_question_id, agreement.text): agreement for agreement in agreements}
    sources = []
    for answer in answers:
        lines = [
            AnswerLine(index, line, made.get((answer.question_id, line)))
            for index, line in enumerate(answer_lines(answer.text))
        ]
        if lines:
            sources.append(LineSource(answer.question, lines))
    return sources


def status_counts(agreements: list[Agreement]) -> list[tuple[str, int]]:
    """How many agreements have each status, in the statuses' order (no query)."""
    counts = {status: 0 for status in AgreementStatus.values}
    for agreement in agreements:
        counts[agreement.status] += 1
    return [(AgreementStatus(status).label, count) for status, count in counts.items() if count]


def overdue(agreements: list[Agreement], today: date) -> list[Agreement]:
    return [agreement for agreement in agreements if agreement.is_overdue(today)]


def agreements_with_history(queryset: QuerySet) -> list[Agreement]:
    """Agreements with their status-setting changes prefetched (two queries): status over time on the clinic's
    page."""
    changes = AgreementChange.objects.filter(
        kind__in=[AgreementChangeKind.CREATED, AgreementChangeKind.STATUS]
    ).order_by("created_at", "pk")
    return list(queryset.prefetch_related(Prefetch("changes", queryset=changes, to_attr="status_changes")))
