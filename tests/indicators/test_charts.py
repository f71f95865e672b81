"""indicators.charts: the words, the chart specifications and the three renderers (plotly, SVG, PowerPoint)."""

import math
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.utils import translation

from indicators import charts, stats
from indicators.selectors import region
from indicators.selectors import series as selectors
from indicators.models import Granularity, Indicator, Observation, Polarity, Sex, Unit, UnitKind
from indicators.selectors.series import BenchmarkComparison, NotCompared, Point
from organisations import access
from tests.indicators.factories import add_proportions, continuity_example, make_batch, make_indicator, observation

SVG = "{http://www.w3.org/2000/svg}"


def point(value, numerator=None, denominator=None, status="ok", year=2024, sex=Sex.TOTAL):
    return Point(date(year, 1, 1), date(year, 12, 31), "year", sex, value, numerator, denominator, status)


@pytest.fixture
def continuity(world):
    return continuity_example(world)


def clinic_spec(clinic, indicator):
    """A clinic's run chart as presentation mode and the feedback deck draw it."""
    return charts.clinic_indicator_charts(clinic, [indicator])[0].spec


def page_funnel(world, indicator, persona="bestallare"):
    """The funnel the indicator page draws: the clinics of the region that the user may see."""
    clinics = list(access.clinics_for_user_in_region(world.user(persona), world.region_a).order_by("name"))
    return charts.funnel_spec(region.region_indicator(indicator, world.region_a, clinics))


# --- numbers and words --------------------------------------------------------------------------------------


def test_numbers_use_the_swedish_decimal_comma_and_the_active_language():
    assert charts.format_number(12345.678, 1) == "12\xa0345,7"
    assert charts.format_value(41.75, Unit.PERCENT) == "41,8\xa0%"
    assert charts.format_value(3.2, Unit.RATE_PER_1000) == "3,2\xa0per\xa01\xa0000"
    with translation.override("en"):
        assert charts.format_value(41.75, Unit.PERCENT) == "41.8\xa0%"


def test_estimate_names_its_interval():
    estimate = selectors.estimate_for(Unit.PERCENT, point(41.7, 1251, 3000))
    assert charts.format_estimate(estimate, Unit.PERCENT) == "41,7\xa0% (95 % KI 39,9–43,5\xa0%)"


def test_masked_values_are_named_not_zero():
    assert charts.format_point(point(None, status="masked"), Unit.PERCENT) == "maskerat, för få fall (MSK)"


@pytest.mark.parametrize(
    ("result", "kind", "expected"),
    [
        (stats.Comparison.BETTER, UnitKind.REGION,
         "Bättre än regionen (95 % konfidensintervall överlappar inte regionens värde, 38,0\xa0%)"),
        (stats.Comparison.WORSE, UnitKind.NATION,
         "Sämre än riket (95 % konfidensintervall överlappar inte rikets värde, 38,0\xa0%)"),
        (stats.Comparison.SIMILAR, UnitKind.NATION,
         "Liknande riket (95 % konfidensintervall omfattar rikets värde, 38,0\xa0%: skillnaden kan bero på slumpen)"),
    ],
)
def test_comparison_in_words(result, kind, expected):
    comparison = BenchmarkComparison(kind, result, point(38.0))
    assert charts.comparison_in_words(comparison, Unit.PERCENT).sentence == expected


def test_comparison_without_judgement_says_higher_and_why():
    text = charts.comparison_in_words(BenchmarkComparison(UnitKind.REGION, stats.Comparison.HIGHER, point(6.0)), Unit.PERCENT)
    assert text.short == "Högre än regionen"
    assert "ingen värdering" in text.reason
    assert (text.symbol, text.css_class) == ("△", "cmp-higher")


def test_comparison_carries_the_small_numbers_caveat():
    comparison = BenchmarkComparison(UnitKind.REGION, stats.Comparison.SIMILAR, point(38.0), small_numbers=True)
    sentence = charts.comparison_in_words(comparison, Unit.PERCENT).sentence
    assert sentence.endswith("Få fall (färre än 30 i nämnaren): slumpen kan ge stora skillnader, tolka med försiktighet.")


