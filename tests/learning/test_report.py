"""The region's learning report (issue 14): medskick counted by category and period and listed with clinic and date,
the teams' lessons, the evaluation per criterion with its interval, trend and teams – each filter doing what it
says, the small-group rule in every part, another region's items never shown, and a fixed number of queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dialogs.models.dialogue import Dialogue
from learning.forms import Granularity, ReportFilters
from learning.selectors import category_counts, evaluation_summary, period_key, periods
from tests.learning.factories import (
    clinic_answers,
    closed_days_ago,
    held_with_participants,
    lesson,
    medskick,
    team_answer,
)


def _report(client, query: str = "") -> str:
    response = client.get(reverse("learning:report") + query)
    assert response.status_code == 200
    return response.content.decode()


def _counts_table(page: str) -> str:
    return page[page.index('data-testid="category-counts"'):page.index("</table>", page.index('data-testid="category-counts"'))]


def _filters(**overrides) -> ReportFilters:
    today = timezone.localdate()
    return ReportFilters(**{"start": today - datetime.timedelta(days=365), "end": today, **overrides})


def test_the_periods_of_each_division():
    filters = ReportFilters(start=datetime.date(2025, 11, 15), end=datetime.date(2026, 7, 1))
    assert [period.label for period in periods(filters)] == ["2025 K4", "2026 K1", "2026 K2", "2026 K3"]
    halves = ReportFilters(start=filters.start, end=filters.end, granularity=Granularity.HALF)
    assert [period.label for period in periods(halves)] == ["2025 H2", "2026 H1", "2026 H2"]
    assert period_key(datetime.date(2026, 6, 30), Granularity.YEAR) == (2026,)


def test_medskick_are_counted_by_category_and_period_and_listed_with_clinic_and_date(world, client_for):
    dialogue = held_with_participants(world, days_ago=3)
    medskick(world, dialogue, text="Om hembesök", categories=("forfragningsunderlag", "villkor"))
    medskick(world, dialogue, text="Om telefonen", categories=("tillganglighet",))
    lesson(world, dialogue, text="Planera rundvandringen före lunch.")
    page = _report(client_for("bestallare"))
    counts = category_counts(region=world.region_a, filters=_filters())
    assert counts.medskick == 2 and sum(value for value in counts.totals.values()) == 3
    assert counts.totals["forfragningsunderlag"] == counts.totals["villkor"] == counts.totals["tillganglighet"] == 1
    assert "2 medskick under perioden" in page
    table = page[page.index('data-testid="medskick-table"'):]
    assert "Om hembesök" in table and "Vårdcentral A1" in table and dialogue.date.isoformat() in table
    assert "Förfrågningsunderlagets kvalitet, Villkorens rimlighet" in table
    assert "Planera rundvandringen före lunch." in page


def test_each_filter_narrows_the_report(world, client_for):
    recent = held_with_participants(world, days_ago=3)
    older = held_with_participants(world, days_ago=200, clinic=world.clinic_a2)
    medskick(world, recent, text="Nytt om villkor", categories=("villkor",), area="p1")
    medskick(world, older, text="Äldre om information", categories=("information",))
    client = client_for("bestallare")
    assert "Äldre om information" not in _report(client, f"?fran={(timezone.localdate() - datetime.timedelta(days=30)).isoformat()}")
    assert "Nytt om villkor" not in _report(client, f"?vardcentral={world.clinic_a2.pk}")
    assert "Äldre om information" not in _report(client, "?kategori=villkor")
    only_p1 = _report(client, "?omrade=p1")
    assert "Nytt om villkor" in only_p1 and "Äldre om information" not in only_p1
    yearly = _report(client, "?indelning=ar")
    assert f">{timezone.localdate().year}<" in _counts_table(yearly)


def test_bad_filters_are_named_and_the_defaults_used(world, client_for):
    held_with_participants(world)
    page = _report(client_for("bestallare"), "?fran=2026-05-01&till=2026-01-01&vardcentral=999999999999&indelning=vecka")
    assert "Till-datumet ligger före från-datumet" in page and "Några val gick inte att använda" in page


def test_another_regions_items_never_show(world, client_for):
    medskick(world, held_with_participants(world), text="Region A:s medskick")
    page = _report(client_for("outsider"))  # the outsider follows up in region B
    assert "Region A:s medskick" not in page and "Vårdcentral A1" not in page


def test_clinic_staff_and_people_without_a_region_are_refused(world, client_for):
    assert client_for("staff_a1").get(reverse("learning:report")).status_code == 403
    assert client_for("national").get(reverse("learning:report")).status_code == 403


@pytest.mark.parametrize("size", [1, 2, 3])
def test_the_small_group_rule_holds_on_the_report(world, client_for, size):
    dialogue = held_with_participants(world, days_ago=closed_days_ago())
    clinic_answers(dialogue, [5, 4, 1][:size])
    summary = evaluation_summary(region=world.region_a, filters=_filters())
    clinic = next(group for group in summary.overall if group.group == "vardcentral")
    assert clinic.respondents == (size if size >= 3 else 0)  # a group of one or two is never counted, anywhere
    assert all(result.shown for result in clinic.criteria) is (size >= 3)
    trend = summary.trend["vardcentral"]
    assert any(group.shown for group in trend) is (size >= 3)
    page = _report(client_for("bestallare"))
    evaluation = page[page.index('id="evaluation-heading"'):page.index('id="charts-heading"')]
    assert ("Andel 4–5" in evaluation) is (size >= 3)
    if size < 3:
        assert "Inga svar att räkna med" in evaluation and "%" not in evaluation.split("Svar från vårdcentralen")[1]
    else:
        assert "67 % (21–94 %)" in evaluation  # 2 of 3 answered 4–5, with the Wilson interval


def test_the_trend_and_the_teams(world, client_for):
    early = held_with_participants(world, days_ago=200)
    late = held_with_participants(world, days_ago=closed_days_ago(), clinic=world.clinic_a2)
    clinic_answers(early, [2, 2, 3])
    clinic_answers(late, [5, 4, 4])
    summary = evaluation_summary(region=world.region_a, filters=_filters())
    shares = [group.criteria[0].share_percent for group in summary.trend["vardcentral"] if group.shown]
    assert shares == [0.0, 100.0]
    team = summary.teams[0]
    assert team.label == "Bo Beställare, Uma Utveckling" and team.dialogues == 2
    page = _report(client_for("bestallare"))
    assert "Bo Beställare, Uma Utveckling" in page and "Utvärderingen över tid" in page


def test_the_report_reads_the_same_number_of_queries_however_much_there_is(world, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("bestallare")
    first = held_with_participants(world, days_ago=closed_days_ago())
    medskick(world, first)
    clinic_answers(first, [4, 4, 4])
    _report(client)
    with CaptureQueriesContext(connection) as before:
        _report(client)
    for days in (60, 90, 120, 150, 180):
        dialogue = held_with_participants(world, days_ago=days, clinic=world.clinic_a2 if days % 60 else world.clinic_a1)
        medskick(world, dialogue, text=f"Medskick {days}", categories=("villkor", "ovrigt"))
        lesson(world, dialogue, text=f"Lärdom {days}")
        clinic_answers(dialogue, [3, 4, 5])
        team_answer(world, dialogue, "bestallare")
    with django_assert_max_num_queries(len(before)):
        _report(client)
    for name in ("learning:report_pptx", "learning:report_pdf", "learning:report_csv", "learning:report_xlsx"):
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as small:
            client.get(reverse(name))
        Dialogue.objects.update(date=timezone.localdate() - datetime.timedelta(days=10))
        with django_assert_max_num_queries(len(small)):
            client.get(reverse(name))


def test_the_list_of_medskick_is_paged(world, client_for):
    from learning import selectors

    dialogue = held_with_participants(world)
    for number in range(selectors.LIST_PAGE_SIZE + 3):
        medskick(world, dialogue, text=f"Medskick nummer {number:03}")
    client = client_for("bestallare")
    first = _report(client)
    assert "Sida 1 av 2" in first and first.count("Medskick nummer") == selectors.LIST_PAGE_SIZE
    second = _report(client, "?sida=2")
    assert second.count("Medskick nummer") == 3 and "Sida 2 av 2" in second
    assert re.search(r'href="\?sida=1#medskick"', second)


def test_no_two_reports_can_be_compared_to_reveal_a_group_of_one_or_two(world):
    """A period that holds one more dialogue than another must not differ by that dialogue's one or two answers:
    such a group never counts, so the two reports agree; a group of three changes the figures as a whole."""
    day = closed_days_ago()
    counted = held_with_participants(world, days_ago=day + 40)
    clinic_answers(counted, [4, 4, 5])
    small = held_with_participants(world, days_ago=day, clinic=world.clinic_a2)
    clinic_answers(small, [1, 1])
    team_answer(world, small, "bestallare", value=1)
    team_answer(world, small, "utveckling", value=1)

    def overall(**dates):
        summary = evaluation_summary(region=world.region_a, filters=_filters(**dates))
        return {group.group: (group.respondents, [(r.answers, r.mean) for r in group.criteria]) for group in summary.overall}

    with_small = overall()
    without_small = overall(end=small.date - datetime.timedelta(days=1))
    assert with_small == without_small and with_small["vardcentral"][0] == 3 and with_small["team"][0] == 0

    open_round = held_with_participants(world, days_ago=3)  # answers while the round is open never count either
    clinic_answers(open_round, [1, 1, 1])
    assert overall() == with_small
