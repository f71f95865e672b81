"""Feedback for the tests: a held dialogue at clinic A1 with its summary answered, a booked follow-up meeting,
indicator data, a prefilled report and shared versions – all built through the services."""

import datetime

from django.utils import timezone

from dialogs.services.dialogue import follow_up_book
from feedback import services
from feedback.models import FeedbackReport
from tests.dialogs.dialogue_factories import held, write_answer
from indicators.models import Granularity, Observation
from tests.indicators.factories import add_proportions, add_values, make_batch, make_indicator, observation

STRENGTHS = "Stabilt läkarlag\n- Öppet klimat i ledningsgruppen"
IMPROVEMENTS = "Telefontillgänglighet på förmiddagarna"
TEAM_LESSON = "Skicka programmet tidigare"


def held_dialogue(world, *, clinic=None, booked=True):
    """A held dialogue at A1 (or ``clinic``) with the summary answered and, by default, a follow-up booked."""
    dialogue = held(world, clinic=clinic)
    user = world.user("bestallare")
    write_answer(dialogue, "sammanfattning-q01", STRENGTHS, user)
    write_answer(dialogue, "sammanfattning-q02", IMPROVEMENTS, user)
    write_answer(dialogue, "aterkoppling-q01", TEAM_LESSON, user)
    if booked:
        follow_up_book(
            dialogue=dialogue, user=user, date=timezone.localdate() + datetime.timedelta(days=40),
            start_time=datetime.time(13, 0), duration_minutes=45, video_link="https://video.example.org/rum/7",
            focus_area="Kontinuitet för multisjuka",
        )
    dialogue.refresh_from_db()
    return dialogue


def indicators_with_data(world, count: int = 2, *, clinic=None) -> list:
    """``count`` percentage indicators with five years for the clinic (A1 by default), the region and the
    country; the clinic's 2017 value is masked."""
    clinic = clinic or world.clinic_a1
    batch = make_batch(world.region_a)
    indicators = []
    for number in range(count):
        indicator = make_indicator(f"Indikator {number + 1}", code=f"FB-{number + 1}")
        add_proportions(
            indicator, batch, [(300 + 10 * number, 1000), (320, 1000), None, (350, 1000), (400 + number, 1000)],
            first_year=2020, clinic=clinic,
        )
        add_values(indicator, batch, [33.0, 34.0, 35.0, 36.0, 37.0], first_year=2020, region=world.region_a)
        add_values(indicator, batch, [32.0, 33.0, 34.0, 35.0, 36.0], first_year=2020)
        indicators.append(indicator)
    return indicators


def _periods(granularity: str, count: int) -> list[tuple[datetime.date, datetime.date, str]]:
    """``count`` consecutive half-years or months ending with the last one of 2024."""
    months = 6 if granularity == Granularity.HALF else 1
    periods = []
    for number in range(count):
        first_month = 2024 * 12 + 12 - months * (count - number)  # months since year 0, zero-based
        start = datetime.date(first_month // 12, first_month % 12 + 1, 1)
        end_month = first_month + months
        end = datetime.date(end_month // 12, end_month % 12 + 1, 1) - datetime.timedelta(days=1)
        periods.append((start, end, granularity))
    return periods


def indicator_over_periods(world, granularity: str, count: int, *, clinic=None):
    """A percentage indicator with ``count`` half-years or months of the clinic (A1 by default), the region and
    the country: an axis with many period names."""
    clinic = clinic or world.clinic_a1
    batch = make_batch(world.region_a)
    name = "Besök per halvår" if granularity == Granularity.HALF else "Besök per månad"
    indicator = make_indicator(name, code=f"FB-{granularity}-{count}")
    periods = _periods(granularity, count)
    Observation.objects.bulk_create(
        [
            *(observation(indicator, batch, period, clinic=clinic, numerator=40 + number % 7, denominator=100)
              for number, period in enumerate(periods)),
            *(observation(indicator, batch, period, region=world.region_a, value=44.0 + number % 3)
              for number, period in enumerate(periods)),
            *(observation(indicator, batch, period, value=45.0) for period in periods),
        ]
    )
    return indicator


def report(world, *, clinic=None, charts: int = 0) -> FeedbackReport:
    """A prefilled report of a held dialogue at A1 (the same one on every call within a test)."""
    clinic = clinic or world.clinic_a1
    existing = FeedbackReport.objects.filter(dialogue__clinic=clinic).first()
    if existing is not None:
        return existing
    created = services.feedback_create(dialogue=held_dialogue(world, clinic=clinic), user=world.user("bestallare"))
    if charts:
        services.feedback_charts_save(
            report=created, user=world.user("bestallare"), indicators=indicators_with_data(world, charts, clinic=clinic)
        )
    return created


def shared_version(world, *, clinic=None):
    """Version 1 of A1's report (shared once per test)."""
    shared = report(world, clinic=clinic)
    return shared.versions.first() or services.feedback_share(report=shared, user=world.user("bestallare"))


def comment(world):
    version = shared_version(world)
    existing = version.comments.first()
    if existing is not None:
        return existing
    return services.feedback_comment_add(
        version=version, user=world.user("staff_a1"), section_key="strengths", text="Vi känner igen oss."
    )


def status_after_share(dialogue) -> str:
    dialogue.refresh_from_db()
    return dialogue.status

