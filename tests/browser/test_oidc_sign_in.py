"""Signing in through the region's identity provider in Chromium: a real OpenID provider (tests/oidc_provider.mjs)
runs beside the live server; the person presses the button, signs in on the provider's page and is back, signed
in; signing out asks the provider too. axe-core checks every page on the way, the provider's included."""

import re

import pytest
from playwright.sync_api import expect

from organisations.models import HsaIdentity
from tests import oidcprovider
from tests.browser.conftest import assert_accessible, visit

BUTTON = "Logga in via regionens inloggningstjänst"


@pytest.fixture
def provider(live_server, settings, world):
    running = oidcprovider.start(site_url=live_server.url)
    oidcprovider.configure(settings, running)
    HsaIdentity.objects.create(user=world.user("admin"), hsa_id="SE2321000016-A001")
    yield running
    running.stop()


def _sign_in_at_provider(page, login: str) -> None:
    expect(page.get_by_role("heading", name="Logga in hos regionen")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Användarnamn hos regionen").fill(login)
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_load_state("load")


def test_a_member_signs_in_and_out_through_the_provider(page, provider, live_server):
    visit(page, "/vardcentraler/")  # signed out: the login page, which remembers where the person was going
    page.get_by_role("button", name=BUTTON).click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(provider.issuer)}/interaction/"))
    _sign_in_at_provider(page, "ada")

    expect(page).to_have_url(f"{live_server.url}/vardcentraler/")
    expect(page.get_by_test_id("header-context")).to_contain_text("Administratör")
    assert_accessible(page)

    page.get_by_role("button", name="Ada Admin").click()
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", name="Vill du logga ut från regionens inloggning?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, logga ut").click()
    expect(page).to_have_url(f"{live_server.url}/konto/logga-in/")
    assert_accessible(page)

    # Signed out at the provider as well: the button asks who it is again.
    page.get_by_role("button", name=BUTTON).click()
    expect(page.get_by_role("heading", name="Logga in hos regionen")).to_be_visible()
    assert_accessible(page)


def test_an_unknown_person_is_told_to_contact_the_administrator(page, provider):
    visit(page, "/konto/logga-in/")
    page.get_by_role("button", name=BUTTON).click()
    _sign_in_at_provider(page, "okand")
    expect(page.get_by_test_id("sign-in-refusal")).to_have_text(
        "Ditt konto finns inte i tjänsten — kontakta regionens administratör."
    )
    assert_accessible(page)
    expect(page.get_by_role("link", name="Till inloggningssidan")).to_be_visible()


def test_a_region_without_passwords_points_to_the_provider(page, provider, world):
    world.region_a.password_sign_in = False
    world.region_a.save(update_fields=["password_sign_in"])
    visit(page, "/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("admin")
    page.get_by_label("Lösenord").fill("correct horse battery")
    page.get_by_role("button", name="Logga in", exact=True).click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    expect(page.get_by_role("alert")).to_contain_text(f"Logga in med knappen ”{BUTTON}” ovan")
