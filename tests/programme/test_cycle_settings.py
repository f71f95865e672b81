"""The region's cycle settings: administrators set them; out-of-range values and a deadline that is not before the
day (or not after the letter) are refused with a message, nothing saved; the rest of the team gets 403."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programme import services
from programme.models import CycleSettings
from programme.selectors import cycle_settings_for

pytestmark = pytest.mark.django_db

VALID = {
    "interval_months": "18",
    "due_soon_months": "4",
    "letter_weeks_before": "5",
    "preparation_days_before": "10",
    "preparation_reminder_days_before": "14",
    "feedback_due_days_after": "21",
    "follow_up_reminder_days_before": "2",
}


def test_a_region_without_settings_uses_the_defaults(world):
    cycle = cycle_settings_for(world.region_a)
    assert cycle.pk is None and cycle.interval_months == 24 and cycle.letter_weeks_before == 4


def test_the_administrator_saves_the_cycle(world, client_for):
    admin = client_for("admin")
    page = admin.get(reverse("programme:cycle_settings")).content.decode()
    assert "nu gäller standardvärdena" in page and 'value="24"' in page
    response = admin.post(reverse("programme:cycle_settings"), VALID)
    assert response.status_code == 302
    saved = CycleSettings.objects.get(region=world.region_a)
    assert (saved.interval_months, saved.letter_weeks_before, saved.preparation_days_before) == (18, 5, 10)
    assert saved.updated_by == world.user("admin")
    assert 'value="18"' in admin.get(reverse("programme:cycle_settings")).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"interval_months": "0"}, "interval_months", "större än eller lika med 3"),
        ({"interval_months": "61"}, "interval_months", "mindre än eller lika med 60"),
        ({"interval_months": "tolv"}, "interval_months", "heltal"),
        ({"preparation_days_before": "-3"}, "preparation_days_before", "större än eller lika med 1"),
        ({"preparation_days_before": "35", "preparation_reminder_days_before": "40"}, "preparation_days_before",
         "efter att förordet har skickats"),
        ({"preparation_reminder_days_before": "5"}, "preparation_reminder_days_before", "före sista dagen"),
        ({"feedback_due_days_after": ""}, "feedback_due_days_after", "måste fyllas i"),
        ({"interval_months": "3", "due_soon_months": "12"}, "due_soon_months", "kortare än tiden mellan två dialoger"),
    ],
)
def test_bad_values_are_refused_at_the_field_and_nothing_is_saved(world, client_for, changes, field, message):
    response = client_for("admin").post(reverse("programme:cycle_settings"), {**VALID, **changes})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Inställningarna är inte sparade" in page and message in page
    assert not CycleSettings.objects.exists()


def test_the_service_checks_the_rules_too(world):
    with pytest.raises(ValidationError) as raised:
        services.cycle_settings_save(region=world.region_a, user=None, **{**{k: int(v) for k, v in VALID.items()},
                                                                           "preparation_days_before": 40})
    assert "preparation_days_before" in raised.value.message_dict
    with pytest.raises(ValidationError):
        services.cycle_settings_save(region=world.region_a, user=None, **{**{k: int(v) for k, v in VALID.items()},
                                                                           "interval_months": 100})
    assert not CycleSettings.objects.exists()


@pytest.mark.parametrize("persona", ["bestallare", "utveckling", "staff_a1"])
def test_only_administrators_change_the_cycle(world, client_for, persona):
    assert client_for(persona).post(reverse("programme:cycle_settings"), VALID).status_code == 403
    assert not CycleSettings.objects.exists()
