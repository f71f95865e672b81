"""Administrators manage clinics and members through the app's own pages."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organisations.models import Clinic, Membership, Role


def test_clinic_list_shows_only_the_users_region(client_for, world):
    content = client_for("outsider").get(reverse("organisations:clinic_list")).content.decode()
    assert "Vårdcentral B1" in content and "Vårdcentral A1" not in content


def test_clinic_list_queries_do_not_grow_with_the_number_of_clinics(client_for, world, django_assert_max_num_queries):
    for number in range(30):
        Clinic.objects.create(region=world.region_a, name=f"Extra {number}", hsa_id=f"SE-EXTRA-{number}")
    client = client_for("admin")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("organisations:clinic_list")).status_code == 200


def test_administrator_edits_a_clinic_and_its_external_ids(client_for, world):
    response = client_for("admin").post(
        reverse("organisations:clinic_update", args=[world.clinic_a1.pk]),
        {"name": "A1 Nytt", "hsa_id": "SE-A1", "regiform": "privat", "listed_patients": "9500", "cni": "1,10",
         "acg": "", "street_address": "", "postal_code": "", "city": "", "active": "on", "vis_id": "VIS-9", "kolada_ou": ""},
    )
    assert response.status_code == 302
    world.clinic_a1.refresh_from_db()
    assert (world.clinic_a1.name, world.clinic_a1.external_ids) == ("A1 Nytt", {"vis": "VIS-9"})


def test_import_page_shows_row_errors_and_keeps_the_database_unchanged(client_for, world):
    upload = SimpleUploadedFile("lista.csv", "namn;hsa-id\r\n;SE-Z1\r\n".encode())
    response = client_for("admin").post(reverse("organisations:clinic_import"), {"file": upload})
    assert response.status_code == 200
    assert "Namn saknas." in response.content.decode()
    assert not Clinic.objects.filter(hsa_id="SE-Z1").exists()


def test_administrator_adds_a_follow_up_member(client_for, world):
    response = client_for("admin").post(
        reverse("organisations:member_create"),
        {"email": "ny@example.org", "first_name": "Ny", "last_name": "Uppföljare", "role": Role.UPPFOLJARE,
         "party": "bestallare", "clinic": "", "title": "Controller"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user__email="ny@example.org", region=world.region_a, role=Role.UPPFOLJARE).exists()


def test_follow_up_member_needs_a_party_and_staff_a_clinic(client_for, world):
    response = client_for("admin").post(
        reverse("organisations:member_create"),
        {"email": "x@example.org", "first_name": "X", "last_name": "Y", "role": Role.VARDCENTRAL, "party": "", "clinic": ""},
    )
    assert "Välj vilken vårdcentral personen arbetar på." in response.content.decode()
    assert not Membership.objects.filter(user__email="x@example.org").exists()


def test_clinic_of_another_region_cannot_be_chosen_for_staff(client_for, world):
    response = client_for("admin").post(
        reverse("organisations:member_create"),
        {"email": "z@example.org", "first_name": "Z", "last_name": "Z", "role": Role.VARDCENTRAL, "party": "",
         "clinic": world.clinic_b1.pk},
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user__email="z@example.org").exists()


def test_region_switch_changes_the_working_region_for_a_person_with_two_regions(client_for, world):
    Membership.objects.create(user=world.user("admin"), region=world.region_b, role=Role.ADMIN)
    client = client_for("admin")
    client.post(reverse("organisations:region_switch"), {"region": world.region_b.pk})
    content = client.get(reverse("organisations:clinic_list")).content.decode()
    assert "Vårdcentral B1" in content and "Vårdcentral A1" not in content


def test_the_header_reads_the_users_regions_once_and_offers_the_others(client_for, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Membership.objects.create(user=world.user("admin"), region=world.region_b, role=Role.ADMIN)
    client = client_for("admin")
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as context:
        content = client.get(reverse("organisations:clinic_list")).content.decode()
    # One query reads the person's memberships with their regions: the roles, the header's badges and switcher.
    reads = [query["sql"] for query in context.captured_queries if query["sql"].startswith('SELECT "organisations_membership"."id"')]
    assert len(reads) == 1 and '"organisations_region"."name"' in reads[0]
    assert not any('FROM "organisations_region"' in query["sql"] for query in context.captured_queries)
    assert f'<option value="{world.region_b.pk}"' in content  # Region A is active, B offered in the switcher


def test_region_switch_to_a_foreign_region_is_refused(client_for, world):
    response = client_for("bestallare").post(reverse("organisations:region_switch"), {"region": world.region_b.pk})
    assert response.status_code == 404
