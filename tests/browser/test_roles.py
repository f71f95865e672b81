"""Each role signs in through the real login form and sees what it may, and only that."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login, visit


def test_administrator_sees_region_administration(page, world):
    login(page, world.user("admin"))
    header = page.get_by_test_id("header-context")
    assert "Region A" in header.inner_text()
    assert "Administratör" in header.inner_text()
    visit(page, "/medlemmar/")
    assert page.get_by_role("cell", name="bestallare@example.org").is_visible()
    visit(page, "/vardcentraler/")
    assert page.get_by_role("link", name="Vårdcentral A1").is_visible()
    assert page.get_by_role("link", name="Vårdcentral A2").is_visible()
    assert page.get_by_role("link", name="Vårdcentral B1").count() == 0
    visit(page, "/vardcentraler/ny/")
    page.get_by_label("Namn").fill("Nya vårdcentralen")
    page.get_by_label("HSA-id").fill("SE-NY1")
    page.get_by_label("Listade patienter").fill("4200")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    assert page.get_by_role("heading", name="Nya vårdcentralen").is_visible()


def test_follow_up_member_sees_all_clinics_but_no_administration(page, world):
    login(page, world.user("bestallare"))
    assert "Uppföljare, Beställarorganisation" in page.get_by_test_id("header-context").inner_text()
    assert page.get_by_role("link", name="Medlemmar").count() == 0
    visit(page, "/vardcentraler/")
    assert page.get_by_role("link", name="Vårdcentral A1").is_visible()
    assert page.get_by_role("link", name="Ny vårdcentral").count() == 0
    response = page.goto("/medlemmar/")
    assert response.status == 403
    assert_accessible(page)


def test_clinic_staff_sees_only_their_own_clinic(page, world):
    login(page, world.user("staff_a1"))
    assert "Vårdcentral A1" in page.get_by_test_id("header-context").inner_text()
    visit(page, "/vardcentraler/")
    assert page.get_by_role("link", name="Vårdcentral A1").is_visible()
    assert page.get_by_role("link", name="Vårdcentral A2").count() == 0
    response = page.goto(f"/vardcentraler/{world.clinic_a2.pk}/")
    assert response.status == 404
    assert_accessible(page)


def test_outsider_sees_only_their_region(page, world):
    login(page, world.user("outsider"))
    assert "Region B" in page.get_by_test_id("header-context").inner_text()
    visit(page, "/vardcentraler/")
    assert page.get_by_role("link", name="Vårdcentral B1").is_visible()
    assert page.get_by_role("link", name="Vårdcentral A1").count() == 0


def test_wrong_password_gives_one_message_and_the_language_switch_works(page, world):
    visit(page, "/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("admin")
    page.get_by_label("Lösenord").fill("wrong password")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    assert page.get_by_role("alert").inner_text().strip() == "Fel användarnamn eller lösenord. Försök igen."
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Byt språk").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Sign in").is_visible()


def test_skip_link_moves_keyboard_focus_to_the_main_content(page, world):
    login(page, world.user("admin"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_account_pages_are_accessible(page, world):
    """The password pages a person reaches from the login page or the user menu (axe-core on each)."""
    for path in ["/konto/aterstall/", "/konto/aterstall/skickat/", "/konto/aterstall/MQ/fel-kod/", "/konto/aterstall/klart/"]:
        visit(page, path)
    login(page, world.user("staff_a1"))
    visit(page, "/konto/losenord/")
    expect(page.get_by_role("heading", name="Byt lösenord")).to_be_visible()
    visit(page, "/konto/losenord/klart/")


def test_the_administrators_clinic_and_member_forms_are_accessible(page, world):
    login(page, world.user("admin"))
    membership = world.user("bestallare").memberships.get()
    for path in [
        "/vardcentraler/importera/",
        f"/vardcentraler/{world.clinic_a1.pk}/redigera/",
        "/medlemmar/ny/",
        f"/medlemmar/{membership.pk}/redigera/",
        f"/medlemmar/{membership.pk}/ta-bort/",
    ]:
        visit(page, path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
