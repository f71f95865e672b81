"""A real OpenID Connect provider for the sign-in tests: tests/oidc_provider.mjs (the ``oidc-provider`` npm
package) run by node on a free port of 127.0.0.1, and the settings that point the product at it.

Tests that need it skip with the reason when node or the package is missing (``npm ci`` installs it)."""

import json
import os
import select
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "oidc_provider.mjs"
CLIENT_ID = "primarvardsuppfoljning"
CLIENT_SECRET = "test-only-client-secret-0123456789"
CALLBACK_PATH = "/konto/oidc/klar/"
LOGGED_OUT_PATH = "/konto/logga-in/"

# The people the provider knows: the login name typed on its page → the claims it vouches for.
ACCOUNTS = {
    "ada": {"sub": "sub-ada", "email": "admin@example.org", "email_verified": True, "hsa_id": "SE2321000016-A001",
            "given_name": "Ada", "family_name": "Admin", "name": "Ada Admin"},
    "stina": {"sub": "sub-stina", "email": "Staff_A1@Example.org", "email_verified": True,
              "given_name": "Stina", "family_name": "A1", "name": "Stina A1"},
    "okand": {"sub": "sub-okand", "email": "okand@example.org", "email_verified": True,
              "hsa_id": "SE2321000016-Z999", "given_name": "Olle", "family_name": "Okänd", "name": "Olle Okänd"},
}


@dataclass
class RunningProvider:
    issuer: str
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def unavailable_reason() -> str | None:
    if shutil.which("node") is None:
        return "node was not found: the OpenID Connect sign-in tests run a real provider with node"
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        return "the oidc-provider npm package is missing: run `npm ci` (make install does)"
    return None


def start(*, site_url: str, mode: str = "normal", accounts: dict | None = None) -> RunningProvider:
    """Start the provider for a product served at ``site_url``; returns once it listens."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    config = {
        "clientId": CLIENT_ID,
        "clientSecret": CLIENT_SECRET,
        "redirectUris": [site_url.rstrip("/") + CALLBACK_PATH],
        "postLogoutRedirectUris": [site_url.rstrip("/") + LOGGED_OUT_PATH],
        "accounts": ACCOUNTS if accounts is None else accounts,
        "mode": mode,
    }
    errors = tempfile.TemporaryFile()  # node's messages, read when it fails to start
    process = subprocess.Popen(
        ["node", str(SCRIPT)],
        cwd=ROOT,
        env={**os.environ, "OIDC_TEST_CONFIG": json.dumps(config), "NODE_NO_WARNINGS": "1"},
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
    )
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        process.wait()
        errors.seek(0)
        raise RuntimeError(f"The test OpenID provider did not start: {errors.read().decode(errors='replace')}")
    return RunningProvider(issuer=json.loads(line)["issuer"], process=process)


def configure(settings, provider: RunningProvider, **overrides) -> None:
    """Point the product at the provider (discovery from its issuer), as the environment variables would."""
    from organisations import oidc

    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid email profile hsa"
    settings.OIDC_HSA_ID_CLAIM = "hsa_id"
    settings.OIDC_EMAIL_CLAIM = "email"
    for name, value in overrides.items():
        setattr(settings, name, value)
    oidc.forget_provider_metadata()


def sign_in_at_provider(authorization_url: str, login: str, session=None):
    """What a browser does at the provider: open the authorization URL, type the login name on the provider's
    page (unless the provider still knows the person) and follow the redirects until the provider sends the
    browser back to the product. Returns the URL it is sent back to, and the provider's cookie session."""
    import re
    from urllib.parse import urljoin, urlsplit

    import requests

    session = session or requests.Session()
    response = session.get(authorization_url, allow_redirects=False, timeout=10)
    for _ in range(10):
        if response.status_code in (301, 302, 303):
            location = urljoin(response.url, response.headers["Location"])
            if urlsplit(location).netloc != urlsplit(response.url).netloc:
                return location, session  # leaving the provider: back to the product
            response = session.get(location, allow_redirects=False, timeout=10)
        elif response.status_code == 200 and 'name="login"' in response.text:
            action = re.search(r'<form method="post" action="([^"]+)"', response.text).group(1)
            response = session.post(urljoin(response.url, action), data={"login": login}, allow_redirects=False,
                                    timeout=10)
        else:
            raise AssertionError(f"Unexpected answer from the provider: {response.status_code} {response.text[:300]}")
    raise AssertionError("The provider redirected too many times")