@pytest.mark.parametrize(
    ("reason", "kind", "expected"),
    [
        (NotCompared.NO_BENCHMARK, UnitKind.REGION, "regionens värde för perioden saknas"),
        (NotCompared.NO_BENCHMARK, UnitKind.NATION, "rikets värde för perioden saknas"),
        (NotCompared.NO_INTERVAL, UnitKind.REGION, "osäkerheten kan inte beräknas utan täljare och nämnare"),
        (NotCompared.UNIT, UnitKind.NATION, "antal och belopp beror på vårdcentralens storlek och jämförs inte"),
    ],
)
def test_a_comparison_not_made_says_why(reason, kind, expected):
    text = charts.comparison_in_words(BenchmarkComparison(kind, stats.Comparison.NOT_COMPARED, None, reason), Unit.PERCENT)
    assert text.reason == expected and text.short.startswith("Ej jämförd med")


def test_compare_follows_polarity_and_refuses_size_dependent_units():
    estimate = selectors.estimate_for(Unit.PERCENT, point(45.0, 450, 1000))
    lower_better = make_indicator_stub(Unit.PERCENT, Polarity.LOWER_BETTER)
    assert selectors.compare(lower_better, estimate, point(38.0), UnitKind.REGION).result == stats.Comparison.WORSE
    count = make_indicator_stub(Unit.COUNT, Polarity.HIGHER_BETTER)
    assert selectors.compare(count, estimate, point(38.0), UnitKind.REGION).reason == NotCompared.UNIT


def make_indicator_stub(unit, polarity):
    return Indicator(name="x", code="x", unit=unit, polarity=polarity)


def test_run_chart_signals_are_named_with_their_numbers():
    shift = stats.run_chart([30, 31, 32, 33, 34, 35, 50, 51, 52, 53, 54, 55])
    words = charts.run_chart_in_words(shift)
    assert words.signal and words.short == "Icke-slumpmässig variation"
    assert any(detail.startswith("Få korsningar: kurvan korsar medianen 1 gång") for detail in words.details)
    assert "Få korsningar: 1 (gräns 3)" in words.brief
    run = stats.run_chart([10, 11, 12, 13, 14, 15, 16, 17, 1, 2, 3, 4, 5, 6, 7, 8])
    assert "Lång serie" in charts.run_chart_in_words(run).details[0]


def test_run_chart_with_too_few_points_makes_no_judgement():
    words = charts.run_chart_in_words(stats.run_chart([40, 41, 42, 43]))
    assert not words.signal and words.short == "För få mätpunkter"
    assert "minst 10 behövs" in words.details[0]


def test_random_variation_is_called_so():
    words = charts.run_chart_in_words(stats.run_chart([40, 42] * 6))
    assert not words.signal and "Variationen kan förklaras av slumpen" in words.details[0]


# --- specifications -------------------------------------------------------------------------------------------


def test_run_chart_spec_has_intervals_median_benchmarks_target_and_names_source_and_period(world, continuity):
    spec = clinic_spec(world.clinic_a1, continuity)
    roles = [series.role for series in spec.series]
    assert roles == ["clinic", "median", "region", "nation", "target"]
    clinic = spec.series[0]
    assert clinic.y[-1] == 45.0 and math.isclose(clinic.lower[-1], 41.947, abs_tol=0.01)
    assert spec.categories[0] == "2015" and spec.categories[-1] == "2024"
    assert spec.caption == "Källa: Vården i siffror. Period: 2015–2024."
    assert spec.interval_note == "95 % konfidensintervall (Wilson)"
    assert any("Få korsningar" in note for note in spec.notes)
    assert spec.table.headers == ("Period", "Värde", "95 % KI", "Täljare", "Nämnare", "Regionen", "Riket")
    assert spec.table.rows[-1] == ("2024", "45,0\xa0%", "41,9–48,1\xa0%", "450", "1\xa0000", "38,0\xa0%", "36,0\xa0%")
    assert spec.summary.startswith("Kontinuitet läkare för Vårdcentral A1, 2015–2024: från 30,0\xa0% (2015) till 45,0")


def test_run_chart_spec_keeps_masked_periods_as_gaps(world, continuity):
    spec = clinic_spec(world.clinic_a2, continuity)
    assert spec.series[0].y[-2] is None
    assert spec.table.rows[-2][1] == "maskerat, för få fall (MSK)"


