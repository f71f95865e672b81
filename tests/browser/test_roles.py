"""Each role signs in through the real login form and sees what it may, and only that."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login, visit


def test_administrator_sees_region_administration(page, world):
    login(page, world.user("admin"))
    header = page.get_by_test_id("header-context")
    expect(header).to_contain_text("Region A")
    expect(header).to_contain_text("Administratör")
    visit(page, "/medlemmar/")
    expect(page.get_by_role("cell", name="bestallare@example.org")).to_be_visible()
    visit(page, "/vardcentraler/")
    expect(page.get_by_role("link", name="Vårdcentral A1")).to_be_visible()
    expect(page.get_by_role("link", name="Vårdcentral A2")).to_be_visible()
    expect(page.get_by_role("link", name="Vårdcentral B1")).to_have_count(0)
    visit(page, "/vardcentraler/ny/")
    page.get_by_label("Namn").fill("Nya vårdcentralen")
    page.get_by_label("HSA-id").fill("SE-NY1")
    page.get_by_label("Listade patienter").fill("4200")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Nya vårdcentralen")).to_be_visible()


def test_follow_up_member_sees_all_clinics_but_no_administration(page, world):
    login(page, world.user("bestallare"))
    expect(page.get_by_test_id("header-context")).to_contain_text("Uppföljare, Beställarorganisation")
    expect(page.get_by_role("link", name="Medlemmar")).to_have_count(0)
    visit(page, "/vardcentraler/")
    expect(page.get_by_role("link", name="Vårdcentral A1")).to_be_visible()
    expect(page.get_by_role("link", name="Ny vårdcentral")).to_have_count(0)
    response = page.goto("/medlemmar/")
    assert response.status == 403
    assert_accessible(page)


def test_clinic_staff_sees_only_their_own_clinic(page, world):
    login(page, world.user("staff_a1"))
    expect(page.get_by_test_id("header-context")).to_contain_text("Vårdcentral A1")
    visit(page, "/vardcentraler/")
    expect(page.get_by_role("link", name="Vårdcentral A1")).to_be_visible()
    expect(page.get_by_role("link", name="Vårdcentral A2")).to_have_count(0)
    response = page.goto(f"/vardcentraler/{world.clinic_a2.pk}/")
    assert response.status == 404
    assert_accessible(page)


def test_outsider_sees_only_their_region(page, world):
    login(page, world.user("outsider"))
    expect(page.get_by_test_id("header-context")).to_contain_text("Region B")
    visit(page, "/vardcentraler/")
    expect(page.get_by_role("link", name="Vårdcentral B1")).to_be_visible()
    expect(page.get_by_role("link", name="Vårdcentral A1")).to_have_count(0)


def test_wrong_password_gives_one_message_and_the_language_switch_works(page, world):
    visit(page, "/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("admin")
    page.get_by_label("Lösenord").fill("wrong password")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    expect(page.get_by_role("alert")).to_have_text("Fel användarnamn eller lösenord. Försök igen.")
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Byt språk").click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_skip_link_moves_keyboard_focus_to_the_main_content(page, world):
    login(page, world.user("admin"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


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
