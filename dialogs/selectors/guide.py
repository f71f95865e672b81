"""Reads of the dialogue guide: a version's whole tree in a constant number of queries, the problems that stop
a draft from being published, and the comparison of two versions."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dialogs.models import (
    AgendaBlock,
    AgendaBlockSection,
    AnswerKind,
    DataSourceHint,
    FollowUpQuestion,
    Guide,
    GuideVersion,
    GuideVersionStatus,
    Question,
    Section,
)
from indicators.models import Indicator

MIN_CHOICES = 2


@dataclass
class GuideTree:
    """A version with everything it contains, loaded once. ``sections`` are the top-level sections, each with
    ``subsections.all()`` and ``questions.all()`` prefetched (questions with ``followups.all()`` and
    ``data_sources.all()``); ``agenda_blocks`` each with ``block_sections.all()`` and their sections."""

    version: GuideVersion
    sections: list[Section]
    agenda_blocks: list[AgendaBlock]

    def all_sections(self) -> Iterator[Section]:
        """Sections and sub-sections in reading order."""
        for section in self.sections:
            yield section
            yield from section.subsections.all()

    def questions(self) -> Iterator[Question]:
        """Every question in reading order: a section's own questions, then its sub-sections'."""
        for section in self.all_sections():
            yield from section.questions.all()

    @property
    def question_count(self) -> int:
        return sum(1 for _question in self.questions())


def _questions_with_details(with_indicators: bool):
    details = [
        Prefetch("followups", queryset=FollowUpQuestion.objects.order_by("position")),
        Prefetch("data_sources", queryset=DataSourceHint.objects.order_by("position")),
    ]
    if with_indicators:
        details.append(Prefetch("indicators", queryset=Indicator.objects.order_by("name", "pk")))
    return Question.objects.order_by("position").prefetch_related(*details)


def guide_version_tree(version: GuideVersion, *, with_indicators: bool = False) -> GuideTree:
    """Load a version's agenda, sections, sub-sections, questions, follow-ups and data sources in ten queries,
    however many questions it has. The editor, preview, printout, PDF, export and on-site form all use it.
    ``with_indicators`` also prefetches each question's linked indicators (two more queries), for the pages
    that name them; the on-site form reads only its current screen's (selectors/onsite.py)."""
    sections = list(
        Section.objects.filter(version=version, parent=None)
        .order_by("position")
        .prefetch_related(
            Prefetch("questions", queryset=_questions_with_details(with_indicators)),
            Prefetch(
                "subsections",
                queryset=Section.objects.order_by("position").prefetch_related(
                    Prefetch("questions", queryset=_questions_with_details(with_indicators))
                ),
            ),
        )
    )
    agenda_blocks = list(
        AgendaBlock.objects.filter(version=version)
        .order_by("position")
        .prefetch_related(
            Prefetch(
                "block_sections", queryset=AgendaBlockSection.objects.select_related("section").order_by("position")
            )
        )
    )
    for section in sections:
        section.version = version
        for subsection in section.subsections.all():
            subsection.version = version
    return GuideTree(version=version, sections=sections, agenda_blocks=agenda_blocks)


def question_indicator_choices(question: Question):
    """The indicators an administrator may show beside ``question``: the active ones its region sees (the
    shared library and the region's own), plus any inactive one already linked so it can be unlinked;
    sorted by data source for the grouped checkboxes."""
    return (
        Indicator.objects.for_region(question.version.guide.region)
        .filter(Q(active=True) | Q(pk__in=question.indicators.values("pk")))
        .select_related("source")
        .order_by("source__name", "name", "pk")
    )


def guides_for_region(region) -> list[Guide]:
    """The region's guides (two queries), each with ``current_version`` (the latest published) and ``draft``."""
    versions = GuideVersion.objects.order_by("-created_at")
    guides = list(Guide.objects.for_region(region).prefetch_related(Prefetch("versions", queryset=versions)))
    for guide in guides:
        published = [version for version in guide.versions.all() if version.status == GuideVersionStatus.PUBLISHED]
        guide.current_version = max(published, key=lambda version: version.number, default=None)
        guide.draft = next((version for version in guide.versions.all() if version.is_draft), None)
    return guides


def national_guide_versions() -> list[GuideVersion]:
    """Published versions of the national default guides, newest first: what a region may start from."""
    return list(
        GuideVersion.objects.filter(guide__region__isnull=True, status=GuideVersionStatus.PUBLISHED)
        .select_related("guide")
        .annotate(question_total=Count("questions"))
        .order_by("guide__name", "-number")
    )


