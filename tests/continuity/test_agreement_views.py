"""Agreement pages (issue 13): made in the summary (a form, or one click on an answer line), followed on their own
page by the team and the clinic, edited by the team with a 409 that shows both texts, and reviewed at the
follow-up meeting. Clinic staff never get a control that only answers 403."""

import datetime

from django.urls import reverse

from dialogs.models.agreements import AgreementStatus
from dialogs.services import agreements as services
from dialogs.services.dialogue import follow_up_book
from organisations.models import Party
from tests.continuity.factories import agreement, last_year


def _summary(dialogue) -> str:
    return reverse("dialogs:dialogue_summary", args=[dialogue.pk])


def test_the_summary_offers_each_line_of_what_to_work_on(world, client_for):
    dialogue = last_year(world)
    page = client_for("bestallare").get(_summary(dialogue)).content.decode()
    assert "Gör till överenskommelse" in page
    assert page.count('data-testid="line-to-agreement"') == 2  # the two lines of "Vad ska ni jobba vidare med?"
    question = dialogue.guide_version.questions.get(key="sammanfattning-q02")
    response = client_for("bestallare").post(reverse("dialogs:agreement_from_answer", args=[dialogue.pk, question.pk]), {"line": "1"})
    assert response.status_code == 302 and response["Location"].endswith("#overenskommelser")
    assert dialogue.agreements.get().text == "Telefontider på förmiddagen, även för barnfamiljer"
    page = client_for("bestallare").get(_summary(dialogue)).content.decode()
    assert page.count('data-testid="line-to-agreement"') == 1 and "✓" in page


def test_a_line_that_is_gone_is_a_message_not_an_error(world, client_for):
    dialogue = last_year(world)
    question = dialogue.guide_version.questions.get(key="sammanfattning-q02")
    client = client_for("bestallare")
    for line in ("7", "-1", "abc", "99999999999999999999"):
        response = client.post(reverse("dialogs:agreement_from_answer", args=[dialogue.pk, question.pk]), {"line": line}, follow=True)
        assert response.status_code == 200 and "aden finns inte längre" in response.content.decode()
    assert not dialogue.agreements.exists()


def test_the_button_takes_the_line_the_page_showed_even_after_the_answer_changed(world, client_for):
    dialogue = last_year(world)
    question = dialogue.guide_version.questions.get(key="sammanfattning-q02")
    answer = dialogue.answers.get(question=question)
    shown = services.answer_lines(answer.text)
    answer.text = "Korta telefonköerna\n" + answer.text  # a colleague inserts a first line after the page was read
    answer.save(update_fields=["text"])
    client, url = client_for("bestallare"), reverse("dialogs:agreement_from_answer", args=[dialogue.pk, question.pk])
    page = client.post(url, {"line": "0", "text": shown[0]}, follow=True).content.decode()
    assert "Raden är nu en överenskommelse" in page
    assert list(dialogue.agreements.values_list("text", flat=True)) == [shown[0]]
    page = client.post(url, {"line": "0", "text": shown[0]}, follow=True).content.decode()
    assert "Raden är redan en överenskommelse" in page and dialogue.agreements.count() == 1


def test_a_new_agreement_with_owner_area_and_due_date(world, client_for):
    dialogue = last_year(world)
    due = (dialogue.date + datetime.timedelta(days=120)).isoformat()
    response = client_for("utveckling").post(
        reverse("dialogs:agreement_create", args=[dialogue.pk]),
        {"text": "Utbildning i motiverande samtal", "area": "p1", "owner": Party.UTVECKLING, "due_date": due},
    )
    assert response.status_code == 302
    made = dialogue.agreements.get()
    assert (made.owner, made.area, made.due_date.isoformat()) == (Party.UTVECKLING, "p1", due)


def test_a_refused_agreement_shows_the_form_again_with_the_reason(world, client_for):
    dialogue = last_year(world)
    response = client_for("bestallare").post(
        reverse("dialogs:agreement_create", args=[dialogue.pk]), {"text": "Något", "area": "p1", "owner": "vardcentral", "due_date": "1999-01-01"}
    )
    assert response.status_code == 200 and "före dialogen" in response.content.decode()


