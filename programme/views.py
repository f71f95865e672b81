"""The programme's pages: clinics due, the year plan, the region's cycle, a clinic's own interval and the
personal calendar feed. Each view: access helper → form → one selector or service → response."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from notifications.services import absolute_url, language_for
from organisations.access import is_region_admin
from programme import access, selectors, services
from programme.feed import feed_calendar
from programme.forms import ClinicCycleForm, CycleSettingsForm, DueFilterForm, MonthForm
from programme.links import UrlPattern
from programme.models import CalendarFeed, ClinicCycle


def _with_links(rows: list) -> list:
    """Each clinic's links on the due list (see programme/links.py)."""
    clinic, dialogue, cycle = (UrlPattern(name) for name in
                               ("organisations:clinic_detail", "dialogs:dialogue_detail", "programme:clinic_cycle"))
    plan = reverse("dialogs:dialogue_create") + "?vardcentral="
    for row in rows:
        row.links = {
            "clinic": clinic(row.clinic.pk), "cycle": cycle(row.clinic.pk), "plan": f"{plan}{row.clinic.pk}",
            "next": dialogue(row.next_dialogue_id) if row.next_dialogue_id else "",
        }
    return rows


def _with_entry_links(plan):
    """Each calendar entry's link (the same entries appear in the calendar and in the list)."""
    detail, summary = UrlPattern("dialogs:dialogue_detail"), UrlPattern("dialogs:dialogue_summary")
    for entry in (entry for week in plan.weeks for day in week for entry in day.entries):
        entry.url = (detail if entry.kind == "dialogue" else summary)(entry.dialogue.pk)
    return plan


def _show_errors(form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


@require_GET
def due_list(request):
    region = access.require_programme_team(request)
    form = DueFilterForm(request.GET or None)
    cycle = selectors.cycle_settings_for(region)
    rows = selectors.clinics_due(region=region, today=timezone.localdate(), settings=cycle)
    filters, counts = form.filters(), selectors.due_counts(rows)
    context = {
        "region": region, "form": form, "cycle": cycle, "total": len(rows),
        "summary": [(status, label, counts[status]) for status, label in selectors.DueStatus.choices()],
        "rows": _with_links(selectors.filter_and_sort(rows, **filters)), "filters": filters,
        "can_admin": is_region_admin(request.user, region),
    }
    return render(request, "programme/due_list.html", context)


@require_GET
def year_plan(request):
    region = access.require_programme_team(request)
    today = timezone.localdate()
    form = MonthForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    plan = _with_entry_links(selectors.year_plan(
        region=region, year=chosen.get("ar") or today.year, month=chosen.get("manad") or today.month, today=today
    ))
    weekdays = [WEEKDAYS[number] for number in range(7)]
    return render(request, "programme/year_plan.html", {"region": region, "plan": plan, "weekdays": weekdays})


def cycle_settings(request):
    region = access.require_programme_admin(request)
    cycle = selectors.cycle_settings_for(region)
    form = CycleSettingsForm(request.POST or None, initial=CycleSettingsForm.initial_for(cycle))
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_settings_save(region=region, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Uppföljningscykeln är sparad."))
            return redirect("programme:cycle_settings")
    return render(request, "programme/cycle_settings.html", {"region": region, "form": form, "cycle": cycle})


def clinic_cycle(request, pk: int):
    clinic = access.get_clinic_for_cycle_rw(request.user, pk)
    own = ClinicCycle.objects.filter(clinic=clinic).first()
    initial = {"interval_months": own.interval_months, "reason": own.reason} if own else {}
    form = ClinicCycleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.clinic_cycle_save(clinic=clinic, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("%(clinic)s följs nu upp med eget intervall.") % {"clinic": clinic.name})
            return redirect("programme:due_list")
    context = {"clinic": clinic, "form": form, "own": own, "cycle": selectors.cycle_settings_for(clinic.region)}
    return render(request, "programme/clinic_cycle.html", context)


@require_POST
def clinic_cycle_reset(request, pk: int):
    clinic = access.get_clinic_for_cycle_rw(request.user, pk)
    services.clinic_cycle_reset(clinic=clinic)
    messages.success(request, _("%(clinic)s följs nu upp med regionens intervall.") % {"clinic": clinic.name})
    return redirect("programme:due_list")


@require_GET
def calendar_feed(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = absolute_url(reverse("programme:calendar_feed_ics", args=[feed.token])) if feed else ""
    return render(request, "programme/calendar_feed.html", {"feed": feed, "feed_url": url})


@require_POST
def calendar_feed_create(request):
    services.calendar_feed_create(user=request.user)
    messages.success(request, _("Din kalenderadress är klar. Lägg in den i din kalender som en prenumeration."))
    return redirect("programme:calendar_feed")


@require_POST
def calendar_feed_revoke(request):
    if services.calendar_feed_revoke(user=request.user):
        messages.success(request, _("Kalenderadressen är stängd. Kalendrar som prenumererar på den får inga fler uppdateringar."))
    return redirect("programme:calendar_feed")


@login_not_required
@require_GET
def calendar_feed_ics(request, token: str):
    feed = access.get_feed_by_token(token)
    with translation.override(language_for(feed.user)):
        content = feed_calendar(feed.user)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="uppfoljningsdialoger.ics"'
    response["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, private=True, no_store=True)
    return response
