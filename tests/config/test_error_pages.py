"""Refusals and errors are pages in the site's layout, in Swedish and English, that say what happened and where
to go next (issue 10 §2). With DEBUG off (as in production, and these tests) nothing technical is shown."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from config import errors

LAYOUT = 'class="app-header'


@pytest.fixture
def error_urls(settings):
    settings.ROOT_URLCONF = "tests.config.error_urls"


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_an_unknown_address_answers_the_404_page_in_the_layout(client_for):
    response = client_for("bestallare").get("/finns-inte/")
    page = response.content.decode()
    assert response.status_code == 404
    assert LAYOUT in page and "Sidan finns inte" in page
    assert reverse("dialogs:dialogue_list") in page and reverse("home") in page  # where to go next
    assert 'data-testid="header-context"' in page  # the person is still signed in, in their region


def test_an_object_of_another_region_answers_the_same_404_page(client_for, world):
    response = client_for("outsider").get(reverse("organisations:clinic_detail", kwargs={"pk": world.clinic_a1.pk}))
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_the_404_page_in_english(client_for):
    response = english(client_for("bestallare")).get("/finns-inte/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in page and "Skip to content" in page  # the page's own text: see the catalogue


def test_a_forbidden_page_answers_the_403_page_with_the_persons_name(client_for):
    response = client_for("staff_a1").get(reverse("dialogs:dialogue_create"))
    page = response.content.decode()
    assert response.status_code == 403
    assert LAYOUT in page and "Du har inte behörighet" in page
    assert "Stina A1" in page and "be regionens administratör" in page
    assert "403 Forbidden" not in page


def test_the_403_page_shows_the_reason_a_refusal_gives(client_for, error_urls):
    response = client_for("admin").get("/test-errors/refuses/")
    assert response.status_code == 403
    assert "Versionen är publicerad och kan inte ändras." in response.content.decode()


def test_the_403_page_in_english(client_for):
    response = english(client_for("staff_a1")).get(reverse("dialogs:dialogue_create"))
    assert response.status_code == 403
    assert '<html lang="en">' in response.content.decode() and "Skip to content" in response.content.decode()


def test_a_request_the_server_cannot_read_answers_the_400_page(client_for, error_urls):
    response = client_for("admin").get("/test-errors/suspicious/")
    page = response.content.decode()
    assert response.status_code == 400
    assert LAYOUT in page and "Begäran kunde inte läsas" in page and "Ingenting har sparats" in page
    assert "forged data" not in page


def test_an_unknown_host_answers_the_400_page(client, db):
    response = client.get("/", HTTP_HOST="angripare.example")
    assert response.status_code == 400
    assert "Begäran kunde inte läsas" in response.content.decode()


def test_a_view_that_raises_answers_the_500_page_without_any_detail(client_for, error_urls):
    client = client_for("admin")
    client.raise_request_exception = False
    response = client.get("/test-errors/raises/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Något gick fel" in page and "Felet är loggat" in page and 'href="/"' in page
    assert "hunter2" not in page and "RuntimeError" not in page and "Traceback" not in page


def test_the_500_page_in_english(client_for, error_urls):
    client = english(client_for("admin"))
    client.raise_request_exception = False
    response = client.get("/test-errors/raises/")
    assert response.status_code == 500
    assert '<html lang="en">' in response.content.decode()


def test_the_500_page_needs_neither_the_database_nor_the_request():
    # No database fixture: pytest-django makes any query fail this test.
    response = errors.server_error(None)
    assert response.status_code == 500 and "Något gick fel" in response.content.decode()


def test_the_500_page_falls_back_to_a_fixed_page_when_its_template_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("template storage is gone")

    monkeypatch.setattr(errors, "render_to_string", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode() and "template storage" not in response.content.decode()


def test_an_expired_form_says_so_and_shows_back_the_typed_text(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("admin"))
    text = "Hamnstadens vårdcentral har ett nytt arbetssätt för telefonin"
    response = client.post(
        reverse("organisations:clinic_create"), {"name": text, "hsa_id": "SE-NY", "csrfmiddlewaretoken": "stale"},
        HTTP_REFERER="http://testserver/vardcentraler/ny/",
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert LAYOUT in page and "Formuläret har gått ut" in page and "Ingenting har sparats" in page
    assert f">{text}</textarea>" in page  # the text comes back, to copy
    assert 'href="/vardcentraler/ny/"' in page  # reload the page the form was on
    assert "SE-NY" not in page  # short codes are not "text"
    assert "CSRF" not in page.split("Felkod")[0]


def test_an_expired_json_request_gets_the_message_as_json(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("admin"))
    response = client.post(reverse("organisations:clinic_create"), "{}", content_type="application/json")
    assert response.status_code == 403
    assert response.json()["expired"] is True and "Ladda om sidan" in response.json()["error"]


def test_the_referer_of_another_site_is_not_offered_as_the_way_back(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("admin"))
    response = client.post(reverse("organisations:clinic_create"), {}, HTTP_REFERER="https://angripare.example/x")
    assert "angripare" not in response.content.decode()


def test_a_lockout_names_the_minutes_to_wait_and_the_way_to_a_new_password(client, world, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(reverse("login"), {"username": "admin", "password": "wrong"}, REMOTE_ADDR="10.4.4.4")
    page = response.content.decode()
    assert response.status_code == 429
    assert LAYOUT in page and "Vänta 15 minuter" in page and reverse("password_reset") in page
