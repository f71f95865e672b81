"""The on-site form's read side: a dialogue's guide as screens in the order of the day, each section with its
questions, answers, the parties' chosen focus areas and progress, in a constant number of queries.

Screens follow the agenda: the top-level sections in the order the agenda blocks walk through them. Sections
the agenda does not name (e.g. the optional Levnadsvanor module, when the dialogue includes it) come before
the summary and the feedback to the team, which close the day.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Value
from django.urls import reverse
from django.utils.translation import gettext as _

from dialogs.models import AgendaBlock, AnswerKind, Question, Section, SectionKind
from dialogs.models.answers import AgendaNote, AgendaNoteRevision, Answer, AnswerRevision
from dialogs.models.dialogue import Dialogue, Preparation, person_name
from dialogs.selectors.guide import GuideTree
from dialogs.selectors.guide_structure import GuideStructure, guide_structure
from dialogs.services.answers import EMPTY_CONTENT, NotInGuide, merge_contents, same_content
from indicators.models import Indicator
from indicators.selectors.series import indicator_summaries, summaries_for
from organisations.models import Party

CLOSING_KINDS = {SectionKind.SUMMARY, SectionKind.FEEDBACK}
# "Titta på data gemensamt" (P4 in the SKR guide), where the form links the clinic's data on the big screen.
# Matched by key, which every later version keeps, or by title for a region's own section of that name.
DATA_REVIEW_KEYS = {"p4-data"}
DATA_REVIEW_TITLE = "titta på data gemensamt"


@dataclass
class QuestionItem:
    """One question as the form shows it: its saved answer (if any), which parties chose it as a focus area,
    and an unsaved draft the server kept after a plain post it could not save (conflict or invalid)."""

    question: Question
    answer: Answer | None
    focus_parties: list[str]
    draft: dict | None = None
    indicator_summaries: list = field(default_factory=list)
    followups: list = field(default_factory=list)
    data_sources: list = field(default_factory=list)
    urls: "QuestionUrls | None" = None
    fragments: dict = field(default_factory=dict)  # the guide structure's rendered fragments (guide_structure.py)

    @property
    def autosave_url(self) -> str:
        return self.urls.autosave(self.question.pk)

    @property
    def history_url(self) -> str:
        return self.urls.history(self.question.pk)

    @property
    def is_answered(self) -> bool:
        return self.answer is not None and self.answer.is_answered

    @property
    def saved_by(self) -> str:
        return (self.answer.updated_by_name if self.answer else "") or _("okänd användare")

    @property
    def revision(self) -> int:
        return self.answer.revision if self.answer else 0

    @property
    def saved(self) -> dict:
        return self.answer.snapshot() if self.answer else dict(EMPTY_CONTENT)

    @property
    def conflict(self) -> dict | None:
        """The user's unsaved content from a plain post that met a newer save, unless it now agrees."""
        if self.draft and self.draft["reason"] == "conflict" and not same_content(self.draft["mine"], self.saved):
            return self.draft["mine"]
        return None

    @property
    def invalid_message(self) -> str:
        return self.draft.get("message", "") if self.draft and self.draft["reason"] == "invalid" else ""

    @property
    def shown(self) -> dict:
        """What the fields show: after a conflict the merge of both texts (saving it keeps every word), after
        invalid content the user's own text, else what is saved."""
        if self.conflict is not None:
            return merge_contents(self.saved, self.conflict)
        if self.invalid_message:
            return self.draft["mine"]
        return self.saved

    @property
    def form_revision(self) -> int:
        """The revision the fields were edited from: what is saved now, except for kept invalid content."""
        return self.draft["base_revision"] if self.invalid_message else self.revision

    @property
    def is_unsaved(self) -> bool:
        return self.conflict is not None or bool(self.invalid_message)

    @property
    def prefix(self) -> str:
        return f"q{self.question.pk}"

    @property
    def choices(self) -> list[tuple[str, str, str]]:
        """(field name, label, value shown) for each labelled yes/no choice."""
        values = self.shown.get("choice_values") or {}
        return [
            (f"{self.prefix}-choice_{index}", label, values.get(label, ""))
            for index, label in enumerate(self.question.choices)
        ]

    @property
    def prompts(self) -> list[tuple[int, str, str]]:
        """(index, prompt, text shown) for each numbered sub-question."""
        texts = list(self.shown.get("prompt_answers") or [])
        return [
            (index, prompt, texts[index] if index < len(texts) else "") for index, prompt in enumerate(self.question.prompts)
        ]

    @property
    def saved_parts(self) -> list[tuple[str, str]]:
        return answer_parts(self.question, self.saved)

    @property
    def conflict_parts(self) -> list[tuple[str, str]]:
        return answer_parts(self.question, self.conflict) if self.conflict is not None else []


