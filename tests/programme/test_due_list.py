"""Clinics due: every active clinic with its last and next dialogue and whether it is overdue, due soon, planned or
not due yet, by the region's interval or its own; counts at the top; filters, sorting, one click to plan."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dialogs.models.dialogue import DialogueStatus
from organisations.models import Clinic
from programme.models import ClinicCycle, CycleSettings
from programme.selectors import DueStatus, clinics_due, months_after
from tests.programme.factories import clinic, dialogue_on

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _months_ago(months: int) -> datetime.date:
    return months_after(TODAY(), -months)


@pytest.fixture
def region_a(world):
    """A1 never followed up; A2 30 months ago; plus clinics 22 and 6 months ago, one planned, one inactive."""
    CycleSettings.objects.create(region=world.region_a, interval_months=24, due_soon_months=3)
    dialogue_on(world, world.clinic_a2, _months_ago(30), status=DialogueStatus.GENOMFORD)
    soon = clinic(world, "Snart")
    dialogue_on(world, soon, _months_ago(22), status=DialogueStatus.GENOMFORD)
    later = clinic(world, "Sedan")
    dialogue_on(world, later, _months_ago(6), status=DialogueStatus.GENOMFORD)
    planned = clinic(world, "Planerad")
    dialogue_on(world, planned, _months_ago(30), status=DialogueStatus.GENOMFORD)
    dialogue_on(world, planned, TODAY() + datetime.timedelta(days=40))
    called_off = clinic(world, "Inställd")
    dialogue_on(world, called_off, _months_ago(3), status=DialogueStatus.INSTALLD)
    clinic(world, "Nedlagd", active=False)
    return world


def _statuses(world) -> dict[str, str]:
    return {row.clinic.name: row.status for row in clinics_due(region=world.region_a, today=TODAY())}


def test_each_clinic_gets_its_status_from_its_last_and_next_dialogue(region_a):
    assert _statuses(region_a) == {
        "Vårdcentral A1": DueStatus.OVERDUE,  # never had a dialogue
        "Vårdcentral A2": DueStatus.OVERDUE,  # 30 months ago, every 24 months
        "Snart": DueStatus.DUE_SOON,  # due in 2 months
        "Sedan": DueStatus.NOT_DUE,
        "Planerad": DueStatus.PLANNED,
        "Inställd": DueStatus.OVERDUE,  # a cancelled dialogue is no dialogue
    }  # the inactive clinic is not listed


def test_a_clinic_with_its_own_shorter_interval_is_due_sooner(region_a):
    sedan = Clinic.objects.get(name="Sedan")
    ClinicCycle.objects.create(clinic=sedan, interval_months=5, reason="Fördjupad uppföljning")
    row = next(row for row in clinics_due(region=region_a.region_a, today=TODAY()) if row.clinic == sedan)
    assert (row.status, row.interval_months, row.own_interval) == (DueStatus.OVERDUE, 5, True)


def test_a_planned_dialogue_after_the_due_date_is_flagged(region_a):
    planned = next(row for row in clinics_due(region=region_a.region_a, today=TODAY()) if row.clinic.name == "Planerad")
    assert planned.planned_late and planned.next_date == TODAY() + datetime.timedelta(days=40)


def test_the_page_counts_filters_sorts_and_links_to_planning(region_a, client_for):
    team = client_for("bestallare")
    page = team.get(reverse("programme:due_list")).content.decode()
    counts = dict(
        (status, page.split(f'data-status="{status}">', 1)[1].split("<", 1)[0]) for status in DueStatus.ORDER
    )
    assert counts == {DueStatus.OVERDUE: "3", DueStatus.DUE_SOON: "1", DueStatus.PLANNED: "1", DueStatus.NOT_DUE: "1"}
    a1 = Clinic.objects.get(name="Vårdcentral A1")
    assert f'href="/dialoger/ny/?vardcentral={a1.pk}"' in page

    overdue = team.get(reverse("programme:due_list"), {"status": DueStatus.OVERDUE, "sortera": "namn"}).content.decode()
    table = overdue.split('data-testid="due-table"', 1)[1]
    names = [name for name in ["Inställd", "Vårdcentral A1", "Vårdcentral A2"] if name in table]
    assert names == ["Inställd", "Vårdcentral A1", "Vårdcentral A2"]
    assert table.index("Inställd") < table.index("Vårdcentral A1") < table.index("Vårdcentral A2")
    assert "Snart" not in table and "Sedan" not in table

    descending = team.get(reverse("programme:due_list"), {"status": "forsenad", "sortera": "namn", "ordning": "fallande"})
    table = descending.content.decode().split('data-testid="due-table"', 1)[1]
    assert table.index("Vårdcentral A2") < table.index("Vårdcentral A1") < table.index("Inställd")

    found = team.get(reverse("programme:due_list"), {"q": "snart"}).content.decode().split('data-testid="due-table"', 1)[1]
    assert "Snart" in found and "Vårdcentral A1" not in found


@pytest.mark.parametrize(
    "query",
    [{"status": "okänd"}, {"sortera": "'; drop table"}, {"q": "a\x00b"}, {"q": "rad\nbrytning"}, {"q": "x" * 500},
     {"ordning": ["a", "b"]}],
)
def test_bad_filters_are_refused_with_a_message_and_the_full_list(region_a, client_for, query):
    response = client_for("bestallare").get(reverse("programme:due_list"), query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Några val kunde inte användas" in page
    assert "Vårdcentral A1" in page.split('data-testid="due-table"', 1)[1]


def test_administrators_set_a_clinics_own_interval_and_go_back_to_the_regions(region_a, client_for):
    admin = client_for("admin")
    a1 = region_a.clinic_a1
    url = reverse("programme:clinic_cycle", args=[a1.pk])
    refused = admin.post(url, {"interval_months": "2", "reason": "Ny"})
    assert refused.status_code == 200 and "större än eller lika med 3" in refused.content.decode()
    assert admin.post(url, {"interval_months": "12", "reason": "rad\nbrytning"}).status_code == 200
    assert not ClinicCycle.objects.exists()
    assert admin.post(url, {"interval_months": "12", "reason": "Ny vårdcentral"}).status_code == 302
    assert ClinicCycle.objects.get(clinic=a1).interval_months == 12
    assert "Ny vårdcentral" in admin.get(reverse("programme:due_list")).content.decode()
    assert admin.post(reverse("programme:clinic_cycle_reset", args=[a1.pk])).status_code == 302
    assert not ClinicCycle.objects.exists()


def test_only_the_regions_administrators_change_a_clinics_interval(region_a, client_for):
    url = reverse("programme:clinic_cycle", args=[region_a.clinic_a1.pk])
    assert client_for("bestallare").post(url, {"interval_months": "12", "reason": "x"}).status_code == 403
    assert client_for("outsider").post(url, {"interval_months": "12", "reason": "x"}).status_code == 404
    reset = reverse("programme:clinic_cycle_reset", args=[region_a.clinic_a1.pk])
    assert client_for("bestallare").post(reset).status_code == 403
    assert client_for("staff_a1").post(reset).status_code == 403
    assert not ClinicCycle.objects.exists()
    assert "Intervall<span" not in client_for("bestallare").get(reverse("programme:due_list")).content.decode()


def test_the_page_runs_the_same_queries_for_ten_clinics_or_sixty(region_a, client_for, django_assert_max_num_queries):
    team = client_for("bestallare")
    url = reverse("programme:due_list")
    team.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        team.get(url)
    for number in range(50):
        extra = clinic(region_a, f"Extra {number:02}")
        if number % 5 == 0:
            dialogue_on(region_a, extra, _months_ago(number % 30 + 1), status=DialogueStatus.GENOMFORD)
        if number % 7 == 0:
            ClinicCycle.objects.create(clinic=extra, interval_months=12, reason="Ny")
    with django_assert_max_num_queries(len(few)):
        response = team.get(url)
    assert response.content.decode().count("<tr data-clinic=") == 56
