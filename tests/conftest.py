"""Shared personas (DESIGN.md rule 9): region A with clinics A1 and A2, region B with clinic B1, and
one user per role. Tests pick the personas they need by name."""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from organisations.models import Clinic, Membership, NationalReader, Party, Region, Role

@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language (Swedish): a request through the test client activates the
    language it asked for in this thread, and that must not carry over into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


PERSONAS = ["admin", "bestallare", "utveckling", "staff_a1", "staff_a2", "outsider", "national", "anonymous"]


@dataclass
class World:
    region_a: Region
    region_b: Region
    clinic_a1: Clinic
    clinic_a2: Clinic
    clinic_b1: Clinic
    users: dict

    def user(self, persona: str):
        return self.users.get(persona)


def _user(username: str, **names):
    return get_user_model().objects.create_user(
        username=username, password="correct horse battery", email=f"{username}@example.org", **names
    )


@pytest.fixture
def world(db) -> World:
    region_a = Region.objects.create(name="Region A", code="01")
    region_b = Region.objects.create(name="Region B", code="02")
    clinic_a1 = Clinic.objects.create(region=region_a, name="Vårdcentral A1", hsa_id="SE-A1", listed_patients=9000)
    clinic_a2 = Clinic.objects.create(region=region_a, name="Vårdcentral A2", hsa_id="SE-A2", listed_patients=3000)
    clinic_b1 = Clinic.objects.create(region=region_b, name="Vårdcentral B1", hsa_id="SE-B1", listed_patients=7000)
    users = {
        "admin": _user("admin", first_name="Ada", last_name="Admin"),
        "bestallare": _user("bestallare", first_name="Bo", last_name="Beställare"),
        "utveckling": _user("utveckling", first_name="Uma", last_name="Utveckling"),
        "staff_a1": _user("staff_a1", first_name="Stina", last_name="A1"),
        "staff_a2": _user("staff_a2", first_name="Sven", last_name="A2"),
        "outsider": _user("outsider", first_name="Otto", last_name="Utsocknes"),
        # A nationell läsare (issue 14): reads the national aggregates and belongs to no region.
        "national": _user("national", first_name="Nina", last_name="Nationell"),
        "anonymous": None,
    }
    Membership.objects.create(user=users["admin"], region=region_a, role=Role.ADMIN)
    Membership.objects.create(user=users["bestallare"], region=region_a, role=Role.UPPFOLJARE, party=Party.BESTALLARE)
    Membership.objects.create(user=users["utveckling"], region=region_a, role=Role.UPPFOLJARE, party=Party.UTVECKLING)
    Membership.objects.create(
        user=users["staff_a1"], region=region_a, role=Role.VARDCENTRAL, party=Party.VARDCENTRAL, clinic=clinic_a1
    )
    Membership.objects.create(
        user=users["staff_a2"], region=region_a, role=Role.VARDCENTRAL, party=Party.VARDCENTRAL, clinic=clinic_a2
    )
    Membership.objects.create(user=users["outsider"], region=region_b, role=Role.UPPFOLJARE, party=Party.BESTALLARE)
    NationalReader.objects.create(user=users["national"], organisation="SKR")
    return World(region_a, region_b, clinic_a1, clinic_a2, clinic_b1, users)


@pytest.fixture
def client_for(client, world):
    """client_for("admin") → a test client signed in as that persona (anonymous → signed out)."""
    from django.test import Client

    def make(persona: str) -> Client:
        persona_client = Client()
        user = world.user(persona)
        if user is not None:
            persona_client.force_login(user)
        return persona_client

    return make


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only", action="store_true",
        help="run only the tests that use the database (CI's PostgreSQL pass: the others ran in its SQLite pass)",
    )


def pytest_collection_modifyitems(config, items):
    """With --database-tests-only, leave out the tests that never reach the configured database: parsers,
    statistics, renderers, static checks. A test that reaches it another way (a subprocess given DATABASE_URL)
    says so with the ``configured_database`` mark and stays."""
    if not config.getoption("database_tests_only"):
        return

    def uses_database(item) -> bool:
        return bool(
            item.get_closest_marker("django_db") or item.get_closest_marker("configured_database")
            or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        )

    kept, left_out = [], []
    for item in items:
        (kept if uses_database(item) else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def pytest_terminal_summary(terminalreporter):
    """Count the tests skipped for a missing Chromium or LibreOffice (tests/external.py), for the closing line."""
    from tests.external import skipped_for_missing_programs

    terminalreporter.config._skipped_for_programs = skipped_for_missing_programs(terminalreporter.stats.get("skipped", []))


def pytest_unconfigure(config):
    """The run's last line, after pytest's own counts: how many tests skipped for a missing program, and the one
    command that installs both (nothing when none skipped)."""
    from tests.external import closing_line

    count = getattr(config, "_skipped_for_programs", 0)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if count and reporter is not None:
        reporter.write_line(closing_line(count))


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on a free port; the product's e-mail goes to it through Django's SMTP backend."""
    from tests import mailsink

    sink, controller = mailsink.start()
    settings.MAILERS = mailsink.mailers_for(sink)
    yield sink
    controller.stop()
