"""Pages that show indicator data: a clinic's indicators, one indicator across the region, and the
presentation mode for "Titta på data gemensamt". Reads go through indicators.presentation, words and
charts through indicators.charts; the views check access and pick the template."""

from django.shortcuts import render

from indicators import access as indicator_access
from indicators import charts, presentation, selectors
from organisations import access

# Large type for the big screen in presentation mode; the ordinary pages use plotly's 14 px.
PRESENTATION_FONT_SIZE = 20


def _figures(specs: dict[str, charts.ChartSpec], *, font_size: int = 14) -> dict[str, dict]:
    """Plotly figures by the DOM id of their container, inlined into the page in one json_script."""
    return {dom_id: charts.to_plotly(spec, font_size=font_size) for dom_id, spec in specs.items()}


def clinic_indicators(request, clinic_pk: int):
    clinic = access.get_clinic_for_user(request.user, clinic_pk)
    rows = [(summary, charts.summary_in_words(summary)) for summary in presentation.clinic_summaries(clinic)]
    return render(
        request,
        "indicators/presentation/clinic.html",
        {"clinic": clinic, "rows": rows, "can_see_region": access.is_follow_up_member(request.user, clinic.region)},
    )


def clinic_presentation(request, clinic_pk: int):
    clinic = access.get_clinic_for_user(request.user, clinic_pk)
    indicators = presentation.select_indicators(presentation.clinic_indicators(clinic), request.GET.getlist("indikator"))
    slides = charts.clinic_indicator_charts(clinic, indicators)
    figures = _figures({f"diagram-{slide.indicator.pk}": slide.spec for slide in slides}, font_size=PRESENTATION_FONT_SIZE)
    return render(request, "indicators/presentation/mode.html", {"clinic": clinic, "slides": slides, "figures": figures})


def indicator_region(request, pk: int):
    region = access.require_active_region(request)
    indicator = indicator_access.get_indicator_for_region(region, pk)
    # The page sets the region's clinics side by side: for the region's own people, not for clinic staff.
    indicator_access.require_follow_up_member(request.user, region)
    clinics = list(access.clinics_for_user_in_region(request.user, region).order_by("name"))
    data = presentation.region_indicator(indicator, region, clinics, period_key=request.GET.get("period"))
    funnel = charts.funnel_spec(data) if data.has_funnel else None
    runs = [(clinic, charts.run_chart_spec(series, clinic_name=clinic.name)) for clinic, series in data.clinic_series]
    figures = _figures({"tratt": funnel} if funnel else {}) | _figures({f"klinik-{c.pk}": spec for c, spec in runs})
    return render(
        request,
        "indicators/presentation/indicator.html",
        {
            "indicator": indicator,
            "region": region,
            "data": data,
            "funnel": funnel,
            "runs": runs,
            "figures": figures,
            "questions_informed": selectors.questions_informed(indicator, region),
        },
    )
