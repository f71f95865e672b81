"""Services of the dialogue guide: the shipped guide, drafting, immutability, publishing rules, retiring,
importing and the editing of a draft."""

from datetime import time
from pathlib import Path

import pytest

from dialogs.exchange import document_from_tree
from dialogs.models import AnswerKind, Guide, GuideVersion, GuideVersionLocked, GuideVersionStatus, Question, Section
from dialogs.selectors.guide import guide_version_tree
from dialogs.services import guide as services
from tests.dialogs.factories import SMALL_GUIDE, as_bytes, import_draft, published_version, small_document

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "guide_skr_2021.json"


def export(version: GuideVersion) -> str:
    return document_from_tree(guide_version_tree(version)).to_json()


# --- The shipped guide -----------------------------------------------------------------------------------


def test_shipped_guide_loads_as_the_published_national_default(db):
    version, created = services.guide_load_shipped()
    assert created
    assert version.guide.is_national and version.status == GuideVersionStatus.PUBLISHED and version.number == 1
    assert version.questions.count() == 104
    assert Section.objects.get(version=version, key="p4-konkret-exempel").questions.get().kind == AnswerKind.SEQUENCE


def test_shipped_guide_in_the_database_exports_byte_for_byte_as_the_fixture(db):
    version, _created = services.guide_load_shipped()
    assert export(version) == FIXTURE.read_text(encoding="utf-8")


def test_loading_the_shipped_guide_again_changes_nothing(db):
    first, _created = services.guide_load_shipped()
    again, created = services.guide_load_shipped()
    assert (again.pk, created) == (first.pk, False)
    assert GuideVersion.objects.count() == 1 and Guide.objects.count() == 1


def test_a_changed_shipped_file_becomes_a_new_national_version(db, tmp_path):
    services.guide_load_shipped()
    changed = tmp_path / "guide.json"
    changed.write_text(FIXTURE.read_text(encoding="utf-8").replace('"label": "SKR 2021"', '"label": "SKR 2021 rev"'))
    version, created = services.guide_load_shipped(path=changed)
    assert created and version.number == 2 and version.label == "SKR 2021 rev"


def test_a_region_adopts_the_national_guide_as_its_own_published_copy(world):
    national, _created = services.guide_load_shipped()
    guide = services.guide_adopt(region=world.region_a, source=national, user=world.user("admin"))
    [version] = guide.versions.all()
    assert (guide.region, version.status, version.number, version.based_on) == (
        world.region_a, GuideVersionStatus.PUBLISHED, 1, national,
    )
    assert export(version) == export(national)
    with pytest.raises(services.GuideStateError):
        services.guide_adopt(region=world.region_a, source=national, user=world.user("admin"))


# --- Drafts and immutability -----------------------------------------------------------------------------


def test_a_draft_copies_the_published_version_with_the_same_keys(world):
    published = published_version(world.region_a)
    draft = services.guide_version_draft_start(source=published, user=world.user("admin"))
    assert draft.status == GuideVersionStatus.DRAFT and draft.number is None and draft.based_on == published
    # The same content; named as the region's own edit, with the copied version as its source.
    import json

    def content(version):
        document = json.loads(export(version))
        document["guide"].pop("attribution")
        document["version"].pop("label")
        return document

    assert content(draft) == content(published)
    assert draft.label.startswith("Region A ") and published.attribution in draft.attribution
    assert set(draft.questions.values_list("key", flat=True)) == set(published.questions.values_list("key", flat=True))
    assert not set(draft.questions.values_list("pk", flat=True)) & set(published.questions.values_list("pk", flat=True))


def test_only_one_draft_at_a_time(world):
    published = published_version(world.region_a)
    draft = services.guide_version_draft_start(source=published, user=None)
    with pytest.raises(services.GuideDraftExists) as caught:
        services.guide_version_draft_start(source=published, user=None)
    assert caught.value.draft == draft


def _first(version, model, **filters):
    return model.objects.filter(version=version, **filters).order_by("position", "pk").first()