def test_women_and_men_each_get_their_own_interval(world, continuity):
    series = selectors.load_series(world.clinic_a1, [continuity])[continuity.pk]
    spec = charts.run_chart_spec(series, clinic_name="Vårdcentral A1", sexes=[Sex.WOMEN, Sex.MEN], periods=3)
    assert [series.role for series in spec.series] == ["women", "men", "target"]
    assert spec.categories == ("2022", "2023", "2024")
    women, men = spec.series[0], spec.series[1]
    assert (women.y[0], men.y[0]) == (41.7, 34.6)
    # 200/480 and 180/520: each sex's own Wilson interval, not the total's.
    assert women.lower[0] == pytest.approx(100 * stats.wilson_interval(200, 480).lower)
    assert men.upper[0] == pytest.approx(100 * stats.wilson_interval(180, 520).upper)


def test_sex_split_spec_draws_bars_with_intervals(world, continuity):
    series = selectors.load_series(world.clinic_a1, [continuity])[continuity.pk]
    spec = charts.sex_split_spec(series, clinic_name="Vårdcentral A1")
    assert spec.categories == ("Kvinnor", "Män", "Totalt")
    assert spec.series[0].mode == "bars" and spec.series[0].lower[0] is not None
    assert spec.y_range[0] == 0.0


def test_funnel_spec_names_clinics_outside_the_limits(world, continuity):
    spec = page_funnel(world, continuity)
    clinics = spec.series[0]
    assert clinics.labels == ("Vårdcentral A1", None)  # A1 (45 % of 1,000) is far above 38 %; A2 (12/24) inside
    assert [series.role for series in spec.series[1:]] == ["centre", "limit95", "limit95", "limit998", "limit998"]
    upper95, upper998 = spec.series[2].y, spec.series[4].y
    assert all(high998 > high95 for high95, high998 in zip(upper95, upper998))
    assert "Utanför gränserna: Vårdcentral A1 (Över 99,8 %-gränsen)." in spec.summary
    assert "Gränserna tar inte hänsyn till vårdbehov (CNI)" in spec.notes[0]


def test_funnel_for_rates_uses_poisson_limits(world):
    indicator = make_indicator("Besök per 1 000 listade", unit=Unit.RATE_PER_1000, polarity=Polarity.NO_JUDGEMENT)
    batch = make_batch(world.region_a)
    add_proportions(indicator, batch, [(120, 9000)], first_year=2024, clinic=world.clinic_a1)
    add_proportions(indicator, batch, [(30, 3000)], first_year=2024, clinic=world.clinic_a2)
    data = region.region_indicator(indicator, world.region_a, [world.clinic_a1, world.clinic_a2])
    assert data.centre == pytest.approx(150 / 12000 * 1000)  # pooled: no region value was imported
    assert not data.centre_is_region_value
    spec = charts.funnel_spec(data)
    assert "Mittlinjen är vårdcentralernas sammanlagda värde, 12,5\xa0per\xa01\xa0000." in spec.summary
    assert spec.x_title == "Befolkning (nämnare)"


def test_the_indicator_pages_funnel_reads_the_clinics_then_their_values(world, continuity, django_assert_num_queries):
    with django_assert_num_queries(2):
        page_funnel(world, continuity)


def test_clinic_indicator_charts_for_a_deck(world, continuity, django_assert_num_queries):
    with django_assert_num_queries(1):
        items = charts.clinic_indicator_charts(world.clinic_a1, [continuity])
    item = items[0]
    assert item.indicator == continuity
    assert item.words.vs_region.sentence.startswith("Bättre än regionen (95 % konfidensintervall")
    assert item.words.target == "Målnivå 50,0\xa0%: nås inte"
    assert item.spec.title == "Kontinuitet läkare"


# --- renderers ------------------------------------------------------------------------------------------------


def test_plotly_figure_is_valid_for_plotly(world, continuity):
    plotly_graph_objects = pytest.importorskip("plotly.graph_objects")
    for spec in (clinic_spec(world.clinic_a1, continuity), page_funnel(world, continuity)):
        figure = charts.to_plotly(spec)
        plotly_graph_objects.Figure(data=figure["data"], layout=figure["layout"])  # raises on unknown properties
        assert figure["config"]["displayModeBar"] is False
        assert figure["layout"]["separators"] == ",\xa0"