class _UrlPattern:
    """A named URL of one dialogue's question, reversed once per page rather than once per question."""

    PLACEHOLDER = 987654321

    def __init__(self, name: str, dialogue_pk: int):
        self.head, self.tail = reverse(name, args=[dialogue_pk, self.PLACEHOLDER]).split(str(self.PLACEHOLDER))

    def __call__(self, question_pk: int) -> str:
        return f"{self.head}{question_pk}{self.tail}"


class QuestionUrls:
    """The addresses of a dialogue's answers: each question's autosave and history."""

    def __init__(self, dialogue_pk: int):
        self.autosave = _UrlPattern("dialogs:answer_autosave", dialogue_pk)
        self.history = _UrlPattern("dialogs:answer_history", dialogue_pk)


@dataclass
class QuestionGroup:
    """A section's own questions, or one sub-section's (rendered under its heading)."""

    section: Section
    items: list[QuestionItem]
    focus_parties: list[str]

    @property
    def is_data_review(self) -> bool:
        """The "Titta på data gemensamt" part of the day, where the team looks at the clinic's data together."""
        return self.section.key in DATA_REVIEW_KEYS or self.section.title.strip().casefold() == DATA_REVIEW_TITLE


@dataclass
class Screen:
    section: Section
    groups: list[QuestionGroup]
    focus_parties: list[str]
    number: int = 0

    @property
    def items(self) -> list[QuestionItem]:
        return [item for group in self.groups for item in group.items]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def answered(self) -> int:
        return sum(item.is_answered for item in self.items)

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.answered == self.total


@dataclass
class NavBlock:
    """An agenda block of the day, at the dialogue's own times, with the screens it walks through."""

    start: time | None
    end: time | None
    title: str
    screens: list[Screen] = field(default_factory=list)


@dataclass
class OnsitePage:
    dialogue: Dialogue
    tree: GuideTree
    screens: list[Screen]
    nav: list[NavBlock]
    current: Screen
    previous: Screen | None
    next: Screen | None

    @property
    def answered(self) -> int:
        return sum(screen.answered for screen in self.screens)

    @property
    def total(self) -> int:
        return sum(screen.total for screen in self.screens)


def _choice_label(value: str) -> str:
    return {"ja": _("Ja"), "nej": _("Nej")}.get(value or "", _("Inget svar"))


def answer_parts(question: Question, content: dict) -> list[tuple[str, str]]:
    """An answer as labelled plain-text parts, the way the form asks them: the yes/no or each labelled choice,
    each numbered sub-answer, then the notes. Used for read-only views, conflicts and the history."""
    parts = []
    if question.kind == AnswerKind.YES_NO:
        parts.append((_("Ja eller nej"), _choice_label(content.get("yes_no", ""))))
    if question.kind == AnswerKind.CHOICES:
        values = content.get("choice_values") or {}
        parts += [(label, _choice_label(values.get(label, ""))) for label in question.choices]
    if question.kind == AnswerKind.SEQUENCE:
        texts = list(content.get("prompt_answers") or [])
        parts += [
            (f"{number}. {prompt}", texts[number - 1] if number <= len(texts) else "")
            for number, prompt in enumerate(question.prompts, start=1)
        ]
    else:
        parts.append((_("Anteckningar"), content.get("text", "")))
    return parts


def _focus_areas(dialogue: Dialogue) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """Which parties chose each section and each question as a focus area (one query)."""
    sections: dict[int, set[str]] = defaultdict(set)
    questions: dict[int, set[str]] = defaultdict(set)
    chosen_sections = (
        Preparation.focus_sections.through.objects.filter(preparation__dialogue=dialogue)
        .annotate(area=Value("section"))
        .values_list("area", "preparation__party", "section_id")
    )
    chosen_questions = (
        Preparation.focus_questions.through.objects.filter(preparation__dialogue=dialogue)
        .annotate(area=Value("question"))
        .values_list("area", "preparation__party", "question_id")
    )
    for area, party, pk in chosen_sections.union(chosen_questions, all=True):
        (sections if area == "section" else questions)[pk].add(party)
    return sections, questions


