"""Sign-in through the region's identity provider, against a real OpenID provider (oidc-provider under node,
tests/oidc_provider.mjs). The browser's part is played by `requests` at the provider and Django's test client
here; tests/browser/test_oidc_sign_in.py does the same in Chromium."""

import base64
import hashlib
import logging
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from organisations.models import HsaIdentity, Membership
from tests import oidcprovider

SITE = "http://testserver"
UNKNOWN = "Ditt konto finns inte i tjänsten — kontakta regionens administratör."
NOT_ACCEPTED = "kunde inte godtas"


@pytest.fixture(scope="module")
def provider():
    running = oidcprovider.start(site_url=SITE)
    yield running
    running.stop()


@pytest.fixture
def oidc(settings, provider, world):
    oidcprovider.configure(settings, provider)
    HsaIdentity.objects.create(user=world.user("admin"), hsa_id="SE2321000016-A001")
    return provider


def _start(client, next_url: str = "") -> str:
    response = client.post(reverse("oidc_start") + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


def _callback(client, login: str, session=None):
    """Press the button, sign in at the provider as ``login``, and come back: the callback's response."""
    location, session = oidcprovider.sign_in_at_provider(_start(client), login, session)
    assert location.startswith(SITE + oidcprovider.CALLBACK_PATH), location
    return client.get(location.removeprefix(SITE)), location, session


def _signed_in_user(client):
    response = client.get(reverse("home"))
    return response.wsgi_request.user if response.status_code == 200 else None


def test_the_button_sends_the_browser_to_the_provider_with_pkce_state_and_nonce(client, oidc):
    query = parse_qs(urlsplit(_start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["redirect_uri"] == [SITE + oidcprovider.CALLBACK_PATH]
    # The verifier stays in the session (it never travels through the browser); the challenge is its SHA-256.
    (entry,) = client.session["oidc_states"].values()
    digest = hashlib.sha256(entry["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == query["code_challenge"][0]
    assert entry["nonce"] == query["nonce"][0]


def test_a_member_signs_in_by_hsa_id_and_lands_where_they_were_going(client, oidc, world):
    location, _session = oidcprovider.sign_in_at_provider(_start(client, next_url="/vardcentraler/"), "ada")
    response = client.get(location.removeprefix(SITE))
    assert response.status_code == 302 and response["Location"] == "/vardcentraler/"
    assert _signed_in_user(client) == world.user("admin")


def test_a_member_without_hsa_id_is_found_by_e_mail_in_any_case(client, oidc, world):
    response, _location, _session = _callback(client, "stina")  # the provider says Staff_A1@Example.org
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert _signed_in_user(client) == world.user("staff_a1")


def test_an_unknown_person_gets_a_clear_page_and_neither_account_nor_role(client, oidc, world, caplog):
    users_before = get_user_model().objects.count()
    with caplog.at_level(logging.WARNING, logger="organisations.oidc"):
        response, _location, _session = _callback(client, "okand")
    assert response.status_code == 403
    assert UNKNOWN in response.content.decode()
    assert '<main id="main"' in response.content.decode()  # a page in the site's layout
    assert get_user_model().objects.count() == users_before
    assert _signed_in_user(client) is None
    assert "unknown_person" in caplog.text and "SE2321000016-Z999" in caplog.text


def test_a_person_whose_roles_have_all_ended_is_as_unknown_as_a_stranger(client, oidc, world):
    Membership.objects.filter(user=world.user("staff_a1")).delete()
    response, _location, _session = _callback(client, "stina")
    assert response.status_code == 403 and UNKNOWN in response.content.decode()


def test_the_same_address_with_another_recorded_hsa_id_is_somebody_else(client, oidc, settings, world):
    HsaIdentity.objects.create(user=world.user("staff_a1"), hsa_id="SE2321000016-S777")
    accounts = {"stina": {**oidcprovider.ACCOUNTS["stina"], "hsa_id": "SE2321000016-X111"}}
    other = oidcprovider.start(site_url=SITE, accounts=accounts)
    try:
        oidcprovider.configure(settings, other)
        response, _location, _session = _callback(client, "stina")
    finally:
        other.stop()
    assert response.status_code == 403 and UNKNOWN in response.content.decode()


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("bad-signature", "bad_signature"), ("wrong-audience", "wrong_audience"), ("expired", "expired_token")],
)
def test_a_token_that_cannot_be_trusted_is_refused_with_a_message_and_logged(
    client, settings, world, caplog, mode, reason
):
    misbehaving = oidcprovider.start(site_url=SITE, mode=mode)
    try:
        oidcprovider.configure(settings, misbehaving)
        HsaIdentity.objects.create(user=world.user("admin"), hsa_id="SE2321000016-A001")
        with caplog.at_level(logging.WARNING, logger="organisations.oidc"):
            response, _location, _session = _callback(client, "ada")
    finally:
        misbehaving.stop()
    assert response.status_code == 400
    page = response.content.decode()
    assert NOT_ACCEPTED in page and reason in page and '<main id="main"' in page
    assert _signed_in_user(client) is None
    assert f"refused: {reason}" in caplog.text


def test_a_replayed_answer_is_refused_even_in_the_browser_that_signed_in(client, oidc, world, caplog):
    response, location, _session = _callback(client, "ada")
    assert response.status_code == 302
    client.post(reverse("logout"))
    with caplog.at_level(logging.WARNING, logger="organisations.oidc"):
        replay = client.get(location.removeprefix(SITE))
    assert replay.status_code == 400
    assert "kan ha använts redan" in replay.content.decode()
    assert _signed_in_user(client) is None
    assert "refused: unknown_state" in caplog.text


def test_an_answer_carried_to_another_browser_is_refused(client, oidc, world):
    location, _session = oidcprovider.sign_in_at_provider(_start(client), "ada")
    other_browser = Client()
    response = other_browser.get(location.removeprefix(SITE))
    assert response.status_code == 400 and "kan ha använts redan" in response.content.decode()
    assert _signed_in_user(other_browser) is None


@pytest.mark.parametrize("query", ["", "?code=x", "?state=x", "?code=%00&state=%ff", "?code=a&state=b&iss=http://evil"])
def test_junk_on_the_callback_is_refused_with_a_page(client, oidc, query):
    response = client.get(reverse("oidc_callback") + query)
    assert response.status_code == 400
    assert '<main id="main"' in response.content.decode()


def test_a_person_who_cancels_at_the_provider_is_told_so(client, oidc):
    state = parse_qs(urlsplit(_start(client)).query)["state"][0]
    response = client.get(reverse("oidc_callback"), {"error": "access_denied", "state": state})
    assert response.status_code == 400 and "avbröt inloggningen" in response.content.decode()
    assert state not in client.session["oidc_states"]  # the state cannot be used afterwards


def test_a_provider_whose_discovery_names_another_issuer_is_not_used(client, settings, provider, world):
    oidcprovider.configure(settings, provider)
    settings.OIDC_ISSUER = provider.issuer.replace("127.0.0.1", "localhost")
    response = client.post(reverse("oidc_start"))
    assert response.status_code == 503
    assert "Inloggningstjänsten svarar inte" in response.content.decode()


def test_signing_out_ends_the_session_at_the_provider_too(client, oidc, world):
    response, _location, provider_session = _callback(client, "ada")
    assert response.status_code == 302
    # While the provider's session lasts, a second sign-in passes without the provider's sign-in page.
    location, _ = oidcprovider.sign_in_at_provider(_start(client), login="nobody", session=provider_session)
    assert "code" in parse_qs(urlsplit(location).query)

    logout = client.post(reverse("logout"))
    assert _signed_in_user(client) is None
    end_session = logout["Location"]
    assert end_session.startswith(oidc.issuer + "/session/end?")
    query = parse_qs(urlsplit(end_session).query)
    assert query["post_logout_redirect_uri"] == [SITE + oidcprovider.LOGGED_OUT_PATH] and query["id_token_hint"]

    # The provider asks; the person answers yes; the provider sends them back to the product's login page.
    question = provider_session.get(end_session, timeout=10)
    assert "Vill du logga ut" in question.text
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', question.text))
    action = re.search(r'action="([^"]+)"', question.text).group(1)
    back = provider_session.post(urljoin(question.url, action), data={**form, "logout": "yes"},
                                 allow_redirects=False, timeout=10)
    assert back.headers["Location"] == SITE + oidcprovider.LOGGED_OUT_PATH
    # The provider's session is over: the next sign-in asks who it is again (and "nobody" is nobody there).
    location, _ = oidcprovider.sign_in_at_provider(_start(client), login="nobody", session=provider_session)
    assert parse_qs(urlsplit(location).query)["error"] == ["access_denied"]


def test_signing_out_after_a_password_sign_in_stays_here(client_for, oidc):
    response = client_for("admin").post(reverse("logout"))
    assert response["Location"] == reverse("login")


def test_the_deploy_check_stays_clean_with_a_provider_and_json_logs():
    from tests.test_settings import STRONG_KEY, _manage

    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", DEBUG="0", SECRET_KEY=STRONG_KEY, LOG_FORMAT="json",
        OIDC_ISSUER="https://idp.region.example", OIDC_CLIENT_ID="pu", OIDC_CLIENT_SECRET="s" * 40,
        OIDC_HSA_ID_CLAIM="hsa_id",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_client_id_without_an_issuer_is_refused_at_start():
    from tests.test_settings import _manage

    result = _manage("check", DEBUG="1", OIDC_CLIENT_ID="pu")
    assert result.returncode != 0 and "OIDC_ISSUER" in result.stderr


def test_a_person_without_a_password_is_not_offered_to_change_it(client, oidc, world):
    admin = world.user("admin")
    admin.set_unusable_password()
    admin.save()
    response, _location, _session = _callback(client, "ada")
    assert response.status_code == 302
    assert "Byt lösenord" not in client.get(reverse("home")).content.decode()
