"""The year plan: the month's calendar and list of dialogues and follow-up meetings, the year's months with their
counts, and the team's load per person and month; a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dialogs.models.dialogue import Dialogue, DialogueStatus
from dialogs.services import dialogue as services
from programme.selectors import year_plan
from tests.programme.factories import clinic, dialogue_on, plan_for

pytestmark = pytest.mark.django_db


def _next_month_day(day: int) -> datetime.date:
    today = timezone.localdate()
    first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first.replace(day=day)


@pytest.fixture
def plan_month(world):
    """Next month: two dialogues (one with the beställare only, one cancelled) and a follow-up meeting."""
    day = _next_month_day(10)
    bo = services.TeamSelection(user_id=world.user("bestallare").pk)
    uma = services.TeamSelection(user_id=world.user("utveckling").pk)
    first = plan_for(world, [bo], day=day)
    second = plan_for(world, [bo, uma], clinic=world.clinic_a2, day=day.replace(day=17))
    cancelled = plan_for(world, [bo, uma], day=day.replace(day=24))
    services.dialogue_cancel(dialogue=cancelled, user=world.user("bestallare"), reason="Sjukdom")
    held = dialogue_on(world, world.clinic_a2, timezone.localdate() - datetime.timedelta(days=20), status=DialogueStatus.GENOMFORD)
    services.follow_up_book(dialogue=held, user=world.user("bestallare"), date=day.replace(day=12), start_time=datetime.time(13, 0),
                            duration_minutes=60, video_link="", focus_area="")
    return {"day": day, "first": first, "second": second, "cancelled": cancelled, "held": held}


def test_the_month_shows_each_dialogue_and_meeting_on_its_day(world, plan_month):
    day = plan_month["day"]
    plan = year_plan(region=world.region_a, year=day.year, month=day.month, today=timezone.localdate())
    cells = {cell.day: cell for week in plan.weeks for cell in week}
    assert [entry.dialogue for entry in cells[day].entries] == [plan_month["first"]]
    assert cells[day].entries[0].team_names == ["Bo Beställare"]
    [meeting] = cells[day.replace(day=12)].entries
    assert meeting.kind == "follow_up" and meeting.dialogue == plan_month["held"]
    [called_off] = cells[day.replace(day=24)].entries
    assert called_off.cancelled
    assert all(week[0].day.weekday() == 0 for week in plan.weeks)  # weeks start on Monday
    assert [entry.day.day for entry in plan.entries] == [10, 12, 17, 24]


def test_the_teams_load_counts_dialogues_per_person_and_month_without_cancelled_ones(world, plan_month):
    day = plan_month["day"]
    plan = year_plan(region=world.region_a, year=day.year, month=day.month, today=timezone.localdate())
    load = {row.name: row for row in plan.load}
    assert load["Bo Beställare"].months[day.month - 1] == 2
    assert load["Uma Utveckling"].months[day.month - 1] == 1
    assert plan.month_counts[day.month - 1] == 2
    assert plan.load_totals[day.month - 1] == 3


def test_the_page_has_a_calendar_a_list_for_narrow_screens_and_month_links(world, plan_month, client_for):
    day = plan_month["day"]
    page = client_for("utveckling").get(reverse("programme:year_plan"), {"ar": day.year, "manad": day.month}).content.decode()
    calendar = page.split('data-testid="month-calendar"', 1)[1].split("</table>", 1)[0]
    listing = page.split('data-testid="month-list"', 1)[1].split("</div>", 1)[0]
    for part in (calendar, listing):
        assert f'href="/dialoger/{plan_month["first"].pk}/"' in part
        assert f'href="/dialoger/{plan_month["held"].pk}/sammanfattning/"' in part
        assert "inställd" in part
    assert f"?ar={day.year}&amp;manad={day.month}" in page
    load = page.split('data-testid="team-load"', 1)[1]
    assert "Bo Beställare" in load and "Uma Utveckling" in load


@pytest.mark.parametrize("query", [{"ar": "1999"}, {"manad": "13"}, {"ar": "tjugo"}, {"manad": "\x00"}, {"ar": "9" * 40}])
def test_a_bad_month_in_the_address_shows_this_month(world, client_for, query):
    response = client_for("bestallare").get(reverse("programme:year_plan"), query)
    assert response.status_code == 200
    today = timezone.localdate()
    assert f"Årsplan {today.year}" in response.content.decode()


def test_the_page_runs_the_same_queries_for_a_quiet_month_or_a_busy_one(world, plan_month, client_for,
                                                                       django_assert_max_num_queries):
    day = plan_month["day"]
    team = client_for("bestallare")
    url = f"{reverse('programme:year_plan')}?ar={day.year}&manad={day.month}"
    team.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as quiet:
        team.get(url)
    for number in range(15):
        plan_for(world, [services.TeamSelection(user_id=world.user("utveckling").pk)],
                 clinic=clinic(world, f"Extra {number}"), day=day.replace(day=1 + number))
    with django_assert_max_num_queries(len(quiet)):
        response = team.get(url)
    assert Dialogue.objects.filter(date__month=day.month).count() == 18
    assert response.content.decode().count("calendar-entry entry-dialogue") == 2 * 18  # calendar and list