def _party_labels(parties: set[str]) -> list[str]:
    return [str(label) for value, label in Party.choices if value in parties]


def _shift(moment: time, delta) -> time:
    return (datetime.combine(datetime.min, moment) + delta).time()


def _ordered_sections(structure: GuideStructure, dialogue: Dialogue) -> list[tuple[Section, AgendaBlock | None]]:
    """Top-level sections in the order of the day, each with the agenda block that walks through it."""
    included = [s for s in structure.sections if not s.optional or dialogue.include_lifestyle_module]
    by_id = {section.pk: section for section in included}
    ordered: list[tuple[Section, AgendaBlock | None]] = []
    seen: set[int] = set()
    for block in structure.agenda_blocks:
        for section_id in structure.block_sections[block.pk]:
            section = by_id.get(section_id)
            if section is not None and section.pk not in seen:
                ordered.append((section, block))
                seen.add(section.pk)
    unplaced = [(section, None) for section in included if section.pk not in seen]
    closing_at = next((index for index, (section, _b) in enumerate(ordered) if section.kind in CLOSING_KINDS), len(ordered))
    return ordered[:closing_at] + unplaced + ordered[closing_at:]


def first_screen_key(dialogue: Dialogue) -> str:
    """The section key of the day's first screen, read from the guide alone (no answers, focus areas or
    indicators); NotInGuide when the guide has no screen."""
    ordered = _ordered_sections(guide_structure(dialogue.guide_version), dialogue)
    if not ordered:
        raise NotInGuide(dialogue.guide_version_id)
    return ordered[0][0].key


def onsite_page(
    *, dialogue: Dialogue, section_key: str | None, drafts: dict | None = None, with_indicators: bool = True
) -> OnsitePage:
    """The on-site form of ``dialogue`` at the screen of ``section_key`` (the first screen when None); 404 for a
    key that is not a screen of this dialogue. ``drafts`` maps question ids to drafts kept by the server.
    ``with_indicators=False`` leaves out the indicator summaries beside the questions (a post that only saves
    and redirects does not show them)."""
    structure = guide_structure(dialogue.guide_version)
    answers = {answer.question_id: answer for answer in Answer.objects.filter(dialogue=dialogue).select_related("updated_by")}
    focus_sections, focus_questions = _focus_areas(dialogue)
    drafts = drafts or {}
    urls = QuestionUrls(dialogue.pk)

    def item(question: Question) -> QuestionItem:
        return QuestionItem(
            question=question,
            answer=answers.get(question.pk),
            focus_parties=_party_labels(focus_questions.get(question.pk, set())),
            draft=drafts.get(str(question.pk)),
            followups=structure.followups[question.pk],
            data_sources=structure.data_sources[question.pk],
            urls=urls,
            fragments=structure.fragments,
        )

    screens, nav = [], []
    last_block_pk = None
    delta = _agenda_shift(dialogue, structure)
    for number, (section, block) in enumerate(_ordered_sections(structure, dialogue), start=1):
        screen = _screen(number, section, structure, item, focus_sections, focus_questions)
        screens.append(screen)
        if not nav or block is None or block.pk != last_block_pk:
            nav.append(_nav_block(block, delta))
        nav[-1].screens.append(screen)
        last_block_pk = block.pk if block else None
    if not screens:
        raise NotInGuide(dialogue.guide_version_id)
    index = 0 if section_key is None else next((i for i, s in enumerate(screens) if s.section.key == section_key), None)
    if index is None:
        raise NotInGuide(section_key)
    if with_indicators:
        attach_indicator_summaries(dialogue, screens[index].items)
    return OnsitePage(
        dialogue=dialogue,
        tree=structure.tree,
        screens=screens,
        nav=nav,
        current=screens[index],
        previous=screens[index - 1] if index > 0 else None,
        next=screens[index + 1] if index + 1 < len(screens) else None,
    )


def _agenda_shift(dialogue: Dialogue, structure) -> timedelta | None:
    """How far the dialogue's start moves the guide's agenda times (None when the guide has no agenda)."""
    if not structure.agenda_blocks:
        return None
    first = structure.agenda_blocks[0]
    return datetime.combine(datetime.min, dialogue.start_time) - datetime.combine(datetime.min, first.start)


