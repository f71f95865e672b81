"""Browser tests: headless Chromium (Debian's package) driven by Playwright against the live server.

Every page a browser test visits is checked with axe-core for WCAG 2.1 A/AA rules, and any violation fails
the test. The pages run under the site's Content-Security-Policy, as in production, and any console error – a CSP
violation, a script error, a resource that failed to load (a missing favicon too) – fails the test at its end; a
test that provokes one on purpose (a lost connection) names it with ``expect_console_error``. Use ``visit(page, path)`` to open a page, and ``assert_accessible(page)`` after anything that
changes what is on screen (a form post, an opened panel). At the end of each test, every URL that any page
navigated to must have been checked: ``page``, ``tablet_page`` and every page opened in ``browser_context`` or
``second_context`` (``new_page``, popups) alike.

Without Chromium the tests skip with a message, unless REQUIRE_BROWSER=1, when they fail.
"""

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Looked up on PATH (Debian puts it in /usr/bin), so a PATH without it runs the suite as a machine without it.
CHROMIUM_CANDIDATES = [os.environ.get("CHROMIUM_PATH", ""), "chromium", "chromium-browser"]
TEST_PASSWORD = "correct horse battery"  # the personas' password, see tests/conftest.py

# Playwright's sync API runs an event loop in this thread; the ORM calls that tests make between browser
# steps are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_path() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def _unavailable(reason: str):
    from tests.external import unavailable

    unavailable("Chromium", f"{reason} (install Debian's chromium, run npm ci)")


