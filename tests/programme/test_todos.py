"""To-dos on the start page, per person and role, each linking to the page where it is done; other apps add
theirs through ``<app>/todos.py``; the page's queries do not grow with the region."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dialogs.models.dialogue import DialogueStatus
from dialogs.services import dialogue as services
from dialogs.services import mail
from feedback import services as feedback_services
from organisations.models import Clinic
from programme import todos
from programme.models import CycleSettings
from tests.dialogs.dialogue_factories import plan
from tests.programme.factories import clinic, dialogue_on

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _todos(client) -> str:
    page = client.get(reverse("home")).content.decode()
    return page.split('data-testid="todos"', 1)[1].split("</section>", 1)[0]


def _prepare(dialogue, user, party):
    services.preparation_save(
        dialogue=dialogue, party=party, user=user,
        focus_section_ids=list(dialogue.guide_version.sections.filter(parent=None).values_list("pk", flat=True)[:2]),
        focus_question_ids=[], overview_notes="", data_sources=[], data_sources_other="", responsibility="",
    )


@pytest.fixture
def month(world):
    """Region A in the middle of its month: a dialogue in three weeks (letter due, clinic prepared), one held
    last week, one whose feedback was shared, and clinics never followed up."""
    CycleSettings.objects.create(region=world.region_a, letter_weeks_before=4, preparation_days_before=7,
                                 preparation_reminder_days_before=10, feedback_due_days_after=14)
    Clinic.objects.filter(pk=world.clinic_a1.pk).update(contact_email="kontakt@vc-a1.example.org")
    upcoming = plan(world, day=timezone.localdate() + 21 * DAY)
    _prepare(upcoming, world.user("staff_a1"), "vardcentral")
    held = dialogue_on(world, world.clinic_a2, timezone.localdate() - 7 * DAY, status=DialogueStatus.GENOMFORD)
    shared = dialogue_on(world, world.clinic_a1, timezone.localdate() - 40 * DAY, status=DialogueStatus.GENOMFORD)
    report = feedback_services.feedback_create(dialogue=shared, user=world.user("bestallare"))
    feedback_services.feedback_share(report=report, user=world.user("bestallare"))
    return {"upcoming": upcoming, "held": held, "shared": shared}


def test_the_team_member_sees_letters_preparations_documentation_feedback_and_clinics_to_plan(month, client_for):
    upcoming, held, shared = month["upcoming"], month["held"], month["shared"]
    text = _todos(client_for("bestallare"))
    assert f'href="/dialoger/{upcoming.pk}/forord/"' in text and "Skicka förordet till Vårdcentral A1" in text
    assert f'href="/dialoger/{upcoming.pk}/forberedelser/bestallare/"' in text
    assert "Gör beställarorganisationens förberedelse" in text
    assert f'href="/dialoger/{upcoming.pk}/forberedelser/"' in text  # the clinic's preparation to read
    assert f'href="/dialoger/{held.pk}/sammanfattning/"' in text  # documentation to finish and share
    assert "Skriv och dela återkopplingen till Vårdcentral A2" in text
    assert f'href="/dialoger/{shared.pk}/uppfoljningsmote/"' in text  # follow-up meeting to book
    assert "/program/vardcentraler/?status=forsenad" not in text  # A1 and A2 have dialogues now
    # The utvecklingsavdelning's member is asked for their own party's preparation, not the beställare's.
    other = _todos(client_for("utveckling"))
    assert "Gör utvecklingsavdelningens förberedelse" in other and "beställarorganisationens" not in other


def test_a_sent_letter_and_a_written_preparation_leave_the_list(month, world, client_for):
    upcoming = month["upcoming"]
    mail.dialogue_letter_send(dialogue=upcoming, user=world.user("bestallare"))
    _prepare(upcoming, world.user("bestallare"), "bestallare")
    text = _todos(client_for("bestallare"))
    assert "Skicka förordet till Vårdcentral A1" not in text
    assert "Gör beställarorganisationens förberedelse" not in text


def test_clinic_staff_see_their_preparation_feedback_to_acknowledge_and_the_next_meeting(month, world, client_for):
    later = plan(world, clinic=world.clinic_a2, day=timezone.localdate() + 30 * DAY)
    staff_a2 = _todos(client_for("staff_a2"))
    assert f'href="/dialoger/{later.pk}/forberedelser/vardcentral/"' in staff_a2
    deadline = later.date - 7 * DAY
    assert "Gör vårdcentralens förberedelse" in staff_a2 and f"senast {deadline.day} " in staff_a2
    assert "Nästa möte" in staff_a2
    staff_a1 = _todos(client_for("staff_a1"))
    assert "Gör vårdcentralens förberedelse" not in staff_a1  # already prepared
    version = month["shared"].feedback_report.versions.get()
    assert f'href="/aterkoppling/version/{version.pk}/"' in staff_a1 and "Läs och kvittera återkopplingen" in staff_a1
    feedback_services.feedback_acknowledge(version=version, user=world.user("staff_a1"))
    assert "Läs och kvittera återkopplingen" not in _todos(client_for("staff_a1"))
    assert "Skicka förordet" not in staff_a1 and "vårdcentraler" not in staff_a1


def test_administrators_see_clinics_overdue_and_an_unset_cycle(world, client_for):
    text = _todos(client_for("admin"))
    assert "2 vårdcentraler är försenade" in text and 'href="/program/vardcentraler/?status=forsenad"' in text
    assert 'href="/program/installningar/"' in text
    CycleSettings.objects.create(region=world.region_a)
    assert 'href="/program/installningar/"' not in _todos(client_for("admin"))
    assert "1 vårdcentral är försenad" in _todos(client_for("outsider"))  # B1, in region B
    assert "Inget att göra just nu" in _todos(client_for("staff_a2"))


def test_another_app_adds_its_to_dos_through_a_provider(world, client_for, monkeypatch):
    def agreements(context):
        if not context.is_team:
            return []
        return [context.todo(group="Överenskommelser", title="Följ upp överenskommelsen", url="/x/", due=context.today)]

    monkeypatch.setattr(todos, "providers", lambda: [todos.todos, agreements])
    text = _todos(client_for("bestallare"))
    assert "Överenskommelser" in text and 'href="/x/"' in text
    assert text.index("Planera") < text.index("Överenskommelser")  # known headings first
    assert "Överenskommelser" not in _todos(client_for("staff_a1"))


def test_the_providers_are_found_in_the_installed_apps():
    assert todos.todos in todos.providers()


@pytest.mark.parametrize("persona", ["bestallare", "staff_a1", "admin"])
def test_the_start_page_runs_the_same_queries_however_large_the_region(month, world, client_for, persona,
                                                                      django_assert_max_num_queries):
    person = client_for(persona)
    person.get(reverse("home"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        person.get(reverse("home"))
    for number in range(12):
        extra = clinic(world, f"Extra {number:02}")
        dialogue_on(world, extra, timezone.localdate() + (10 + number) * DAY)
        dialogue_on(world, world.clinic_a1 if number % 2 else world.clinic_a2,
                    timezone.localdate() - (5 + number) * DAY, status=DialogueStatus.GENOMFORD)
    with django_assert_max_num_queries(len(before)):
        person.get(reverse("home"))


def test_a_dialogue_held_this_morning_is_no_longer_the_next_meeting(world, client_for):
    today = plan(world, clinic=world.clinic_a2, day=timezone.localdate())
    assert "Nästa möte" in _todos(client_for("staff_a2"))
    services.dialogue_transition(dialogue=today, to_status=DialogueStatus.GENOMFORD, user=world.user("bestallare"))
    page = client_for("staff_a2").get(reverse("home")).content.decode()
    assert "Nästa möte" not in _todos(client_for("staff_a2"))
    assert f'href="/dialoger/{today.pk}/"' not in page.split('id="home-upcoming"', 1)[1]  # not among the coming ones
