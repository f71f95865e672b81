"""Signing in: one message for every failure, a lock after repeated failures, secure cookies."""

from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

LOGIN = "/konto/logga-in/"
MESSAGE = "Fel användarnamn eller lösenord. Försök igen."


def _attempt(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


def test_unknown_user_and_wrong_password_get_the_same_message(client, world):
    unknown = _attempt(client, "nobody", "whatever")
    wrong = _attempt(client, "admin", "not the password")
    assert unknown.status_code == wrong.status_code == 200
    assert MESSAGE in unknown.content.decode() and MESSAGE in wrong.content.decode()


def test_correct_password_signs_in(client, world):
    response = _attempt(client, "admin", "correct horse battery")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_repeated_failures_lock_the_account_from_that_address(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, "admin", "wrong")
    locked = _attempt(client, "admin", "correct horse battery")
    assert locked.status_code == 429
    assert "För många inloggningsförsök" in locked.content.decode()
    # Another address is not punished for someone else's guesses.
    other = client.post(LOGIN, {"username": "admin", "password": "correct horse battery"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


def test_session_and_csrf_cookies_are_http_only_or_same_site(client, world, settings):
    response = _attempt(client, "admin", "correct horse battery")
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


def test_logout_is_a_post_and_ends_the_session(client_for, world):
    client = client_for("admin")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_sends_a_link_to_a_known_address(client, world, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "admin@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/konto/aterstall/" in mailoutbox[0].body


def test_signed_in_pages_are_not_kept_by_the_browser_so_back_after_sign_out_shows_nothing(client_for, world):
    client = client_for("staff_a1")
    response = client.get(reverse("home"))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


def _next_of(response) -> str:
    location = urlsplit(response["Location"])
    assert location.path == reverse("login")
    return parse_qs(location.query)["next"][0]


def test_an_address_too_long_to_come_back_to_still_leads_to_the_sign_in_page(client, caplog):
    # Django refuses to redirect to more than 16,384 characters: the way back keeps the page without its query.
    overview = reverse("dialogs:dialogue_list")
    response = client.get(overview + "?q=" + "a" * 20_000)
    assert response.status_code == 302 and _next_of(response) == overview
    assert not [record for record in caplog.records if record.levelname == "ERROR"]
    assert _next_of(client.get(overview + "?q=hamn")) == overview + "?q=hamn"
