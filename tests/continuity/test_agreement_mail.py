"""When the clinic's staff update an agreement between dialogues, the team hears of it by e-mail: the team of the
dialogue the agreement came from and of the clinic's next dialogue, once per recorded change, after the commit,
in each person's language, and not at all for someone who turned the notice off. The team's own changes send
nothing (they made them)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dialogs.models.agreements import AgreementStatus
from dialogs.models.dialogue import TeamMember
from dialogs.services import agreements as services
from notifications.models import NotificationSettings, OutboxMessage
from organisations.models import Membership, Party, Role
from tests.continuity.factories import agreement, last_year, next_dialogue

pytestmark = pytest.mark.django_db(transaction=True)

TEAM = ["bestallare@example.org", "utveckling@example.org"]


def _notices():
    return OutboxMessage.objects.filter(kind=services.CLINIC_UPDATE).order_by("to")


def test_a_clinic_update_reaches_the_team_with_the_text_status_and_comment(world, smtp_sink):
    made = agreement(world, last_year(world))
    services.agreement_status_set(
        agreement=made, user=world.user("staff_a1"), status=AgreementStatus.PAGAR, comment="Listningen är klar till hälften."
    )
    assert sorted(mail.rcpt_tos[0] for mail in smtp_sink.received) == TEAM
    mail = smtp_sink.to("bestallare@example.org")[0]
    body = mail.text()
    assert "Vårdcentral A1" in mail.subject
    assert made.text in body and "pågår" in body and "Listningen är klar till hälften." in body
    assert reverse("dialogs:agreement_detail", args=[made.pk]) in body


def test_the_team_of_the_clinics_next_dialogue_hears_of_it_too(world):
    made = agreement(world, last_year(world))
    newcomer = get_user_model().objects.create_user(username="ny", email="ny@example.org", password="x" * 20)
    Membership.objects.create(user=newcomer, region=world.region_a, role=Role.UPPFOLJARE, party=Party.UTVECKLING)
    TeamMember.objects.create(dialogue=next_dialogue(world), user=newcomer, party=Party.UTVECKLING)
    services.agreement_status_set(agreement=made, user=world.user("staff_a1"), status=AgreementStatus.KLAR)
    # bestallare and utveckling are on both teams and get one message each.
    assert [mail.to for mail in _notices()] == ["bestallare@example.org", "ny@example.org", "utveckling@example.org"]


def test_a_repeated_press_sends_one_notice_and_a_new_update_another(world):
    made = agreement(world, last_year(world))
    for _press in range(3):
        services.agreement_status_set(agreement=made, user=world.user("staff_a1"), status=AgreementStatus.PAGAR,
                                      comment="Vi har börjat.")
    assert [mail.to for mail in _notices()] == TEAM
    services.agreement_status_set(agreement=made, user=world.user("staff_a1"), status=AgreementStatus.KLAR)
    assert _notices().count() == 2 * len(TEAM)


def test_the_teams_own_changes_send_nothing(world):
    made = agreement(world, last_year(world))
    services.agreement_status_set(agreement=made, user=world.user("bestallare"), status=AgreementStatus.PAGAR,
                                  comment="Påbörjad enligt vårdcentralen.")
    assert not _notices().exists()


def test_someone_who_turned_the_notice_off_gets_none_and_english_readers_get_english(world):
    NotificationSettings.objects.create(user=world.user("bestallare"), muted_kinds=[services.CLINIC_UPDATE])
    NotificationSettings.objects.create(user=world.user("utveckling"), language="en")
    made = agreement(world, last_year(world))
    services.agreement_status_set(agreement=made, user=world.user("staff_a1"), status=AgreementStatus.UTGAR)
    [notice] = _notices()
    assert notice.to == "utveckling@example.org"
    assert "Agreement updated by Vårdcentral A1" in notice.subject and "Status: dropped" in notice.body_text
