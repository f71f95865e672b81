"""dialogs.services.export: the documentation as CSV and XLSX, with spreadsheet formulas neutralised."""

import csv
import io

import pytest
from openpyxl import load_workbook

from dialogs.selectors.dialogue import dialogue_documentation
from dialogs.services import export
from tests.dialogs.dialogue_factories import held, write_answer


@pytest.fixture
def documented(world):
    dialogue = held(world)
    write_answer(dialogue, "p1-q01", "=HYPERLINK(\"http://evil.example\")", user=world.user("bestallare"))
    write_answer(dialogue, "p1-q02", "Två doktorander", yes_no="ja")
    write_answer(dialogue, "p4-organisation-q01", "", choice_values={"För patienterna": "ja", "För personalen": "nej"})
    write_answer(dialogue, "p4-konkret-exempel-q01", "", prompt_answers=["Diabetes", "@tänk på HbA1c"])
    return dialogue


def test_csv_lists_every_question_with_its_answer(documented):
    documentation = dialogue_documentation(documented, team=True)
    rows = list(csv.reader(io.StringIO(export.documentation_csv(documentation).decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Avsnitt", "Delavsnitt", "Fråga", "Svar"]
    assert len(body) == len(documentation.rows)
    by_question = {row[2]: row for row in body}
    assert by_question["Vilka arbetar här?"][3] == "'=HYPERLINK(\"http://evil.example\")"
    assert by_question["Vilka arbetar här?"][8] == "Bo Beställare"
    assert by_question["Pågår någon forskning på vårdcentralen?"][4] == "ja"
    assert by_question["Är det något med era lokaler som behöver förbättras?"][5] == "För patienterna: ja; För personalen: nej"
    sequence = by_question["Konkret exempel"]
    assert sequence[1] == "Konkret exempel" and "2. Vad tänker ni om det?: @tänk på HbA1c" in sequence[6]
    assert by_question["Hur är arbetsmiljön?"][3] == ""  # unanswered questions are listed too


def test_xlsx_holds_only_text_cells_and_describes_the_dialogue(documented):
    workbook = load_workbook(io.BytesIO(export.documentation_xlsx(dialogue_documentation(documented, team=True))))
    sheet, about = workbook.worksheets
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type == "s" for cell in cells)
    assert not any(str(cell.value).startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'=HYPERLINK(\"http://evil.example\")" in [cell.value for cell in cells]
    facts = dict(about.iter_rows(values_only=True))
    assert facts["Vårdcentral"] == "Vårdcentral A1" and facts["Status"] == "genomförd"


def test_the_lifestyle_module_is_exported_only_when_chosen(world):
    dialogue = held(world)
    assert not any(row.section.key == "levnadsvanor" for row in dialogue_documentation(dialogue, team=True).rows)
    dialogue.include_lifestyle_module = True
    assert any(row.section.key == "levnadsvanor" for row in dialogue_documentation(dialogue, team=True).rows)


def test_export_filename(documented):
    name = export.export_filename(dialogue_documentation(documented, team=True), "xlsx")
    assert name == f"dialog-vardcentral-a1-{documented.date:%Y-%m-%d}.xlsx"