def test_a_stale_edit_answers_409_with_both_texts_and_their_merge(world, client_for):
    dialogue = last_year(world)
    made = agreement(world, dialogue)
    services.agreement_update(agreement=made, user=world.user("utveckling"), base_revision=1,
                              text="Fast läkarkontakt för alla över 75", area="p1", owner="vardcentral", due_date=None)
    response = client_for("bestallare").post(
        reverse("dialogs:agreement_update", args=[made.pk]),
        {"text": "Fast läkarkontakt, följs upp varje kvartal", "area": "p1", "owner": "vardcentral", "base_revision": "1"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Fast läkarkontakt för alla över 75" in page and "följs upp varje kvartal" in page
    assert 'name="base_revision" value="2"' in page  # saving the merge goes on from what is saved now
    made.refresh_from_db()
    assert made.text == "Fast läkarkontakt för alla över 75"


def test_clinic_staff_update_status_on_the_agreements_page_but_cannot_edit_it(world, client_for):
    dialogue = last_year(world)
    made = agreement(world, dialogue)
    client = client_for("staff_a1")
    page = client.get(reverse("dialogs:agreement_detail", args=[made.pk])).content.decode()
    assert "Uppdatera status" in page and reverse("dialogs:agreement_update", args=[made.pk]) not in page
    response = client.post(reverse("dialogs:agreement_status", args=[made.pk]), {"status": "pagar", "comment": "Vi har börjat."})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == AgreementStatus.PAGAR
    page = client.get(reverse("dialogs:agreement_detail", args=[made.pk])).content.decode()
    assert "Vi har börjat." in page and "(vårdcentralen)" in page
    assert client.post(reverse("dialogs:agreement_update", args=[made.pk]), {"text": "x"}).status_code == 403
    assert client.post(reverse("dialogs:agreement_delete", args=[made.pk])).status_code == 403


def test_clinic_staff_comment_on_an_agreement_the_region_owns_but_its_owner_moves_its_status(world, client_for):
    made = agreement(world, last_year(world), text="Se över ersättningen för digitala besök", owner=Party.BESTALLARE)
    client, url = client_for("staff_a1"), reverse("dialogs:agreement_status", args=[made.pk])
    page = client.get(reverse("dialogs:agreement_detail", args=[made.pk])).content.decode()
    assert 'data-testid="status-by-owner"' in page and 'name="status" value="planerad"' in page
    assert '<select name="status"' not in page  # no control that could only be refused
    response = client.post(url, {"status": "utgar", "comment": "Inte vår sak"})
    assert response.status_code == 400 and "ansvariga parten (Beställarorganisation)" in response.content.decode()
    made.refresh_from_db()
    assert made.status == AgreementStatus.PLANERAD and made.changes.count() == 1
    assert client.post(url, {"status": "planerad", "comment": "Vi märker redan skillnad."}).status_code == 302
    assert made.changes.latest("created_at").comment == "Vi märker redan skillnad."
    assert client_for("bestallare").post(url, {"status": "pagar"}).status_code == 302  # the team moves it
    made.refresh_from_db()
    assert made.status == AgreementStatus.PAGAR


def test_an_unknown_status_is_refused_and_nothing_recorded(world, client_for):
    made = agreement(world, last_year(world))
    response = client_for("staff_a1").post(reverse("dialogs:agreement_status", args=[made.pk]), {"status": "borttagen"})
    assert response.status_code == 400
    assert made.changes.count() == 1


def test_staff_of_another_clinic_and_other_regions_get_404(world, client_for):
    made = agreement(world, last_year(world))
    for persona in ("staff_a2", "outsider"):
        client = client_for(persona)
        assert client.get(reverse("dialogs:agreement_detail", args=[made.pk])).status_code == 404
        assert client.post(reverse("dialogs:agreement_status", args=[made.pk]), {"status": "klar"}).status_code == 404


def test_the_follow_up_meeting_page_records_every_agreement(world, client_for):
    dialogue = last_year(world)
    first, second = agreement(world, dialogue), agreement(world, dialogue, "Telefontider")
    follow_up_book(dialogue=dialogue, user=world.user("bestallare"), date=dialogue.date + datetime.timedelta(days=60),
                   start_time=datetime.time(13, 0), duration_minutes=45, video_link="", focus_area="")
    url = reverse("dialogs:follow_up_agreements", args=[dialogue.pk])
    client = client_for("bestallare")
    assert "Telefontider" in client.get(url).content.decode()
    response = client.post(url, {f"status_{first.pk}": "klar", f"comment_{first.pk}": "Klart i mars.",
                                 f"status_{second.pk}": "utgar", f"comment_{second.pk}": ""})
    assert response.status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == (AgreementStatus.KLAR, AgreementStatus.UTGAR)
    assert first.changes.filter(follow_up_meeting__isnull=False, comment="Klart i mars.").exists()
