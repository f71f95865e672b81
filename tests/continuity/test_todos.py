"""To-dos on the start page (issue 13, through programme's to-do providers): clinic staff are reminded of their
clinic's open agreements due within a month or overdue (those it owns); the team of the open fördjupad uppföljning it owns, and
administrators of every open one. Clinic staff never see a case here either."""

import datetime

from django.urls import reverse
from django.utils import timezone

from dialogs.services.agreements import agreement_status_set
from dialogs.services.cases import case_transition
from programme.todos import todos_for
from tests.continuity.factories import agreement, case, last_year


def _titles(world, persona):
    groups = todos_for(user=world.user(persona), region=world.region_a, today=timezone.localdate())
    return {group.title: [item.title for item in group.items] for group in groups}


def test_clinic_staff_are_reminded_of_agreements_due_soon(world):
    previous = last_year(world)
    today = timezone.localdate()
    agreement(world, previous, "Rekrytera en distriktsläkare", due_date=today + datetime.timedelta(days=10))
    agreement(world, previous, "Långsiktig plan", due_date=today + datetime.timedelta(days=200))
    agreement(world, previous, "Se över ersättningen", due_date=today, owner="bestallare")  # the region's to update
    done = agreement(world, previous, "Redan klart", due_date=today)
    agreement_status_set(agreement=done, user=world.user("staff_a1"), status="klar")
    titles = _titles(world, "staff_a1")["Överenskommelser"]
    assert titles == ["Uppdatera överenskommelsen: Rekrytera en distriktsläkare"]
    assert "Överenskommelser" not in _titles(world, "staff_a2")


def test_the_owner_and_administrators_see_open_cases_and_clinic_staff_never(world):
    opened = case(world)
    assert any("Vårdcentral A1" in title for title in _titles(world, "bestallare")["Fördjupad uppföljning"])  # the owner
    assert "Fördjupad uppföljning" in _titles(world, "admin")
    assert "Fördjupad uppföljning" not in _titles(world, "utveckling")  # not theirs
    assert "Fördjupad uppföljning" not in _titles(world, "staff_a1")
    case_transition(case=opened, user=world.user("admin"), status="avslutad", note="Inget att åtgärda.")
    assert "Fördjupad uppföljning" not in _titles(world, "admin")


def test_the_start_page_links_to_the_agreement(world, client_for):
    previous = last_year(world)
    made = agreement(world, previous, due_date=timezone.localdate())
    page = client_for("staff_a1").get(reverse("home")).content.decode()
    assert reverse("dialogs:agreement_detail", args=[made.pk]) in page