def _screen(number: int, section, structure, item, focus_sections: dict, focus_questions: dict) -> Screen:
    """One screen of the on-site form: a section's questions, then each subsection's, with the parties whose
    chosen areas are on it (the section's, its subsections' or single questions')."""
    own_parties = focus_sections.get(section.pk, set())
    groups = [QuestionGroup(section, [item(q) for q in structure.questions_of[section.pk]], _party_labels(own_parties))]
    parties = set(own_parties)
    for subsection in structure.subsections[section.pk]:
        chosen = focus_sections.get(subsection.pk, set())
        parties |= chosen
        groups.append(
            QuestionGroup(subsection, [item(q) for q in structure.questions_of[subsection.pk]], _party_labels(chosen))
        )
    for group in groups:
        for question_item in group.items:
            parties |= focus_questions.get(question_item.question.pk, set())
    return Screen(section=section, groups=groups, focus_parties=_party_labels(parties), number=number)


def _nav_block(block, delta: timedelta | None) -> NavBlock:
    """The navigation's heading for an agenda block (its times moved to the dialogue's start), or an untitled one
    for screens outside the agenda."""
    shifted = block is not None and delta is not None
    return NavBlock(
        start=_shift(block.start, delta) if shifted else None,
        end=_shift(block.end, delta) if shifted else None,
        title=block.title if block else "",
    )


def attach_indicator_summaries(dialogue: Dialogue, items: list[QuestionItem]) -> None:
    """Give each question of the screen the summaries of its linked indicators for the dialogue's clinic, in
    the order of their names: two queries for the whole screen (the links with their indicators, then every
    series at once), however many questions and links; one when no question has any. Indicators retired
    from the library (inactive) are left out."""
    if not items:
        return
    links = (
        Question.indicators.through.objects.filter(
            question_id__in=[item.question.pk for item in items], indicator__active=True
        )
        .select_related("indicator__source")
        .order_by("indicator__name", "indicator_id")
    )
    by_question: dict[int, list[Indicator]] = defaultdict(list)
    for link in links:
        by_question[link.question_id].append(link.indicator)
    if not by_question:
        return
    summaries = indicator_summaries(dialogue.clinic, [indicator for linked in by_question.values() for indicator in linked])
    for item in items:
        item.indicator_summaries = summaries_for(summaries, by_question.get(item.question.pk, []))


def dialogue_question(*, dialogue: Dialogue, question_pk: int) -> Question:
    """A question of the dialogue's pinned guide version, with its section; NotInGuide for any other question.
    A published version's questions are read from its kept structure (no query)."""
    version = dialogue.guide_version
    if not version.is_draft and version.published_at is not None:
        question = guide_structure(version).questions.get(question_pk)
    else:
        question = Question.objects.select_related("section").filter(pk=question_pk, version_id=version.pk).first()
    if question is None:
        raise NotInGuide(question_pk)
    return question


def answer_history(*, dialogue: Dialogue, question: Question) -> tuple[Answer | None, list[AnswerRevision]]:
    """The answer and every saved change of it, newest first, with who made it (two queries)."""
    answer = Answer.objects.filter(dialogue=dialogue, question=question).select_related("updated_by").first()
    if answer is None:
        return None, []
    return answer, _changes(answer.revisions, lambda content: answer_parts(question, content))


def agenda_note_history(*, dialogue: Dialogue, block) -> tuple[AgendaNote | None, list[AgendaNoteRevision]]:
    """An agenda block's notes and every saved change of them, newest first, with who made it (two queries)."""
    note = AgendaNote.objects.filter(dialogue=dialogue, block=block).select_related("updated_by").first()
    if note is None:
        return None, []
    return note, _changes(note.revisions, note_parts)


def note_parts(content: dict) -> list[tuple[str, str]]:
    """An agenda block's notes as the parts the history and the read-only page show."""
    return [(_("Anteckningar"), content.get("text", ""))]


def _changes(revisions, parts_of) -> list:
    """Each saved change (newest first) with ``user_name`` and ``changes``: (part, before, after) for every part
    that changed, the parts as ``parts_of(content)`` names them."""
    revisions = list(revisions.select_related("user").order_by("-revision"))
    for revision in revisions:
        revision.user_name = person_name(revision.user) or _("okänd användare")
        before, after = parts_of(revision.before), parts_of(revision.after)
        revision.changes = [
            (label, old, new) for (label, old), (_label, new) in zip(before, after, strict=True) if old != new
        ]
    return revisions
