"""The guide's pages, driven with the test client as an administrator and a follow-up team would use them."""

import re

import pytest
from django.urls import reverse

from dialogs.exchange import document_from_tree
from dialogs.models import Guide, GuideVersion, GuideVersionStatus, Question, Section
from dialogs.selectors.guide import guide_version_tree
from dialogs.services import guide as services
from organisations.models import Membership, Role
from tests.pdftext import pdf_flat_text
from tests.dialogs.factories import SMALL_GUIDE, as_bytes, region_a_draft, region_a_published, small_document


def question_post(text: str, kind: str = "text", **fields) -> dict:
    data = {
        "text": text, "kind": kind, "choices": "", "prompts": "", "help": "", "followups": "",
        "sources-TOTAL_FORMS": "2", "sources-INITIAL_FORMS": "0", "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "30", "sources-0-label": "", "sources-0-url": "", "sources-1-label": "",
        "sources-1-url": "",
    }
    data.update(fields)
    return data


def keys_in(section: Section) -> list[str]:
    return list(section.questions.order_by("position").values_list("key", flat=True))


# --- Starting out ----------------------------------------------------------------------------------------


def test_administrator_creates_the_regions_guide_from_the_national_default(client_for, world):
    national, _created = services.guide_load_shipped()
    client = client_for("admin")
    page = client.get(reverse("dialogs:guide_list")).content.decode()
    assert "Skapa regionens dialogstöd från PrimärvårdsUppföljning – dialogstöd (SKR 2021)" in page
    response = client.post(reverse("dialogs:guide_adopt"), {"source": national.pk})
    guide = Guide.objects.get(region=world.region_a)
    assert response["Location"] == reverse("dialogs:guide_detail", args=[guide.pk])
    assert guide.versions.get().status == GuideVersionStatus.PUBLISHED


def test_follow_up_member_reads_but_cannot_adopt(client_for, world):
    national, _created = services.guide_load_shipped()
    client = client_for("bestallare")
    page = client.get(reverse("dialogs:guide_list")).content.decode()
    assert "Skapa regionens dialogstöd" not in page and "Regionens administratör skapar dialogstödet" in page
    assert client.post(reverse("dialogs:guide_adopt"), {"source": national.pk}).status_code == 403
    assert not Guide.objects.filter(region=world.region_a).exists()


# --- The editor flow -------------------------------------------------------------------------------------