def test_plotly_draws_asymmetric_intervals_and_labels_outliers(world, continuity):
    figure = charts.to_plotly(clinic_spec(world.clinic_a1, continuity))
    clinic = figure["data"][0]
    assert clinic["error_y"]["symmetric"] is False
    assert clinic["error_y"]["array"][-1] == pytest.approx(48.097 - 45.0, abs=0.001)
    assert clinic["hovertext"][-1] == "2024: 45,0\xa0% (95 % KI 41,9–48,1\xa0%)"
    funnel = charts.to_plotly(page_funnel(world, continuity))
    assert funnel["data"][0]["mode"] == "markers+text" and funnel["data"][0]["text"] == ["Vårdcentral A1", ""]


def test_plotly_funnel_labels_lean_inwards_at_the_edges_so_no_clinic_name_is_cut_off():
    from indicators.charts.spec import ChartSpec, ChartTable, Series

    clinics = Series("Vårdcentraler", "clinics", y=(12.0, 14.0, 15.0, 11.0), x=(2000.0, 9000.0, 10000.0, 17000.0),
                     mode="markers", labels=("Strandängen", None, "Mitten", "Linnéan"))
    spec = ChartSpec("Titel", "Källa", "2024", "%", "Andel (%)", "Antal", (clinics,), ChartTable((), ()))
    assert charts.to_plotly(spec)["data"][0]["textposition"] == ["top right", "top center", "top center", "top left"]


def test_svg_is_a_standalone_accessible_document_naming_source_and_period(world, continuity):
    svg = charts.to_svg(clinic_spec(world.clinic_a1, continuity), id_prefix="k1")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "k1-title k1-desc"
    assert root.find(f"{SVG}title").text == "Kontinuitet läkare"
    assert "Vårdcentral A1" in root.find(f"{SVG}desc").text
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "Källa: Vården i siffror. Period: 2015–2024." in texts
    assert {"Vårdcentral A1", "Median", "Regionen", "Riket", "Målnivå"} <= set(texts)  # the legend
    assert "Andel (%)" in texts and "2015" in texts
    assert "nan" not in svg.lower()
    whiskers = [path for path in root.iter(f"{SVG}path") if path.get("d", "").count("M") == 3]
    assert len(whiskers) == 10


def test_svg_uses_decimal_commas_on_the_axis(world, continuity):
    spec = clinic_spec(world.clinic_a1, continuity)
    narrow = charts.ChartSpec(**{**spec.__dict__, "y_range": (30.0, 31.0)})
    texts = [element.text for element in ET.fromstring(charts.to_svg(narrow)).iter(f"{SVG}text")]
    assert "30,2" in texts or "30,5" in texts


def test_svg_escapes_names(world):
    indicator = make_indicator('Besök <akut> & "övrigt"')
    add_proportions(indicator, make_batch(world.region_a), [(5, 10), (6, 10)], first_year=2023, clinic=world.clinic_a1)
    ET.fromstring(charts.to_svg(clinic_spec(world.clinic_a1, indicator)))



def _font_sizes(svg: str) -> dict[str, int]:
    """Each text's font size (its own or the document's), by text."""
    root = ET.fromstring(svg)
    return {element.text: int(element.get("font-size", root.get("font-size"))) for element in root.iter(f"{SVG}text")}


def test_svg_for_the_pdf_keeps_its_size_and_type(world, continuity):
    svg = charts.to_svg(clinic_spec(world.clinic_a1, continuity))
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("800", "450", "0 0 800 450")
    sizes = _font_sizes(svg)
    assert sizes["Kontinuitet läkare"] == 16 and sizes["2015"] == 13 and sizes["Median"] == 12
    assert sizes["Källa: Vården i siffror. Period: 2015–2024."] == 11


def test_svg_for_a_page_is_narrower_with_larger_type(world, continuity):
    """In a 690 px column on a 768 px tablet, the smallest text must come out at 12 px or more."""
    svg = charts.to_svg(clinic_spec(world.clinic_a1, continuity), **charts.SCREEN_SVG)
    width = int(ET.fromstring(svg).get("width"))
    assert width == 640
    assert min(_font_sizes(svg).values()) * 690 / width >= 12


