"""Once is once (issue 10 §4) for planning: the same planning form sent five times at once (a double click, a
retry) makes one dialogue; a second dialogue that differs is still planned. Real threads: simultaneous on
PostgreSQL (the clinic's row lock orders them), serialised by the database on SQLite."""

import pytest
from django.test import Client
from django.urls import reverse

from dialogs.models.dialogue import Dialogue
from tests.concurrency import at_once
from tests.dialogs.test_dialogue_views import _planning_post

pytestmark = pytest.mark.django_db(transaction=True)


def _plan_as_bestallare(world, data):
    client = Client()
    client.force_login(world.user("bestallare"))
    return client.post(reverse("dialogs:dialogue_create"), data)


def test_five_simultaneous_posts_of_one_plan_make_one_dialogue(world):
    data = _planning_post(world)
    responses = at_once(5, lambda _index: _plan_as_bestallare(world, data))
    [dialogue] = Dialogue.objects.all()
    assert [response.status_code for response in responses] == [302] * 5, responses
    assert {response["Location"] for response in responses} == {reverse("dialogs:dialogue_detail", args=[dialogue.pk])}
    assert dialogue.team_members.count() == 2 and dialogue.clinic_participants.count() == 2


def test_a_plan_that_differs_is_a_new_dialogue(world):
    first = _plan_as_bestallare(world, _planning_post(world))
    # The same team at another clinic that day is warned about first (and confirmed here).
    other_clinic = _plan_as_bestallare(world, _planning_post(world, clinic=world.clinic_a2.pk, confirm_date="on"))
    assert first.status_code == other_clinic.status_code == 302
    assert Dialogue.objects.count() == 2