def test_administrator_drafts_adds_moves_previews_and_publishes(client_for, world):
    client = client_for("admin")
    first = region_a_published(world)
    response = client.post(reverse("dialogs:version_draft_start", args=[first.pk]))
    draft = GuideVersion.objects.get(guide=first.guide, status=GuideVersionStatus.DRAFT)
    assert response["Location"] == reverse("dialogs:version_edit", args=[draft.pk])
    assert client.get(response["Location"]).status_code == 200

    p1 = draft.sections.get(key="p1")
    response = client.post(
        reverse("dialogs:question_create", args=[p1.pk]),
        question_post("Hur ser kompetensförsörjningen ut?", followups="Rekryteringsläge?\nPensionsavgångar?",
                      **{"sources-0-label": "Se Kolada", "sources-0-url": "https://www.kolada.se/"}),
    )
    question = Question.objects.get(version=draft, text="Hur ser kompetensförsörjningen ut?")
    assert response["Location"].endswith(f"#question-{question.pk}")
    assert question.key == "p1-q04" and [f.text for f in question.followups.all()] == ["Rekryteringsläge?", "Pensionsavgångar?"]

    client.post(reverse("dialogs:question_move_up", args=[question.pk]))
    client.post(reverse("dialogs:question_move_up", args=[question.pk]))
    assert keys_in(p1) == ["p1-q01", "p1-q04", "p1-q02", "p1-q03"]
    levnadsvanor = draft.sections.get(key="levnadsvanor")
    client.post(reverse("dialogs:question_move_to_section", args=[question.pk]), {"section": levnadsvanor.pk})
    assert keys_in(levnadsvanor) == ["levnadsvanor-q01", "p1-q04"]

    preview = client.get(reverse("dialogs:version_detail", args=[draft.pk])).content.decode()
    assert "Förhandsvisning av utkastet" in preview and "Hur ser kompetensförsörjningen ut?" in preview
    assert "<details" in preview and "Pensionsavgångar?" in preview

    response = client.post(reverse("dialogs:version_publish", args=[draft.pk]))
    assert response["Location"] == reverse("dialogs:version_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (GuideVersionStatus.PUBLISHED, 2)
    reader = client_for("bestallare")
    assert "Hur ser kompetensförsörjningen ut?" in reader.get(reverse("dialogs:version_detail", args=[draft.pk])).content.decode()
    assert "Hur ser kompetensförsörjningen ut?" not in reader.get(reverse("dialogs:version_detail", args=[first.pk])).content.decode()


def test_editing_sections_subsections_and_agenda(client_for, world):
    client = client_for("admin")
    draft = region_a_draft(world)
    client.post(reverse("dialogs:section_create", args=[draft.pk]),
                {"code": "P6", "title": "Digitalisering", "kind": "five_p", "intro": ""})
    section = draft.sections.get(key="p6")
    client.post(reverse("dialogs:subsection_create", args=[section.pk]), {"title": "E-tjänster", "intro": ""})
    assert section.subsections.get().key == "p6-e-tjanster"
    client.post(reverse("dialogs:section_update", args=[section.pk]),
                {"code": "P6", "title": "Digital vård", "kind": "module", "optional": "on", "intro": "Valfritt."})
    section.refresh_from_db()
    assert (section.title, section.kind, section.optional) == ("Digital vård", "module", True)
    client.post(reverse("dialogs:section_move_up", args=[section.pk]))
    assert list(draft.sections.filter(parent=None).values_list("key", flat=True)) == ["p1", "p4", "p6", "levnadsvanor"]

    response = client.post(
        reverse("dialogs:agenda_create", args=[draft.pk]),
        {"start": "13:00", "end": "14:00", "title": "Samtal med medarbetare", "participants": "", "sections": [section.pk]},
    )
    block = draft.agenda_blocks.get(title="Samtal med medarbetare")
    assert response["Location"].endswith(f"#agenda-{block.pk}")
    assert list(block.sections.all()) == [section]
    client.post(reverse("dialogs:agenda_move_down", args=[draft.agenda_blocks.get(key="a1").pk]))
    assert list(draft.agenda_blocks.values_list("key", flat=True)) == ["a2", "a1", "a3", "a4"]
    client.post(reverse("dialogs:agenda_delete", args=[block.pk]))
    assert not draft.agenda_blocks.filter(pk=block.pk).exists()


def test_agenda_form_refuses_a_block_that_ends_before_it_starts(client_for, world):
    draft = region_a_draft(world)
    response = client_for("admin").post(
        reverse("dialogs:agenda_create", args=[draft.pk]), {"start": "14:00", "end": "13:00", "title": "Fika"}
    )
    assert response.status_code == 200 and "måste sluta efter att den börjar" in response.content.decode()


def test_question_form_needs_labels_for_labelled_choices(client_for, world):
    draft = region_a_draft(world)
    section = draft.sections.get(key="p1")
    response = client_for("admin").post(reverse("dialogs:question_create", args=[section.pk]),
                                        question_post("Lokaler?", kind="choices", choices="Bara en"))
    assert "Skriv minst två etiketter" in response.content.decode()
    assert not Question.objects.filter(text="Lokaler?").exists()


def test_editing_a_question_shows_its_followups_and_sources_and_saves_changes(client_for, world):
    draft = region_a_draft(world)
    question = draft.questions.get(key="p1-q03")
    client = client_for("admin")
    page = client.get(reverse("dialogs:question_update", args=[question.pk])).content.decode()
    assert "http://www.patientenkat.se/" in page and 'for="id_sources-0-label"' in page
    client.post(reverse("dialogs:question_update", args=[question.pk]), question_post(
        "Hur är arbetsmiljön just nu?", kind="yes_no",
        **{"sources-INITIAL_FORMS": "1", "sources-0-label": "Medarbetarenkät", "sources-0-url": ""},
    ))
    question.refresh_from_db()
    assert (question.text, question.kind, question.key) == ("Hur är arbetsmiljön just nu?", "yes_no", "p1-q03")
    assert [(s.label, s.url) for s in question.data_sources.all()] == [("Medarbetarenkät", "")]


def _opened_stamp(client, url) -> str:
    return re.search(r'name="stamp" value="([0-9a-f]+)"', client.get(url).content.decode()).group(1)


def test_a_question_changed_by_someone_else_meanwhile_is_shown_not_overwritten(client_for, world):
    question = region_a_draft(world).questions.get(key="p1-q03")
    client = client_for("admin")
    url = reverse("dialogs:question_update", args=[question.pk])
    opened = _opened_stamp(client, url)  # two administrators (or two tabs) open the same question
    assert client.post(url, question_post("Hur mår personalen?", stamp=opened)).status_code == 302
    response = client.post(url, question_post("Hur är arbetsmiljön?", stamp=opened))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Någon annan har ändrat det här" in page and "Hur mår personalen?" in page and "Hur är arbetsmiljön?" in page
    question.refresh_from_db()
    assert question.text == "Hur mår personalen?"
    again = re.search(r'name="stamp" value="([0-9a-f]+)"', page).group(1)
    assert client.post(url, question_post("Hur är arbetsmiljön?", stamp=again)).status_code == 302
    question.refresh_from_db()
    assert question.text == "Hur är arbetsmiljön?"


@pytest.mark.parametrize("route, item, first, second", [
    ("dialogs:section_update", "section",
     {"code": "P1", "title": "Personal i dag", "kind": "five_p", "intro": ""},
     {"code": "P1", "title": "Medarbetare", "kind": "five_p", "intro": ""}),
    ("dialogs:agenda_update", "block",
     {"start": "08:30", "end": "09:45", "title": "Presentationsrunda", "participants": ""},
     {"start": "08:30", "end": "09:30", "title": "Inledning och presentation", "participants": ""}),
])
def test_sections_and_agenda_items_changed_meanwhile_are_shown_not_overwritten(client_for, world, route, item, first, second):
    draft = region_a_draft(world)
    target = draft.sections.get(key="p1") if item == "section" else draft.agenda_blocks.get(key="a1")
    client = client_for("admin")
    url = reverse(route, args=[target.pk])
    opened = _opened_stamp(client, url)
    assert client.post(url, {**first, "stamp": opened}).status_code == 302
    response = client.post(url, {**second, "stamp": opened})
    assert response.status_code == 409 and first["title"] in response.content.decode()
    target.refresh_from_db()
    assert target.title == first["title"]


def test_deleting_a_question_section_and_the_draft_asks_first(client_for, world):
    client = client_for("admin")
    draft = region_a_draft(world)
    question = draft.questions.get(key="p1-q02")
    assert "Pågår någon forskning" in client.get(reverse("dialogs:question_delete", args=[question.pk])).content.decode()
    client.post(reverse("dialogs:question_delete", args=[question.pk]))
    section = draft.sections.get(key="p4")
    assert "3 frågor" not in client.get(reverse("dialogs:section_delete", args=[section.pk])).content.decode()
    client.post(reverse("dialogs:section_delete", args=[section.pk]))
    assert list(draft.sections.filter(parent=None).values_list("key", flat=True)) == ["p1", "levnadsvanor"]
    response = client.post(reverse("dialogs:version_delete", args=[draft.pk]))
    assert response["Location"] == reverse("dialogs:guide_detail", args=[draft.guide_id])
    assert not GuideVersion.objects.filter(pk=draft.pk).exists()


def test_starting_a_second_draft_leads_to_the_first(client_for, world):
    draft = region_a_draft(world)
    response = client_for("admin").post(reverse("dialogs:version_draft_start", args=[draft.based_on_id]))
    assert response["Location"] == reverse("dialogs:version_edit", args=[draft.pk])


# --- Refusals --------------------------------------------------------------------------------------------


CRAFTED_POSTS = [
    ("dialogs:version_update", "version", {"label": "Ändrad", "notes": "", "attribution": "", "source_title": "",
                                           "source_year": "", "source_url": ""}),
    ("dialogs:version_publish", "version", {}),
    ("dialogs:version_delete", "version", {}),
    ("dialogs:section_create", "version", {"title": "Insmugglad", "kind": "five_p"}),
    ("dialogs:agenda_create", "version", {"start": "15:00", "end": "16:00", "title": "Insmugglad"}),
    ("dialogs:question_create", "section", question_post("Insmugglad?")),
    ("dialogs:section_update", "section", {"title": "Insmugglad", "kind": "five_p"}),
    ("dialogs:section_delete", "section", {}),
    ("dialogs:section_move_down", "section", {}),
    ("dialogs:question_update", "question", question_post("Insmugglad?")),
    ("dialogs:question_delete", "question", {}),
    ("dialogs:question_move_down", "question", {}),
    ("dialogs:question_move_to_section", "question", {"section": "0"}),
    ("dialogs:agenda_update", "block", {"start": "15:00", "end": "16:00", "title": "Insmugglad"}),
    ("dialogs:agenda_delete", "block", {}),
    ("dialogs:agenda_move_down", "block", {}),
]


def _target(version: GuideVersion, kind: str) -> int:
    return {
        "version": version.pk,
        "section": version.sections.get(key="p1").pk,
        "question": version.questions.get(key="p1-q01").pk,
        "block": version.agenda_blocks.get(key="a1").pk,
    }[kind]


@pytest.mark.parametrize("name, kind, data", CRAFTED_POSTS, ids=[name for name, _kind, _data in CRAFTED_POSTS])
def test_a_crafted_post_cannot_change_a_published_version(client_for, world, name, kind, data):
    published = region_a_published(world)
    before = document_from_tree(guide_version_tree(published)).to_json()
    response = client_for("admin").post(reverse(name, args=[_target(published, kind)]), data)
    assert response.status_code == 409
    assert "Versionen är publicerad och kan inte ändras" in response.content.decode()
    published.refresh_from_db()
    assert published.status == GuideVersionStatus.PUBLISHED
    assert document_from_tree(guide_version_tree(published)).to_json() == before


@pytest.mark.parametrize("persona, status", [("bestallare", 403), ("staff_a1", 403), ("outsider", 404)])
@pytest.mark.parametrize("name, kind, data", CRAFTED_POSTS[:6] + CRAFTED_POSTS[9:13],
                         ids=[name for name, _kind, _data in CRAFTED_POSTS[:6] + CRAFTED_POSTS[9:13]])
def test_only_the_regions_administrator_may_post_to_the_editor(client_for, world, persona, status, name, kind, data):
    draft = region_a_draft(world)
    assert client_for(persona).post(reverse(name, args=[_target(draft, kind)]), data).status_code == status
    assert not Question.objects.filter(text="Insmugglad?").exists()
    assert GuideVersion.objects.get(pk=draft.pk).status == GuideVersionStatus.DRAFT


@pytest.mark.parametrize("name", ["dialogs:version_draft_start", "dialogs:version_retire"])
@pytest.mark.parametrize("persona, status", [("bestallare", 403), ("outsider", 404)])
def test_only_the_regions_administrator_manages_versions(client_for, world, name, persona, status):
    published = region_a_published(world)
    assert client_for(persona).post(reverse(name, args=[published.pk])).status_code == status
    assert GuideVersion.objects.get().status == GuideVersionStatus.PUBLISHED


def test_publish_page_lists_each_problem_and_publishes_nothing(client_for, world):
    draft = region_a_draft(world)
    draft.questions.filter(key="p1-q01").update(text="")
    services.section_create(version=draft, title="Tomt avsnitt")
    client = client_for("admin")
    page = client.get(reverse("dialogs:version_publish", args=[draft.pk])).content.decode()
    assert "2 saker behöver rättas först" in page and "Publicera versionen" not in page
    response = client.post(reverse("dialogs:version_publish", args=[draft.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "Versionen är inte publicerad." in page
    assert "Fråga 1 i ”P1: Personal (Persons)” saknar frågetext." in page
    assert "Avsnittet ”Tomt avsnitt” har inga frågor." in page
    assert f'#question-{draft.questions.get(key="p1-q01").pk}' in page
    assert GuideVersion.objects.get(pk=draft.pk).status == GuideVersionStatus.DRAFT


def test_retire_and_reinstate(client_for, world):
    published = region_a_published(world)
    client = client_for("admin")
    client.post(reverse("dialogs:version_retire", args=[published.pk]))
    assert GuideVersion.objects.get().status == GuideVersionStatus.RETIRED
    assert "Återaktivera" in client.get(reverse("dialogs:guide_detail", args=[published.guide_id])).content.decode()
    client.post(reverse("dialogs:version_reinstate", args=[published.pk]))
    assert GuideVersion.objects.get().status == GuideVersionStatus.PUBLISHED


def test_drafts_are_not_listed_for_the_follow_up_team(client_for, world):
    draft = region_a_draft(world)
    page = client_for("bestallare").get(reverse("dialogs:guide_detail", args=[draft.guide_id])).content.decode()
    assert "Version 1 – Test 1" in page and "Utkast – Test 1" not in page


# --- Import, export, compare, print ----------------------------------------------------------------------


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("guide.json", content, content_type="application/json")


def test_import_page_lists_problems_and_saves_nothing(client_for, world):
    document = small_document()
    document["sections"][0]["questions"][0]["kind"] = "scale"
    document["sections"][0]["questions"][1]["key"] = "p1-q01"
    response = client_for("admin").post(reverse("dialogs:guide_import"), {"file": _upload(as_bytes(document))})
    page = response.content.decode()
    assert "Filen har 2 fel. Ingenting har sparats." in page
    assert "okänd svarstyp ”scale”" in page and "Nyckeln ”p1-q01” används av flera frågor." in page
    assert not Guide.objects.exists()


def test_import_page_makes_a_draft(client_for, world):
    response = client_for("admin").post(reverse("dialogs:guide_import"), {"file": _upload(as_bytes(SMALL_GUIDE))})
    draft = GuideVersion.objects.get(guide__region=world.region_a)
    assert draft.is_draft and response["Location"] == reverse("dialogs:version_edit", args=[draft.pk])


def test_export_downloads_the_exchange_document(client_for, world):
    published = region_a_published(world)
    response = client_for("utveckling").get(reverse("dialogs:version_export", args=[published.pk]))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="testguide-test-1.json"'
    assert response.content == as_bytes(SMALL_GUIDE) + b"\n"


def test_compare_shows_added_removed_reworded_and_moved_questions(client_for, world):
    first = region_a_published(world)
    draft = services.guide_version_draft_start(source=first, user=None)
    p1 = draft.sections.get(key="p1")
    services.question_create(section=p1, text="Helt ny fråga?")
    services.question_delete(question=draft.questions.get(key="p1-q02"))
    question = draft.questions.get(key="p1-q01")
    services.question_update(question=question, text="Vilka arbetar här i dag?", kind="text")
    services.question_move_to_section(question=draft.questions.get(key="p1-q03"), section=draft.sections.get(key="levnadsvanor"))
    second = services.guide_version_publish(version=draft, user=None)
    response = client_for("bestallare").get(
        reverse("dialogs:guide_diff", args=[first.guide_id]), {"old": first.pk, "new": second.pk}
    )
    page = response.content.decode()
    for expected in ["1 ny fråga", "1 borttagen", "1 omformulerad", "1 flyttad", "Helt ny fråga?",
                     "Pågår någon forskning på vårdcentralen?", "Vilka arbetar här i dag?", "till ett annat avsnitt"]:
        assert expected in page


def test_printable_page_has_answer_space_swedish_text_and_the_skr_attribution(client_for, world):
    national, _created = services.guide_load_shipped()
    guide = services.guide_adopt(region=world.region_a, source=national, user=None)
    page = client_for("bestallare").get(reverse("dialogs:version_print", args=[guide.versions.get().pk])).content.decode()
    assert "Sveriges Kommuner och Regioner (SKR), Tillitsbaserad uppföljningsdialog, 2021." in page
    assert "Är det något med era lokaler som behöver förbättras för patienterna? För personalen?" in page
    assert '<div class="answer"></div>' in page and "☐ Ja" in page and "<main>" in page


def test_pdf_is_a_pdf_with_the_swedish_questions(client_for, world):
    published = region_a_published(world)
    response = client_for("admin").get(reverse("dialogs:version_pdf", args=[published.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = pdf_flat_text(response.content)
    assert "Pågår någon forskning på vårdcentralen?" in text and "Sveriges Kommuner och Regioner (SKR)" in text


# --- Queries do not grow with the guide ------------------------------------------------------------------

PAGES = ["dialogs:version_detail", "dialogs:version_edit", "dialogs:version_print", "dialogs:version_pdf",
         "dialogs:version_export", "dialogs:version_publish"]
# Session, user, version, the user's roles, the version's tree (10) and, on pages with the site's header, the
# header's regions and memberships (2); the preview and the editor also name each question's indicators (2).
QUERY_BUDGET = 16
NAMES_INDICATORS = {"dialogs:version_detail", "dialogs:version_edit"}


@pytest.mark.parametrize("name", PAGES)
def test_pages_of_a_full_guide_take_as_many_queries_as_a_small_one(client_for, world, django_assert_max_num_queries, name):
    small = region_a_draft(world)
    national, _created = services.guide_load_shipped()
    full = services.guide_version_import(region=world.region_b, guide=None, content=export_bytes(national), user=None)
    Membership.objects.create(user=world.user("admin"), region=world.region_b, role=Role.ADMIN)
    assert full.questions.count() == 104 and small.questions.count() == 6
    client = client_for("admin")
    client.get(reverse(name, args=[small.pk]))  # warm up the session
    budget = QUERY_BUDGET + 2 if name in NAMES_INDICATORS else QUERY_BUDGET
    with django_assert_max_num_queries(budget) as small_queries:
        assert client.get(reverse(name, args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(budget) as full_queries:
        assert client.get(reverse(name, args=[full.pk])).status_code == 200
    assert len(full_queries) == len(small_queries)


def export_bytes(version) -> bytes:
    return document_from_tree(guide_version_tree(version)).to_json().encode()


def test_move_to_section_page_offers_every_section_and_sub_section_in_reading_order(client_for, world):
    draft = region_a_draft(world)
    question = draft.questions.get(key="p1-q01")
    page = client_for("admin").get(reverse("dialogs:question_move_to_section", args=[question.pk])).content.decode()
    labels = re.findall(r'<label for="id_section_\d+" class="form-check-label">\s*(.*?)\s*</label>', page)
    assert labels == [
        "P1: Personal (Persons)", "P4: Processer", "P4: Processer › Organisation och ledning",
        "P4: Processer › Konkret exempel", "Fördjupningsdel Levnadsvanor",
    ]
    assert 'type="radio"' in page and "checked" in page


def test_compare_form_preselects_the_previous_and_the_latest_version(client_for, world):
    first = region_a_published(world)
    second = services.guide_version_publish(version=services.guide_version_draft_start(source=first, user=None), user=None)
    page = client_for("bestallare").get(reverse("dialogs:guide_diff", args=[first.guide_id])).content.decode()
    assert re.search(rf'name="old"[^>]*>.*?<option value="{first.pk}" selected>', page, re.S)
    assert re.search(rf'name="new"[^>]*>.*?<option value="{second.pk}" selected>', page, re.S)