# --- Publishing rules ------------------------------------------------------------------------------------


@dataclass
class GuideProblem:
    """Something that stops a draft from being published; ``anchor`` is the element's id in the editor."""

    message: str
    anchor: str = ""


def _question_label(question: Question, number: int, section: Section) -> str:
    if question.text.strip():
        text = question.text.strip()
        return f"”{text[:80]}{'…' if len(text) > 80 else ''}”"
    return _("Fråga %(number)s i ”%(section)s”") % {"number": number, "section": section.heading}


def _question_problems(question: Question, number: int, section: Section) -> list[GuideProblem]:
    anchor = f"question-{question.pk}"
    label = _question_label(question, number, section)
    problems = []
    if not question.text.strip():
        problems.append(GuideProblem(_("%(question)s saknar frågetext.") % {"question": label}, anchor))
    if question.kind == AnswerKind.CHOICES:
        labels = [choice for choice in question.choices if choice.strip()]
        if len(labels) < MIN_CHOICES or len(labels) != len(question.choices):
            problems.append(
                GuideProblem(
                    _("Frågan %(question)s har svarstypen ”flera ja/nej-val” men saknar etiketter för valen "
                      "(minst två, ingen tom).") % {"question": label},
                    anchor,
                )
            )
    if question.kind == AnswerKind.YES_NO and question.choices:
        problems.append(
            GuideProblem(
                _("Frågan %(question)s är en ja/nej-fråga men har etiketter för flera val; välj svarstypen "
                  "”flera ja/nej-val” eller ta bort etiketterna.") % {"question": label},
                anchor,
            )
        )
    if question.kind == AnswerKind.SEQUENCE and not [prompt for prompt in question.prompts if prompt.strip()]:
        message = _("Frågan %(question)s har numrerade delfrågor men inga delfrågor.") % {"question": label}
        problems.append(GuideProblem(message, anchor))
    return problems


def guide_version_problems(tree: GuideTree) -> list[GuideProblem]:
    """Everything that must be fixed before the version can be published, each named."""
    problems: list[GuideProblem] = []

    def add(message: str, anchor: str) -> None:
        problems.append(GuideProblem(message, anchor))

    if not tree.version.label.strip():
        add(_("Versionen saknar benämning."), "version-facts")
    if not tree.sections:
        add(_("Versionen har inga avsnitt."), "sections")
    for block in tree.agenda_blocks:
        if not block.title.strip():
            add(_("En agendapunkt kl. %(start)s saknar innehåll.") % {"start": f"{block.start:%H:%M}"}, f"agenda-{block.pk}")
        if block.end <= block.start:
            add(_("Agendapunkten ”%(title)s” slutar innan den börjar.") % {"title": block.title}, f"agenda-{block.pk}")
    for section in tree.sections:
        anchor = f"section-{section.pk}"
        subsections = list(section.subsections.all())
        if not section.title.strip():
            add(_("Ett avsnitt saknar rubrik."), anchor)
        if not section.questions.all() and not any(sub.questions.all() for sub in subsections):
            add(_("Avsnittet ”%(section)s” har inga frågor.") % {"section": section.heading}, anchor)
        for subsection in subsections:
            names = {"subsection": subsection.title, "section": section.heading}
            if not subsection.title.strip():
                add(_("Ett delavsnitt i ”%(section)s” saknar rubrik.") % names, f"section-{subsection.pk}")
            if not subsection.questions.all():
                add(_("Delavsnittet ”%(subsection)s” i ”%(section)s” har inga frågor.") % names, f"section-{subsection.pk}")
        for owner in [section, *subsections]:
            for number, question in enumerate(owner.questions.all(), start=1):
                problems.extend(_question_problems(question, number, owner))
    return problems


# --- Comparing two versions ------------------------------------------------------------------------------

CHANGE_LABELS = {
    "kind": gettext_lazy("svarstyp"),
    "choices": gettext_lazy("etiketter för valen"),
    "prompts": gettext_lazy("delfrågor"),
    "help": gettext_lazy("förklaring"),
    "followups": gettext_lazy("fördjupningsfrågor"),
    "data_sources": gettext_lazy("datakällor"),
    "team_only": gettext_lazy("vem som läser svaret"),
}


@dataclass
class QuestionChange:
    old: Question | None
    new: Question | None
    details: list[str] = field(default_factory=list)


