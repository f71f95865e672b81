"""The learning report's items as files for a spreadsheet (issue 14): every medskick and lesson of the report's
filters with its clinic and date, as CSV (one table) and XLSX (a sheet each, and the evaluation's results by
criterion – pooled, with the small-group rule, never one answer). Every text cell is neutralised so that nothing
typed becomes a formula (``common.spreadsheets``); texts are written as the plain text they are."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.spreadsheets import csv_text, xlsx_bytes
from dialogs.models.learning import Medskick, TeamLesson
from indicators.charts.words import format_number
from learning.forms import ReportFilters
from learning.selectors import evaluation_summary, lessons, medskick_rows
from organisations.models import Region


def _day(value) -> str:
    return date_format(value, "Y-m-d")


def _medskick_row(item: Medskick) -> list:
    clinic_comments = " | ".join(comment.text for comment in item.comments.all() if comment.by_clinic)
    return [_("Medskick"), item.dialogue.clinic.name, item.dialogue.clinic.hsa_id, _day(item.dialogue.date), item.text,
            ", ".join(item.category_labels), item.area_label, item.get_raised_by_display(), clinic_comments]


def _lesson_row(lesson: TeamLesson) -> list:
    return [_("Lärdom för uppföljningsteamet"), lesson.dialogue.clinic.name, lesson.dialogue.clinic.hsa_id,
            _day(lesson.dialogue.date), lesson.text, "", "", _("uppföljningsteamet"), ""]


def _headers() -> list:
    return [_("Typ"), _("Vårdcentral"), _("HSA-id"), _("Dialogens datum"), _("Text"), _("Kategorier"), _("5P-område"),
            _("Lyft av"), _("Vårdcentralens kommentarer")]


def _items(region: Region, filters: ReportFilters) -> tuple[list[Medskick], list[TeamLesson]]:
    medskick = medskick_rows(region=region, filters=filters)
    all_lessons, _count = lessons(region=region, filters=filters, limit=None)
    return medskick, all_lessons


def items_csv(*, region: Region, filters: ReportFilters) -> str:
    medskick, all_lessons = _items(region, filters)
    return csv_text([_headers(), *map(_medskick_row, medskick), *map(_lesson_row, all_lessons)])


def _evaluation_rows(region: Region, filters: ReportFilters) -> list[list]:
    summary = evaluation_summary(region=region, filters=filters)
    rows = [[_("Svarande"), _("Kriterium"), _("Svar"), _("Vet ej"), _("Medel (1–5)"), _("Andel 4–5 (%)"),
             _("95 % KI, nedre (%)"), _("95 % KI, övre (%)")]]
    for group in summary.overall:
        for result in group.criteria:
            shown = group.shown and result.shown
            numbers = ([format_number(result.mean, 2), format_number(result.share_percent, 1),
                        format_number(result.lower_percent, 1), format_number(result.upper_percent, 1)]
                       if shown else [_("för få svar"), "", "", ""])
            rows.append([str(group.label), str(result.criterion.label), result.answers, result.unknown, *numbers])
    return rows


def items_xlsx(*, region: Region, filters: ReportFilters) -> bytes:
    medskick, all_lessons = _items(region, filters)
    about = [
        [_("Uppgift"), _("Värde")],
        [_("Region"), region.name],
        [_("Period"), f"{_day(filters.start)} – {_day(filters.end)}"],
        [_("Medskick"), len(medskick)],
        [_("Lärdomar"), len(all_lessons)],
        [_("Utvärdering"), _("Sammanräknad per kriterium; grupper med färre än tre svar visas inte. Intervallen är 95 % "
                             "konfidensintervall för andelen 4–5 (Wilson).")],
    ]
    return xlsx_bytes([
        (_("Medskick"), [22, 28, 22, 14, 70, 40, 24, 20, 50], [_headers(), *map(_medskick_row, medskick)]),
        (_("Lärdomar"), [30, 28, 22, 14, 70, 4, 4, 20, 4], [_headers(), *map(_lesson_row, all_lessons)]),
        (_("Utvärdering"), [22, 32, 8, 8, 12, 14, 16, 16], _evaluation_rows(region, filters)),
        (_("Om exporten"), [16, 90], about),
    ])
