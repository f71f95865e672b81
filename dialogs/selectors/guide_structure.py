"""A guide version's question structure as the on-site form walks it, kept in memory per published version.

A published (or retired) version is immutable (DESIGN.md, "Decisions already taken"), so the sections, questions,
follow-up questions, data-source hints and agenda of one are the same on every request. The on-site form and
every autosave read them; loading them costs ten queries and building some 2,000 model instances each time,
which was a third of the on-site page's server time at national scale. So the structure of a published
version is loaded once per process and shared, read-only, by later requests; a draft is always read fresh.

The indicators linked to a question are left out on purpose: administrators may change those links on a
published version (they are presentation), so the on-site form reads them per request
(``selectors.onsite.attach_indicator_summaries``).

Nothing may set attributes on the shared model instances: the readers only read them.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

from django.db import connection

from dialogs.models import AgendaBlock, DataSourceHint, FollowUpQuestion, GuideVersion, Question, Section
from dialogs.selectors.guide import GuideTree, guide_version_tree

# One region's guide has one or two versions in use at a time; 64 covers every region of the country twice.
MAX_VERSIONS = 64


@dataclass(frozen=True)
class GuideStructure:
    """A version's tree (``selectors.guide.GuideTree``) with its parts laid out for lookups without queries or
    queryset clones: each section's own questions and sub-sections in order, each question's follow-up
    questions and data-source hints, every question by id, and the agenda blocks with their sections."""

    tree: GuideTree
    subsections: dict[int, list[Section]]  # by section id
    questions_of: dict[int, list[Question]]  # by section id (its own questions, not its sub-sections')
    followups: dict[int, list[FollowUpQuestion]]  # by question id
    data_sources: dict[int, list[DataSourceHint]]  # by question id
    questions: dict[int, Question]  # by id
    block_sections: dict[int, list[int]]  # agenda block id -> section ids, in order
    # Rendered fragments of the version's unchanging parts, filled by the templates' filters as they are first
    # needed (e.g. dialogs/templatetags/onsite_tags.py's guide_details), keyed by what they depend on.
    fragments: dict = field(default_factory=dict, compare=False)

    @property
    def sections(self) -> list[Section]:
        return self.tree.sections

    @property
    def agenda_blocks(self) -> list[AgendaBlock]:
        return self.tree.agenda_blocks


def _structure(tree: GuideTree) -> GuideStructure:
    subsections, questions_of, followups, data_sources, questions = {}, {}, {}, {}, {}
    for section in tree.sections:
        subsections[section.pk] = list(section.subsections.all())
        for part in [section, *subsections[section.pk]]:
            questions_of[part.pk] = list(part.questions.all())
            for question in questions_of[part.pk]:
                questions[question.pk] = question
                followups[question.pk] = list(question.followups.all())
                data_sources[question.pk] = list(question.data_sources.all())
    block_sections = {
        block.pk: [block_section.section_id for block_section in block.block_sections.all()] for block in tree.agenda_blocks
    }
    return GuideStructure(
        tree=tree, subsections=subsections, questions_of=questions_of, followups=followups,
        data_sources=data_sources, questions=questions, block_sections=block_sections,
    )


class _Cache:
    """The structures of published versions, least recently used dropped first. The key names the database
    and the moment the version was published as well as its id, so a test database that reuses an id after a
    rollback never meets another version's structure."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[tuple, GuideStructure] = OrderedDict()
        self.lock = Lock()

    def get(self, key: tuple) -> GuideStructure | None:
        with self.lock:
            structure = self.entries.get(key)
            if structure is not None:
                self.entries.move_to_end(key)
            return structure

    def put(self, key: tuple, structure: GuideStructure) -> None:
        with self.lock:
            self.entries[key] = structure
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_cache = _Cache(MAX_VERSIONS)


def guide_structure(version: GuideVersion) -> GuideStructure:
    """The structure of ``version``: from memory for a published or retired version (loaded on first use, ten
    queries), read fresh for a draft."""
    if version.is_draft or version.published_at is None:
        return _structure(guide_version_tree(version))
    key = (connection.alias, connection.settings_dict["NAME"], version.pk, version.guide_id, version.number, version.published_at)
    structure = _cache.get(key)
    if structure is None:
        structure = _structure(guide_version_tree(version))
        _cache.put(key, structure)
    return structure


def guide_structures_forget() -> None:
    """Drop every kept structure (for tests that rebuild a database under the same ids)."""
    _cache.clear()