@dataclass
class GuideDiff:
    """What changed from ``old`` to ``new``, matched on question and section keys."""

    old: GuideVersion
    new: GuideVersion
    added: list[QuestionChange] = field(default_factory=list)
    removed: list[QuestionChange] = field(default_factory=list)
    reworded: list[QuestionChange] = field(default_factory=list)
    moved: list[QuestionChange] = field(default_factory=list)
    changed: list[QuestionChange] = field(default_factory=list)
    sections_added: list[Section] = field(default_factory=list)
    sections_removed: list[Section] = field(default_factory=list)
    sections_renamed: list[tuple[Section, Section]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(
            [self.added, self.removed, self.reworded, self.moved, self.changed,
             self.sections_added, self.sections_removed, self.sections_renamed]
        )


def _question_facts(question: Question) -> dict:
    return {
        "kind": question.kind,
        "choices": list(question.choices),
        "prompts": list(question.prompts),
        "help": question.help,
        "followups": [followup.text for followup in question.followups.all()],
        "data_sources": [(source.label, source.url) for source in question.data_sources.all()],
        "team_only": question.team_only,
    }


def _longest_increasing_subsequence(values: list[int]) -> set[int]:
    """Indexes of one longest increasing subsequence: the questions that kept their relative order."""
    best_length = [1] * len(values)
    previous = [-1] * len(values)
    for index, value in enumerate(values):
        for earlier in range(index):
            if values[earlier] < value and best_length[earlier] + 1 > best_length[index]:
                best_length[index], previous[index] = best_length[earlier] + 1, earlier
    if not values:
        return set()
    # On a tie keep the later run: a question moved up is then the one reported, not all it jumped over.
    index = max(range(len(values)), key=lambda position: (best_length[position], position))
    kept = set()
    while index != -1:
        kept.add(index)
        index = previous[index]
    return kept


def guide_version_diff(old_tree: GuideTree, new_tree: GuideTree) -> GuideDiff:
    diff = GuideDiff(old=old_tree.version, new=new_tree.version)
    _section_changes(diff, old_tree, new_tree)
    old_questions = list(old_tree.questions())
    old_by_key = {question.key: question for question in old_questions}
    new_questions = list(new_tree.questions())
    new_keys = {question.key for question in new_questions}
    diff.removed = [QuestionChange(old=question, new=None) for question in old_questions if question.key not in new_keys]

    staying_by_section: dict[str, list[Question]] = {}
    for question in new_questions:
        old = old_by_key.get(question.key)
        if old is None:
            diff.added.append(QuestionChange(old=None, new=question))
            continue
        _question_changes(diff, old, question)
        if old.section.key != question.section.key:
            diff.moved.append(QuestionChange(old=old, new=question, details=[_("till ett annat avsnitt")]))
        else:
            staying_by_section.setdefault(question.section.key, []).append(question)

    # Within a section, only questions outside the longest run that kept its order count as moved, so adding
    # or removing one question does not make every later question look moved.
    old_order = {question.key: index for index, question in enumerate(old_questions)}
    for questions in staying_by_section.values():
        kept = _longest_increasing_subsequence([old_order[question.key] for question in questions])
        diff.moved.extend(
            QuestionChange(old=old_by_key[question.key], new=question, details=[_("ny plats i avsnittet")])
            for index, question in enumerate(questions)
            if index not in kept
        )
    return diff


def _section_changes(diff: GuideDiff, old_tree: GuideTree, new_tree: GuideTree) -> None:
    """Sections added, removed and renamed between the versions (matched by key)."""
    old_sections = {section.key: section for section in old_tree.all_sections()}
    new_sections = {section.key: section for section in new_tree.all_sections()}
    diff.sections_added = [section for key, section in new_sections.items() if key not in old_sections]
    diff.sections_removed = [section for key, section in old_sections.items() if key not in new_sections]
    diff.sections_renamed = [
        (old_sections[key], section)
        for key, section in new_sections.items()
        if key in old_sections and old_sections[key].heading != section.heading
    ]


def _question_changes(diff: GuideDiff, old: Question, new: Question) -> None:
    """A question kept between the versions: reworded, and which of its other facts changed."""
    if old.text != new.text:
        diff.reworded.append(QuestionChange(old=old, new=new))
    old_facts, new_facts = _question_facts(old), _question_facts(new)
    details = [str(label) for name, label in CHANGE_LABELS.items() if old_facts[name] != new_facts[name]]
    if details:
        diff.changed.append(QuestionChange(old=old, new=new, details=details))
