"""A person's register extract (all the service holds about them, as JSON) and the removal of a person who leaves
(memberships ended, account closed, their name shown as "tidigare användare" wherever the service shows who did
something)."""

import json

from django.contrib.auth import get_user_model
from django.urls import reverse

from dialogs.models import AnswerRevision, Case, DialogueStatusChange, TeamMember
from dialogs.models.dialogue import person_name
from notifications.models import OutboxMessage
from notifications.services import message_queue
from organisations.models import HsaIdentity, Membership, Role
from organisations.services import person_hsa_id_set
from privacy.models import PersonRemoval
from tests.dialogs.dialogue_factories import plan
from tests.privacy.factories import SECRET, full_dialogue


def _extract(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    return json.loads(response.content)


def test_a_person_downloads_everything_the_service_holds_about_them(world, client_for):
    full_dialogue(world)
    extract = _extract(client_for("staff_a1").get(reverse("privacy:my_extract")))
    assert extract["konto"]["användarnamn"] == "staff_a1" and extract["konto"]["e-post"] == "staff_a1@example.org"
    assert extract["behörigheter"][0]["vårdcentral"] == "Vårdcentral A1"
    kinds = {record["modell"]: record for record in extract["uppgifter"]}
    comment = kinds["feedback.ClinicComment"]["rader"][0]
    assert comment["text"] == f"{SECRET} kommenterar" and comment["dialog"] in map(int, extract["dialoger"])
    assert extract["dialoger"][str(comment["dialog"])]["vårdcentral"] == "Vårdcentral A1"
    assert "organisations.HistoricalMembership" in kinds


def test_an_administrator_downloads_the_extract_of_a_person_of_their_region(world, client_for):
    full_dialogue(world)
    person = world.user("bestallare")
    extract = _extract(client_for("admin").get(reverse("privacy:person_extract", args=[person.pk])))
    kinds = {record["modell"]: record for record in extract["uppgifter"]}
    assert kinds["dialogs.AnswerRevision"]["antal"] == 1 and extract["konto"]["förnamn"] == "Bo"
    evaluation = kinds["dialogs.Evaluation"]["rader"][0]  # the person's own answers, scores and words alike
    assert evaluation["trust"] == 5 and evaluation["went_well"] == SECRET and evaluation["group"] == "team"
    # The work done in the region's records is listed, not copied.
    assert SECRET not in json.dumps(kinds["dialogs.AnswerRevision"])


def test_the_extract_is_refused_to_an_administrator_of_only_some_of_the_persons_regions(world, client_for):
    person = world.user("bestallare")
    Membership.objects.create(user=person, region=world.region_b, role=Role.UPPFOLJARE, party="bestallare")
    assert client_for("admin").get(reverse("privacy:person_extract", args=[person.pk])).status_code == 403
    page = client_for("admin").get(reverse("privacy:index")).content.decode()
    assert "Har roller i andra regioner" in page
    assert reverse("privacy:person_extract", args=[person.pk]) not in page


def test_removing_a_person_shows_what_will_happen_first(world, client_for):
    dialogue = full_dialogue(world)
    upcoming = plan(world, clinic=world.clinic_a2)
    person = world.user("bestallare")
    page = client_for("admin").get(reverse("privacy:person_remove", args=[person.pk])).content.decode()
    assert "Rollerna avslutas i: Region A." in page and "Vårdcentral A2" in page
    assert person.memberships.exists() and person.is_active and dialogue.pk and upcoming.pk


def test_a_removed_person_is_tidigare_anvandare_everywhere_and_can_no_longer_sign_in(world, client_for, settings):
    dialogue = full_dialogue(world)
    upcoming = plan(world, clinic=world.clinic_a2)
    person = world.user("bestallare")
    person_hsa_id_set(user=person, hsa_id="SE2321000016-0001", changed_by=world.user("admin"))
    case = Case.objects.create(clinic=world.clinic_a1, dialogue=dialogue, category="annat", reason="x", owner=person)
    message_queue(kind="dialogs.letter", to=person.email, user=person, template="privacy/email/retention_due",
                  context={"region": world.region_a, "count": 1, "url": "http://x"})
    signed_in = client_for("bestallare")
    response = client_for("admin").post(reverse("privacy:person_remove", args=[person.pk]))
    assert response.status_code == 302

    person = get_user_model().objects.get(pk=person.pk)
    assert not person.is_active and not person.has_usable_password() and person.email == ""
    assert "Bo" not in person.get_full_name() and "bestallare" not in person.username
    assert not Membership.objects.filter(user=person).exists()
    assert Membership.history.filter(user_id=person.pk, history_type="-").exists()  # the record of who had a role
    assert not HsaIdentity.objects.filter(user=person).exists()
    assert not HsaIdentity.history.filter(hsa_id="SE2321000016-0001").exists()
    # Histories keep the row and show the person as "tidigare användare".
    revision = AnswerRevision.objects.get(answer__dialogue=dialogue)
    assert person_name(revision.user) == "tidigare användare"
    change = DialogueStatusChange.objects.filter(dialogue=dialogue, changed_by=person).first()
    assert change.changed_by_name == "tidigare användare"
    # Teams of dialogues not yet held, open cases, e-mail not yet sent.
    assert not TeamMember.objects.filter(dialogue=upcoming, user=person).exists()
    assert TeamMember.objects.filter(dialogue=dialogue, user=person).exists()
    case.refresh_from_db()
    assert case.owner is None
    assert not OutboxMessage.objects.filter(user=person).exclude(status__in=["sent", "gave_up"]).exists()
    assert PersonRemoval.objects.get(user=person).removed_by == world.user("admin")
    # The session that was open ends; signing in no longer works, under the old name or the new one.
    assert signed_in.get(reverse("home")).status_code == 302
    for username in ("bestallare", person.username):
        refused = client_for("anonymous").post(reverse("login"), {"username": username, "password": "correct horse battery"})
        assert refused.status_code == 200 and "_auth_user_id" not in refused.wsgi_request.session


def test_sent_email_keeps_that_it_went_but_not_to_whom_or_what_it_said(world, client_for):
    person = world.user("bestallare")
    message = message_queue(kind="dialogs.letter", to=person.email, user=person, template="privacy/email/retention_due",
                            context={"region": world.region_a, "count": 1, "url": "http://x"}, topic="dialogue:1")
    OutboxMessage.objects.filter(pk=message.pk).update(status="sent")
    client_for("admin").post(reverse("privacy:person_remove", args=[person.pk]))
    message.refresh_from_db()
    assert message.to == "" and "x" not in message.body_text and message.status == "sent"


def test_an_administrator_cannot_remove_themselves_or_a_regions_last_administrator(world, client_for):
    admin = world.user("admin")
    page = client_for("admin").get(reverse("privacy:person_remove", args=[admin.pk])).content.decode()
    assert "Du kan inte ta bort dig själv" in page and "Ta bort personen</button>" not in page
    assert "den enda administratören i Region A" in page
    client_for("admin").post(reverse("privacy:person_remove", args=[admin.pk]))
    admin.refresh_from_db()
    assert admin.is_active and admin.memberships.exists()


def test_the_people_page_takes_the_same_queries_for_few_or_many_people(world, client_for, django_assert_max_num_queries):
    from organisations.models import Party

    client = client_for("admin")
    client.get(reverse("privacy:index"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("privacy:index"))
    for number in range(30):
        user = get_user_model().objects.create_user(username=f"person{number}", email=f"p{number}@example.org")
        Membership.objects.create(user=user, region=world.region_a, role=Role.VARDCENTRAL, party=Party.VARDCENTRAL,
                                  clinic=world.clinic_a1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("privacy:index")).content.decode()
    assert page.count("Registerutdrag för") == 35  # region A's five personas and the thirty, on one page