@pytest.fixture(scope="session")
def _browser():
    chromium = _chromium_path()
    if chromium is None:
        _unavailable("Chromium was not found")
    if not AXE_PATH.exists():
        _unavailable(f"axe-core was not found at {AXE_PATH}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class AccessibilityLedger:
    """Remembers which URLs were navigated to and which were checked with axe-core, and the page's console errors."""

    def __init__(self):
        self.visited: set[str] = set()
        self.checked: set[str] = set()
        self.console_errors: list[str] = []
        self.expected_errors: list[re.Pattern] = []
        self.error_documents: set[str] = set()  # pages the test opened knowing they answer 4xx/5xx


# Served to the pages from their own origin, so the Content-Security-Policy (script-src 'self') lets it run.
AXE_URL = "/__browser-tests__/axe.min.js"
# A CSP violation is logged as an error by Chromium itself; this names the directive and the blocked source too.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` in ${event.sourceFile || document.URL}:${event.lineNumber}`);
});
"""


def _strip(url: str) -> str:
    return url.split("#", 1)[0]


# The pages of the running test, in every browser context the harness opened; emptied between tests.
_tracked_pages: list = []


def _track(page) -> None:
    """Give the page a ledger that records every URL its main frame navigates to (once per page)."""
    if hasattr(page, "_ledger"):
        return
    ledger = AccessibilityLedger()
    page._ledger = ledger

    def on_navigated(frame):
        if frame == page.main_frame and frame.url.startswith("http"):
            ledger.visited.add(_strip(frame.url))

    def on_console(message):
        if message.type == "error":
            where = (message.location or {}).get("url", "") or page.url
            ledger.console_errors.append(f"{message.text} [{where}]")

    def on_response(response):
        if response.status >= 400 and response.request.is_navigation_request() and response.frame == page.main_frame:
            ledger.error_documents.add(response.url)

    page.on("framenavigated", on_navigated)
    page.on("console", on_console)
    page.on("pageerror", lambda error: ledger.console_errors.append(f"Uncaught {error} [{page.url}]"))
    page.on("response", on_response)
    _tracked_pages.append(page)


def expect_console_error(page, pattern: str) -> None:
    """The test provokes console errors matching ``pattern`` (a regular expression) on purpose, e.g. requests
    that fail while the browser is offline: they do not fail it."""
    page._ledger.expected_errors.append(re.compile(pattern))


def _unexpected_console_errors(page) -> list[str]:
    ledger = page._ledger
    unexpected = []
    for error in ledger.console_errors:
        if any(pattern.search(error) for pattern in ledger.expected_errors):
            continue
        # The browser logs the error status of a page the test opened on purpose (a refusal page it checks).
        if error.startswith("Failed to load resource") and any(f"[{url}]" in error for url in ledger.error_documents):
            continue
        unexpected.append(error)
    return unexpected


def _new_context(browser, live_server, **options):
    """A browser context whose every page (opened by the test, or a popup) is tracked by the ledger."""
    options = {"locale": "sv-SE", "viewport": {"width": 1280, "height": 900}, **options}
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    context.route(f"**{AXE_URL}", lambda route: route.fulfill(path=str(AXE_PATH), content_type="text/javascript"))
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    context.on("page", _track)
    return context


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item._call_failed = report.failed  # read by the ledger check below
    return report


@pytest.fixture(autouse=True)
def _every_visited_page_is_checked(request):
    """At the end of each test, every URL that any tracked page navigated to must have been checked, and no page
    may have logged a console error (a CSP violation, a script error, a failed resource). A test that already
    failed stopped before its checks; its own failure is the one to read."""
    _tracked_pages.clear()
    yield
    if getattr(request.node, "_call_failed", True):
        _tracked_pages.clear()
        return
    unchecked, errors = set(), []
    for page in _tracked_pages:
        unchecked |= page._ledger.visited - page._ledger.checked
        errors.extend(_unexpected_console_errors(page))
    _tracked_pages.clear()
    assert not unchecked, f"Pages visited without an axe-core check: {sorted(unchecked)}"
    assert not errors, "Console errors (CSP violations, script errors, failed loads):\n" + "\n".join(errors)


@pytest.fixture
def browser_context(_browser, live_server):
    context = _new_context(_browser, live_server)
    yield context
    context.close()


@pytest.fixture
def second_context(_browser, live_server):
    """Another browser (its own cookies): a second person, e.g. a colleague on another device. Open its pages
    with ``new_page``; they follow the same accessibility ledger rules as ``page``."""
    context = _new_context(_browser, live_server)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    return new_page(browser_context)


@pytest.fixture
def tablet_page(_browser, live_server):
    """A page on a touch-screen tablet in portrait (768 × 1024, ``(pointer: coarse)`` matches), with the same
    accessibility ledger rules as ``page``."""
    context = _new_context(_browser, live_server, viewport={"width": 768, "height": 1024}, has_touch=True)
    yield new_page(context)
    context.close()


def new_page(context):
    """A page in a context the harness opened (``browser_context``, ``second_context``), with the same
    accessibility ledger rules as ``page``."""
    page = context.new_page()
    _track(page)  # the context's "page" event has usually tracked it already
    return page


def assert_accessible(page, *, context: str = "") -> None:
    """Run axe-core on the page as it is now; fail with a readable list of any WCAG 2.1 A/AA violation."""
    page.wait_for_load_state("load")
    # Judge the settled page: a fade-in caught half-way has too little contrast on paper. Endless animations
    # (spinners) never finish and are left running.
    page.evaluate(
        """() => Promise.all(document.getAnimations()
              .filter(animation => animation.effect && animation.effect.getComputedTiming().endTime !== Infinity)
              .map(animation => animation.finished.catch(() => null)))"""
    )
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    violations = result["violations"]
    if violations:
        lines = []
        for violation in violations:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} → {targets}")
        where = f" [{context}]" if context else ""
        raise AssertionError(f"axe-core violations on {page.url}{where}:\n" + "\n".join(lines))
    page._ledger.checked.add(_strip(page.url))


_FUNCTION = re.compile(r"^\s*(async\s+)?(function\b|\(|[\w$]+\s*=>)")


def wait_for(page, predicate: str, arg=None, *, timeout: float = 10_000) -> None:
    """``page.wait_for_function`` for pages under the Content-Security-Policy. Playwright compiles that predicate
    inside the page with eval, which a script-src without 'unsafe-eval' refuses; here the predicate (a function,
    or an expression) is part of the function Playwright hands to the browser, so it runs as the test's own code.
    Polls every 50 ms until the predicate is true; a navigation meanwhile starts the wait again on the new page."""
    source = predicate if _FUNCTION.match(predicate) else f"() => ({predicate})"
    poll = f"""async ([arg, timeout]) => {{
        const predicate = {source};
        const deadline = performance.now() + timeout;
        while (!(await predicate(arg))) {{
            if (performance.now() > deadline) return false;
            await new Promise(resolve => setTimeout(resolve, 50));
        }}
        return true;
    }}"""
    deadline = time.monotonic() + timeout / 1000
    while True:
        left = max(0.0, deadline - time.monotonic()) * 1000
        try:
            if page.evaluate(poll, [arg, left]):
                return
        except Exception as error:  # noqa: BLE001 - a navigation destroyed the page's context: wait on the next one
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
            page.wait_for_load_state("domcontentloaded")
            continue
        raise AssertionError(f"Timed out after {timeout} ms waiting for: {predicate}")


def visit(page, path: str):
    """Open a path of the live server and check it with axe-core."""
    response = page.goto(path)
    assert response is not None and response.status < 400, f"{path} answered {response and response.status}"
    assert_accessible(page)
    return response


def login(page, user, password: str = TEST_PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    from playwright.sync_api import expect

    visit(page, "/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    expect(page, "login failed").not_to_have_url(re.compile(r"/konto/logga-in/"))
    assert_accessible(page)


def debug_dump(page, name: str) -> None:
    """Save a screenshot and the HTML under test-results/ (handy when a test fails locally)."""
    out = ROOT / "test-results"
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
    (out / f"{name}.html").write_text(page.content(), encoding="utf-8")
    (out / f"{name}.json").write_text(json.dumps({"url": page.url}), encoding="utf-8")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
