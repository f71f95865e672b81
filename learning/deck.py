"""The learning report for Hälso- och sjukvårdsförvaltningen as a PowerPoint and a PDF: the feedback deck's own
machinery (``feedback.renderers``: python-pptx with native charts, WeasyPrint) and the region's theme, so the report
looks like the decks the clinics get. The content is built here as a ``DeckContent``: sections of points, and the
charts of ``learning.charts`` as chart blocks.

A deck never holds more points than a person reads: the latest ``DECK_ITEMS`` medskick and lessons, with the count
of all (the CSV/XLSX export has every one). The national deck holds no clinic-level text at all. Every figure obeys
the small-group rule through the selectors: a hidden number is written as too few, never as a number.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from feedback.renderers.charts import chart_block
from feedback.renderers.content import DeckContent, Section, Theme, clean_text
from feedback.renderers.pdf import render_pdf
from feedback.renderers.pptx import render_pptx
from feedback.selectors import region_theme
from indicators.charts.words import format_number
from learning import charts
from learning.forms import Granularity, ReportFilters
from learning.selectors import (
    MIN_REGIONS,
    CategoryCounts,
    EvaluationSummary,
    GroupSummary,
    category_counts,
    evaluation_summary,
    lessons,
    medskick_rows,
)
from organisations.models import Region

DECK_ITEMS = 40
BASIS = "basis"


def period_text(filters: ReportFilters) -> str:
    return f"{date_format(filters.start, 'j F Y')} – {date_format(filters.end, 'j F Y')}"


def _criterion_text(result) -> str:
    if not result.shown:
        return _("%(criterion)s: för få svar") % {"criterion": result.criterion.label}
    return _("%(criterion)s: %(share)s %% svarade 4–5 (95 %% KI %(lower)s–%(upper)s %%), medel %(mean)s") % {
        "criterion": result.criterion.label, "share": format_number(result.share_percent, 0),
        "lower": format_number(result.lower_percent, 0), "upper": format_number(result.upper_percent, 0),
        "mean": format_number(result.mean, 1)}


def group_lines(groups: list[GroupSummary], *, compact: bool = False) -> list[str]:
    """Each respondent group's results as points: per criterion the share 4–5 with its interval and the mean (one
    point per criterion, or, ``compact``, one per group). A group too small to show says so, with no number."""
    lines = []
    for group in groups:
        name = str(group.label).capitalize()
        if group.regions_short:  # no count either: it would be pooled from too few regions
            lines.append(_("%(group)s: visas inte (färre än %(min)s regioner).") % {"group": name, "min": MIN_REGIONS})
        elif not group.respondents:
            lines.append(_("%(group)s: inga svar att räkna med under perioden.") % {"group": name})
        elif not group.shown:
            lines.append(ngettext("%(group)s: %(count)s svar – visas inte (%(reason)s).",
                                  "%(group)s: %(count)s svar – visas inte (%(reason)s).", group.respondents) % {
                "group": name, "count": group.respondents, "reason": _("för få svar")})
        elif compact:
            lines.append(ngettext("%(group)s (%(count)s svar): %(results)s.",
                                  "%(group)s (%(count)s svar): %(results)s.", group.respondents) % {
                "group": name, "count": group.respondents, "results": "; ".join(map(_criterion_text, group.criteria))})
        else:
            lines.append(ngettext("%(group)s, %(count)s svar:", "%(group)s, %(count)s svar:", group.respondents)
                         % {"group": name, "count": group.respondents})
            lines.extend(f"{name} – {_criterion_text(result)}" for result in group.criteria)
    return lines


def _basis(counts: CategoryCounts, evaluation: EvaluationSummary, filters: ReportFilters, *, national: bool) -> Section:
    unknown = _("för få regioner")
    respondents = sum(group.respondents for group in evaluation.overall)
    items = [
        _("Period: %(period)s, indelat per %(division)s.") % {
            "period": period_text(filters), "division": dict(Granularity.CHOICES)[filters.granularity]},
        _("Dialoger: %(count)s.") % {"count": unknown if counts.dialogues is None else counts.dialogues},
        _("Medskick: %(count)s.") % {"count": unknown if counts.medskick is None else counts.medskick},
        ngettext("Utvärderingar: %(count)s svar.", "Utvärderingar: %(count)s svar.", respondents) % {"count": respondents},
        _("Utvärderingen visar andelen som svarade 4 eller 5 på varje kriterium med 95 % konfidensintervall (Wilson) "
          "och medelvärdet. En grupp eller ett kriterium med färre än tre svar visas aldrig."),
    ]
    if national:
        items.append(_("Nationell sammanställning: varje siffra bygger på dialoger från minst %(min)s regioner; "
                       "ingen text från enskilda vårdcentraler ingår.") % {"min": MIN_REGIONS})
    return Section(key=BASIS, title=_("Om underlaget"), items=items)


def _category_section(counts: CategoryCounts) -> Section:
    items = [
        f"{label}: {'–' if counts.totals.get(value) is None else counts.totals.get(value)}"
        for value, label in counts.categories
    ]
    return Section(key="categories", title=_("Medskick per kategori"), items=items)


def report_content(*, region: Region | None, filters: ReportFilters, author: str = "") -> DeckContent:
    """The report's content: the region's (``region``), or the national one (``region=None``)."""
    national = region is None
    counts = category_counts(region=region, filters=filters)
    evaluation = evaluation_summary(region=region, filters=filters)
    text = charts.chart_period(counts.periods)
    sections = [_basis(counts, evaluation, filters, national=national), _category_section(counts)]
    if not national:
        sections += _texts(region, filters)
    sections.append(Section(key="evaluation", title=_("Utvärdering av dialogerna mot metodens sex kriterier"),
                            items=group_lines(evaluation.overall)))
    if evaluation.teams:
        sections.append(Section(key="teams", title=_("Utvärdering per uppföljningsteam"), items=[
            ngettext("%(team)s (%(count)s dialog): %(results)s", "%(team)s (%(count)s dialoger): %(results)s", team.dialogues) % {
                "team": clean_text(team.label), "count": team.dialogues, "results": " ".join(group_lines(team.groups, compact=True))}
            for team in evaluation.teams
        ]))
    blocks = [
        chart_block(charts.medskick_chart(counts, period_text=text), key="medskick"),
        chart_block(charts.criteria_chart(evaluation, period_text=text), key="criteria"),
        *[chart_block(charts.trend_chart(evaluation, group, period_text=text), key=f"trend-{group}") for group in evaluation.trend],
    ]
    title_region = _("Alla regioner") if national else region.name
    return DeckContent(
        title=_("Lärande från uppföljningsdialogerna"),
        clinic=_("Till Hälso- och sjukvårdsförvaltningen") if not national else _("Nationell sammanställning"),
        region=title_region,
        date=period_text(filters),
        sections=sections,
        charts=blocks,
        theme=region_theme(region).as_theme() if region is not None else Theme(),
        author=author,
        subject=_("Medskick, lärdomar och utvärdering av uppföljningsdialogerna"),
        version_label=_("Skapad %(date)s") % {"date": date_format(timezone.localdate(), "j F Y")},
        created=timezone.now(),
        charts_after=BASIS,
        title_notes=_("Vad uppföljningsdialogerna har lärt regionen: medskick till förvaltningen, teamens lärdomar och "
                      "hur dialogerna fungerade enligt de som var med."),
    )


def _texts(region: Region, filters: ReportFilters) -> list[Section]:
    medskick = medskick_rows(region=region, filters=filters, limit=DECK_ITEMS)
    shown_lessons, lesson_count = lessons(region=region, filters=filters, limit=DECK_ITEMS)
    medskick_items = [
        f"{clean_text(item.text)} ({', '.join(item.category_labels)}{'; ' + item.area_label if item.area_label else ''}) – "
        f"{item.dialogue.clinic.name}, {date_format(item.dialogue.date, 'j F Y')}"
        for item in medskick
    ]
    lesson_items = [
        f"{clean_text(lesson.text)} – {lesson.dialogue.clinic.name}, {date_format(lesson.dialogue.date, 'j F Y')}"
        for lesson in shown_lessons
    ]
    return [
        Section(key="medskick_list", title=_("Medskick till förvaltningen (de senaste)"), items=medskick_items or [_("Inga medskick under perioden.")],
                notes=_("Alla medskick finns i exporten (CSV eller Excel).")),
        Section(key="lessons", title=_("Lärdomar för uppföljningsteamen (de senaste)"),
                items=lesson_items or [_("Inga lärdomar under perioden.")],
                notes=ngettext("%(count)s lärdom under perioden; den finns i exporten.",
                               "%(count)s lärdomar under perioden; alla finns i exporten.", lesson_count) % {"count": lesson_count}),
    ]


def report_pptx(**kwargs) -> bytes:
    return render_pptx(report_content(**kwargs))


def report_pdf(**kwargs) -> bytes:
    return render_pdf(report_content(**kwargs))
