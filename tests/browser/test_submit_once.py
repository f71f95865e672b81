"""A form is sent once however often its button is pressed (issue 10 §4, static/js/submit-once.js): a double click
on "Spara" makes one question in the guide editor, where the server has no guard of its own; while a form is being
sent its buttons are disabled, and they come back when the page is shown again from the back/forward cache."""

from django.urls import reverse
from playwright.sync_api import expect

from dialogs.models import Question
from tests.browser.conftest import assert_accessible, login, visit
from tests.dialogs.factories import region_a_draft


def test_a_double_click_on_save_makes_one_question(page, world):
    section = region_a_draft(world).sections.get(key="p1")
    before = Question.objects.filter(section=section).count()
    login(page, world.user("admin"))
    visit(page, reverse("dialogs:question_create", kwargs={"pk": section.pk}))
    page.get_by_label("Frågetext").fill("Hur når patienterna er på telefon?")
    page.get_by_role("button", name="Spara").dblclick()
    page.wait_for_url(lambda url: "/fragor/ny/" not in url)
    assert_accessible(page, context="after the double click")
    assert Question.objects.filter(section=section).count() == before + 1
    assert Question.objects.filter(section=section, text="Hur når patienterna er på telefon?").count() == 1


def test_the_buttons_are_disabled_while_sending_and_come_back_on_pageshow(page, world):
    posts = []

    def answer_nothing(route):
        # The server answers the post with "204 No Content": the browser stays on the page, which stays as the
        # post left it (a slow answer looks the same until it arrives).
        if route.request.method == "POST":
            posts.append(route.request.url)
            route.fulfill(status=204)
        else:
            route.continue_()

    page.route("**/vardcentraler/ny/", answer_nothing)
    login(page, world.user("admin"))
    visit(page, "/vardcentraler/ny/")
    page.get_by_label("Namn").fill("Vårdcentralen Väntan")
    page.get_by_label("HSA-id").fill("SE-VANTA")
    save = page.get_by_role("button", name="Spara")
    save.click()
    expect(save).to_be_disabled()
    expect(save).to_have_attribute("aria-disabled", "true")
    page.get_by_label("HSA-id").press("Enter")  # pressed again while the first post is on its way
    save.click(force=True)
    assert_accessible(page, context="while sending")
    assert len(posts) == 1

    # Shown again from the back/forward cache, the page's form can be sent again.
    page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    expect(save).to_be_enabled()
    expect(save).not_to_have_attribute("aria-disabled", "true")
    page.unroute("**/vardcentraler/ny/")
    save.click()
    page.wait_for_url(lambda url: "/vardcentraler/ny/" not in url)
    assert_accessible(page, context="saved")
    assert len(posts) == 1
