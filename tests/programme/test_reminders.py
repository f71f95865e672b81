"""Reminders decided by ``send_reminders`` under a frozen clock: each goes once, at the right time, to the right
people, through a real SMTP server; a party that has prepared, a person who turned the kind off and a shared
feedback get nothing; running the job twice sends nothing twice."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from dialogs.models.dialogue import DialogueStatus
from dialogs.services import dialogue as services
from dialogs.services.mail import LETTER
from notifications.models import MessageStatus, NotificationSettings, OutboxMessage
from organisations.models import Clinic
from programme.models import CycleSettings
from dialogs.models.agreements import AgreementStatus
from dialogs.services import agreements as agreement_services
from organisations.models import Party
from programme.reminders import AGREEMENT_DUE, FEEDBACK_DUE, FOLLOW_UP, PREPARATION, reminders_send
from tests.continuity.factories import agreement, last_year
from tests.dialogs.dialogue_factories import plan
from tests.programme.factories import dialogue_on

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def clock(monkeypatch):
    """Freeze the clock: ``clock.set(date)`` makes it noon of that day in Stockholm."""

    class Clock:
        def set(self, day: datetime.date):
            frozen = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
            monkeypatch.setattr(timezone, "now", lambda: frozen)
            return frozen

    return Clock()


@pytest.fixture
def region(world):
    CycleSettings.objects.create(
        region=world.region_a, preparation_days_before=7, preparation_reminder_days_before=10,
        feedback_due_days_after=14, follow_up_reminder_days_before=3,
    )
    Clinic.objects.filter(pk=world.clinic_a1.pk).update(contact_email="kontakt@vc-a1.example.org")
    return world


def _prepare(dialogue, world, persona: str, party: str) -> None:
    services.preparation_save(
        dialogue=dialogue, party=party, user=world.user(persona),
        focus_section_ids=list(dialogue.guide_version.sections.filter(parent=None).values_list("pk", flat=True)[:2]),
        focus_question_ids=[], overview_notes="", data_sources=[], data_sources_other="", responsibility="",
    )


def _invited(dialogue):
    """The letter has gone to the clinic (as ``dialogue_letter_send`` records it), so it may be reminded."""
    OutboxMessage.objects.create(kind=LETTER, topic=f"dialogue:{dialogue.pk}", to="kontakt@vc-a1.example.org",
                                 language="sv", subject="Förord", body_text="…", status=MessageStatus.SENT)
    return dialogue


def _run(now, capture) -> dict[str, int]:
    with capture(execute=True):
        return reminders_send(now=now)


def test_each_party_that_has_not_prepared_is_reminded_once_from_ten_days_before(region, clock, smtp_sink, django_capture_on_commit_callbacks):
    day = timezone.localdate() + 20 * DAY
    dialogue = _invited(plan(region, day=day))
    _prepare(dialogue, region, "bestallare", "bestallare")

    assert _run(clock.set(day - 11 * DAY), django_capture_on_commit_callbacks)[PREPARATION] == 0
    assert smtp_sink.received == []

    counted = _run(clock.set(day - 10 * DAY), django_capture_on_commit_callbacks)
    assert counted[PREPARATION] == 3
    assert sorted(item.rcpt_tos[0] for item in smtp_sink.received) == [
        "kontakt@vc-a1.example.org", "staff_a1@example.org", "utveckling@example.org"
    ]  # the beställare has prepared: nothing to them
    to_clinic = smtp_sink.to("staff_a1@example.org")[0]
    assert to_clinic.subject.startswith("Påminnelse: förberedelse inför uppföljningsdialogen med Vårdcentral A1")
    assert f"/dialoger/{dialogue.pk}/forberedelser/vardcentral/" in to_clinic.text()
    assert "Vårdcentral" in to_clinic.text()
    utveckling = smtp_sink.to("utveckling@example.org")[0]
    assert f"/dialoger/{dialogue.pk}/forberedelser/utveckling/" in utveckling.html()

    # The next runs, the same day and the day after, send nothing again.
    assert _run(clock.set(day - 10 * DAY), django_capture_on_commit_callbacks)[PREPARATION] == 0
    assert _run(clock.set(day - 9 * DAY), django_capture_on_commit_callbacks)[PREPARATION] == 0
    assert len(smtp_sink.received) == 3


def test_a_person_who_turned_the_reminder_off_gets_none_but_the_clinics_address_does(region, clock, django_capture_on_commit_callbacks):
    day = timezone.localdate() + 20 * DAY
    _invited(plan(region, day=day))
    for persona in ("staff_a1", "bestallare", "utveckling"):
        NotificationSettings.objects.create(user=region.user(persona), muted_kinds=[PREPARATION])
    _run(clock.set(day - 10 * DAY), django_capture_on_commit_callbacks)
    assert list(OutboxMessage.objects.filter(kind=PREPARATION).values_list("to", flat=True)) == ["kontakt@vc-a1.example.org"]


def test_a_moved_dialogue_is_reminded_of_again_before_its_new_day(region, clock, django_capture_on_commit_callbacks):
    day = timezone.localdate() + 20 * DAY
    dialogue = _invited(plan(region, day=day))
    _run(clock.set(day - 10 * DAY), django_capture_on_commit_callbacks)
    first = OutboxMessage.objects.filter(kind=PREPARATION).count()
    services.dialogue_update(
        dialogue=dialogue, date=day + 14 * DAY, start_time=dialogue.start_time, place=dialogue.place,
        include_lifestyle_module=False, show_followups=True,
        team=[services.TeamSelection(user_id=region.user("bestallare").pk)], participants=[], user=region.user("bestallare"),
        today=day - 10 * DAY,
    )
    assert _run(clock.set(day - 9 * DAY), django_capture_on_commit_callbacks)[PREPARATION] == 0
    assert _run(clock.set(day + 4 * DAY), django_capture_on_commit_callbacks)[PREPARATION] == 3  # clinic ×2, beställare
    assert OutboxMessage.objects.filter(kind=PREPARATION).count() == first + 3


def test_the_team_is_reminded_when_the_feedback_is_due_until_it_is_shared(region, clock, django_capture_on_commit_callbacks):
    held_on = timezone.localdate() - 3 * DAY
    dialogue = dialogue_on(region, region.clinic_a1, held_on, status=DialogueStatus.GENOMFORD)
    assert _run(clock.set(held_on + 13 * DAY), django_capture_on_commit_callbacks)[FEEDBACK_DUE] == 0
    assert _run(clock.set(held_on + 14 * DAY), django_capture_on_commit_callbacks)[FEEDBACK_DUE] == 2
    assert _run(clock.set(held_on + 15 * DAY), django_capture_on_commit_callbacks)[FEEDBACK_DUE] == 0
    assert set(OutboxMessage.objects.filter(kind=FEEDBACK_DUE).values_list("to", flat=True)) == {
        "bestallare@example.org", "utveckling@example.org"
    }
    shared = dialogue_on(region, region.clinic_a2, held_on, status=DialogueStatus.GENOMFORD)
    services.dialogue_transition(dialogue=shared, to_status=DialogueStatus.ATERKOPPLING_DELAD, user=region.user("bestallare"))
    assert _run(clock.set(held_on + 14 * DAY), django_capture_on_commit_callbacks)[FEEDBACK_DUE] == 0
    assert dialogue.pk  # the first one's reminders were its own


def test_the_clinic_is_reminded_of_the_follow_up_meeting(region, clock, smtp_sink, django_capture_on_commit_callbacks):
    dialogue = dialogue_on(region, region.clinic_a1, timezone.localdate() - 30 * DAY, status=DialogueStatus.GENOMFORD)
    meeting_day = timezone.localdate() + 10 * DAY
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_up_book(dialogue=dialogue, user=region.user("bestallare"), date=meeting_day, start_time=datetime.time(13, 0),
                                duration_minutes=60, video_link="https://video.example/m/1", focus_area="Kontinuitet")
    smtp_sink.received.clear()
    assert _run(clock.set(meeting_day - 4 * DAY), django_capture_on_commit_callbacks)[FOLLOW_UP] == 0
    assert _run(clock.set(meeting_day - 3 * DAY), django_capture_on_commit_callbacks)[FOLLOW_UP] == 2
    assert _run(clock.set(meeting_day - 1 * DAY), django_capture_on_commit_callbacks)[FOLLOW_UP] == 0
    received = smtp_sink.to("kontakt@vc-a1.example.org")[0]
    assert "https://video.example/m/1" in received.text() and "13:00" in received.text()


def test_the_command_run_twice_under_a_frozen_clock_sends_each_reminder_once(region, clock, smtp_sink, django_capture_on_commit_callbacks):
    day = timezone.localdate() + 20 * DAY
    _invited(plan(region, day=day))
    clock.set(day - 8 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    assert sorted(item.rcpt_tos[0] for item in smtp_sink.received) == [
        "bestallare@example.org", "kontakt@vc-a1.example.org", "staff_a1@example.org", "utveckling@example.org"
    ]


def test_a_clinic_not_yet_invited_hears_of_its_preparation_in_the_letter_not_in_a_reminder(
    region, clock, django_capture_on_commit_callbacks
):
    day = timezone.localdate() + 20 * DAY
    dialogue = plan(region, day=day)
    assert _run(clock.set(day - 10 * DAY), django_capture_on_commit_callbacks)[PREPARATION] == 2
    assert set(OutboxMessage.objects.filter(kind=PREPARATION).values_list("to", flat=True)) == {
        "bestallare@example.org", "utveckling@example.org"}  # the team's parties are reminded all the same
    _invited(dialogue)
    assert _run(clock.set(day - 9 * DAY), django_capture_on_commit_callbacks)[PREPARATION] == 2  # staff and address


def test_cancelled_and_held_dialogues_get_no_preparation_reminder(region, clock, django_capture_on_commit_callbacks):
    day = timezone.localdate() + 20 * DAY
    services.dialogue_cancel(dialogue=plan(region, day=day), user=region.user("bestallare"), reason="Sjukdom")
    assert _run(clock.set(day - 5 * DAY), django_capture_on_commit_callbacks)[PREPARATION] == 0


def test_each_person_chooses_the_programmes_reminders_on_their_settings_page(world, client_for):
    person = client_for("utveckling")
    page = person.get("/konto/e-post/").content.decode()
    for label in ("Påminnelse om förberedelser inför en dialog", "Påminnelse när återkopplingen ska vara klar",
                  "Påminnelse när en överenskommelse ska vara klar"):
        assert label in page
    assert "Påminnelse före uppföljningsmötet" not in page  # the clinic's reminder
    assert "Påminnelse före uppföljningsmötet" in client_for("staff_a1").get("/konto/e-post/").content.decode()
    person.post("/konto/e-post/", {"language": "sv", "wanted": [FEEDBACK_DUE, AGREEMENT_DUE]})
    muted = NotificationSettings.objects.get(user=world.user("utveckling")).muted_kinds
    assert PREPARATION in muted and FEEDBACK_DUE not in muted and AGREEMENT_DUE not in muted


def test_the_owner_of_an_agreement_that_is_not_done_is_reminded_a_week_before_its_date(
    region, clock, smtp_sink, django_capture_on_commit_callbacks
):
    due = timezone.localdate() + 10 * DAY
    dialogue = last_year(region)  # its documentation is shared with the clinic
    clinics = agreement(region, dialogue, "Fast läkarkontakt för multisjuka äldre", due_date=due)
    agreement(region, dialogue, "Ny rapportmall för listningsdata", owner=Party.BESTALLARE, due_date=due)
    done = agreement(region, dialogue, "Telefontider på förmiddagen", due_date=due)
    agreement_services.agreement_status_set(agreement=done, user=region.user("bestallare"), status=AgreementStatus.KLAR)
    smtp_sink.received.clear()

    assert _run(clock.set(due - 8 * DAY), django_capture_on_commit_callbacks)[AGREEMENT_DUE] == 0
    assert _run(clock.set(due - 7 * DAY), django_capture_on_commit_callbacks)[AGREEMENT_DUE] == 3
    assert _run(clock.set(due - 6 * DAY), django_capture_on_commit_callbacks)[AGREEMENT_DUE] == 0
    assert sorted(item.rcpt_tos[0] for item in smtp_sink.received) == [
        "bestallare@example.org", "kontakt@vc-a1.example.org", "staff_a1@example.org"
    ]
    [to_clinic] = smtp_sink.to("staff_a1@example.org")
    assert clinics.text in to_clinic.text() and "Telefontider" not in to_clinic.text()
    assert f"/overenskommelser/{clinics.pk}/" in to_clinic.text()
    # A new date is news again; a date that has passed is not reminded of (the to-do list shows it as late).
    agreement_services.agreement_update(
        agreement=clinics, user=region.user("bestallare"), base_revision=clinics.revision,
        text=clinics.text, area=clinics.area, owner=clinics.owner, due_date=due + 14 * DAY,
    )
    assert _run(clock.set(due + 7 * DAY), django_capture_on_commit_callbacks)[AGREEMENT_DUE] == 2
    assert _run(clock.set(due + 15 * DAY), django_capture_on_commit_callbacks)[AGREEMENT_DUE] == 0


def test_the_clinic_is_not_reminded_of_an_agreement_it_cannot_open_yet(region, clock, django_capture_on_commit_callbacks):
    due = timezone.localdate() + 10 * DAY
    agreement(region, last_year(region, shared=False), due_date=due)
    assert _run(clock.set(due - 3 * DAY), django_capture_on_commit_callbacks)[AGREEMENT_DUE] == 0
