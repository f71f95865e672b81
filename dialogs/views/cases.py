"""Fördjupad uppföljning (issue 13): marking the indication in a dialogue's summary, the case's own page (status,
owner, dated notes, documents, history), the region's list of open cases with their age, and document downloads.
Only the region's follow-up team and administrators reach any of it; everyone else gets 404 (``dialogs.access``).
Each view: access helper → form → one service → response."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dialogs import access
from dialogs.documents import accepted_extensions, max_bytes
from dialogs.forms.cases import (
    CaseDocumentDeleteForm,
    CaseDocumentForm,
    CaseNoteForm,
    CaseOpenForm,
    CaseOwnerForm,
    CaseTransitionForm,
)
from dialogs.selectors import cases as selectors
from dialogs.services import cases as services
from dialogs.views.dialogue import show_service_errors

READ_CHUNK = 64 * 1024


def case_open(request, pk: int):
    dialogue = access.get_dialogue_for_case_open_rw(request.user, pk)
    form = CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(dialogue=dialogue, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors([form], error)
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Indikationen är markerad och följs nu som fördjupad uppföljning."))
            return redirect("dialogs:case_detail", pk=case.pk)
    return render(request, "dialogs/cases/open_form.html", {"dialogue": dialogue, "form": form})


def case_list(request):
    region = access.require_case_reader(request)
    include_closed = request.GET.get("visa") == "alla"
    cases = list(selectors.region_cases(region, include_closed=include_closed))
    today = timezone.localdate()
    rows = [(case, case.age_days(today)) for case in cases]
    return render(request, "dialogs/cases/list.html", {"region": region, "rows": rows, "include_closed": include_closed})


def case_detail(request, pk: int):
    case = access.get_case_for_user(request.user, pk)
    return _page(request, case)


def _page(request, case, *, forms: dict | None = None, status: int = 200):
    candidates = services.case_owner_candidates(case.clinic.region)
    forms = forms or {}
    context = {
        "case": case,
        "page": selectors.case_page(case, today=timezone.localdate()),
        "transition_form": forms.get("transition") or CaseTransitionForm(),
        "owner_form": forms.get("owner") or CaseOwnerForm(candidates=candidates, initial={"owner": case.owner_id}),
        "note_form": forms.get("note") or CaseNoteForm(),
        "document_form": forms.get("document") or CaseDocumentForm(),
        "accepted": accepted_extensions(),
        "max_mb": max_bytes() // (1024 * 1024),
    }
    return render(request, "dialogs/cases/detail.html", context, status=status)


def _save(request, case, form_name: str, form, service, **arguments):
    """Validate ``form`` and call ``service``; back to the case, or the page again with the form's errors."""
    if form.is_valid():
        try:
            service(case=case, user=request.user, **arguments, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors([form], error)
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Sparat."))
            return redirect("dialogs:case_detail", pk=case.pk)
    return _page(request, case, forms={form_name: form}, status=400)


@require_POST
def case_transition(request, pk: int):
    case = access.get_case_for_user_rw(request.user, pk)
    return _save(request, case, "transition", CaseTransitionForm(request.POST), services.case_transition)


@require_POST
def case_owner(request, pk: int):
    case = access.get_case_for_user_rw(request.user, pk)
    form = CaseOwnerForm(request.POST, candidates=services.case_owner_candidates(case.clinic.region))
    return _save(request, case, "owner", form, services.case_owner_set)


@require_POST
def case_note(request, pk: int):
    case = access.get_case_for_user_rw(request.user, pk)
    return _save(request, case, "note", CaseNoteForm(request.POST), services.case_note_add)


@require_POST
def case_document_upload(request, pk: int):
    case = access.get_case_for_user_rw(request.user, pk)
    form = CaseDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, case, forms={"document": form}, status=400)
    upload = form.cleaned_data["file"]
    # Read at most one byte more than the limit: the service names the limit, and a huge upload costs no memory.
    data = upload.read(max_bytes() + 1)
    form.cleaned_data.clear()
    return _save(request, case, "document", form, services.case_document_add, name=upload.name or "", data=data)


def case_document_delete(request, pk: int):
    """Confirm (GET), then remove (POST) a wrongly uploaded document; back to the case, where the history says so."""
    document = access.get_case_document_for_user_rw(request.user, pk)
    form = CaseDocumentDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_document_delete(document=document, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors([form], error)
        except services.CaseError as error:
            messages.info(request, str(error))
            return redirect("dialogs:case_detail", pk=document.case_id)
        else:
            messages.success(request, _("Dokumentet ”%(name)s” är borttaget.") % {"name": document.name})
            return redirect("dialogs:case_detail", pk=document.case_id)
    status = 400 if form.is_bound else 200
    return render(request, "dialogs/cases/document_delete.html", {"document": document, "case": document.case, "form": form}, status=status)


@require_GET
def case_document_download(request, pk: int):
    document = access.get_case_document_for_user(request.user, pk)
    response = HttpResponse(bytes(document.data), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=document.name)
    return response
