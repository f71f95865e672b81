"""A dialogue's documentation as files for the region's archive: CSV and XLSX tables of section, question and
answer (the PDF is rendered from the documentation page by ``dialogs.services.letter.html_to_pdf``).

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (CSV injection):
an answer typed on site such as ``=HYPERLINK(…)`` must arrive as text. Every text cell is therefore
neutralised with a leading apostrophe, the convention Excel and LibreOffice show as "this is text"
(``common.spreadsheets``).
"""

import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.spreadsheets import csv_text, neutralise
from dialogs.models.answers import YesNo
from dialogs.models.guide import AnswerKind
from dialogs.selectors.dialogue import Documentation, DocumentedQuestion

def _yes_no_label(value: str) -> str:
    return str(YesNo(value).label) if value in YesNo.values and value else ""


def answer_parts(row: DocumentedQuestion) -> dict[str, str]:
    """The answer of one question as plain strings for the columns."""
    answer, question = row.answer, row.question
    if answer is None:
        return {"text": "", "yes_no": "", "choices": "", "prompts": "", "updated_at": "", "updated_by": "", "revision": ""}
    choices = ""
    if question.kind == AnswerKind.CHOICES:
        values = answer.choice_values or {}
        choices = "; ".join(f"{label}: {_yes_no_label(values.get(label, '')) or '–'}" for label in question.choices)
    prompts = ""
    if question.kind == AnswerKind.SEQUENCE:
        prompt_answers = list(answer.prompt_answers or [])
        prompts = "\n".join(
            f"{number}. {prompt}: {prompt_answers[number - 1] if number <= len(prompt_answers) else ''}".rstrip()
            for number, prompt in enumerate(question.prompts, 1)
        )
    updated_by = answer.updated_by_name
    return {
        "text": answer.text,
        "yes_no": _yes_no_label(answer.yes_no),
        "choices": choices,
        "prompts": prompts,
        "updated_at": timezone.localtime(answer.updated_at).strftime("%Y-%m-%d %H:%M") if answer.revision else "",
        "updated_by": updated_by,
        "revision": str(answer.revision) if answer.revision else "",
    }


def documentation_table(documentation: Documentation) -> list[list[str]]:
    """Header and one row per question, already neutralised."""
    header = [
        _("Avsnitt"),
        _("Delavsnitt"),
        _("Fråga"),
        _("Svar"),
        _("Ja/nej"),
        _("Val"),
        _("Delfrågor"),
        _("Senast ändrad"),
        _("Ändrad av"),
        _("Revision"),
    ]
    rows = [header]
    for row in documentation.rows:
        parts = answer_parts(row)
        rows.append(
            [
                row.section.heading,
                row.subsection.title if row.subsection else "",
                row.question.text,
                parts["text"],
                parts["yes_no"],
                parts["choices"],
                parts["prompts"],
                parts["updated_at"],
                parts["updated_by"],
                parts["revision"],
            ]
        )
    return [[neutralise(cell) for cell in line] for line in rows]


def export_filename(documentation: Documentation, extension: str) -> str:
    dialogue = documentation.dialogue
    return f"dialog-{slugify(dialogue.clinic.name)}-{dialogue.date:%Y-%m-%d}.{extension}"


def documentation_csv(documentation: Documentation) -> bytes:
    """Semicolon-separated UTF-8 with a byte-order mark: what Swedish Excel opens correctly."""
    return csv_text(documentation_table(documentation)).encode("utf-8")


def documentation_xlsx(documentation: Documentation) -> bytes:
    """A workbook with the answers and a sheet describing the dialogue. Every cell is written as a string."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Alignment, Font

    dialogue = documentation.dialogue
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Dokumentation")[:31]
    for line in documentation_table(documentation):
        sheet.append(line)
    for row in sheet.iter_rows():
        for cell in row:
            cell.data_type = TYPE_STRING  # never a formula, whatever the text
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHIJ", (28, 24, 50, 70, 10, 30, 50, 17, 22, 9)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"

    about = workbook.create_sheet(_("Om dialogen")[:31])
    facts = [
        (_("Vårdcentral"), dialogue.clinic.name),
        (_("HSA-id"), dialogue.clinic.hsa_id),
        (_("Datum"), date_format(dialogue.date, "Y-m-d")),
        (_("Starttid"), f"{dialogue.start_time:%H:%M}"),
        (_("Plats"), dialogue.place),
        (_("Status"), dialogue.get_status_display()),
        (_("Dialogstöd"), str(dialogue.guide_version)),
        (_("Besvarade frågor"), f"{documentation.answered_count} / {len(documentation.rows)}"),
        (_("Exporterad"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]
    if dialogue.guide_version.attribution:
        facts.append((_("Källa"), dialogue.guide_version.attribution))
    for label, value in facts:
        about.append([neutralise(label), neutralise(value)])
    for row in about.iter_rows():
        for cell in row:
            cell.data_type = TYPE_STRING
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = 80

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
