"""Clinic CSV import and member management."""

import pytest

from organisations import services
from organisations.models import Clinic, Membership, Party, Role

HEADER = "namn;hsa-id;region;regiform;listade patienter;cni;acg;gatuadress;postnummer;ort\r\n"


def _import(world, text: str, encoding: str = "utf-8"):
    return services.clinics_import_csv(region=world.region_a, user=world.user("admin"), content=text.encode(encoding))


def test_import_creates_and_updates_clinics_from_a_swedish_excel_file(world):
    csv_text = (
        HEADER
        + "Östra vårdcentralen;SE-NEW1;Region A;privat;12 400;1,25;0,97;Ågatan 2;123 45;Åby\r\n"
        + "Vårdcentral A1 (nytt namn);SE-A1;;offentlig;9100;;;;;\r\n"
    )
    result = _import(world, csv_text, encoding="cp1252")
    assert (result.created, result.updated) == (1, 1)
    new = Clinic.objects.get(hsa_id="SE-NEW1")
    assert (new.name, new.regiform, new.listed_patients, str(new.cni), new.city) == (
        "Östra vårdcentralen", "privat", 12400, "1.25", "Åby",
    )
    assert Clinic.objects.get(hsa_id="SE-A1").name == "Vårdcentral A1 (nytt namn)"


def test_import_with_bad_rows_lists_every_problem_and_saves_nothing(world):
    csv_text = (
        HEADER
        + "Första;SE-X1;;;;;;;;\r\n"
        + ";SE-X2;;;;;;;;\r\n"
        + "Dubblett;SE-X1;;;;;;;;\r\n"
        + "Främmande;SE-X3;Region B;;;;;;;\r\n"
        + "Annan regions;SE-B1;;;;;;;;\r\n"
        + "Konstig;SE-X4;;kommunal;många;abc;;;;\r\n"
    )
    with pytest.raises(services.ClinicImportError) as raised:
        _import(world, csv_text)
    problems = {(problem.line, problem.column) for problem in raised.value.problems}
    assert problems == {
        (3, "namn"),
        (4, "hsa-id"),
        (5, "region"),
        (6, "hsa-id"),
        (7, "regiform"),
        (7, "listade patienter"),
        (7, "cni"),
    }
    assert not Clinic.objects.filter(hsa_id__startswith="SE-X").exists()


def test_a_picture_renamed_csv_is_refused_as_what_it_is(world):
    from tests.common.test_textfiles import png

    with pytest.raises(services.ClinicImportError) as raised:
        services.clinics_import_csv(region=world.region_a, user=world.user("admin"), content=png())
    assert "PNG-bild" in raised.value.problems[0].message


def test_a_tab_separated_file_is_read(world):
    result = _import(world, HEADER.replace(";", "\t") + "Tabbens vårdcentral\tSE-TAB1\t\t\t\t\t\t\t\t\r\n")
    assert result.created == 1 and Clinic.objects.get(hsa_id="SE-TAB1").name == "Tabbens vårdcentral"


def test_import_without_required_columns_explains_the_expected_header(world):
    with pytest.raises(services.ClinicImportError) as raised:
        _import(world, "name,id\r\nA,B\r\n")
    assert "hsa-id" in raised.value.problems[0].message


def test_empty_file_is_refused(world):
    with pytest.raises(services.ClinicImportError) as raised:
        _import(world, "")
    assert raised.value.problems[0].message == "Filen är tom."


def test_adding_a_new_member_creates_an_account_and_sends_an_invitation(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.member_add(
            region=world.region_a, invited_by=world.user("admin"), email="Ny.Person@Example.org",
            first_name="Ny", last_name="Person", role=Role.VARDCENTRAL, party="", clinic=world.clinic_a2,
        )
    assert membership.party == Party.VARDCENTRAL
    assert membership.user.username == "ny.person@example.org"
    assert not membership.user.has_usable_password()
    assert len(mailoutbox) == 1
    assert "/konto/aterstall/" in mailoutbox[0].body


def test_an_existing_person_gains_a_role_in_another_region_without_a_new_account(world, mailoutbox):
    outsider = world.user("outsider")
    services.member_add(
        region=world.region_a, invited_by=world.user("admin"), email=outsider.email, first_name="", last_name="",
        role=Role.UPPFOLJARE, party=Party.UTVECKLING, clinic=None,
    )
    assert set(outsider.memberships.values_list("region__name", flat=True)) == {"Region A", "Region B"}
    assert mailoutbox == []


def test_the_last_administrator_cannot_be_removed(world):
    admin_membership = Membership.objects.get(user=world.user("admin"), region=world.region_a)
    with pytest.raises(services.MemberError):
        services.member_remove(membership=admin_membership)
    with pytest.raises(services.MemberError):
        services.member_update(membership=admin_membership, role=Role.UPPFOLJARE, party=Party.BESTALLARE, clinic=None, title="")
    assert Membership.objects.filter(pk=admin_membership.pk, role=Role.ADMIN).exists()


def test_import_reads_the_contact_address_and_refuses_a_bad_one(world):
    Clinic.objects.filter(pk=world.clinic_a2.pk).update(contact_email="kvar@example.org")
    header = "namn;hsa-id;e-post\r\n"
    _import(world, header + "Vårdcentral A1;SE-A1;vc-a1@example.org\r\nNy;SE-NEW2;\r\n")
    assert Clinic.objects.get(hsa_id="SE-A1").contact_email == "vc-a1@example.org"
    assert Clinic.objects.get(hsa_id="SE-NEW2").contact_email == ""
    _import(world, "namn;hsa-id\r\nVårdcentral A2;SE-A2\r\n")  # no column: the address stays
    assert Clinic.objects.get(hsa_id="SE-A2").contact_email == "kvar@example.org"

    with pytest.raises(services.ClinicImportError) as raised:
        _import(world, header + "Vårdcentral A1;SE-A1;inte en adress\r\nVårdcentral A2;SE-A2;\"a@example.org\nBcc: b@example.org\"\r\n")
    assert [(problem.line, problem.column) for problem in raised.value.problems] == [(2, "e-post"), (3, "e-post")]
    assert Clinic.objects.get(hsa_id="SE-A1").contact_email == "vc-a1@example.org"
