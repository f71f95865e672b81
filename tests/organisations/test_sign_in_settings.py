"""The region's sign-in setting (passwords on or off), and the HSA-id administrators record for a person."""

import pytest
from django.urls import reverse

from organisations import services
from organisations.models import HsaIdentity, Membership, Role

LOGIN = "/konto/logga-in/"
PASSWORD = "correct horse battery"


@pytest.fixture
def provider_configured(settings):
    settings.OIDC_ISSUER = "https://idp.region.example"
    settings.OIDC_RP_CLIENT_ID = "pu"


def _provider_client(world, persona):
    """A client signed in as the persona through the identity provider (not with a password)."""
    from django.test import Client

    client = Client()
    client.force_login(world.user(persona), backend="organisations.oidc.ProviderBackend")
    return client


def _password_sign_in(client, username):
    return client.post(LOGIN, {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")


def test_a_person_whose_only_region_has_passwords_off_is_pointed_to_the_provider(client, world, provider_configured):
    world.region_a.password_sign_in = False
    world.region_a.save()
    response = _password_sign_in(client, "admin")
    assert response.status_code == 200
    assert "Logga in med knappen ”Logga in via regionens inloggningstjänst” ovan." in response.content.decode()
    assert client.get(reverse("home")).status_code == 302  # not signed in
    # The same password of a person in a region that keeps passwords still works.
    assert _password_sign_in(client, "outsider").status_code == 302


def test_one_region_with_passwords_is_enough(client, world, provider_configured):
    world.region_a.password_sign_in = False
    world.region_a.save()
    Membership.objects.create(user=world.user("admin"), region=world.region_b, role=Role.ADMIN)
    assert _password_sign_in(client, "admin").status_code == 302


def test_a_wrong_password_still_gets_the_one_message_that_reveals_nothing(client, world, provider_configured):
    world.region_a.password_sign_in = False
    world.region_a.save()
    response = client.post(LOGIN, {"username": "admin", "password": "wrong"})
    assert "Fel användarnamn eller lösenord" in response.content.decode()


def test_the_login_page_offers_the_provider_only_when_one_is_configured(client, settings, world):
    assert "Logga in via" not in client.get(LOGIN).content.decode()
    settings.OIDC_ISSUER, settings.OIDC_RP_CLIENT_ID, settings.OIDC_PROVIDER_NAME = "https://idp.x", "pu", "SITHS"
    page = client.get(LOGIN + "?next=/vardcentraler/").content.decode()
    assert "Logga in via SITHS" in page
    assert 'action="/konto/oidc/start/?next=/vardcentraler/"' in page


def test_an_administrator_switches_passwords_off_when_a_provider_is_configured(world, provider_configured):
    client = _provider_client(world, "admin")
    response = client.post(reverse("organisations:region_sign_in"), {})  # the unticked box
    assert response.status_code == 302
    world.region_a.refresh_from_db()
    assert world.region_a.password_sign_in is False
    client.post(reverse("organisations:region_sign_in"), {"password_sign_in": "on"})
    world.region_a.refresh_from_db()
    assert world.region_a.password_sign_in is True


def test_passwords_cannot_be_switched_off_without_a_provider(client_for, world):
    response = client_for("admin").post(reverse("organisations:region_sign_in"), {})
    assert response.status_code == 200
    assert "Lösenorden kan inte stängas av" in response.content.decode()
    world.region_a.refresh_from_db()
    assert world.region_a.password_sign_in is True


def _member_form(world, persona, **changes):
    membership = world.user(persona).memberships.get()
    data = {"role": membership.role, "party": membership.party, "clinic": membership.clinic_id or "", "title": ""}
    return reverse("organisations:member_update", args=[membership.pk]), {**data, **changes}


def test_an_administrator_records_a_persons_hsa_id_in_the_member_form(client_for, world):
    url, data = _member_form(world, "bestallare", hsa_id=" se2321000016-b001 ")
    assert client_for("admin").post(url, data).status_code == 302
    assert HsaIdentity.objects.get(user=world.user("bestallare")).hsa_id == "SE2321000016-B001"
    assert "SE2321000016-B001" in client_for("admin").get(url).content.decode()
    # Emptying the field removes it.
    client_for("admin").post(url, {**data, "hsa_id": ""})
    assert not HsaIdentity.objects.filter(user=world.user("bestallare")).exists()


@pytest.mark.parametrize("junk", ["SE 2321", "<script>", "a" * 80, "SE2321000016-\x00"])
def test_a_malformed_hsa_id_is_refused_with_a_message(client_for, world, junk):
    url, data = _member_form(world, "bestallare", hsa_id=junk)
    response = client_for("admin").post(url, data)
    assert response.status_code == 200
    assert "HSA-id" in response.content.decode()
    assert not HsaIdentity.objects.exists()


def test_two_people_never_share_an_hsa_id(client_for, world):
    HsaIdentity.objects.create(user=world.user("utveckling"), hsa_id="SE2321000016-B001")
    url, data = _member_form(world, "bestallare", hsa_id="SE2321000016-B001")
    response = client_for("admin").post(url, data)
    assert "hör redan till en annan person" in response.content.decode()
    assert not HsaIdentity.objects.filter(user=world.user("bestallare")).exists()


def test_the_hsa_id_of_a_person_with_roles_elsewhere_is_not_the_administrators_to_change(client_for, world):
    """The HSA-id decides who signs in as the person in all their regions; region A's administrator must not be
    able to hand region B's access to someone else."""
    Membership.objects.create(user=world.user("outsider"), region=world.region_a, role=Role.UPPFOLJARE, party="bestallare")
    membership = Membership.objects.get(user=world.user("outsider"), region=world.region_a)
    url = reverse("organisations:member_update", args=[membership.pk])
    page = client_for("admin").get(url).content.decode()
    assert "regioner som du inte administrerar" in page
    client_for("admin").post(url, {"role": "uppfoljare", "party": "bestallare", "title": "", "hsa_id": "SE1-EVIL"})
    assert not HsaIdentity.objects.filter(user=world.user("outsider")).exists()
    with pytest.raises(services.MemberError):
        services.person_hsa_id_set(user=world.user("outsider"), hsa_id="SE1-EVIL", changed_by=world.user("admin"))


def test_a_new_member_can_be_added_with_an_hsa_id(client_for, world):
    response = client_for("admin").post(
        reverse("organisations:member_create"),
        {"email": "ny@example.org", "first_name": "Ny", "last_name": "Person", "role": "admin", "party": "",
         "hsa_id": "SE2321000016-N001"},
    )
    assert response.status_code == 302
    assert HsaIdentity.objects.get(hsa_id="SE2321000016-N001").user.email == "ny@example.org"


def test_a_new_member_of_a_region_without_passwords_is_told_to_use_the_provider(client_for, world, provider_configured):
    from notifications.models import OutboxMessage

    world.region_a.password_sign_in = False
    world.region_a.save()
    _provider_client(world, "admin").post(
        reverse("organisations:member_create"),
        {"email": "ny@example.org", "first_name": "Ny", "last_name": "Person", "role": "admin", "party": ""},
    )
    message = OutboxMessage.objects.get(to="ny@example.org")
    assert "Logga in via regionens inloggningstjänst" in message.body_text
    assert "/konto/logga-in/" in message.body_text and "/konto/aterstall/" not in message.body_text


def test_switching_passwords_off_ends_the_sessions_begun_with_a_password(client, client_for, world, provider_configured):
    assert _password_sign_in(client, "bestallare").status_code == 302
    assert client.get(reverse("home")).status_code == 200

    admin = client_for("admin")  # signed in with a password, and told what switching off means for them
    assert "Du är själv inloggad med lösenord" in admin.get(reverse("organisations:region_sign_in")).content.decode()
    assert admin.post(reverse("organisations:region_sign_in"), {}).status_code == 302
    assert admin.get(reverse("organisations:region_sign_in")).status_code == 302  # and signed out themselves

    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    # Switched on again, the person signs in with their password as before.
    world.region_a.password_sign_in = True
    world.region_a.save(update_fields=["password_sign_in"])
    assert _password_sign_in(client, "bestallare").status_code == 302
    assert client.get(reverse("home")).status_code == 200
