"""Whoever is made the owner of a fördjupad uppföljning by someone else is told by e-mail, once per change and
after the commit: the clinic, the category and a link, never the reason or the notes (e-mail leaves the region's
control). Taking a case oneself sends nothing; a person who turned the notice off gets none."""

import pytest

from dialogs.services import cases as services
from notifications.models import NotificationSettings, OutboxMessage
from tests.continuity.factories import last_year

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Återkommande uppgifter om brister i läkemedelshanteringen."


def _open(world, *, by="bestallare", owner=None):
    return services.case_open(
        dialogue=last_year(world), user=world.user(by), category="patientsakerhet", reason=REASON,
        owner=world.user(owner) if owner else None,
    )


def test_a_case_opened_in_someone_elses_name_tells_them_without_the_reason(world, smtp_sink):
    opened = _open(world, owner="utveckling")
    [mail] = smtp_sink.received
    assert mail.rcpt_tos == ["utveckling@example.org"]
    assert "Vårdcentral A1" in mail.subject
    body = mail.text()
    assert "risk för patientsäkerheten" in body and f"/fordjupad-uppfoljning/{opened.pk}/" in body
    assert "läkemedelshanteringen" not in body and "läkemedelshanteringen" not in mail.message.as_string()


def test_taking_a_case_oneself_sends_nothing_and_a_hand_over_sends_once(world):
    opened = _open(world)
    assert not OutboxMessage.objects.filter(kind=services.CASE_OWNER).exists()
    for _press in range(3):
        services.case_owner_set(case=opened, user=world.user("bestallare"), owner=world.user("utveckling"))
    assert list(OutboxMessage.objects.filter(kind=services.CASE_OWNER).values_list("to", flat=True)) == [
        "utveckling@example.org"
    ]
    services.case_owner_set(case=opened, user=world.user("utveckling"), owner=world.user("utveckling"))
    services.case_owner_set(case=opened, user=world.user("utveckling"), owner=world.user("bestallare"))
    assert OutboxMessage.objects.filter(kind=services.CASE_OWNER).count() == 2


def test_an_owner_who_turned_the_notice_off_gets_none(world):
    NotificationSettings.objects.create(user=world.user("utveckling"), muted_kinds=[services.CASE_OWNER])
    _open(world, owner="utveckling")
    assert not OutboxMessage.objects.filter(kind=services.CASE_OWNER).exists()


def test_the_notice_is_listed_and_thinned_with_the_dialogue_it_came_from(world):
    opened = _open(world, owner="utveckling")
    [notice] = OutboxMessage.objects.filter(kind=services.CASE_OWNER)
    assert notice.topic == f"dialogue:{opened.dialogue_id}"  # the privacy rules remove a dialogue's mail by topic
