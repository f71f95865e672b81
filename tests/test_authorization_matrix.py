"""Every named URL, visited by every persona, answers with the intended status (see authz_matrix.py)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz_matrix import all_routes
from tests.conftest import PERSONAS

# Django's own admin keeps its own staff-only login and is tested separately.
EXCLUDED_NAMESPACES = {"admin"}


def _named_urls(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in EXCLUDED_NAMESPACES:
                continue
            names |= _named_urls(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


ROUTES = all_routes()


def test_every_named_url_is_in_the_matrix():
    covered = {route.name for route in ROUTES}
    missing = _named_urls(get_resolver()) - covered
    assert not missing, f"Add these URLs to tests/authz_matrix.py: {sorted(missing)}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_each_persona_gets_the_intended_status(route, world, client_for):
    url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
    outcome = {persona: client_for(persona).get(url).status_code for persona in PERSONAS}
    assert outcome == route.expected


def test_anonymous_users_are_sent_to_the_login_page(client, world):
    response = client.get(reverse("organisations:clinic_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_django_admin_is_closed_to_non_staff(client_for, world):
    response = client_for("admin").get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/django-admin/login/" in response["Location"]
