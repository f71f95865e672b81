"""Pages that show indicator data: a clinic's indicators, one indicator across the region, and the
presentation mode for "Titta på data gemensamt". Reads go through indicators.selectors, words and
charts through indicators.charts; the views check access and pick the template."""

from django.core.paginator import Paginator
from django.shortcuts import render

from indicators import access as indicator_access
from indicators import charts
from indicators.selectors import questions, series
from indicators.selectors.region import RegionIndicator, clinic_runs, find_clinic_runs, region_indicator
from indicators.forms import ClinicRunFilterForm
from organisations import access

# Large type for the big screen in presentation mode; the ordinary pages use plotly's 14 px.
PRESENTATION_FONT_SIZE = 20
# The indicator page draws the funnel for every clinic but the clinics' run charts a page at a time: each
# run chart with its table is about 7 kB, so 300 clinics made a 2.3 MB page.
RUN_CHARTS_PER_PAGE = 12


def _figures(specs: dict[str, charts.ChartSpec], *, font_size: int = 14) -> dict[str, dict]:
    """Plotly figures by the DOM id of their container, inlined into the page in one json_script."""
    return {dom_id: charts.to_plotly(spec, font_size=font_size) for dom_id, spec in specs.items()}


def clinic_indicators(request, clinic_pk: int):
    clinic = access.get_clinic_for_user(request.user, clinic_pk)
    rows = [(summary, charts.summary_in_words(summary)) for summary in series.clinic_summaries(clinic)]
    return render(
        request,
        "indicators/presentation/clinic.html",
        {"clinic": clinic, "rows": rows, "can_see_region": access.is_follow_up_member(request.user, clinic.region)},
    )


def clinic_presentation(request, clinic_pk: int):
    clinic = access.get_clinic_for_user(request.user, clinic_pk)
    indicators = series.select_indicators(series.clinic_indicators(clinic), request.GET.getlist("indikator"))
    slides = charts.clinic_indicator_charts(clinic, indicators)
    figures = _figures({f"diagram-{slide.indicator.pk}": slide.spec for slide in slides}, font_size=PRESENTATION_FONT_SIZE)
    return render(request, "indicators/presentation/mode.html", {"clinic": clinic, "slides": slides, "figures": figures})


def _run_chart_page(request, data: RegionIndicator) -> dict:
    """The page of clinics' run charts the request asks for (flagged first, ``sok``, ``avvikande``, ``sida``):
    only these are built and inlined, so the page stays the same size however many clinics there are."""
    form = ClinicRunFilterForm(request.GET)
    runs = clinic_runs(data)
    found = find_clinic_runs(runs, **form.filters())
    page = Paginator(found, RUN_CHARTS_PER_PAGE).get_page(request.GET.get("sida"))
    return {
        "run_form": form,
        "run_page": page,
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "runs": [(run, charts.run_chart_spec(run.series, clinic_name=run.clinic.name)) for run in page],
        "flagged_count": sum(run.is_flagged for run in runs),
        "clinic_count": len(runs),
    }


def indicator_region(request, pk: int):
    region = access.require_active_region(request)
    indicator = indicator_access.get_indicator_for_region(region, pk)
    # The page sets the region's clinics side by side: for the region's own people, not for clinic staff.
    indicator_access.require_follow_up_member(request.user, region)
    clinics = list(access.clinics_for_user_in_region(request.user, region).order_by("name"))
    data = region_indicator(indicator, region, clinics, period_key=request.GET.get("period"))
    funnel = charts.funnel_spec(data) if data.has_funnel else None
    runs = _run_chart_page(request, data)
    specs = ({"tratt": funnel} if funnel else {}) | {f"klinik-{run.clinic.pk}": spec for run, spec in runs["runs"]}
    return render(
        request,
        "indicators/presentation/indicator.html",
        {
            "indicator": indicator,
            "region": region,
            "data": data,
            "funnel": funnel,
            "figures": _figures(specs),
            "questions_informed": questions.questions_informed(indicator, region),
            **runs,
        },
    )
