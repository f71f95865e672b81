"""Content-Security-Policy, Permissions-Policy and the site's icon (issue 10 §5). The policy is Django's own
(ContentSecurityPolicyMiddleware, SECURE_CSP); the browser tests run every page under it and fail on any violation.
Here: the headers themselves, and the rule every template follows so that a page never needs 'unsafe-inline'."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates", *sorted(Path(settings.BASE_DIR).glob("*/templates"))]
# E-mail is read in mail programs, never under the site's policy: its HTML keeps the inline styles mail needs.
EMAIL = re.compile(r"/email/")

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>", re.IGNORECASE)
NONCE = re.compile(r'\bnonce="\{\{ csp_nonce \}\}"')
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""<[a-z][^>]*\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def _templates():
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*.html")):
            if not EMAIL.search(path.as_posix()):
                yield path


def test_every_template_follows_the_content_security_policy_rule():
    """Scripts and styles come from static/ (js/, css/); an inline <script> or <style> carries
    nonce="{{ csp_nonce }}"; no style="…" attribute, no onclick="…" (or any on…) handler, no javascript: URL."""
    problems = []
    for path in _templates():
        source = path.read_text(encoding="utf-8")
        where = path.relative_to(settings.BASE_DIR)
        for tag in INLINE_SCRIPT.findall(source) + INLINE_STYLE_ELEMENT.findall(source):
            if not NONCE.search(tag):
                problems.append(f"{where}: {tag} without nonce=\"{{{{ csp_nonce }}}}\"")
        for pattern, what in [(STYLE_ATTRIBUTE, "a style attribute"), (EVENT_HANDLER, "an inline event handler"),
                              (JAVASCRIPT_URL, "a javascript: URL")]:
            for match in pattern.finditer(source):
                line = source.count("\n", 0, match.start()) + 1
                problems.append(f"{where}:{line}: {what} (move it to static/css or a static/js module)")
    assert not problems, "\n".join(problems)


def test_the_rule_finds_what_it_forbids(tmp_path):
    bad = '<div style="color:red" onclick="go()"><script>x()</script><style>p{}</style><a href="javascript:x()">'
    assert STYLE_ATTRIBUTE.search(bad) and EVENT_HANDLER.search(bad) and JAVASCRIPT_URL.search(bad)
    assert INLINE_SCRIPT.search(bad) and not NONCE.search(INLINE_SCRIPT.search(bad).group())
    good = '<script src="/static/js/a.js"></script><style nonce="{{ csp_nonce }}"></style><p data-style="x">'
    assert not INLINE_SCRIPT.search(good) and NONCE.search(INLINE_STYLE_ELEMENT.search(good).group())
    assert not STYLE_ATTRIBUTE.search(good)


@pytest.mark.parametrize("persona", ["anonymous", "admin"])
def test_every_response_carries_the_policy_and_the_permissions_policy(persona, client_for):
    response = client_for(persona).get(reverse("login") if persona == "anonymous" else reverse("home"))
    policy = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    permissions = response["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions and "microphone=()" in permissions
    assert "fullscreen=(self)" in permissions  # the presentation mode


def test_an_inline_style_on_a_charting_page_gets_the_responses_nonce(client_for, world):
    response = client_for("admin").get(reverse("indicators:clinic_presentation", kwargs={"clinic_pk": world.clinic_a1.pk}))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<style id="plotly.js-style-global" nonce="{nonce}">' in response.content.decode()


def test_the_printable_guide_gets_the_responses_nonce(client_for, world):
    from tests.dialogs.factories import region_a_published

    version = region_a_published(world)
    response = client_for("admin").get(reverse("dialogs:version_print", kwargs={"pk": version.pk}))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">' in response.content.decode()


def test_a_configured_identity_provider_is_a_place_forms_may_lead_to(client, db, settings):
    settings.OIDC_ISSUER = "https://login.region.example/realms/vard"
    settings.OIDC_OP_END_SESSION_ENDPOINT = "https://utloggning.region.example/slut"
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    form_action = next(part for part in policy.split("; ") if part.startswith("form-action"))
    assert form_action == "form-action 'self' https://login.region.example https://utloggning.region.example"


def test_the_site_icon_is_served_where_browsers_look_for_it(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = Path(settings.BASE_DIR) / "static" / "favicon.ico"
    assert response["Location"].endswith("favicon.ico") and icon.read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert "max-age=86400" in response["Cache-Control"]
