"""The indicator pages: a clinic's indicators, one indicator across the region, presentation mode, and the
indicators shown beside a guide question."""

import json
import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.selectors import series
from indicators.models import Observation, Polarity, Sex, Unit
from indicators.views_presentation import RUN_CHARTS_PER_PAGE
from tests.indicators.factories import (
    continuity_example,
    add_proportions,
    add_values,
    make_batch,
    make_indicator,
    make_source,
    observation,
    year,
)


@pytest.fixture
def continuity(world):
    return continuity_example(world)


def test_clinic_page_shows_value_interval_comparisons_and_flags(client_for, world, continuity):
    response = client_for("bestallare").get(reverse("indicators:clinic_indicators", args=[world.clinic_a1.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Kontinuitet läkare" in content
    assert "45,0\xa0%" in content and "95 % KI 41,9–48,1\xa0%" in content
    # The clinic is 45 % with an interval well above the region's 38 % and the country's 36 %.
    assert "Bättre än regionen" in content and "Bättre än riket" in content
    assert "Regionen: 38,0\xa0%" in content
    # Five years at 30–31 %, then five at 45 %: too few crossings of the median.
    assert "Icke-slumpmässig variation" in content and "Få korsningar" in content
    assert "Målnivå 50,0\xa0%: nås inte" in content
    assert "Kvinnor: 41,7\xa0% (95 % KI" in content
    # The comparison is never carried by colour alone: a shape and a word.
    assert re.search(r'<span class="cmp cmp-better"><span class="cmp-symbol" aria-hidden="true">▲</span> Bättre', content)
    assert 'role="img" aria-label="Trend 2015–2024' in content
    assert "CNI (vårdbehov)" in content and "Slumpvariation." in content


def test_small_clinic_gets_the_small_numbers_flag(client_for, world, continuity):
    content = client_for("staff_a2").get(reverse("indicators:clinic_indicators", args=[world.clinic_a2.pk])).content.decode()
    assert '<span class="flag flag-small">Få fall</span>' in content
    assert "50,0\xa0% (2024)" not in content  # 12/24 is shown with its wide interval, not alone
    assert "95 % KI 31,4–68,6\xa0%" in content


def test_masked_latest_value_is_named_never_zero(client_for, world):
    indicator = make_indicator("Läkemedelsgenomgångar")
    batch = make_batch(world.region_a)
    add_proportions(indicator, batch, [(10, 20), None], first_year=2023, clinic=world.clinic_a2)
    add_values(indicator, batch, [45.0, 46.0], first_year=2023, region=world.region_a)
    content = client_for("staff_a2").get(reverse("indicators:clinic_indicators", args=[world.clinic_a2.pk])).content.decode()
    assert "<strong>maskerat, för få fall (MSK)</strong>" in content
    assert not re.search(r">\s*0,0\xa0%", content)
    assert "Ej jämförd med regionen" in content and "Vårdcentralen har inget värde för perioden" in content


def test_prevalence_indicator_is_higher_or_lower_not_better_or_worse(client_for, world):
    indicator = make_indicator("Diagnostiserad diabetes", polarity=Polarity.NO_JUDGEMENT)
    batch = make_batch(world.region_a)
    add_proportions(indicator, batch, [(900, 10000)], first_year=2024, clinic=world.clinic_a1)
    add_values(indicator, batch, [6.0], first_year=2024, region=world.region_a)
    content = client_for("admin").get(reverse("indicators:clinic_indicators", args=[world.clinic_a1.pk])).content.decode()
    assert "Högre än regionen" in content and "Bättre än regionen" not in content
    assert "Ingen värdering" in content


def test_counts_are_not_compared_with_the_region(client_for, world):
    indicator = make_indicator("Antal besök", unit=Unit.COUNT)
    batch = make_batch(world.region_a)
    add_values(indicator, batch, [1200.0], first_year=2024, clinic=world.clinic_a1)
    add_values(indicator, batch, [90000.0], first_year=2024, region=world.region_a)
    content = client_for("admin").get(reverse("indicators:clinic_indicators", args=[world.clinic_a1.pk])).content.decode()
    assert "Ej jämförd med regionen" in content
    assert "Antal och belopp beror på vårdcentralens storlek" in content


def test_clinic_staff_see_their_own_clinic_without_links_to_the_region_comparison(client_for, world, continuity):
    own = client_for("staff_a1").get(reverse("indicators:clinic_indicators", args=[world.clinic_a1.pk]))
    assert own.status_code == 200
    assert reverse("indicators:indicator_region", args=[continuity.pk]) not in own.content.decode()
    other = client_for("staff_a1").get(reverse("indicators:clinic_indicators", args=[world.clinic_a2.pk]))
    assert other.status_code == 404


def _many_indicators(world, count=60, years=10):
    """count indicators × years × 3 sexes for A1, the region and the country (5,400 observations)."""
    source = make_source()
    batch = make_batch(world.region_a)
    observations = []
    for number in range(count):
        indicator = make_indicator(f"Indikator {number:02d}", source=source, target=40)
        for offset in range(years):
            for sex in (Sex.TOTAL, Sex.WOMEN, Sex.MEN):
                counts = {"numerator": 400 + number + offset, "denominator": 1000}
                observations.append(observation(indicator, batch, year(2015 + offset), clinic=world.clinic_a1, sex=sex, **counts))
                observations.append(observation(indicator, batch, year(2015 + offset), region=world.region_a, sex=sex, value=41.0))
                observations.append(observation(indicator, batch, year(2015 + offset), sex=sex, value=40.0))
    Observation.objects.bulk_create(observations)


def test_clinic_page_runs_a_constant_number_of_queries(client_for, world, django_assert_max_num_queries):
    _many_indicators(world)
    client = client_for("bestallare")
    url = reverse("indicators:clinic_indicators", args=[world.clinic_a1.pk])
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.content.decode().count('<tr id="indikator-') == 60


def test_presentation_mode_inlines_every_figure_and_loads_plotly_from_static(client_for, world, continuity):
    response = client_for("staff_a1").get(reverse("indicators:clinic_presentation", args=[world.clinic_a1.pk]))
    content = response.content.decode()
    figures = json.loads(re.search(r'<script id="chart-figures" type="application/json">(.*?)</script>', content, re.S)[1])
    assert list(figures) == [f"diagram-{continuity.pk}"]
    assert figures[f"diagram-{continuity.pk}"]["layout"]["font"]["size"] == 20
    assert "/static/vendor/plotly/plotly-basic.min.js" in content
    assert "cdn" not in content.lower()
    assert 'aria-live="polite"' in content and "data-slide" in content
    assert "Källa: Vården i siffror. Period: 2015–2024." in content


def test_presentation_mode_shows_only_the_chosen_indicators_in_the_chosen_order(client_for, world, continuity):
    other = make_indicator("Väntetid", source=continuity.source)
    add_proportions(other, make_batch(world.region_a), [(5, 10)], first_year=2024, clinic=world.clinic_a1)
    url = reverse("indicators:clinic_presentation", args=[world.clinic_a1.pk])
    content = client_for("admin").get(f"{url}?indikator={other.pk}&indikator={continuity.pk}").content.decode()
    assert content.index(f'id="bild-{other.pk}"') < content.index(f'id="bild-{continuity.pk}"')
    only = client_for("admin").get(f"{url}?indikator={other.pk}").content.decode()
    assert f'id="bild-{continuity.pk}"' not in only


def test_pages_without_charts_do_not_load_plotly(client_for, world, continuity):
    content = client_for("admin").get(reverse("indicators:clinic_indicators", args=[world.clinic_a1.pk])).content.decode()
    assert "plotly" not in content


def test_indicator_page_shows_funnel_run_charts_and_tables(client_for, world, continuity):
    response = client_for("utveckling").get(reverse("indicators:indicator_region", args=[continuity.pk]))
    content = response.content.decode()
    figures = json.loads(re.search(r'<script id="chart-figures" type="application/json">(.*?)</script>', content, re.S)[1])
    assert set(figures) == {"tratt", f"klinik-{world.clinic_a1.pk}", f"klinik-{world.clinic_a2.pk}"}
    # The latest year: A1 (450/1000) lies far above the region's 38 %, A2 (12/24) within the limits.
    assert "Vårdcentral A1 (Över 99,8 %-gränsen)" in content
    assert "Inom gränserna" in content and "Inte med i trattdiagrammet" not in content
    assert "Mittlinjen är regionens värde, 38,0\xa0%" in content
    assert "Visa siffrorna som tabell" in content
    assert 'role="img"' in content


def test_indicator_page_period_choice(client_for, world, continuity):
    url = reverse("indicators:indicator_region", args=[continuity.pk])
    content = client_for("admin").get(url, {"period": "year:2023-01-01"}).content.decode()
    assert '<option value="year:2023-01-01" selected>2023</option>' in content
    # In 2023 A2's value was masked: it is listed with its status, not drawn as a zero.
    assert "Period: 2023." in content
    assert "Inte med i trattdiagrammet" in content and "Vårdcentral A2: maskerat, för få fall (MSK)" in content


def _add_clinic(world, indicator, name, counts):
    clinic = world.region_a.clinics.create(name=name, hsa_id=f"SE-{name}")
    add_proportions(indicator, make_batch(world.region_a), counts, clinic=clinic)
    return clinic


STEADY = [(380, 1000), (390, 1000)] * 5  # around the region's 38 %: inside the limits, no signal
OUTSIDE = [(600, 1000), (610, 1000)] * 5  # far above the region, steady: outside the limits only
SHIFT = [(330 + i, 1000) for i in range(5)] + [(380 + i, 1000) for i in range(5)]  # inside, one crossing


@pytest.fixture
def many_clinics(world, continuity):
    """Region A with 30 steady clinics besides A1 (outside the limits, with a shift) and A2 (small, inside),
    Norra with a shift inside the limits and Södra steady but far above the region: 34 run charts."""
    steady = [_add_clinic(world, continuity, f"Extra {number:02d}", STEADY) for number in range(30)]
    norra = _add_clinic(world, continuity, "Norra", SHIFT)
    sodra = _add_clinic(world, continuity, "Södra", OUTSIDE)
    return steady, norra, sodra


def _figures(content: str) -> dict:
    return json.loads(re.search(r'<script id="chart-figures" type="application/json">(.*?)</script>', content, re.S)[1])


def _run_charts(content: str) -> list[int]:
    """The clinics whose run charts the page draws, in page order."""
    return [int(pk) for pk in re.findall(r'data-chart="klinik-(\d+)"', content)]


def test_indicator_page_runs_a_constant_number_of_queries(client_for, world, continuity, django_assert_max_num_queries):
    url = reverse("indicators:indicator_region", args=[continuity.pk])
    client = client_for("admin")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(40):
        _add_clinic(world, continuity, f"Extra {number:02d}", STEADY)
    for query in ({}, {"sida": "3"}, {"sok": "extra 1"}, {"avvikande": "on"}, {"period": "year:2020-01-01"}):
        with django_assert_max_num_queries(len(few)):
            assert client.get(url, query).status_code == 200
    assert len(few) <= 10


def test_indicator_page_draws_the_funnel_for_every_clinic_and_run_charts_a_page_at_a_time(
    client_for, world, continuity, many_clinics
):
    url = reverse("indicators:indicator_region", args=[continuity.pk])
    client = client_for("bestallare")
    first = client.get(url).content.decode()
    # Every clinic is a point of the funnel plot (and a row of its table) ...
    assert len(_figures(first)["tratt"]["data"][0]["x"]) == 34
    # ... but only a page of run charts is drawn, each with its table, and plotly gets only those figures.
    assert len(_run_charts(first)) == RUN_CHARTS_PER_PAGE
    assert first.count('<figure class="indicator-chart"') == RUN_CHARTS_PER_PAGE + 1
    assert set(_figures(first)) == {"tratt"} | {f"klinik-{pk}" for pk in _run_charts(first)}
    assert "Visar 1–12 av 34 vårdcentraler." in first
    assert '<nav class="mt-4" aria-label="Sidor med vårdcentraler">' in first
    assert '<span class="page-link" aria-current="page"><span class="visually-hidden">Sida </span>1</span>' in first
    assert 'href="?sida=2#runs-heading"' in first
    pages = [_run_charts(client.get(url, {"sida": number}).content.decode()) for number in (1, 2, 3)]
    assert [len(page) for page in pages] == [12, 12, 10]
    # Paging through shows every clinic once.
    assert sorted(pk for page in pages for pk in page) == sorted(world.region_a.clinics.values_list("pk", flat=True))
    # An unknown or too high page number shows the first or the last page rather than an error.
    assert _run_charts(client.get(url, {"sida": "x"}).content.decode()) == pages[0]
    assert _run_charts(client.get(url, {"sida": "99"}).content.decode()) == pages[2]


def test_indicator_page_lists_flagged_clinics_first_and_alone_on_request(client_for, world, continuity, many_clinics):
    _steady, norra, sodra = many_clinics
    url = reverse("indicators:indicator_region", args=[continuity.pk])
    client = client_for("utveckling")
    first = client.get(url).content.decode()
    assert set(_run_charts(first)[:3]) == {world.clinic_a1.pk, norra.pk, sodra.pk}
    assert "Bara vårdcentraler med icke-slumpmässig variation eller utanför gränserna (3 av 34)" in first
    assert '<span class="flag flag-outside">Trattdiagrammet: Över 99,8 %-gränsen</span>' in first
    flagged = client.get(url, {"avvikande": "on"}).content.decode()
    assert sorted(_run_charts(flagged)) == sorted([world.clinic_a1.pk, norra.pk, sodra.pk])
    assert "Visar 1–3 av 3 vårdcentraler." in flagged and "Sidor med vårdcentraler" not in flagged
    assert 'name="avvikande" class="form-check-input" id="id_avvikande" checked' in flagged
    assert "Visa alla vårdcentraler" in flagged and "Visa alla vårdcentraler" not in first


def test_indicator_page_finds_a_clinic_by_name_and_keeps_the_search_across_pages_and_periods(
    client_for, world, continuity, many_clinics
):
    _steady, _norra, sodra = many_clinics
    url = reverse("indicators:indicator_region", args=[continuity.pk])
    client = client_for("admin")
    found = client.get(url, {"sok": "  SÖDRA "}).content.decode()
    assert _run_charts(found) == [sodra.pk] and "Visar 1–1 av 1 vårdcentral." in found
    assert len(_figures(found)["tratt"]["data"][0]["x"]) == 34  # the funnel still shows every clinic
    nothing = client.get(url, {"sok": "Finns inte"}).content.decode()
    assert _run_charts(nothing) == [] and "Ingen vårdcentral matchar sökningen." in nothing
    extra = client.get(url, {"sok": "extra", "period": "year:2023-01-01"}).content.decode()
    assert "Visar 1–12 av 30 vårdcentraler." in extra
    assert 'href="?sok=extra&amp;period=year%3A2023-01-01&amp;sida=2#runs-heading"' in extra
    # The period form carries the search; the search form carries the period.
    assert '<input type="hidden" name="sok" value="extra">' in extra
    assert '<input type="hidden" name="period" value="year:2023-01-01">' in extra


def test_question_indicators_partial_lists_each_questions_indicators_in_constant_queries(
    world, continuity, django_assert_num_queries
):
    other = make_indicator("Hba1c under 52", source=continuity.source)
    add_proportions(other, make_batch(world.region_a), [(50, 100)], first_year=2024, clinic=world.clinic_a1)
    unknown = make_indicator("Inga värden", source=continuity.source)
    with django_assert_num_queries(1):
        summaries = series.indicator_summaries(world.clinic_a1, [continuity, other, unknown, continuity])
    assert [summary.indicator for summary in summaries] == [continuity, other, unknown]
    template = Template(
        "{% load indicator_presentation %}"
        "{% for indicators in questions %}<div>{% question_indicators clinic summaries indicators %}</div>{% endfor %}"
    )
    with django_assert_num_queries(0):
        html = template.render(
            Context({"clinic": world.clinic_a1, "summaries": summaries, "questions": [[continuity], [other, unknown], []]})
        )
    first, second, third = re.findall(r"<div>(.*?)</div>", html, re.S)
    assert "Kontinuitet läkare" in first and "45,0\xa0%" in first and "Bättre än regionen" in first
    assert f"#indikator-{continuity.pk}" in first
    assert "Hba1c under 52" in second and "inga värden för vårdcentralen" in second
    assert third.strip() == ""


def test_question_indicators_partial_can_be_included_with_picked_summaries(world, continuity):
    summaries = series.summaries_for(series.indicator_summaries(world.clinic_a1, [continuity]), [continuity])
    html = Template(
        '{% include "indicators/partials/question_indicators.html" with clinic=clinic summaries=summaries %}'
    ).render(Context({"clinic": world.clinic_a1, "summaries": summaries}))
    assert "Kontinuitet läkare" in html and "Liknande" not in html and "Bättre än riket" in html
