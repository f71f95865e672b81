"""The learning report (issue 14): the region's page for its follow-up team and administrators with its four exports
(PowerPoint and PDF for Hälso- och sjukvårdsförvaltningen, CSV and XLSX of the items), and the national view for the
nationell läsare with its PowerPoint and PDF. Every view: access helper → filters → selectors or one builder →
response; the exports take the page's filters from the query string."""

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from dialogs.models.dialogue import person_name
from feedback.models import CONTENT_TYPES
from feedback.renderers.data_uri import svg_data_uri
from indicators.charts import SCREEN_SVG, ChartSpec, to_svg
from learning import charts, deck, exports
from learning.access import require_national_reader, require_report_reader
from learning.forms import ReportFilterForm, ReportFilters
from learning.selectors import area_choices, category_counts, clinic_choices, evaluation_summary, lessons, medskick_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ChartView:
    """A chart on the page: its drawing as a data: URI, with the words and the table of the same numbers."""

    spec: ChartSpec
    image: str


def _chart(spec: ChartSpec) -> ChartView:
    return ChartView(spec, svg_data_uri(to_svg(spec, **SCREEN_SVG)))


def _form(request, region):
    default = ReportFilters.default()
    form = ReportFilterForm(
        request.GET or None, clinics=clinic_choices(region) if region else None, areas=area_choices(region),
        initial={"fran": default.start, "till": default.end, "indelning": default.granularity},
    )
    return form, form.filters()


def _query(request) -> str:
    """The page's filters for the export links (the list's page number left out)."""
    query = request.GET.copy()
    query.pop("sida", None)
    return query.urlencode()


def _page(request, region, template: str):
    form, filters = _form(request, region)
    counts = category_counts(region=region, filters=filters)
    evaluation = evaluation_summary(region=region, filters=filters)
    text = charts.chart_period(counts.periods)
    context = {
        "region": region, "form": form, "filters": filters, "counts": counts, "evaluation": evaluation, "query": _query(request),
        "charts": [
            _chart(charts.medskick_chart(counts, period_text=text)),
            _chart(charts.criteria_chart(evaluation, period_text=text)),
            *[_chart(charts.trend_chart(evaluation, group, period_text=text)) for group in evaluation.trend],
        ],
    }
    if region is not None:
        context["medskick"] = medskick_page(region=region, filters=filters)
        context["lessons"], context["lesson_count"] = lessons(region=region, filters=filters)
    return render(request, template, context)


@require_GET
def report(request):
    return _page(request, require_report_reader(request), "learning/report.html")


def _download(data: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _name(region, suffix: str) -> str:
    where = slugify(region.name) if region is not None else "nationell"
    return f"larande-{where}-{timezone.localdate():%Y-%m-%d}.{suffix}"


@require_GET
def report_pptx(request):
    region = require_report_reader(request)
    data = deck.report_pptx(region=region, filters=_form(request, region)[1], author=person_name(request.user))
    return _download(data, CONTENT_TYPES["pptx"], _name(region, "pptx"))


@require_GET
def report_pdf(request):
    region = require_report_reader(request)
    data = deck.report_pdf(region=region, filters=_form(request, region)[1], author=person_name(request.user))
    return _download(data, CONTENT_TYPES["pdf"], _name(region, "pdf"))


@require_GET
def report_csv(request):
    region = require_report_reader(request)
    data = exports.items_csv(region=region, filters=_form(request, region)[1])
    return _download(data, "text/csv; charset=utf-8", _name(region, "csv"))


@require_GET
def report_xlsx(request):
    region = require_report_reader(request)
    data = exports.items_xlsx(region=region, filters=_form(request, region)[1])
    return _download(data, XLSX, _name(region, "xlsx"))


@require_GET
def national(request):
    require_national_reader(request)
    return _page(request, None, "learning/national.html")


@require_GET
def national_pptx(request):
    require_national_reader(request)
    data = deck.report_pptx(region=None, filters=_form(request, None)[1], author=person_name(request.user))
    return _download(data, CONTENT_TYPES["pptx"], _name(None, "pptx"))


@require_GET
def national_pdf(request):
    require_national_reader(request)
    data = deck.report_pdf(region=None, filters=_form(request, None)[1], author=person_name(request.user))
    return _download(data, CONTENT_TYPES["pdf"], _name(None, "pdf"))
