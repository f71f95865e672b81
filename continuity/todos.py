"""To-dos of continuity for the start page (programme/todos.py collects ``<app>/todos.py``): clinic staff see the open
agreements their clinic owns that are due within a month or overdue (those the region's parties own are theirs to
update); the region's follow-up team and administrators
see the open fördjupad uppföljning they own, and administrators every open one. Three queries at most."""

from datetime import timedelta

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dialogs.models.agreements import OPEN_AGREEMENT_STATUSES, Agreement
from dialogs.models.cases import OPEN_CASE_STATUSES, Case
from organisations.models import Party

AGREEMENTS = gettext_lazy("Överenskommelser")
CASES = gettext_lazy("Fördjupad uppföljning")
DUE_WITHIN_DAYS = 31
MAX_ITEMS = 10


def todos(context) -> list:
    items = []
    if context.clinic_ids:
        items += _agreements(context)
    if context.is_team:
        items += _cases(context)
    return items


def _agreements(context) -> list:
    agreements = (
        Agreement.objects.filter(
            dialogue__clinic_id__in=context.clinic_ids, dialogue__clinic__region=context.region,
            dialogue__documentation_shared_at__isnull=False, status__in=OPEN_AGREEMENT_STATUSES,
            owner=Party.VARDCENTRAL, due_date__lte=context.today + timedelta(days=DUE_WITHIN_DAYS),
        )
        .select_related("dialogue")
        .order_by("due_date", "pk")[:MAX_ITEMS]
    )
    return [
        context.todo(
            group=AGREEMENTS, due=agreement.due_date, url=reverse("dialogs:agreement_detail", args=[agreement.pk]),
            title=_("Uppdatera överenskommelsen: %(text)s") % {"text": _short(agreement.text)},
            detail=_("från dialogen %(date)s") % {"date": date_format(agreement.dialogue.date, "j F Y")},
        )
        for agreement in agreements
    ]


def _cases(context) -> list:
    cases = Case.objects.filter(clinic__region=context.region, status__in=OPEN_CASE_STATUSES)
    if not context.is_admin:
        cases = cases.filter(owner=context.user)
    cases = list(cases.select_related("clinic").order_by("opened_at", "pk")[: MAX_ITEMS + 1])
    items = [
        context.todo(
            group=CASES, url=reverse("dialogs:case_detail", args=[case.pk]),
            title=_("%(clinic)s: %(category)s (%(status)s)") % {
                "clinic": case.clinic.name, "category": case.get_category_display(), "status": case.get_status_display()},
            detail=case.age_text(context.today),
        )
        for case in cases[:MAX_ITEMS]
    ]
    if len(cases) > MAX_ITEMS:
        items.append(context.todo(group=CASES, url=reverse("dialogs:case_list"), title=_("Alla pågående fördjupade uppföljningar")))
    return items


def _short(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
