"""The e-mail settings page offers each person the notices they can receive: the team's notices to follow-up staff
and administrators, the clinics' to clinic staff, both to someone who is both (or neither: nothing is hidden from
a person whose role nobody can tell). A notice a person is not offered keeps whatever they chose before."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from notifications import kinds
from notifications.models import NotificationSettings
from organisations.models import Membership, Party, Role

TEAM_ONLY = ["När vårdcentralen kommenterar återkopplingen", "När jag blir ansvarig för en fördjupad uppföljning",
             "När vårdcentralen uppdaterar en överenskommelse", "Påminnelse när återkopplingen ska vara klar"]
CLINIC_ONLY = ["När teamet delar återkopplingen med min vårdcentral", "Påminnelse före uppföljningsmötet"]
BOTH = ["Påminnelse om förberedelser inför en dialog", "Påminnelse när en överenskommelse ska vara klar",
        "Inbjudan att utvärdera en uppföljningsdialog"]


def _offered(client) -> str:
    return client.get(reverse("notifications:settings")).content.decode()


@pytest.mark.parametrize(("persona", "shown", "hidden"), [
    ("bestallare", TEAM_ONLY + BOTH, CLINIC_ONLY),
    ("admin", TEAM_ONLY + BOTH, CLINIC_ONLY),
    ("staff_a1", CLINIC_ONLY + BOTH, TEAM_ONLY),
    ("national", TEAM_ONLY + CLINIC_ONLY + BOTH, []),
])
def test_each_person_is_offered_the_notices_they_can_receive(world, client_for, persona, shown, hidden):
    page = _offered(client_for(persona))
    assert [label for label in shown if label not in page] == []
    assert [label for label in hidden if label in page] == []


def test_someone_in_both_roles_is_offered_both(world, client_for):
    Membership.objects.create(user=world.user("bestallare"), region=world.region_a, clinic=world.clinic_a1,
                              role=Role.VARDCENTRAL, party=Party.VARDCENTRAL)
    page = _offered(client_for("bestallare"))
    assert all(label in page for label in TEAM_ONLY + CLINIC_ONLY + BOTH)


def test_saving_keeps_the_choices_a_person_is_not_offered(world, client_for):
    NotificationSettings.objects.create(user=world.user("staff_a1"), muted_kinds=["feedback.comment"])
    response = client_for("staff_a1").post(
        reverse("notifications:settings"), {"language": "sv", "wanted": ["programme.preparation_reminder"]}
    )
    assert response.status_code == 302
    muted = set(NotificationSettings.objects.get(user=world.user("staff_a1")).muted_kinds)
    assert "feedback.comment" in muted  # not offered to clinic staff: kept as it was
    assert {"feedback.shared", "programme.follow_up_reminder"} <= muted  # offered and left unticked
    assert "programme.preparation_reminder" not in muted
    assert "dialogs.case_owner" not in muted  # never offered, never chosen


class _Options(HTMLParser):
    """Each checkbox's label and the text of the element its aria-describedby names."""

    def __init__(self):
        super().__init__()
        self.described_by: dict[str, str] = {}  # checkbox value -> id of its description
        self.texts: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") == "wanted" and attrs.get("aria-describedby"):
            self.described_by[attrs["value"]] = attrs["aria-describedby"]
        if attrs.get("id"):
            self._open = attrs["id"]
            self.texts[self._open] = ""

    def handle_data(self, data):
        if self._open:
            self.texts[self._open] += data

    def handle_endtag(self, tag):
        self._open = None


@pytest.mark.parametrize("persona", ["bestallare", "staff_a1"])
def test_each_offered_notice_says_when_it_comes(world, client_for, persona):
    parser = _Options()
    parser.feed(_offered(client_for(persona)))
    offered = kinds.optional_kinds(world.user(persona))
    assert offered
    for kind in offered:
        assert kind.help_text, kind.key
        described = parser.texts.get(parser.described_by.get(kind.key, ""), "").strip()
        assert described == str(kind.help_text), kind.key  # read out with the checkbox, not only seen near it
