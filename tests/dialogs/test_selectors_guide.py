"""Reads of the guide: the whole tree in a constant number of queries, and the comparison of versions."""

from dialogs.selectors.guide import guide_version_diff, guide_version_tree
from dialogs.services import guide as services
from tests.dialogs.factories import import_draft, published_version

TREE_QUERIES = 10


def _walk(tree) -> int:
    """Touch everything a page shows: questions, follow-ups, data sources, agenda sections."""
    touched = 0
    for question in tree.questions():
        touched += 1 + len(question.followups.all()) + len(question.data_sources.all()) + len(question.section.key)
    for block in tree.agenda_blocks:
        touched += sum(len(link.section.key) for link in block.block_sections.all())
    return touched


def test_the_tree_loads_in_ten_queries_whatever_its_size(db, django_assert_max_num_queries):
    national, _created = services.guide_load_shipped()
    with django_assert_max_num_queries(TREE_QUERIES):
        tree = guide_version_tree(national)
        _walk(tree)
    assert tree.question_count == 104
    assert [section.key for section in tree.sections] == [
        "p1", "p2", "p3", "p4", "p5", "sammanfattning", "aterkoppling", "levnadsvanor",
    ]


def test_the_tree_of_a_small_guide_takes_the_same_queries(world, django_assert_max_num_queries):
    draft = import_draft(world.region_a)
    with django_assert_max_num_queries(TREE_QUERIES):
        _walk(guide_version_tree(draft))


def test_diff_of_a_copy_is_empty(world):
    published = published_version(world.region_a)
    draft = services.guide_version_draft_start(source=published, user=None)
    assert guide_version_diff(guide_version_tree(published), guide_version_tree(draft)).is_empty


def _diff_after(world, change):
    published = published_version(world.region_a)
    draft = services.guide_version_draft_start(source=published, user=None)
    change(draft)
    return guide_version_diff(guide_version_tree(published), guide_version_tree(draft))


def _keys(changes):
    return [(change.old or change.new).key for change in changes]


def test_diff_names_added_removed_and_reworded_questions(world):
    def change(draft):
        services.question_create(section=draft.sections.get(key="p1"), text="Ny?")
        services.question_delete(question=draft.questions.get(key="p1-q02"))
        services.question_update(question=draft.questions.get(key="p1-q01"), text="Vilka arbetar här nu?", kind="text",
                                 followups=["Andel specialister i allmänmedicin?", "Vakanser?"])

    diff = _diff_after(world, change)
    assert _keys(diff.added) == ["p1-q04"] and _keys(diff.removed) == ["p1-q02"]
    assert [(c.old.text, c.new.text) for c in diff.reworded] == [("Vilka arbetar här?", "Vilka arbetar här nu?")]
    assert diff.moved == [] and diff.changed == []


def test_removing_a_question_does_not_make_the_following_ones_look_moved(world):
    diff = _diff_after(world, lambda draft: services.question_delete(question=draft.questions.get(key="p1-q01")))
    assert diff.moved == []


def test_diff_names_moves_within_and_between_sections(world):
    def change(draft):
        services.question_move(question=draft.questions.get(key="p1-q03"), offset=-1)
        services.question_move_to_section(question=draft.questions.get(key="p1-q01"),
                                          section=draft.sections.get(key="levnadsvanor"))

    diff = _diff_after(world, change)
    assert sorted((c.new.key, c.details[0]) for c in diff.moved) == [
        ("p1-q01", "till ett annat avsnitt"), ("p1-q03", "ny plats i avsnittet"),
    ]


def test_diff_names_other_changes_and_section_changes(world):
    def change(draft):
        services.question_update(question=draft.questions.get(key="p1-q02"), text="Pågår någon forskning på vårdcentralen?",
                                 kind="text", followups=[])
        services.section_update(section=draft.sections.get(key="p1"), title="Medarbetare", intro="", code="P1")
        services.section_create(version=draft, title="Digitalisering")

    diff = _diff_after(world, change)
    assert [(c.new.key, c.details) for c in diff.changed] == [("p1-q02", ["svarstyp", "fördjupningsfrågor"])]
    assert [(old.heading, new.heading) for old, new in diff.sections_renamed] == [
        ("P1: Personal (Persons)", "P1: Medarbetare"),
    ]
    assert [section.key for section in diff.sections_added] == ["digitalisering"]
