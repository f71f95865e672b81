"""The evaluation of each dialogue (issue 14): once per person (a second submit edits), for the team and the clinic's
participants – signed in, or through a personal link e-mailed after the day – and its results only in groups of at
least three, never one answer and never a name."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dialogs.models.dialogue import Dialogue
from dialogs.models.evaluations import CRITERIA_KEYS, Evaluation, EvaluationInvitation, RespondentGroup
from dialogs.services import evaluations as services
from dialogs.services.dialogue import dialogue_cancel
from notifications.models import NotificationSettings, OutboxMessage
from tests.learning.factories import (
    PARTICIPANTS,
    clinic_answers,
    close_round,
    held_with_participants,
    plan,
    scores,
    team_answer,
)

ANSWER = {**{key: "4" for key in CRITERIA_KEYS}, "went_well": "Bra samtal.", "improve": ""}


def _url(dialogue):
    return reverse("dialogs:evaluation", args=[dialogue.pk])


def test_a_team_member_answers_once_and_a_second_submit_edits(world, client_for):
    dialogue = held_with_participants(world)
    client = client_for("bestallare")
    assert client.post(_url(dialogue), ANSWER).status_code == 302
    assert client.post(_url(dialogue), {**ANSWER, "trust": "vet-ej", "went_well": "Ännu bättre."}).status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.group == RespondentGroup.TEAM and evaluation.user == world.user("bestallare")
    assert evaluation.trust is None and evaluation.usability == 4 and evaluation.went_well == "Ännu bättre."
    page = client.get(_url(dialogue)).content.decode()
    assert "Skickar du igen ändras ditt svar" in page and 'value="vet-ej" id="id_trust_5" checked' in page


@pytest.mark.parametrize("change", [{"usability": ""}, {"usability": "7"}, {"usability": "0"}, {"trust": "x"}])
def test_a_missing_or_impossible_score_is_refused_with_a_message(world, client_for, change):
    dialogue = held_with_participants(world)
    response = client_for("bestallare").post(_url(dialogue), {**ANSWER, **change})
    assert response.status_code == 400
    assert "Svaret är inte skickat" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_the_service_refuses_a_score_outside_one_to_five(world):
    dialogue = held_with_participants(world)
    respondent = services.Respondent(RespondentGroup.TEAM, user=world.user("bestallare"))
    for bad in (0, 6, True, "4"):
        with pytest.raises(services.EvaluationInvalid):
            services.evaluation_submit(dialogue=dialogue, respondent=respondent, scores=scores(4, usability=bad))
    assert not Evaluation.objects.exists()


def test_the_form_opens_when_the_dialogue_is_held(world, client_for):
    planned = plan(world, participants=PARTICIPANTS)
    response = client_for("bestallare").get(_url(planned))
    assert response.status_code == 409 and "öppnar när dialogen är genomförd" in response.content.decode()
    assert client_for("bestallare").post(_url(planned), ANSWER).status_code == 409
    dialogue_cancel(dialogue=planned, user=world.user("bestallare"), reason="Sjukdom")
    assert "ställdes in" in client_for("bestallare").get(_url(planned)).content.decode()
    assert not Evaluation.objects.exists()


def test_only_those_who_took_part_answer(world, client_for):
    dialogue = held_with_participants(world)
    refused = client_for("admin").post(_url(dialogue), ANSWER)
    assert refused.status_code == 403  # not on the dialogue's team, and told so
    assert "du var inte med i teamet för den här dialogen" in refused.content.decode()
    assert client_for("staff_a2").post(_url(dialogue), ANSWER).status_code == 404
    assert client_for("national").post(_url(dialogue), ANSWER).status_code == 404
    user = world.user("staff_a1")
    user.email = "someone-else@example.org"
    user.save()
    refused = client_for("staff_a1").get(_url(dialogue))
    assert refused.status_code == 403  # not among the participants: the page names the address it looked for
    assert "ingen av de anmälda deltagarna har din e-postadress (someone-else@example.org)" in refused.content.decode()
    assert "personliga länken i inbjudan" in refused.content.decode()
    assert not Evaluation.objects.exists()


def test_a_participants_link_and_their_account_edit_the_same_answer(world, client_for):
    dialogue = held_with_participants(world)
    with_account = dialogue.clinic_participants.get(email="staff_a1@example.org")
    invitation_token = "t" * 43
    EvaluationInvitation.objects.create(dialogue=dialogue, participant=with_account,
                                        token_digest=services.token_digest(invitation_token), sent_to=with_account.email)
    anonymous = Client()
    link = reverse("dialogs:evaluation_link", args=[invitation_token])
    assert anonymous.post(link, {**ANSWER, "improve": "Via länken"}).status_code == 302
    assert client_for("staff_a1").post(_url(dialogue), {**ANSWER, "improve": "Inloggad"}).status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.participant == with_account and evaluation.user == world.user("staff_a1")
    assert evaluation.group == RespondentGroup.VARDCENTRAL and evaluation.improve == "Inloggad"
    assert Client().get(reverse("dialogs:evaluation_link", args=["u" * 43])).status_code == 404


def test_invitations_go_out_once_after_the_day(world, django_capture_on_commit_callbacks):
    dialogue = held_with_participants(world)
    plan(world, participants=PARTICIPANTS)  # not held: nobody invited
    call_command("send_evaluation_invitations", stdout=open("/dev/null", "w"))
    invitations = EvaluationInvitation.objects.filter(dialogue=dialogue)
    assert sorted(invitations.values_list("sent_to", flat=True)) == [
        "elin@vc-a1.example.org", "maja@vc-a1.example.org", "staff_a1@example.org"]  # the one without an address is not
    messages = OutboxMessage.objects.filter(kind=services.INVITATION)
    assert sorted(messages.values_list("to", flat=True)) == [
        "bestallare@example.org", "elin@vc-a1.example.org", "maja@vc-a1.example.org", "staff_a1@example.org",
        "utveckling@example.org"]
    personal = messages.get(to="maja@vc-a1.example.org")
    link = re.search(r"/dialoger/utvardering/[\w-]+/", personal.body_text).group(0)
    assert Client().get(link).status_code == 200
    assert reverse("dialogs:evaluation", args=[dialogue.pk]) in messages.get(to="bestallare@example.org").body_text
    assert link not in "".join(EvaluationInvitation.objects.values_list("token_digest", flat=True))  # only the digest
    call_command("send_evaluation_invitations", stdout=open("/dev/null", "w"))
    assert OutboxMessage.objects.filter(kind=services.INVITATION).count() == 5


def test_the_invitation_is_optional_for_people_with_an_account(world):
    NotificationSettings.objects.create(user=world.user("bestallare"), muted_kinds=[services.INVITATION])
    held_with_participants(world)
    services.evaluation_invitations_due(today=timezone.localdate())
    addresses = set(OutboxMessage.objects.filter(kind=services.INVITATION).values_list("to", flat=True))
    assert "bestallare@example.org" not in addresses and "utveckling@example.org" in addresses


def test_a_team_member_who_has_already_answered_is_not_asked_to(world):
    dialogue = held_with_participants(world)
    Evaluation.objects.create(dialogue=dialogue, group=RespondentGroup.TEAM, user=world.user("bestallare"), trust=4)
    services.evaluation_invitations_due(today=timezone.localdate())
    addresses = set(OutboxMessage.objects.filter(kind=services.INVITATION).values_list("to", flat=True))
    assert "bestallare@example.org" not in addresses and "utveckling@example.org" in addresses


def test_dialogues_held_long_ago_are_not_invited_by_e_mail(world):
    held_with_participants(world, days_ago=45)
    assert services.evaluation_invitations_due(today=timezone.localdate()) == 0
    assert not OutboxMessage.objects.filter(kind=services.INVITATION).exists()


# --- Results: the small-group rule -------------------------------------------------------------------------------


def _results(client, dialogue) -> str:
    page = client.get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])).content.decode()
    return page[page.index('data-testid="evaluation-results"'):]


@pytest.mark.parametrize("size, shown", [(1, False), (2, False), (3, True)])
def test_clinic_answers_are_shown_only_from_three(world, client_for, size, shown):
    dialogue = held_with_participants(world)
    clinic_answers(dialogue, [5, 4, 2][:size], went_well="Vi kände oss lyssnade på.")
    close_round(dialogue)
    for persona in ("bestallare", "staff_a1"):
        results = _results(client_for(persona), dialogue)
        assert ("Andel 4–5" in results) is shown
        assert ("Vi kände oss lyssnade på." in results) is shown
        assert ("%" in results.split("Svar från vårdcentralen")[1]) is shown  # the team's group comes first
        if not shown:
            assert f"{size} svar: för få för att visas (minst tre behövs)." in results
        for participant in PARTICIPANTS:
            assert participant.name not in results  # never a name
    if shown:
        assert "67 %" in results and "3,7" in results  # 2 of 3 answered 4–5; mean (5 + 4 + 2) / 3


def test_a_criterion_with_fewer_than_three_scores_is_not_shown(world, client_for):
    dialogue = held_with_participants(world)
    clinic_answers(dialogue, [4, 4, 4])
    Evaluation.objects.filter(pk__in=Evaluation.objects.values_list("pk", flat=True)[:1]).update(trust=None)
    close_round(dialogue)
    results = _results(client_for("bestallare"), dialogue)
    row = re.search(r"Främja tillit</th>(.*?)</tr>", results, re.S).group(1)
    assert "för få svar" in row and "%" not in row


def test_the_team_group_follows_the_same_rule(world, client_for):
    dialogue = held_with_participants(world)
    team_answer(world, dialogue, "bestallare")
    team_answer(world, dialogue, "utveckling")
    results = _results(client_for("bestallare"), close_round(dialogue))
    assert "2 svar: för få för att visas" in results and "Andel 4–5" not in results


def test_results_wait_for_the_round_to_close_so_no_answer_shows_in_how_they_move(world, client_for):
    dialogue = held_with_participants(world)
    clinic_answers(dialogue, [5, 5, 5])
    results = _results(client_for("bestallare"), dialogue)
    assert "Svar hittills: 3." in results and "Andel 4–5" not in results and "tar emot svar till och med" in results
    clinic_answers(dialogue, [1])  # a fourth answer while it is open: nothing to compare with
    results = _results(client_for("bestallare"), dialogue)
    assert "Svar hittills: 4." in results and "%" not in results.split("Svar från vårdcentralen")[1]
    close_round(dialogue)
    results = _results(client_for("bestallare"), dialogue)
    assert "75 %" in results and "4,0" in results  # 3 of 4 answered 4–5; mean (5 + 5 + 5 + 1) / 4
    response = client_for("bestallare").post(_url(dialogue), ANSWER)  # closed: no answer changes it any more
    assert response.status_code == 409 and "Utvärderingen stängde" in response.content.decode()
    assert Evaluation.objects.filter(dialogue=dialogue).count() == 4
    assert 'data-testid="evaluate-link"' not in results


def test_the_evaluate_to_do_is_on_the_start_page_until_answered(world, client_for):
    dialogue = held_with_participants(world)
    for persona in ("bestallare", "staff_a1"):
        assert reverse("dialogs:evaluation", args=[dialogue.pk]) in client_for(persona).get(reverse("home")).content.decode()
    assert reverse("dialogs:evaluation", args=[dialogue.pk]) not in client_for("admin").get(reverse("home")).content.decode()
    client_for("bestallare").post(_url(dialogue), ANSWER)
    assert reverse("dialogs:evaluation", args=[dialogue.pk]) not in client_for("bestallare").get(reverse("home")).content.decode()
    Dialogue.objects.filter(pk=dialogue.pk).update(date=timezone.localdate() - timezone.timedelta(days=90))
    assert reverse("dialogs:evaluation", args=[dialogue.pk]) not in client_for("staff_a1").get(reverse("home")).content.decode()