MUTATIONS = {
    "guide_version_update": lambda v: services.guide_version_update(
        version=v, label="X", notes="", attribution="", source_title="", source_year=None, source_url=""
    ),
    "guide_version_publish": lambda v: services.guide_version_publish(version=v, user=None),
    "guide_version_delete": lambda v: services.guide_version_delete(version=v),
    "agenda_block_create": lambda v: services.agenda_block_create(version=v, start=time(8), end=time(9), title="X"),
    "agenda_block_update": lambda v: services.agenda_block_update(
        block=v.agenda_blocks.first(), start=time(8), end=time(9), title="X", participants="", sections=[]
    ),
    "agenda_block_delete": lambda v: services.agenda_block_delete(block=v.agenda_blocks.first()),
    "agenda_block_move": lambda v: services.agenda_block_move(block=v.agenda_blocks.first(), offset=1),
    "section_create": lambda v: services.section_create(version=v, title="Ny"),
    "section_update": lambda v: services.section_update(section=_first(v, Section), title="X", intro=""),
    "section_delete": lambda v: services.section_delete(section=_first(v, Section)),
    "section_move": lambda v: services.section_move(section=_first(v, Section), offset=1),
    "question_create": lambda v: services.question_create(section=_first(v, Section), text="Ny?"),
    "question_update": lambda v: services.question_update(question=_first(v, Question), text="X", kind="text"),
    "question_delete": lambda v: services.question_delete(question=_first(v, Question)),
    "question_move": lambda v: services.question_move(question=_first(v, Question), offset=1),
    "question_move_to_section": lambda v: services.question_move_to_section(
        question=_first(v, Question), section=_first(v, Section, key="levnadsvanor")
    ),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_every_mutating_service_refuses_a_published_version(world, name):
    version = published_version(world.region_a)
    before = export(version)
    with pytest.raises(GuideVersionLocked):
        MUTATIONS[name](version)
    version.refresh_from_db()
    assert version.status == GuideVersionStatus.PUBLISHED and export(version) == before


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_every_mutating_service_works_on_a_draft(world, name):
    MUTATIONS[name](import_draft(world.region_a))


def test_the_guard_reads_the_status_from_the_database_not_a_stale_object(world):
    version = import_draft(world.region_a)
    stale = GuideVersion.objects.get(pk=version.pk)
    services.guide_version_publish(version=version, user=None)
    assert stale.status == GuideVersionStatus.DRAFT
    with pytest.raises(GuideVersionLocked):
        services.section_create(version=stale, title="Smyger in")
    assert not Section.objects.filter(title="Smyger in").exists()


def test_a_retired_version_is_also_immutable(world):
    version = services.guide_version_retire(version=published_version(world.region_a))
    with pytest.raises(GuideVersionLocked):
        services.question_create(section=_first(version, Section), text="Ny?")


# --- Publishing ------------------------------------------------------------------------------------------


def test_publishing_numbers_versions_and_records_who_and_when(world):
    admin = world.user("admin")
    first = published_version(world.region_a, admin)
    second = services.guide_version_publish(
        version=services.guide_version_draft_start(source=first, user=admin), user=admin
    )
    assert (first.number, second.number) == (1, 2)
    assert second.published_by == admin and second.published_at is not None


def test_publishing_refuses_each_named_problem_and_publishes_nothing(world):
    document = small_document()
    document["sections"][2]["questions"] = []  # Levnadsvanor left empty
    p1 = document["sections"][0]["questions"]
    p1[0]["text"] = ""
    p4 = document["sections"][1]["subsections"]
    p4[0]["questions"][0]["choices"] = []  # labelled choices without labels
    p4[1]["questions"][0]["prompts"] = []
    p1[1]["choices"] = ["Ja för patienter"]  # a yes/no question with choice labels
    document["agenda"][1]["end"] = "09:00"
    draft = import_draft(world.region_a, document=document)
    with pytest.raises(services.GuidePublishError) as caught:
        services.guide_version_publish(version=draft, user=None)
    messages = [problem.message for problem in caught.value.problems]
    assert messages == [
        "Agendapunkten ”Kaffepaus” slutar innan den börjar.",
        "Fråga 1 i ”P1: Personal (Persons)” saknar frågetext.",
        "Frågan ”Pågår någon forskning på vårdcentralen?” är en ja/nej-fråga men har etiketter för flera val; "
        "välj svarstypen ”flera ja/nej-val” eller ta bort etiketterna.",
        "Frågan ”Är det något med era lokaler som behöver förbättras?” har svarstypen ”flera ja/nej-val” men "
        "saknar etiketter för valen (minst två, ingen tom).",
        "Frågan ”Konkret exempel” har numrerade delfrågor men inga delfrågor.",
        "Avsnittet ”Fördjupningsdel Levnadsvanor” har inga frågor.",
    ]
    draft.refresh_from_db()
    assert draft.status == GuideVersionStatus.DRAFT and draft.number is None


def test_an_empty_subsection_is_named(world):
    draft = import_draft(world.region_a)
    services.section_create(version=draft, parent=_first(draft, Section, key="p4"), title="Samverkan")
    with pytest.raises(services.GuidePublishError) as caught:
        services.guide_version_publish(version=draft, user=None)
    assert [p.message for p in caught.value.problems] == ["Delavsnittet ”Samverkan” i ”P4: Processer” har inga frågor."]


# --- Retiring --------------------------------------------------------------------------------------------


def test_retiring_hides_a_version_from_new_dialogues_only(world):
    version = published_version(world.region_a)
    assert list(GuideVersion.objects.for_new_dialogues(world.region_a)) == [version]
    services.guide_version_retire(version=version)
    assert list(GuideVersion.objects.for_new_dialogues(world.region_a)) == []
    version.refresh_from_db()
    assert version.status == GuideVersionStatus.RETIRED and version.questions.count() == 6
    services.guide_version_reinstate(version=version)
    assert list(GuideVersion.objects.for_new_dialogues(world.region_a)) == [version]


def test_a_draft_cannot_be_retired(world):
    with pytest.raises(services.GuideStateError):
        services.guide_version_retire(version=import_draft(world.region_a))


# --- Import and the round trip ---------------------------------------------------------------------------


def test_export_import_export_is_byte_identical(world):
    national, _created = services.guide_load_shipped()
    exported = export(national)
    imported = services.guide_version_import(region=world.region_b, guide=None, content=exported.encode(), user=None)
    assert export(imported) == exported
    again = services.guide_version_import(
        region=world.region_a, guide=None, content=export(imported).encode(), user=None
    )
    assert export(again) == exported == FIXTURE.read_text(encoding="utf-8")


def test_import_into_an_existing_guide_makes_a_new_draft_of_it(world):
    published = published_version(world.region_a)
    draft = import_draft(world.region_a, document=small_document(version={"label": "Från region B", "notes": ""}),
                         guide=published.guide)
    assert draft.guide == published.guide and draft.label == "Från region B" and draft.is_draft


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"{not json", "inte giltig JSON"),
        (as_bytes(small_document(format_version=3)), "Formatversion 3"),
    ],
)
def test_a_bad_file_saves_nothing(world, content, expected):
    with pytest.raises(services.GuideImportError) as caught:
        services.guide_version_import(region=world.region_a, guide=None, content=content, user=None)
    assert expected in caught.value.problems[0]
    assert not Guide.objects.exists() and not Question.objects.exists()


