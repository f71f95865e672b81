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
