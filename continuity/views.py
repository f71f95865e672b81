"""The clinic's page and the search across dialogues (issue 13). Each view: access helper → form → one selector
→ response; both only read."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from continuity.forms import SearchForm
from continuity.selectors import clinic as clinic_selectors
from continuity.selectors import search as search_selectors
from continuity.selectors.options import search_options
from organisations.access import get_clinic_for_user, require_active_region


@require_GET
def clinic_page(request, pk: int):
    clinic = get_clinic_for_user(request.user, pk)
    story = clinic_selectors.clinic_story(clinic, user=request.user, today=timezone.localdate())
    return render(request, "continuity/clinic.html", {"clinic": clinic, "story": story, "today": timezone.localdate()})


@require_GET
def search_page(request):
    region = require_active_region(request)
    options = search_options(user=request.user, region=region)
    form = SearchForm(request.GET or None, clinics=options.clinics, areas=options.areas)
    groups, searched = [], False
    if form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        filters = search_selectors.SearchFilters(
            text=data["q"], clinic_id=data["vardcentral"], date_from=data["fran"], date_to=data["till"],
            area=data["omrade"], status=data["status"], page=data["sida"],
        )
        groups, searched = search_selectors.search(user=request.user, region=region, filters=filters), True
    page = form.cleaned_data.get("sida", 1) if searched else 1
    pages = {"number": page, "previous": page - 1 if page > 1 else None,
             "next": page + 1 if any(group.more for group in groups) and page < search_selectors.MAX_PAGE else None}
    context = {"region": region, "form": form, "groups": groups, "searched": searched, "pages": pages}
    return render(request, "continuity/search.html", context)