def test_import_refuses_a_name_taken_in_the_region_and_a_second_draft(world):
    published = published_version(world.region_a)
    with pytest.raises(services.GuideImportError, match="heter ”Testguide”"):
        import_draft(world.region_a)
    import_draft(world.region_a, guide=published.guide)
    with pytest.raises(services.GuideImportError, match="har redan ett utkast"):
        import_draft(world.region_a, guide=published.guide)
    assert GuideVersion.objects.count() == 2


def test_import_into_another_regions_guide_is_refused(world):
    published = published_version(world.region_b)
    with pytest.raises(services.GuideImportError):
        import_draft(world.region_a, guide=published.guide)


# --- Editing a draft -------------------------------------------------------------------------------------


def _keys(section: Section) -> list[str]:
    return list(section.questions.order_by("position").values_list("key", flat=True))


def test_moving_questions_up_down_and_to_another_section(world):
    draft = import_draft(world.region_a)
    p1 = _first(draft, Section, key="p1")
    third = p1.questions.get(key="p1-q03")
    assert services.question_move(question=third, offset=-1)
    assert _keys(p1) == ["p1-q01", "p1-q03", "p1-q02"]
    assert not services.question_move(question=p1.questions.get(key="p1-q01"), offset=-1)
    target = _first(draft, Section, key="levnadsvanor")
    services.question_move_to_section(question=third, section=target)
    assert _keys(p1) == ["p1-q01", "p1-q02"]
    assert _keys(target) == ["levnadsvanor-q01", "p1-q03"]
    assert list(p1.questions.order_by("position").values_list("position", flat=True)) == [0, 1]


