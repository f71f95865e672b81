"""Reads of fördjupad uppföljning (issue 13): a case's page, the region's open cases with their age, and the cases
a clinic's next dialogue shows its team. Callers have already decided that the user may see cases at all
(``dialogs.access.can_see_cases``); nothing here is ever read for clinic staff. Fixed numbers of queries."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet

from dialogs.models.cases import OPEN_CASE_STATUSES, Case, CaseDocument, CaseEntry, CaseStatus
from organisations.models import Region


@dataclass
class CasePage:
    case: Case
    entries: list[CaseEntry]
    documents: list[CaseDocument]
    age_text: str


def case_page(case: Case, *, today: date) -> CasePage:
    """The case with its history and documents (two queries; documents without their bytes)."""
    return CasePage(
        case=case,
        entries=list(case.entries.select_related("user", "owner").order_by("-created_at", "-pk")),
        documents=list(case.documents.defer("data").select_related("uploaded_by").order_by("uploaded_at", "pk")),
        age_text=case.age_text(today),
    )


def region_cases(region: Region, *, include_closed: bool = False) -> QuerySet:
    """The region's cases, open ones oldest first (the longest-waiting on top), closed ones after, each with its
    clinic, dialogue, owner and number of documents and notes (one query)."""
    cases = Case.objects.filter(clinic__region=region)
    if not include_closed:
        cases = cases.filter(status__in=OPEN_CASE_STATUSES)
    return (
        cases.select_related("clinic", "dialogue", "owner")
        .annotate(document_count=Count("documents", distinct=True))
        .order_by("closed_at", "opened_at", "pk")
    )


def clinic_cases(clinic_id: int) -> list[Case]:
    """The clinic's cases, open ones first, newest first within each (one query)."""
    cases = Case.objects.filter(clinic_id=clinic_id).select_related("dialogue", "owner")
    return sorted(cases, key=lambda case: (case.status == CaseStatus.AVSLUTAD, -case.opened_at.timestamp()))


def dialogue_cases(dialogue_id: int) -> list[Case]:
    return list(Case.objects.filter(dialogue_id=dialogue_id).select_related("owner").order_by("opened_at", "pk"))
