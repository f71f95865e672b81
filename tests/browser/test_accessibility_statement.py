"""The accessibility statement in Chromium: a signed-out visitor finds it from the footer, reports a problem with
the keyboard, and the region's administrator reads the report and edits the region's part of the statement; axe-core
checks every page on the way."""

from playwright.sync_api import expect

from accessibility.models import ProblemReport
from tests.browser.conftest import assert_accessible, login, visit


def test_a_visitor_reports_a_problem_that_the_administrator_reads(page, world, browser_context):
    visit(page, "/konto/logga-in/")
    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    expect(page.get_by_role("heading", name="Tillgänglighetsredogörelse för PrimärvårdsUppföljning")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Tillsyn")).to_be_visible()

    page.get_by_role("link", name="Rapportera ett problem").click()
    expect(page.get_by_role("heading", name="Rapportera brist i tillgängligheten")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Region").select_option(label="Region A")
    page.get_by_label("Beskriv problemet").fill("Diagrammen går inte att läsa med skärmläsare.")
    page.get_by_label("Din e-postadress (frivilligt)").fill("ulla@example.org")
    page.get_by_label("Din e-postadress (frivilligt)").press("Enter")
    expect(page.get_by_role("heading", name="Tack för din rapport")).to_be_visible()
    assert_accessible(page)
    assert ProblemReport.objects.get().region == world.region_a

    admin = browser_context.new_page()
    login(admin, world.user("admin"))
    visit(admin, "/tillganglighet/rapporter/")
    expect(admin.get_by_text("Diagrammen går inte att läsa med skärmläsare.")).to_be_visible()
    admin.get_by_role("button", name="Markera som hanterad").click()
    expect(admin.get_by_text("Rapporten är markerad som hanterad.")).to_be_visible()
    assert_accessible(admin)


def test_the_administrator_edits_the_regions_part_of_the_statement(page, world):
    login(page, world.user("admin"))
    visit(page, "/tillganglighet/")
    page.get_by_role("link", name="Ändra regionens uppgifter").click()
    assert_accessible(page)
    page.get_by_label("Ansvarig organisation").fill("Region A, hälso- och sjukvårdsförvaltningen")
    page.get_by_label("E-post för tillgänglighetsfrågor").fill("tillganglighet@region-a.se")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Region A, hälso- och sjukvårdsförvaltningen står bakom")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("link", name="tillganglighet@region-a.se")).to_be_visible()
