"""A clinic's story (issue 13): its dialogues, what was agreed and how each agreement's status moved, fördjupad
uppföljning (for the follow-up team only) and its indicator trends, on one page a new team member reads in five
minutes. A fixed number of queries (about twelve), however many years, dialogues, agreements or indicators.

Clinic staff see their own clinic's story: every dialogue, but the agreements only of dialogues whose documentation
was shared with them, the feedback only as shared, and never a case.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from dialogs.access import can_see_cases, reads_team_only
from dialogs.models.agreements import OPEN_AGREEMENT_STATUSES, Agreement
from dialogs.models.cases import Case
from dialogs.models.dialogue import Dialogue, DialogueStatus
from dialogs.selectors.agreements import agreements_with_history, status_counts, with_latest_comment
from feedback.models import FeedbackReport, SharedVersion
from indicators.selectors.series import IndicatorSummary, clinic_summaries
from organisations.models import Clinic


@dataclass
class DialogueRow:
    dialogue: Dialogue
    agreements: list = field(default_factory=list)
    shared_version: SharedVersion | None = None
    report_id: int | None = None
    cases: list = field(default_factory=list)


@dataclass
class ClinicStory:
    clinic: Clinic
    team: bool
    rows: list[DialogueRow]  # newest first
    open_agreements: list
    agreement_counts: list
    cases: list
    indicators: list[IndicatorSummary]
    next_dialogue: Dialogue | None = None

    @property
    def held_count(self) -> int:
        return sum(1 for row in self.rows if row.dialogue.is_held)

    @property
    def open_cases(self) -> list:
        return [case for case in self.cases if case.is_open]


def clinic_story(clinic: Clinic, *, user, today: date) -> ClinicStory:
    """Everything the clinic's page shows (a fixed number of queries)."""
    team = can_see_cases(user, clinic.region)
    answered = ~Q(answers__text="")
    if not reads_team_only(user, clinic.region):
        answered &= Q(answers__question__team_only=False)  # not even how many: the count matches the documentation
    dialogues = list(
        Dialogue.objects.filter(clinic=clinic)
        .select_related("guide_version")
        .annotate(answer_count=Count("answers", filter=answered))
        .order_by("-date", "-pk")
    )
    readable = {dialogue.pk for dialogue in dialogues if team or dialogue.is_documentation_shared}
    agreements = agreements_with_history(
        with_latest_comment(Agreement.objects.filter(dialogue_id__in=readable))
        .select_related("dialogue")
        .order_by("dialogue_id", "position", "pk")
    )
    by_dialogue: dict[int, list] = {}
    for agreement in agreements:
        by_dialogue.setdefault(agreement.dialogue_id, []).append(agreement)
    versions: dict[int, SharedVersion] = {}
    for version in SharedVersion.objects.filter(report__dialogue__clinic=clinic).select_related("report").order_by("report_id", "-number"):
        versions.setdefault(version.report.dialogue_id, version)
    reports = dict(FeedbackReport.objects.filter(dialogue__clinic=clinic).values_list("dialogue_id", "pk")) if team else {}
    cases = list(Case.objects.filter(clinic=clinic).select_related("owner", "dialogue").order_by("-opened_at", "-pk")) if team else []
    cases_by_dialogue: dict[int, list] = {}
    for case in cases:
        cases_by_dialogue.setdefault(case.dialogue_id, []).append(case)
    rows = [
        DialogueRow(
            dialogue=dialogue,
            agreements=by_dialogue.get(dialogue.pk, []),
            shared_version=versions.get(dialogue.pk),
            report_id=reports.get(dialogue.pk),
            cases=cases_by_dialogue.get(dialogue.pk, []),
        )
        for dialogue in dialogues
    ]
    upcoming = [d for d in dialogues if d.date >= today and d.status not in (DialogueStatus.AVSLUTAD, DialogueStatus.INSTALLD) and not d.is_held]
    return ClinicStory(
        clinic=clinic,
        team=team,
        rows=rows,
        open_agreements=[agreement for agreement in agreements if agreement.status in OPEN_AGREEMENT_STATUSES],
        agreement_counts=status_counts(agreements),
        cases=cases,
        indicators=clinic_summaries(clinic),
        next_dialogue=min(upcoming, key=lambda d: (d.date, d.start_time)) if upcoming else None,
    )