def test_a_question_cannot_move_into_another_version(world):
    draft = import_draft(world.region_a)
    other = published_version(world.region_b)
    with pytest.raises(ValueError):
        services.question_move_to_section(question=_first(draft, Question), section=_first(other, Section))


def test_new_questions_never_reuse_a_key_from_an_earlier_version(world):
    published = published_version(world.region_a)
    draft = services.guide_version_draft_start(source=published, user=None)
    p1 = _first(draft, Section, key="p1")
    services.question_delete(question=p1.questions.get(key="p1-q03"))
    question = services.question_create(section=p1, text="Ny fråga?", followups=["Följdfråga", " "],
                                         data_sources=[("Kolada", "http://www.kolada.se/"), ("", "")])
    assert question.key == "p1-q04"
    assert [f.text for f in question.followups.all()] == ["Följdfråga"]
    assert [(s.label, s.url) for s in question.data_sources.all()] == [("Kolada", "http://www.kolada.se/")]


def test_a_question_keeps_only_what_its_answer_kind_uses(world):
    draft = import_draft(world.region_a)
    question = services.question_update(
        question=_first(draft, Question), text="Lokaler?", kind=AnswerKind.CHOICES,
        choices=["För patienterna", "", "För personalen"], prompts=["Borde inte sparas"],
    )
    assert (question.choices, question.prompts) == (["För patienterna", "För personalen"], [])


def test_sections_and_subsections_get_readable_unique_keys_and_move_among_their_siblings(world):
    draft = import_draft(world.region_a)
    section = services.section_create(version=draft, title="Återkoppling till teamet", kind="feedback")
    assert section.key == "aterkoppling-till-teamet" and section.position == 3
    p4 = _first(draft, Section, key="p4")
    sub = services.section_create(version=draft, parent=p4, title="Samverkan")
    assert (sub.key, sub.position) == ("p4-samverkan", 2)
    services.section_move(section=sub, offset=-1)
    assert list(p4.subsections.order_by("position").values_list("key", flat=True)) == [
        "p4-organisation", "p4-samverkan", "p4-konkret-exempel",
    ]
    services.section_delete(section=_first(draft, Section, key="p1"))
    assert list(Section.objects.filter(version=draft, parent=None).values_list("key", "position")) == [
        ("p4", 0), ("levnadsvanor", 1), ("aterkoppling-till-teamet", 2),
    ]


def test_agenda_blocks_name_only_top_level_sections_of_their_version(world):
    draft = import_draft(world.region_a)
    block = services.agenda_block_create(
        version=draft, start=time(13), end=time(14), title="Samtal med medarbetare",
        sections=[_first(draft, Section, key="levnadsvanor")],
    )
    assert block.key == "a4" and block.position == 3
    with pytest.raises(ValueError):
        services.agenda_block_update(
            block=block, start=time(13), end=time(14), title="X", participants="",
            sections=[_first(draft, Section, key="p4-organisation")],
        )


def test_the_small_factory_guide_is_what_the_tests_assume(world):
    assert export(import_draft(world.region_a)) == as_bytes(SMALL_GUIDE).decode() + "\n"