def test_svg_for_a_page_names_only_periods_that_fit(world):
    indicator = make_indicator("Besök per halvår")
    batch = make_batch(world.region_a)
    halves = [
        (date(year_, start, 1), date(year_, end, 30 if end == 6 else 31), Granularity.HALF)
        for year_ in range(2019, 2025)
        for start, end in ((1, 6), (7, 12))
    ]
    Observation.objects.bulk_create(
        observation(indicator, batch, half, clinic=world.clinic_a1, numerator=40 + number, denominator=100)
        for number, half in enumerate(halves)
    )
    spec = clinic_spec(world.clinic_a1, indicator)
    svg = charts.to_svg(spec, **charts.SCREEN_SVG)
    axis = ET.fromstring(svg).find(f"{SVG}g[@class='axes']")
    named = [(float(text.get("x")), text.text) for text in axis.iter(f"{SVG}text") if "-" in (text.text or "")]
    assert named[-1][1] == "2024 jul-dec"  # the latest period is always named
    gaps = [right[0] - left[0] for left, right in zip(named, named[1:])]
    assert 2 <= len(named) < 12 and min(gaps) >= len("2024 jan-jun") * 15 * 0.62
    # ... and its name, centred under the last point, is not cut off at the drawing's right edge (PDF or page).
    for layout in ({"width": 800, "font": 13}, charts.SCREEN_SVG):
        root = ET.fromstring(charts.to_svg(spec, **layout))
        latest = [text for text in root.find(f"{SVG}g[@class='axes']").iter(f"{SVG}text") if text.text == "2024 jul-dec"]
        assert float(latest[0].get("x")) + len("2024 jul-dec") * layout["font"] * 0.62 / 2 <= layout["width"]

def test_svg_renders_in_weasyprint(world, continuity):
    weasyprint = pytest.importorskip("weasyprint")
    svg = charts.to_svg(page_funnel(world, continuity))
    pdf = weasyprint.HTML(string=f"<html><body>{svg}</body></html>").write_pdf()
    assert pdf.startswith(b"%PDF")


def test_pptx_data_builds_native_charts(world, continuity):
    pptx = pytest.importorskip("pptx")
    from pptx.chart.data import CategoryChartData, XyChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches

    presentation_file = pptx.Presentation()
    slide = presentation_file.slides.add_slide(presentation_file.slide_layouts[6])
    line = charts.to_pptx(clinic_spec(world.clinic_a1, continuity))
    assert line.chart_type == "LINE_MARKERS" and line.number_format == '0.0" %"'
    assert [series.name for series in line.series][:3] == [
        "Vårdcentral A1", "Vårdcentral A1, 95 % KI, nedre", "Vårdcentral A1, 95 % KI, övre"
    ]
    assert (line.source, line.period, line.value_axis_title) == ("Vården i siffror", "2015–2024", "Andel (%)")
    data = CategoryChartData(number_format=line.number_format)
    data.categories = line.categories
    for series in line.series:
        data.add_series(series.name, series.values)
    chart = slide.shapes.add_chart(getattr(XL_CHART_TYPE, line.chart_type), 0, 0, Inches(6), Inches(4), data).chart
    assert len(chart.plots[0].series) == len(line.series)

    funnel = charts.to_pptx(page_funnel(world, continuity))
    assert funnel.chart_type == "XY_SCATTER" and funnel.categories == ()
    xy = XyChartData()
    for series in funnel.series:
        target = xy.add_series(series.name)
        for x, y in series.points:
            target.add_data_point(x, y)
    slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, 0, 0, Inches(6), Inches(4), xy)


def test_sparkline_is_labelled_and_breaks_at_gaps():
    svg = str(charts.sparkline_svg([1.0, 2.0, None, 3.0, 4.0], label="Trend 2015–2019"))
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Trend 2015–2019"
    assert len(root.findall("polyline")) == 2  # inline SVG in HTML: no namespace needed
    assert "Trend" in str(charts.sparkline_svg([1.0], label="Trend"))  # too short to draw: the words remain
