"""The personal calendar feed: a secret address per person with the dialogues and follow-up meetings they take
part in, the same UIDs as each dialogue's own invitation, revocable (the old address answers 404)."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from dialogs.ics import dialogue_uid, follow_up_uid, uid_domain
from dialogs.models.dialogue import DialogueStatus, Membership
from dialogs.services import dialogue as services
from programme.models import CalendarFeed
from tests.dialogs.dialogue_factories import plan
from tests.programme.factories import dialogue_on, plan_for

pytestmark = pytest.mark.django_db


def _feed(client, token: str) -> icalendar.Calendar:
    response = client.get(reverse("programme:calendar_feed_ics", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    return icalendar.Calendar.from_ical(response.content)


def _uids(calendar) -> set[str]:
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def _token(client, persona_client) -> str:
    persona_client.post(reverse("programme:calendar_feed_create"))
    return CalendarFeed.objects.latest("pk").token


def test_a_team_member_subscribes_to_their_dialogues_and_follow_up_meetings(world, client, client_for):
    mine = plan_for(world, [services.TeamSelection(user_id=world.user("bestallare").pk)])
    others = plan_for(world, [services.TeamSelection(user_id=world.user("utveckling").pk)], clinic=world.clinic_a2)
    held = dialogue_on(world, world.clinic_a1, timezone.localdate() - datetime.timedelta(days=10), status=DialogueStatus.GENOMFORD)
    services.follow_up_book(dialogue=held, user=world.user("bestallare"), date=timezone.localdate() + datetime.timedelta(days=30),
                            start_time=datetime.time(13, 0), duration_minutes=45, video_link="https://video.example/m", focus_area="")
    bestallare = client_for("bestallare")
    page = bestallare.get(reverse("programme:calendar_feed")).content.decode()
    assert "Skapa min kalenderadress" in page
    token = _token(client, bestallare)
    page = bestallare.get(reverse("programme:calendar_feed")).content.decode()
    assert f"/program/kalender/{token}.ics" in page

    calendar = _feed(client, token)  # a calendar program: not signed in
    domain = uid_domain()
    assert _uids(calendar) == {dialogue_uid(mine.pk, domain), dialogue_uid(held.pk, domain), follow_up_uid(held.pk, domain)}
    assert dialogue_uid(others.pk, domain) not in _uids(calendar)
    assert str(calendar["X-WR-CALNAME"]) == "Uppföljningsdialoger – Bo Beställare"
    meeting = next(event for event in calendar.walk("VEVENT") if str(event["UID"]) == follow_up_uid(held.pk, domain))
    assert str(meeting["LOCATION"]) == "https://video.example/m"
    # The dialogue's own invitation has the same UID and times: a calendar holding both shows one event.
    own = icalendar.Calendar.from_ical(bestallare.get(reverse("dialogs:dialogue_ics", args=[mine.pk])).content).walk("VEVENT")[0]
    fed = next(event for event in calendar.walk("VEVENT") if str(event["UID"]) == str(own["UID"]))
    assert (fed["DTSTART"].dt, fed["DTEND"].dt) == (own["DTSTART"].dt, own["DTEND"].dt)


def test_clinic_staff_get_their_clinics_dialogues_and_a_cancellation(world, client, client_for):
    dialogue = plan(world)
    plan(world, clinic=world.clinic_a2)
    token = _token(client, client_for("staff_a1"))
    assert _uids(_feed(client, token)) == {dialogue_uid(dialogue.pk, uid_domain())}
    services.dialogue_cancel(dialogue=dialogue, user=world.user("bestallare"), reason="Sjukdom")
    [event] = _feed(client, token).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1


def test_a_revoked_or_replaced_address_answers_404(world, client, client_for):
    plan(world)
    staff = client_for("staff_a1")
    first = _token(client, staff)
    second = _token(client, staff)  # "Skapa en ny adress"
    assert client.get(reverse("programme:calendar_feed_ics", args=[first])).status_code == 404
    assert client.get(reverse("programme:calendar_feed_ics", args=[second])).status_code == 200
    staff.post(reverse("programme:calendar_feed_revoke"))
    assert client.get(reverse("programme:calendar_feed_ics", args=[second])).status_code == 404
    assert "Skapa min kalenderadress" in staff.get(reverse("programme:calendar_feed")).content.decode()


def test_someone_who_left_the_region_or_was_deactivated_sees_nothing_more(world, client, client_for):
    dialogue = plan(world)
    token = _token(client, client_for("utveckling"))
    assert _uids(_feed(client, token)) == {dialogue_uid(dialogue.pk, uid_domain())}
    Membership.objects.filter(user=world.user("utveckling")).delete()
    assert _uids(_feed(client, token)) == set()
    world.user("utveckling").is_active = False
    world.user("utveckling").save(update_fields=["is_active"])
    assert client.get(reverse("programme:calendar_feed_ics", args=[token])).status_code == 404


@pytest.mark.parametrize("token", ["x" * 43, "x" * 200, "..%2F..%2Fetc", "a b"])
def test_a_made_up_token_answers_404(world, client, token):
    assert client.get(f"/program/kalender/{token}.ics").status_code == 404


def test_the_feed_runs_the_same_queries_for_one_dialogue_or_many(world, client, client_for, django_assert_max_num_queries):
    plan(world)
    token = _token(client, client_for("bestallare"))
    url = reverse("programme:calendar_feed_ics", args=[token])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for days in range(20, 40):
        held = plan(world, day=timezone.localdate() + datetime.timedelta(days=days))
        if days % 4 == 0:
            services.dialogue_cancel(dialogue=held, user=world.user("bestallare"), reason="x")
    with django_assert_max_num_queries(len(one)):
        calendar = _feed(client, token)
    assert len(calendar.walk("VEVENT")) == 21


def test_creating_and_revoking_need_a_post_and_a_sign_in(world, client):
    assert client.post(reverse("programme:calendar_feed_create")).status_code == 302  # to the login page
    assert not CalendarFeed.objects.exists()
