"""Once is once (issue 10 §4) for administration: the same person added, the same clinic created, the same clinic
list or guide file imported five times at once (a double click, a retry) makes each thing once and never answers
500. Real threads: simultaneous on PostgreSQL (the region's row lock orders them), serialised on SQLite."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dialogs.models import Guide, GuideVersion
from notifications.models import OutboxMessage
from organisations.models import Clinic, Membership
from tests.concurrency import at_once
from tests.dialogs.factories import SMALL_GUIDE, as_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def _admin(world) -> Client:
    client = Client()
    client.force_login(world.user("admin"))
    return client


def _statuses(responses) -> list[int]:
    assert not [response for response in responses if isinstance(response, Exception)], responses
    return sorted(response.status_code for response in responses)


def test_the_same_new_member_added_five_times_at_once_is_one_account_one_role_one_invitation(world):
    data = {"email": "ny.person@example.org", "first_name": "Nina", "last_name": "Ny", "role": "admin"}
    responses = at_once(5, lambda _index: _admin(world).post(reverse("organisations:member_create"), data))
    assert _statuses(responses) == [200, 200, 200, 200, 302]
    assert all("har redan den rollen" in response.content.decode() for response in responses if response.status_code == 200)
    user = get_user_model().objects.get(email="ny.person@example.org")
    assert Membership.objects.filter(user=user).count() == 1
    assert OutboxMessage.objects.filter(kind="organisations.invitation", to="ny.person@example.org").count() == 1


def test_the_same_clinic_created_five_times_at_once_is_one_clinic(world):
    data = {"name": "Nya vårdcentralen", "hsa_id": "SE-NY-1", "regiform": "offentlig", "active": "on"}
    responses = at_once(5, lambda _index: _admin(world).post(reverse("organisations:clinic_create"), data))
    assert _statuses(responses) == [200, 200, 200, 200, 302]
    assert Clinic.objects.filter(hsa_id="SE-NY-1").count() == 1
    assert all("SE-NY-1" in response.content.decode() for response in responses if response.status_code == 200)


def test_the_same_clinic_list_imported_five_times_at_once_makes_each_clinic_once(world):
    content = (
        "namn;hsa-id;region;regiform;listade patienter;cni;acg;gatuadress;postnummer;ort\r\n"
        "Östra vårdcentralen;SE-IMP-1;;offentlig;8000;;;;;\r\nVästra vårdcentralen;SE-IMP-2;;privat;;;;;;\r\n"
    ).encode()

    def upload(_index):
        return _admin(world).post(
            reverse("organisations:clinic_import"), {"file": SimpleUploadedFile("lista.csv", content, "text/csv")}
        )

    assert _statuses(at_once(5, upload)) == [302] * 5
    assert sorted(Clinic.objects.filter(hsa_id__startswith="SE-IMP").values_list("hsa_id", flat=True)) == [
        "SE-IMP-1", "SE-IMP-2"
    ]


def test_the_same_guide_file_imported_five_times_at_once_is_one_draft(world):
    def upload(_index):
        upload = SimpleUploadedFile("guide.json", as_bytes(SMALL_GUIDE), "application/json")
        return _admin(world).post(reverse("dialogs:guide_import"), {"file": upload})

    responses = at_once(5, upload)
    assert _statuses(responses) == [200, 200, 200, 200, 302]
    assert Guide.objects.filter(region=world.region_a).count() == 1
    assert GuideVersion.objects.filter(guide__region=world.region_a).count() == 1
