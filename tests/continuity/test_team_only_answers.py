"""Team-only questions (issue 13, item 3): the answer to "Föreligger någon indikation för fördjupad uppföljning?" is
the team's and the region's administrators' to read, never the clinic's – even once the documentation is shared with
the clinic. The guide marks such questions (``Question.team_only``, set in the shipped SKR guide and by the editor),
and every reader of answers that clinic staff can reach honours it through ``dialogs.access``."""

import importlib
import io
import json

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl import load_workbook

from continuity.selectors.search import SearchFilters, search
from dialogs.exchange import parse_document
from dialogs.models import Question
from dialogs.services import guide as guide_services
from feedback import services as feedback_services
from tests.continuity.factories import held_today, last_year, next_dialogue
from tests.pdftext import pdf_text

SECRET = "Ja: misstanke om hemlighetsmakeri kring journalerna"
WORD = "hemlighetsmakeri"


@pytest.fixture
def indicated(world):
    """Last year's dialogue at A1, shared with the clinic, whose indication answer names a suspicion."""
    dialogue = last_year(world)  # answers the question "Nej."
    dialogue.answers.filter(question__key="sammanfattning-q03").update(text=SECRET)
    return dialogue


def _pages(dialogue) -> list[str]:
    return [
        reverse("dialogs:dialogue_summary", args=[dialogue.pk]),
        reverse("dialogs:dialogue_documentation", args=[dialogue.pk]),
        reverse("dialogs:dialogue_export_csv", args=[dialogue.pk]),
        reverse("dialogs:onsite_section", args=[dialogue.pk, "sammanfattning"]),
        reverse("dialogs:dialogue_detail", args=[dialogue.pk]),
    ]


def test_the_shipped_guide_marks_the_indication_question_team_only(world, indicated):
    document = parse_document(guide_services.SHIPPED_GUIDE_PATH.read_bytes())
    flagged = [question.key for section in document.sections for question in section.questions if question.team_only]
    assert flagged == ["sammanfattning-q03"]
    assert indicated.guide_version.questions.get(key="sammanfattning-q03").team_only  # the version dialogues use


def test_the_migration_marks_the_question_in_existing_versions(world, indicated):
    Question.objects.filter(key="sammanfattning-q03").update(team_only=False)
    migration = importlib.import_module("dialogs.migrations.0010_question_team_only")
    migration.mark_indication_question(apps, None)
    assert set(Question.objects.filter(key="sammanfattning-q03").values_list("team_only", flat=True)) == {True}
    assert not Question.objects.filter(key="sammanfattning-q02", team_only=True).exists()


def test_after_the_migration_the_shipped_file_matches_the_installed_version(world):
    """An installation from before: its national version 1 lacks the mark. The migration adds it, after which the
    shipped file (which has it) is what is installed, so load_content makes no second version."""
    version, _created = guide_services.guide_load_shipped()
    Question.objects.filter(version=version).update(team_only=False)
    importlib.import_module("dialogs.migrations.0010_question_team_only").mark_indication_question(apps, None)
    again, created = guide_services.guide_load_shipped()
    assert not created and again == version


def test_clinic_staff_never_read_the_answer_on_any_page_or_export(world, client_for, indicated):
    clinic = client_for("staff_a1")
    for url in _pages(indicated):
        response = clinic.get(url, follow=True)
        assert response.status_code == 200, url
        assert WORD not in response.content.decode(), url
    page = clinic.get(reverse("dialogs:dialogue_documentation", args=[indicated.pk])).content.decode()
    assert "Föreligger någon indikation" not in page  # the question goes too: no "–" that reads as "no"
    workbook = load_workbook(io.BytesIO(clinic.get(reverse("dialogs:dialogue_export_xlsx", args=[indicated.pk])).content))
    cells = [str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value]
    assert cells and not any(WORD in cell for cell in cells)
    pdf = clinic.get(reverse("dialogs:dialogue_export_pdf", args=[indicated.pk])).content
    assert WORD not in pdf_text(pdf) and "Vad ska ni jobba vidare med" in pdf_text(pdf)


def test_the_answers_history_is_not_found_for_clinic_staff(world, client_for, indicated):
    question = indicated.guide_version.questions.get(key="sammanfattning-q03")
    url = reverse("dialogs:answer_history", args=[indicated.pk, question.pk])
    assert client_for("staff_a1").get(url).status_code == 404
    assert WORD in client_for("bestallare").get(url).content.decode()


