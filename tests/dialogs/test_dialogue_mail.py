"""E-mail about a dialogue, received by a real SMTP server: the letter to the clinic with its PDF, the calendar
invitation and the preparation link; sent once however often send is pressed; a clinic without an address is
told before anyone presses; a moved or cancelled dialogue goes out by itself with an updated invitation; a
refusing mail server is shown to the team on the dialogue."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from dialogs.models.dialogue import Dialogue
from dialogs.services import dialogue as services
from dialogs.services import mail
from notifications.models import MessageStatus, OutboxMessage
from organisations.models import Clinic
from tests.dialogs.dialogue_factories import plan, team_of_a

pytestmark = pytest.mark.django_db(transaction=True)


def _participants():
    return [
        services.ParticipantData("Vera Verksamhetschef", "verksamhetschef", email="vera@vc-a1.example.org"),
        services.ParticipantData("Magnus Mal", "medicinskt_ansvarig_lakare"),  # no address: gets nothing
    ]


@pytest.fixture
def dialogue(world):
    Clinic.objects.filter(pk=world.clinic_a1.pk).update(contact_email="kontakt@vc-a1.example.org")
    return plan(world, participants=_participants(), day=timezone.localdate() + datetime.timedelta(days=30))


def _calendar(received) -> icalendar.Event:
    [(content_type, data)] = [value for name, value in received.attachments().items() if name.endswith(".ics")]
    assert content_type == "text/calendar"
    return icalendar.Calendar.from_ical(data).walk("VEVENT")[0]


def test_the_letter_reaches_the_clinic_with_pdf_calendar_and_preparation_link(dialogue, client_for, smtp_sink):
    team = client_for("bestallare")
    page = team.get(reverse("dialogs:dialogue_letter", args=[dialogue.pk])).content.decode()
    assert "kontakt@vc-a1.example.org" in page and "vera@vc-a1.example.org" in page

    response = team.post(reverse("dialogs:dialogue_letter_send", args=[dialogue.pk]))
    assert response.status_code == 302
    assert sorted(item.rcpt_tos[0] for item in smtp_sink.received) == ["kontakt@vc-a1.example.org", "vera@vc-a1.example.org"]
    received = smtp_sink.to("vera@vc-a1.example.org")[0]
    assert received.subject.startswith("Välkommen till uppföljningsdialog på Vårdcentral A1")
    preparation = f"/dialoger/{dialogue.pk}/forberedelser/vardcentral/"
    assert preparation in received.text() and preparation in received.html()
    assert "Dagens program" in received.text()
    attachments = received.attachments()
    pdf_name = f"forord-uppfoljningsdialog-{dialogue.date:%Y-%m-%d}.pdf"
    assert attachments[pdf_name][0] == "application/pdf" and attachments[pdf_name][1].startswith(b"%PDF")
    event = _calendar(received)
    assert str(event["UID"]).startswith(f"dialogue-{dialogue.pk}@")
    assert event["DTSTART"].dt.date() == dialogue.date

    # Pressed again: nothing goes twice. The team sees when it went and to whom.
    again = team.post(reverse("dialogs:dialogue_letter_send", args=[dialogue.pk]), follow=True).content.decode()
    assert len(smtp_sink.received) == 2
    assert "Till kontakt@vc-a1.example.org, vera@vc-a1.example.org har förordet redan gått; det skickas inte igen" in again
    page = team.get(reverse("dialogs:dialogue_letter", args=[dialogue.pk])).content.decode()
    assert 'data-testid="letter-sent"' in page and page.count("skickat</span>") == 2


def test_a_participant_added_later_gets_the_letter_when_it_is_sent_again(dialogue, world, smtp_sink):
    mail.dialogue_letter_send(dialogue=dialogue, user=world.user("bestallare"))
    services.dialogue_update(
        dialogue=dialogue, date=dialogue.date, start_time=dialogue.start_time, place=dialogue.place,
        include_lifestyle_module=False, show_followups=True, team=team_of_a(world),
        participants=[*_participants(), services.ParticipantData("Elin", "enhetschef", email="elin@vc-a1.example.org")],
        user=world.user("bestallare"),
    )
    smtp_sink.received.clear()
    mail.dialogue_letter_send(dialogue=dialogue, user=world.user("bestallare"))
    assert [item.rcpt_tos for item in smtp_sink.received] == [["elin@vc-a1.example.org"]]


def test_a_clinic_without_any_address_is_told_before_anyone_presses_send(world, client_for, smtp_sink):
    dialogue = plan(world)
    team = client_for("bestallare")
    page = team.get(reverse("dialogs:dialogue_letter", args=[dialogue.pk])).content.decode()
    assert "Vårdcentralen har ingen e-postadress" in page
    assert reverse("dialogs:dialogue_letter_send", args=[dialogue.pk]) not in page
    response = team.post(reverse("dialogs:dialogue_letter_send", args=[dialogue.pk]), follow=True)
    assert "Vårdcentralen har ingen e-postadress" in response.content.decode()
    assert OutboxMessage.objects.count() == 0 and smtp_sink.received == []


def test_only_the_team_sends_the_letter(dialogue, client_for):
    assert client_for("staff_a1").post(reverse("dialogs:dialogue_letter_send", args=[dialogue.pk])).status_code == 403
    assert client_for("outsider").post(reverse("dialogs:dialogue_letter_send", args=[dialogue.pk])).status_code == 404
    assert "Skicka förordet" not in client_for("staff_a1").get(reverse("dialogs:dialogue_letter", args=[dialogue.pk])).content.decode()
    assert OutboxMessage.objects.count() == 0


def test_a_moved_dialogue_tells_the_team_and_the_invited_clinic_with_an_updated_invitation(dialogue, world, smtp_sink):
    mail.dialogue_letter_send(dialogue=dialogue, user=world.user("bestallare"))
    first = _calendar(smtp_sink.to("vera@vc-a1.example.org")[0])
    smtp_sink.received.clear()
    new_day = dialogue.date + datetime.timedelta(days=7)
    services.dialogue_update(
        dialogue=dialogue, date=new_day, start_time=datetime.time(9, 0), place="Aulan", include_lifestyle_module=False,
        show_followups=True, team=team_of_a(world), participants=_participants(), user=world.user("bestallare"),
    )
    recipients = sorted(item.rcpt_tos[0] for item in smtp_sink.received)
    assert recipients == ["bestallare@example.org", "kontakt@vc-a1.example.org", "utveckling@example.org", "vera@vc-a1.example.org"]
    notice = smtp_sink.to("vera@vc-a1.example.org")[0]
    assert notice.subject.startswith("Ny tid eller plats")
    assert "Aulan" in notice.text()
    moved = _calendar(notice)
    assert moved["UID"] == first["UID"] and int(moved["SEQUENCE"]) == int(first["SEQUENCE"]) + 1
    assert moved["DTSTART"].dt.date() == new_day and str(moved["LOCATION"]) == "Aulan"

    # Saving the plan again without moving it sends nothing.
    smtp_sink.received.clear()
    services.dialogue_update(
        dialogue=Dialogue.objects.get(pk=dialogue.pk), date=new_day, start_time=datetime.time(9, 0), place="Aulan",
        include_lifestyle_module=True, show_followups=True, team=team_of_a(world), participants=_participants(),
        user=world.user("bestallare"),
    )
    assert smtp_sink.received == []


def test_before_the_letter_only_the_team_hears_of_a_move(dialogue, world, smtp_sink):
    services.dialogue_update(
        dialogue=dialogue, date=dialogue.date + datetime.timedelta(days=1), start_time=dialogue.start_time,
        place=dialogue.place, include_lifestyle_module=False, show_followups=True, team=team_of_a(world),
        participants=_participants(), user=world.user("bestallare"),
    )
    assert sorted(item.rcpt_tos[0] for item in smtp_sink.received) == ["bestallare@example.org", "utveckling@example.org"]


def test_a_cancellation_goes_out_with_the_reason_and_a_cancelling_invitation(dialogue, world, smtp_sink):
    mail.dialogue_letter_send(dialogue=dialogue, user=world.user("bestallare"))
    smtp_sink.received.clear()
    services.dialogue_cancel(dialogue=dialogue, user=world.user("bestallare"), reason="Verksamhetschefen är sjuk.")
    notice = smtp_sink.to("kontakt@vc-a1.example.org")[0]
    assert notice.subject.startswith("Inställd: uppföljningsdialog med Vårdcentral A1")
    assert "Verksamhetschefen är sjuk." in notice.text()
    event = _calendar(notice)
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    assert len(smtp_sink.received) == 4  # two team members, the contact address and Vera

    smtp_sink.received.clear()
    services.dialogue_transition(dialogue=dialogue, to_status="planerad", user=world.user("bestallare"))
    again = smtp_sink.to("vera@vc-a1.example.org")[0]
    assert "planerad igen" in again.text()
    assert str(_calendar(again)["STATUS"]) == "CONFIRMED" and int(_calendar(again)["SEQUENCE"]) == 2


def test_a_refused_message_is_shown_to_the_team_on_the_dialogue(dialogue, world, client_for, smtp_sink):
    smtp_sink.refuse = "550 5.1.1 Okänd mottagare"
    mail.dialogue_letter_send(dialogue=dialogue, user=world.user("bestallare"))
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.GAVE_UP}
    page = client_for("bestallare").get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])).content.decode()
    assert "E-post om dialogen" in page and "kunde inte skickas" in page and "550 5.1.1 Okänd mottagare" in page
    clinic_page = client_for("staff_a1").get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])).content.decode()
    assert "E-post om dialogen" not in clinic_page


def test_the_dialogue_page_reads_its_mail_in_one_query(dialogue, world, client_for, django_assert_max_num_queries):
    mail.dialogue_letter_send(dialogue=dialogue, user=world.user("bestallare"))
    team = client_for("bestallare")
    url = reverse("dialogs:dialogue_detail", args=[dialogue.pk])
    team.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        team.get(url)
    for _number in range(5):
        services.dialogue_update(
            dialogue=Dialogue.objects.get(pk=dialogue.pk), date=dialogue.date + datetime.timedelta(days=_number + 1),
            start_time=dialogue.start_time, place=dialogue.place, include_lifestyle_module=False, show_followups=True,
            team=team_of_a(world), participants=_participants(), user=world.user("bestallare"),
        )
    with django_assert_max_num_queries(len(before)):
        team.get(url)


def test_a_booked_follow_up_meeting_invites_and_a_rebooked_one_goes_out_with_a_higher_sequence(world, smtp_sink):
    from tests.dialogs.dialogue_factories import held

    Clinic.objects.filter(pk=world.clinic_a1.pk).update(contact_email="kontakt@vc-a1.example.org")
    dialogue = held(world)
    booking = {"user": world.user("bestallare"), "start_time": datetime.time(13, 0), "duration_minutes": 60,
               "video_link": "https://video.example/m/1", "focus_area": ""}
    first_day = timezone.localdate() + datetime.timedelta(days=60)
    everyone = ["bestallare@example.org", "kontakt@vc-a1.example.org", "staff_a1@example.org", "utveckling@example.org"]
    services.follow_up_book(dialogue=dialogue, date=first_day, **booking)
    assert sorted(item.rcpt_tos[0] for item in smtp_sink.received) == everyone  # the first booking invites
    invitation = smtp_sink.to("kontakt@vc-a1.example.org")[0]
    assert invitation.subject.startswith("Uppföljningsmöte med Vårdcentral A1") and "https://video.example/m/1" in invitation.text()
    [(_name, (_type, data))] = invitation.attachments().items()
    assert int(icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["SEQUENCE"]) == 0
    assert f"/dialoger/{dialogue.pk}/" in invitation.text()  # the page the clinic's staff can open
    smtp_sink.received.clear()
    services.follow_up_book(dialogue=dialogue, date=first_day, **{**booking, "focus_area": "Kontinuitet"})
    assert smtp_sink.received == []  # the focus changed, not the time
    services.follow_up_book(dialogue=dialogue, date=first_day + datetime.timedelta(days=7), **booking)
    assert sorted(item.rcpt_tos[0] for item in smtp_sink.received) == everyone
    notice = smtp_sink.to("staff_a1@example.org")[0]
    assert notice.subject.startswith("Ny tid för uppföljningsmötet med Vårdcentral A1")
    [(name, (_type, data))] = notice.attachments().items()
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["UID"]).startswith(f"dialogue-{dialogue.pk}-follow-up@") and int(event["SEQUENCE"]) == 1
    assert event["DTSTART"].dt.date() == first_day + datetime.timedelta(days=7)
