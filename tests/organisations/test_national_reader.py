"""The nationell läsare (issue 14): a person who belongs to no region and reads the national aggregates. Granted by the
installation's operators; every page they are shown works for them, and none offers what would refuse them."""

import io

from django.core.management import call_command
from django.urls import reverse

from organisations.access import is_national_reader
from organisations.models import Membership, NationalReader, Party, Role
from organisations.services import national_reader_grant, national_reader_revoke
from tests import crawl


def test_the_command_grants_lists_and_revokes(world):
    user = world.user("outsider")
    output = io.StringIO()
    call_command("national_readers", "add", "outsider", "--organisation", "SKR", stdout=output)
    call_command("national_readers", "add", "outsider", stdout=output)  # twice: one reader
    assert NationalReader.objects.filter(user=user, organisation="SKR").count() == 1
    call_command("national_readers", "list", stdout=output)
    assert "outsider\tSKR" in output.getvalue()
    call_command("national_readers", "remove", "outsider", stdout=output)
    assert not NationalReader.objects.filter(user=user).exists()


def test_the_command_names_an_unknown_user(world):
    import pytest
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Ingen användare heter ”ingen”"):
        call_command("national_readers", "add", "ingen")


def test_grant_and_revoke(world):
    user = world.user("admin")
    assert not is_national_reader(user)
    national_reader_grant(user=user, organisation="  Nätverket   för regioner ")
    assert NationalReader.objects.get(user=user).organisation == "Nätverket för regioner"
    assert national_reader_revoke(user=user) and not national_reader_revoke(user=user)


def test_a_national_reader_is_shown_the_national_view_and_no_region_pages(world, client_for):
    page = client_for("national").get(reverse("home")).content.decode()
    assert reverse("learning:national") in page and "Nationell läsare" in page
    for region_page in ("dialogs:index", "organisations:clinic_list", "indicators:index", "feedback:index", "learning:report"):
        assert f'href="{reverse(region_page)}"' not in page
    assert "Du har ännu ingen roll i någon region" not in page


def test_every_link_and_button_shown_to_a_national_reader_works(world, client_for):
    walked = crawl.walk(client_for("national"))
    assert reverse("learning:national") in walked.pages
    assert walked.refusals == []


def test_someone_with_a_region_can_be_a_national_reader_too(world, client_for):
    national_reader_grant(user=world.user("bestallare"))
    client = client_for("bestallare")
    home = client.get(reverse("home")).content.decode()
    assert reverse("learning:national") in home and reverse("dialogs:dialogue_list") in home
    assert client.get(reverse("learning:national")).status_code == 200
    assert client.get(reverse("learning:report")).status_code == 200


def test_the_nav_of_people_with_a_region_does_not_ask_about_the_national_role(world, client_for):
    """The header's national link is looked up only for people without a region: no query on every page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Membership.objects.create(user=world.user("national"), region=world.region_b, role=Role.UPPFOLJARE, party=Party.BESTALLARE)
    with CaptureQueriesContext(connection) as queries:
        client_for("bestallare").get(reverse("organisations:clinic_list"))
    assert not any("nationalreader" in query["sql"].lower() for query in queries.captured_queries)


def test_django_admin_records_who_granted_it(world, client, django_user_model):
    operator = django_user_model.objects.create_superuser("operator", "operator@example.org", "correct horse battery")
    client.force_login(operator)
    response = client.post(reverse("admin:organisations_nationalreader_add"),
                           {"user": world.user("admin").pk, "organisation": "SKR"})
    assert response.status_code == 302
    assert NationalReader.objects.get(user=world.user("admin")).granted_by == operator
