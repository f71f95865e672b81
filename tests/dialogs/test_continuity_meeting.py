"""The continuity panel (issue 10, §6) said "Mötet hölls 10 juni 2027" about a follow-up meeting only booked."""

import datetime

from django.urls import reverse
from django.utils import timezone

from dialogs.models.dialogue import FollowUpMeeting
from dialogs.services import dialogue as services
from tests.dialogs.dialogue_factories import held, plan, write_answer


def _page_with_meeting_on(world, client_for, day) -> str:
    previous = held(world, days_ago=120)
    write_answer(previous, "sammanfattning-q02", "Kortare telefonköer")
    services.follow_up_book(
        dialogue=previous, user=world.user("bestallare"), date=previous.date + datetime.timedelta(days=1),
        start_time=datetime.time(10), duration_minutes=60, video_link="", focus_area="",
    )
    FollowUpMeeting.objects.filter(dialogue=previous).update(date=day)
    new = plan(world)
    return client_for("bestallare").get(reverse("dialogs:dialogue_detail", args=[new.pk])).content.decode()


def test_a_meeting_still_to_come_is_booked_not_held(world, client_for):
    page = _page_with_meeting_on(world, client_for, timezone.localdate() + datetime.timedelta(days=30))
    assert "Mötet hölls" not in page
    assert "Mötet är bokat till" in page and "och har inte hållits ännu." in page


def test_a_past_meeting_was_held(world, client_for):
    page = _page_with_meeting_on(world, client_for, timezone.localdate() - datetime.timedelta(days=30))
    assert "Mötet hölls" in page and "Mötet är bokat till" not in page
