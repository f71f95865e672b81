"""The accessibility ledger of the browser harness (conftest.py) follows every page of a test, including pages
opened in a second browser context, so no page escapes its axe-core check."""

from tests.browser.conftest import assert_accessible, new_page


def test_pages_in_a_second_context_are_tracked_until_checked(second_context, live_server):
    colleague = new_page(second_context)
    colleague.goto("/konto/logga-in/")
    assert colleague._ledger.visited == {f"{live_server.url}/konto/logga-in/"}
    assert colleague._ledger.checked == set()  # the harness would fail the test here

    # Opened without the helper, a page of the same context is tracked all the same.
    stray = second_context.new_page()
    stray.goto("/konto/aterstall/")
    assert stray._ledger.visited == {f"{live_server.url}/konto/aterstall/"}

    assert_accessible(colleague)
    assert_accessible(stray)
    assert colleague._ledger.visited <= colleague._ledger.checked
    assert stray._ledger.visited <= stray._ledger.checked


# --- The Content-Security-Policy and the console ----------------------------------------------------------------

from tests.browser.conftest import _unexpected_console_errors, expect_console_error, visit, wait_for  # noqa: E402


def test_the_policy_is_enforced_and_a_violation_is_a_console_error_that_fails_the_test(page):
    response = visit(page, "/konto/logga-in/")
    policy = response.headers["content-security-policy"]
    for directive in ("object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'"):
        assert directive in policy
    assert "unsafe-inline" not in policy and "permissions-policy" in response.headers

    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
            document.body.setAttribute("style", "background: red");
        }"""
    )
    wait_for(page, "() => document.readyState === 'complete'")
    assert page.evaluate("window.injected === undefined")  # the inline script never ran
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    errors = _unexpected_console_errors(page)
    assert any("script-src" in error for error in errors) and any("style-src" in error for error in errors), errors
    page._ledger.console_errors.clear()  # seen: the harness would fail the test here


def test_a_script_error_and_a_failed_load_are_console_errors(page):
    visit(page, "/konto/logga-in/")
    with page.expect_event("pageerror"):
        page.evaluate("() => setTimeout(() => { throw new Error('broken module'); })")
    with page.expect_console_message(lambda message: "404" in message.text):
        page.evaluate("() => fetch('/static/js/finns-inte.js').then(response => response.status)")
    errors = _unexpected_console_errors(page)
    assert any("broken module" in error for error in errors) and any("404" in error for error in errors), errors
    page._ledger.console_errors.clear()


def test_an_expected_console_error_is_named_and_does_not_fail_the_test(page):
    visit(page, "/konto/logga-in/")
    expect_console_error(page, r"status of 404")
    with page.expect_console_message(lambda message: "404" in message.text):
        page.evaluate("() => fetch('/static/js/finns-inte.js').then(response => response.status)")
    assert page._ledger.console_errors and _unexpected_console_errors(page) == []


def test_every_page_has_an_icon(page, live_server):
    visit(page, "/konto/logga-in/")
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    response = page.request.get(f"{live_server.url}{icon}")
    assert response.ok and response.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    root = page.request.get(f"{live_server.url}/favicon.ico")  # for pages that name none (a PDF in the browser)
    assert root.ok and root.body() == response.body()
