"""Writes of the programme: the region's cycle settings, a clinic's own interval, and calendar feeds.
Keyword-only and atomic; the rules are checked here again (a service may be called from elsewhere than the
form), and a broken rule raises ValidationError keyed by field."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from organisations.models import Clinic, Region
from programme.models import CalendarFeed, ClinicCycle, CycleSettings

CYCLE_FIELDS = (
    "interval_months",
    "due_soon_months",
    "letter_weeks_before",
    "preparation_days_before",
    "preparation_reminder_days_before",
    "feedback_due_days_after",
    "follow_up_reminder_days_before",
)


def check_cycle(values: dict) -> None:
    """The rules between the fields: the preparations' deadline lies before the day and after the letter; the
    reminder comes before the deadline; "due soon" is shorter than the interval. (Each field's range is the
    model's.)"""
    errors = {}
    deadline, letter_days = values.get("preparation_days_before"), (values.get("letter_weeks_before") or 0) * 7
    reminder = values.get("preparation_reminder_days_before")
    if deadline is not None and letter_days and deadline >= letter_days:
        errors["preparation_days_before"] = _(
            "Sista dag för förberedelserna måste ligga efter att förordet har skickats: färre än %(days)s dagar "
            "före dialogen."
        ) % {"days": letter_days}
    if deadline is not None and reminder is not None and reminder < deadline:
        errors["preparation_reminder_days_before"] = _(
            "Påminnelsen ska komma före sista dagen för förberedelserna: minst %(days)s dagar före dialogen."
        ) % {"days": deadline}
    interval, soon = values.get("interval_months"), values.get("due_soon_months")
    if interval and soon is not None and soon >= interval:
        errors["due_soon_months"] = _(
            "”Dags snart” måste vara kortare än tiden mellan två dialoger: färre än %(months)s månader, annars är "
            "varje vårdcentral alltid snart på tur."
        ) % {"months": interval}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cycle_settings_save(*, region: Region, user, **values) -> CycleSettings:
    unknown = set(values) - set(CYCLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown cycle settings: {sorted(unknown)}")
    check_cycle(values)
    cycle = CycleSettings.objects.select_for_update().filter(region=region).first() or CycleSettings(region=region)
    for name, value in values.items():
        setattr(cycle, name, value)
    cycle.updated_by = user
    cycle.full_clean(exclude=["region"])
    cycle.save()
    return cycle


@transaction.atomic
def clinic_cycle_save(*, clinic: Clinic, user, interval_months: int, reason: str) -> ClinicCycle:
    """Follow a clinic up at its own interval (e.g. sooner for a new clinic or fördjupad uppföljning)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv varför vårdcentralen har ett eget intervall.")})
    cycle = ClinicCycle.objects.select_for_update().filter(clinic=clinic).first() or ClinicCycle(clinic=clinic)
    cycle.interval_months, cycle.reason, cycle.updated_by = interval_months, reason, user
    cycle.full_clean(exclude=["clinic"])
    cycle.save()
    return cycle


@transaction.atomic
def clinic_cycle_reset(*, clinic: Clinic) -> None:
    """Back to the region's interval."""
    ClinicCycle.objects.filter(clinic=clinic).delete()


@transaction.atomic
def calendar_feed_create(*, user) -> CalendarFeed:
    """A new secret address for the person's calendar feed; any earlier address stops working."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(32))


@transaction.atomic
def calendar_feed_revoke(*, user) -> bool:
    """Close the person's feed: its address answers 404 from now on. False when there was none."""
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)