def test_the_team_and_the_administrators_read_it_and_are_pointed_to_the_case(world, client_for, indicated):
    for persona in ("bestallare", "admin"):
        page = client_for(persona).get(reverse("dialogs:dialogue_summary", args=[indicated.pk])).content.decode()
        assert WORD in page
        assert 'data-testid="team-only-note"' in page
        assert reverse("dialogs:case_open", args=[indicated.pk]) in page.split('data-testid="team-only-note"')[1].split("</p>")[0]
    documentation = client_for("utveckling").get(reverse("dialogs:dialogue_documentation", args=[indicated.pk]))
    assert WORD in documentation.content.decode()
    csv = client_for("bestallare").get(reverse("dialogs:dialogue_export_csv", args=[indicated.pk])).content.decode("utf-8-sig")
    assert WORD in csv


def test_clinic_staff_do_not_find_it_in_search(world, client_for, indicated):
    assert not search(user=world.user("staff_a1"), region=world.region_a, filters=SearchFilters(text=WORD))
    page = client_for("staff_a1").get(reverse("continuity:search"), {"q": WORD}).content.decode()
    assert 'class="search-hit"' not in page and 'data-testid="no-hits"' in page  # (which repeats the words searched)
    assert SECRET not in page
    team = search(user=world.user("bestallare"), region=world.region_a, filters=SearchFilters(text=WORD))
    assert [hit.text for group in team for hit in group.hits] == [SECRET]


def test_next_year_clinic_staff_do_not_see_last_years_answer_beside_the_question(world, client_for, indicated):
    upcoming = held_today(world, next_dialogue(world))
    from dialogs.services.dialogue import dialogue_share_documentation

    dialogue_share_documentation(dialogue=upcoming, user=world.user("bestallare"))
    url = reverse("dialogs:onsite_section", args=[upcoming.pk, "sammanfattning"])
    assert WORD in client_for("bestallare").get(url).content.decode()  # the team sees it beside the question
    page = client_for("staff_a1").get(url).content.decode()
    assert WORD not in page and "Föreligger någon indikation" not in page
    assert "Vad ska ni jobba vidare med" in page


def test_the_clinics_page_counts_only_what_the_clinic_reads(world, client_for, indicated):
    url = reverse("continuity:clinic", args=[world.clinic_a1.pk])
    team, clinic = (client_for(persona).get(url).content.decode() for persona in ("bestallare", "staff_a1"))
    assert WORD not in clinic
    assert "3 besvarade frågor" in team and "2 besvarade frågor" in clinic


def test_the_deck_is_never_prefilled_from_a_team_only_answer(world, indicated):
    Question.objects.filter(version=indicated.guide_version, key="sammanfattning-q02").update(team_only=True)
    indicated.answers.filter(question__key="sammanfattning-q02").update(text="Hemlig slutsats för teamet")
    content = feedback_services.prefill(indicated)
    assert not any("Hemlig slutsats" in line for lines, _links in content.values() for line in lines)


# --- The guide: editor and exchange format -------------------------------------------------------------------------


def test_the_editor_marks_a_question_team_only_and_it_travels_in_the_exchange_format(world, client_for):
    from tests.dialogs.factories import region_a_draft

    question = region_a_draft(world).questions.order_by("pk").first()
    url = reverse("dialogs:question_update", args=[question.pk])
    response = client_for("admin").post(url, {
        "text": question.text, "kind": "text", "choices": "", "prompts": "", "help": "", "followups": "",
        "team_only": "on", "sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.team_only
    assert 'data-testid="team-only-question"' in client_for("admin").get(reverse("dialogs:version_edit", args=[question.version_id])).content.decode()
    exported = client_for("admin").get(reverse("dialogs:version_export", args=[question.version_id])).content
    data = json.loads(exported)
    flagged = [q["key"] for section in data["sections"] for q in section["questions"] if q.get("team_only")]
    assert question.key in flagged
    assert parse_document(exported).to_json().encode() == exported  # round trip, byte for byte


def test_a_document_with_a_wrong_team_only_value_is_refused_with_its_place(world):
    from dialogs.exchange import GuideDocumentError

    data = json.loads(guide_services.SHIPPED_GUIDE_PATH.read_bytes())
    data["sections"][0]["questions"][0]["team_only"] = "ja"
    with pytest.raises(GuideDocumentError) as refused:
        parse_document(json.dumps(data))
    assert any("team_only" in problem for problem in refused.value.problems)
