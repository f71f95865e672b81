"""Planning dates (issue 10, §6): a weekend, a Swedish public holiday or a second dialogue at the clinic the same
day is warned about and may be confirmed; a dialogue held on paper is registered afterwards with its real date;
the demo's dialogues fall on working days and every shared status has shared feedback."""

import datetime

from django.urls import reverse
from django.utils import timezone

from dialogs.models.dialogue import Dialogue, DialogueStatus
from dialogs.services import dialogue as services
from tests.dialogs.dialogue_factories import plan, workday_after
from tests.dialogs.test_dialogue_views import _planning_post

TODAY = timezone.localdate


def _next(weekday: int) -> datetime.date:
    day = workday_after(10)
    while day.weekday() != weekday:
        day += datetime.timedelta(days=1)
    return day


def test_a_sunday_is_warned_about_and_saved_once_confirmed(world, client_for):
    client = client_for("bestallare")
    sunday = _next(6)
    response = client.post(reverse("dialogs:dialogue_create"), _planning_post(world, date=sunday.isoformat()))
    assert response.status_code == 200 and not Dialogue.objects.exists()
    page = response.content.decode()
    assert "är en söndag." in page and 'name="confirm_date"' in page and "Planera dialogen den dagen ändå" in page
    response = client.post(
        reverse("dialogs:dialogue_create"), _planning_post(world, date=sunday.isoformat(), confirm_date="on")
    )
    assert response.status_code == 302 and Dialogue.objects.get().date == sunday


def test_a_public_holiday_is_named_in_the_active_language(world):
    christmas = datetime.date(TODAY().year + 1, 12, 25)
    warnings = services.planning_warnings(clinic=world.clinic_a1, day=christmas)
    assert any("Juldagen" in warning for warning in warnings)
    from django.utils import translation

    with translation.override("en"):
        assert any("Christmas Day" in warning for warning in services.planning_warnings(clinic=world.clinic_a1, day=christmas))
    assert services.planning_warnings(clinic=world.clinic_a1, day=workday_after(10)) == []


def test_the_same_clinic_twice_on_one_day_is_warned_about_also_when_moving_a_dialogue(world, client_for):
    first = plan(world, day=workday_after(10))
    second = plan(world, day=workday_after(30))
    assert services.planning_warnings(clinic=world.clinic_a1, day=first.date) == [
        "Vårdcentral A1 har redan en dialog planerad samma dag."
    ]
    assert services.planning_warnings(clinic=world.clinic_a1, day=first.date, dialogue=first) == []
    data = _planning_post(world, date=first.date.isoformat())
    response = client_for("bestallare").post(reverse("dialogs:dialogue_update", args=[second.pk]), data)
    assert response.status_code == 200 and "har redan en dialog planerad samma dag" in response.content.decode()
    second.refresh_from_db()
    assert second.date != first.date
    # A cancelled dialogue does not count.
    services.dialogue_cancel(dialogue=first, user=world.user("bestallare"), reason="Flyttad")
    assert services.planning_warnings(clinic=world.clinic_a1, day=first.date) == []


def test_a_dialogue_held_on_paper_is_registered_with_its_real_date(world, client_for):
    client = client_for("bestallare")
    day = TODAY() - datetime.timedelta(days=40)
    while day.weekday() >= 5 or services.holiday_name(day):
        day -= datetime.timedelta(days=1)
    refused = client.post(reverse("dialogs:dialogue_create"), _planning_post(world, date=day.isoformat()))
    assert refused.status_code == 200 and "kryssa i att dialogen redan har hållits" in refused.content.decode()
    response = client.post(reverse("dialogs:dialogue_create"), _planning_post(world, date=day.isoformat(), held="on"))
    assert response.status_code == 302
    dialogue = Dialogue.objects.get()
    assert dialogue.date == day and dialogue.status == DialogueStatus.GENOMFORD
    assert "Registrerad i efterhand" in dialogue.status_changes.last().note
    future = client.post(reverse("dialogs:dialogue_create"), _planning_post(world, held="on"))
    assert "har inte hållits" in future.content.decode() and Dialogue.objects.count() == 1
    # The note is stored in the site's language whichever language the planner reads the site in.
    client.post(reverse("set_language"), {"language": "en"})
    client.post(reverse("dialogs:dialogue_create"), _planning_post(world, date=(day - datetime.timedelta(days=7)).isoformat(),
                                                                   held="on", confirm_date="on"))
    assert Dialogue.objects.count() == 2
    assert Dialogue.objects.order_by("pk").last().status_changes.last().note.startswith("Registrerad i efterhand: ")


def test_the_demo_dialogues_fall_on_working_days_and_shared_statuses_have_shared_feedback(db):
    from django.core.management import call_command

    call_command("load_content", verbosity=0, stdout=open("/dev/null", "w"))
    call_command("demo", force=True, stdout=open("/dev/null", "w"))
    dialogues = Dialogue.objects.filter(clinic__region__name="Region Demo").select_related("follow_up_meeting")
    for dialogue in dialogues:
        assert dialogue.date.weekday() < 5 and not services.holiday_name(dialogue.date), dialogue
        meeting = getattr(dialogue, "follow_up_meeting", None)
        if meeting is not None:
            assert meeting.date.weekday() < 5 and not services.holiday_name(meeting.date), meeting
        if dialogue.status in (DialogueStatus.ATERKOPPLING_DELAD, DialogueStatus.UPPFOLJNING_BOKAD, DialogueStatus.AVSLUTAD):
            assert dialogue.feedback_report.versions.exists(), dialogue
            assert dialogue.is_documentation_shared, dialogue


def test_a_team_already_out_at_another_clinic_that_day_is_warned_about_when_planning(world, client_for):
    day = workday_after(12)
    plan(world, clinic=world.clinic_a2, day=day, start=datetime.time(13, 0))
    client = client_for("bestallare")
    response = client.post(reverse("dialogs:dialogue_create"), _planning_post(world, date=day.isoformat()))
    assert response.status_code == 200 and Dialogue.objects.count() == 1
    page = response.content.decode()
    assert "Bo Beställare och Uma Utveckling är redan med i teamet för Vårdcentral A2 samma dag (kl. 13:00)." in page
    assert "Planera dialogen den dagen ändå" in page
    # Another region's dialogues, a cancelled one and the dialogue itself are not counted.
    assert services.planning_warnings(clinic=world.clinic_b1, day=day, team_user_ids=[world.user("bestallare").pk]) == []
    confirmed = client.post(reverse("dialogs:dialogue_create"), _planning_post(world, date=day.isoformat(), confirm_date="on"))
    assert confirmed.status_code == 302 and Dialogue.objects.count() == 2
    planned = Dialogue.objects.get(clinic=world.clinic_a1)
    team = [member.user_id for member in planned.team_members.all()]
    assert services.planning_warnings(clinic=world.clinic_a1, day=day, dialogue=planned, team_user_ids=team) == [
        "Bo Beställare och Uma Utveckling är redan med i teamet för Vårdcentral A2 samma dag (kl. 13:00)."
    ]
    services.dialogue_cancel(dialogue=Dialogue.objects.get(clinic=world.clinic_a2), user=world.user("bestallare"), reason="Flyttad")
    assert services.planning_warnings(clinic=world.clinic_a1, day=day, dialogue=planned, team_user_ids=team) == []
