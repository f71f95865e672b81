"""Writes of the dialogue guide: loading the shipped SKR guide, a region adopting it, drafting, editing,
publishing, retiring, and importing versions.

Immutability: every service that changes what a version contains calls ``_ensure_draft`` first, which
re-reads the version's status under a row lock and raises ``GuideVersionLocked`` for anything but a draft.
Published versions are never edited; a change means a new draft, copied with the same keys. The one
exception is ``question_indicators_set``: which indicators are shown beside a question is presentation, not
what is asked (DESIGN.md, "Decisions"), so a region's administrators may change it on any version.
"""

from collections.abc import Iterable
from datetime import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.stamps import stamp
from dialogs.exchange import GuideDocument, GuideDocumentError, document_from_tree, parse_document
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
    SectionKind,
)
from dialogs.selectors.guide import GuideProblem, guide_version_problems, guide_version_tree
from indicators.models import Indicator
from organisations.models import Region

SHIPPED_GUIDE_PATH = Path(settings.BASE_DIR) / "fixtures" / "guide_skr_2021.json"


class GuideDraftExists(Exception):
    """The guide already has a draft; finish or delete it before starting another."""

    def __init__(self, draft: GuideVersion):
        super().__init__(f"guide {draft.guide_id} already has draft {draft.pk}")
        self.draft = draft


class GuidePublishError(Exception):
    def __init__(self, problems: list[GuideProblem]):
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


class GuideImportError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class GuideStateError(Exception):
    """A lifecycle step that does not apply to the version's status (e.g. retiring a draft)."""


def _ensure_draft(version: GuideVersion) -> None:
    """The one immutability guard: the status is read again from the database, under a lock, so a stale
    object in memory (or a crafted request) cannot slip a change into a published version."""
    version.status = GuideVersion.objects.select_for_update().values_list("status", flat=True).get(pk=version.pk)
    version.ensure_draft()


class GuideItemChanged(Exception):
    """Someone saved the item (agenda block, section, question) after this form was opened. ``values`` are the
    item's form values as saved now, ``stamp`` their stamp: a form posted again with it goes ahead."""

    def __init__(self, values: dict):
        super().__init__(values)
        self.values, self.stamp = values, stamp(values)


@transaction.atomic
def item_save(*, version: GuideVersion, base: str, saved, save):
    """Run ``save()`` on a draft's item unless it changed since its form was opened: ``saved()`` reads the item's
    form values now, ``base`` is the stamp of those the form was opened with (empty: no check). The version's
    row lock (``_ensure_draft``) keeps the check and the save together."""
    _ensure_draft(version)
    if base and saved is not None:
        values = saved()
        if stamp(values) != base:
            raise GuideItemChanged(values)
    return save()


# --- Building a version from a document ------------------------------------------------------------------


def _build_version(
    *, guide: Guide, document: GuideDocument, user, based_on: GuideVersion | None = None
) -> GuideVersion:
    """Create a draft holding exactly what the document says, in a fixed number of bulk inserts."""
    version = GuideVersion.objects.create(
        guide=guide,
        status=GuideVersionStatus.DRAFT,
        label=document.label,
        notes=document.notes,
        attribution=document.attribution,
        source_title=document.source_title,
        source_year=document.source_year,
        source_url=document.source_url,
        based_on=based_on,
        created_by=user,
    )
    sections = Section.objects.bulk_create(
        Section(
            version=version,
            key=data.key,
            position=position,
            code=data.code,
            title=data.title,
            kind=data.kind,
            optional=data.optional,
            intro=data.intro,
        )
        for position, data in enumerate(document.sections)
    )
    subsection_pairs = [
        (Section(version=version, parent=section, key=sub.key, position=position, title=sub.title, intro=sub.intro,
                 kind=section.kind), sub)
        for section, data in zip(sections, document.sections)
        for position, sub in enumerate(data.subsections)
    ]
    Section.objects.bulk_create(row for row, _sub in subsection_pairs)
    question_pairs = [
        (Question(version=version, section=owner, key=question.key, position=position, text=question.text,
                  kind=question.kind, choices=question.choices, prompts=question.prompts, help=question.help,
                  team_only=question.team_only),
         question)
        for owner, data in [*zip(sections, document.sections), *subsection_pairs]
        for position, question in enumerate(data.questions)
    ]
    Question.objects.bulk_create(row for row, _data in question_pairs)
    FollowUpQuestion.objects.bulk_create(
        FollowUpQuestion(question=row, position=position, text=text)
        for row, data in question_pairs
        for position, text in enumerate(data.followups)
    )
    DataSourceHint.objects.bulk_create(
        DataSourceHint(question=row, position=position, label=label, url=url)
        for row, data in question_pairs
        for position, (label, url) in enumerate(data.data_sources)
    )
    blocks = AgendaBlock.objects.bulk_create(
        AgendaBlock(version=version, key=data.key, position=position, start=data.start, end=data.end,
                    title=data.title, participants=data.participants)
        for position, data in enumerate(document.agenda)
    )
    section_by_key = {section.key: section for section in sections}
    AgendaBlockSection.objects.bulk_create(
        AgendaBlockSection(block=block, section=section_by_key[key], position=position)
        for block, data in zip(blocks, document.agenda)
        for position, key in enumerate(data.sections)
    )
    return version


def _document_of(version: GuideVersion) -> GuideDocument:
    return document_from_tree(guide_version_tree(version))


def _publish(version: GuideVersion, user) -> GuideVersion:
    problems = guide_version_problems(guide_version_tree(version))
    if problems:
        raise GuidePublishError(problems)
    highest = GuideVersion.objects.filter(guide_id=version.guide_id).aggregate(highest=Max("number"))["highest"]
    version.number = (highest or 0) + 1
    version.status = GuideVersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = user
    version.save(update_fields=["number", "status", "published_at", "published_by"])
    return version


# --- Guides and the shipped SKR guide --------------------------------------------------------------------


@transaction.atomic
def guide_load_shipped(*, path: Path = SHIPPED_GUIDE_PATH) -> tuple[GuideVersion, bool]:
    """Make the shipped guide the national default's latest published version. Idempotent: when the latest
    version already holds exactly the file's content nothing is created. Returns (version, created)."""
    document = parse_document(path.read_bytes())
    guide, _created = Guide.objects.get_or_create(region=None, name=document.name)
    latest = guide.versions.filter(status=GuideVersionStatus.PUBLISHED).order_by("-number").first()
    if latest is not None and _document_of(latest).to_json() == document.to_json():
        return latest, False
    draft = guide.versions.filter(status=GuideVersionStatus.DRAFT).first()
    if draft is not None:
        draft.delete()
    return _publish(_build_version(guide=guide, document=document, user=None), None), True


@transaction.atomic
def guide_adopt(*, region: Region, source: GuideVersion, user) -> Guide:
    """Give the region its own guide, whose first published version is a copy of ``source`` (normally the
    national default), so it can plan dialogues at once and adapt the guide in later versions."""
    if source.status == GuideVersionStatus.DRAFT:
        raise GuideStateError(_("Ett utkast kan inte användas som förlaga."))
    document = _document_of(source)
    if Guide.objects.filter(region=region, name=document.name).exists():
        raise GuideStateError(_("Regionen har redan ett dialogstöd som heter ”%(name)s”.") % {"name": document.name})
    guide = Guide.objects.create(region=region, name=document.name)
    _publish(_build_version(guide=guide, document=document, user=user, based_on=source), user)
    return guide


# --- Version lifecycle -----------------------------------------------------------------------------------


@transaction.atomic
def guide_version_draft_start(*, source: GuideVersion, user) -> GuideVersion:
    """A new draft copied from ``source`` (a published or retired version), keeping every key."""
    if source.status == GuideVersionStatus.DRAFT:
        raise GuideStateError(_("Versionen är redan ett utkast."))
    draft = GuideVersion.objects.filter(guide_id=source.guide_id, status=GuideVersionStatus.DRAFT).first()
    if draft is not None:
        raise GuideDraftExists(draft)
    draft = _build_version(guide=source.guide, document=_document_of(source), user=user, based_on=source)
    region = source.guide.region
    if region is not None:
        # The region's edit is the region's text: named as the region's, with what it builds on as the source.
        # (The first version of an adopted guide is SKR's text unchanged and keeps SKR's name.)
        draft.label = f"{region.name} {timezone.localdate().year}"
        draft.attribution = _derived_attribution(region.name, source.attribution)
        draft.save(update_fields=["label", "attribution"])
    _copy_indicator_links(source=source, target=draft)
    return draft


def _derived_attribution(region_name: str, source_attribution: str) -> str:
    prefix = _("Bearbetad av %(region)s.") % {"region": region_name}
    if source_attribution.startswith(prefix):
        return source_attribution
    return f"{prefix} {_('Källa:')} {source_attribution}".strip() if source_attribution else prefix


@transaction.atomic
def guide_version_update(
    *,
    version: GuideVersion,
    label: str,
    notes: str,
    attribution: str,
    source_title: str,
    source_year: int | None,
    source_url: str,
) -> GuideVersion:
    _ensure_draft(version)
    version.label, version.notes, version.attribution = label, notes, attribution
    version.source_title, version.source_year, version.source_url = source_title, source_year, source_url
    version.save(update_fields=["label", "notes", "attribution", "source_title", "source_year", "source_url"])
    return version


@transaction.atomic
def guide_version_publish(*, version: GuideVersion, user) -> GuideVersion:
    """Publish a draft, or raise GuidePublishError naming every problem (nothing is published then)."""
    _ensure_draft(version)
    return _publish(version, user)


@transaction.atomic
def guide_version_delete(*, version: GuideVersion) -> None:
    _ensure_draft(version)
    version.delete()


@transaction.atomic
def guide_version_retire(*, version: GuideVersion) -> GuideVersion:
    """Hide a published version from new dialogues. Dialogues that pinned it keep it, questions and all."""
    if version.status != GuideVersionStatus.PUBLISHED:
        raise GuideStateError(_("Bara en publicerad version kan dras tillbaka."))
    version.status, version.retired_at = GuideVersionStatus.RETIRED, timezone.now()
    version.save(update_fields=["status", "retired_at"])
    return version


@transaction.atomic
def guide_version_reinstate(*, version: GuideVersion) -> GuideVersion:
    if version.status != GuideVersionStatus.RETIRED:
        raise GuideStateError(_("Versionen är inte tillbakadragen."))
    version.status, version.retired_at = GuideVersionStatus.PUBLISHED, None
    version.save(update_fields=["status", "retired_at"])
    return version


@transaction.atomic
def guide_version_import(*, region: Region, guide: Guide | None, content: bytes, user) -> GuideVersion:
    """Import an exchange document as a new draft: of ``guide``, or of a new guide named as in the document.
    Raises GuideImportError with every problem found; nothing is saved then."""
    try:
        document = parse_document(content)
    except GuideDocumentError as error:
        raise GuideImportError(error.problems) from None
    Region.objects.select_for_update().filter(pk=region.pk).first()  # the same file sent twice makes one draft
    if guide is None:
        if Guide.objects.filter(region=region, name=document.name).exists():
            raise GuideImportError(
                [_("Regionen har redan ett dialogstöd som heter ”%(name)s”. Välj det som mål för importen.")
                 % {"name": document.name}]
            )
        guide = Guide.objects.create(region=region, name=document.name)
    elif guide.region_id != region.pk:
        raise GuideImportError([_("Dialogstödet hör inte till regionen.")])
    elif guide.versions.filter(status=GuideVersionStatus.DRAFT).exists():
        raise GuideImportError(
            [_("”%(name)s” har redan ett utkast. Publicera eller ta bort det innan du importerar.") % {"name": guide.name}]
        )
    return _build_version(guide=guide, document=document, user=user)


# --- Editing a draft: shared helpers ---------------------------------------------------------------------


def _renumber(siblings: QuerySet) -> list:
    rows = list(siblings.order_by("position", "pk"))
    for position, row in enumerate(rows):
        row.position = position
    if rows:
        siblings.model.objects.bulk_update(rows, ["position"])
    return rows


def _move(item, siblings: QuerySet, offset: int) -> bool:
    """Swap ``item`` with the sibling ``offset`` places away; False at either end."""
    rows = list(siblings.order_by("position", "pk"))
    index = next(index for index, row in enumerate(rows) if row.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(rows):
        return False
    rows[index], rows[target] = rows[target], rows[index]
    for position, row in enumerate(rows):
        row.position = position
    siblings.model.objects.bulk_update(rows, ["position"])
    item.position = target
    return True


def _delete(item, siblings: QuerySet) -> None:
    """Delete an item of a draft and close the gap it leaves among its siblings."""
    item.delete()
    _renumber(siblings)


def _next_position(siblings: QuerySet) -> int:
    highest = siblings.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1


def _fresh_key(base: str, used: Iterable[str], *, digits: int = 0) -> str:
    """A key not used in any version of the guide, so a new item never inherits a removed one's identity
    in the comparison of versions. With ``digits``, a number is appended as the shipped guide does
    ("a4", "p1-q11"); a number taken in either spelling ("q4", "q04") is skipped."""
    used = set(used)
    base = (base or "x")[:80].strip("-") or "x"
    if digits:
        number = next(n for n in range(1, 100_000) if not {f"{base}{n}", f"{base}{n:0{digits}d}"} & used)
        return f"{base}{number:0{digits}d}"
    if base not in used:
        return base
    return next(f"{base}-{number}" for number in range(2, 100_000) if f"{base}-{number}" not in used)


def _clean_lines(values: Iterable[str]) -> list[str]:
    return [value.strip() for value in values if value.strip()]


# --- Agenda blocks ---------------------------------------------------------------------------------------


def _set_block_sections(block: AgendaBlock, sections: Iterable[Section]) -> None:
    AgendaBlockSection.objects.filter(block=block).delete()
    AgendaBlockSection.objects.bulk_create(
        AgendaBlockSection(block=block, section=section, position=position) for position, section in enumerate(sections)
    )


def _check_sections_of(version: GuideVersion, sections: Iterable[Section]) -> list[Section]:
    sections = list(sections)
    if any(section.version_id != version.pk or section.parent_id is not None for section in sections):
        raise ValueError("agenda blocks may only name top-level sections of their own version")
    return sections


@transaction.atomic
def agenda_block_create(
    *, version: GuideVersion, start: time, end: time, title: str, participants: str = "", sections: Iterable[Section] = ()
) -> AgendaBlock:
    _ensure_draft(version)
    sections = _check_sections_of(version, sections)
    used = AgendaBlock.objects.filter(version__guide_id=version.guide_id).values_list("key", flat=True)
    block = AgendaBlock.objects.create(
        version=version,
        key=_fresh_key("a", used, digits=1),
        position=_next_position(version.agenda_blocks.all()),
        start=start,
        end=end,
        title=title.strip(),
        participants=participants.strip(),
    )
    _set_block_sections(block, sections)
    return block


@transaction.atomic
def agenda_block_update(
    *, block: AgendaBlock, start: time, end: time, title: str, participants: str, sections: Iterable[Section]
) -> AgendaBlock:
    _ensure_draft(block.version)
    sections = _check_sections_of(block.version, sections)
    block.start, block.end, block.title, block.participants = start, end, title.strip(), participants.strip()
    block.save(update_fields=["start", "end", "title", "participants"])
    _set_block_sections(block, sections)
    return block


@transaction.atomic
def agenda_block_delete(*, block: AgendaBlock) -> None:
    _ensure_draft(block.version)
    _delete(block, AgendaBlock.objects.filter(version_id=block.version_id))


@transaction.atomic
def agenda_block_move(*, block: AgendaBlock, offset: int) -> bool:
    _ensure_draft(block.version)
    return _move(block, AgendaBlock.objects.filter(version_id=block.version_id), offset)


# --- Sections and sub-sections ---------------------------------------------------------------------------


def _section_siblings(section: Section) -> QuerySet:
    return Section.objects.filter(version_id=section.version_id, parent_id=section.parent_id)


@transaction.atomic
def section_create(
    *,
    version: GuideVersion,
    title: str,
    parent: Section | None = None,
    code: str = "",
    kind: str = SectionKind.FIVE_P,
    optional: bool = False,
    intro: str = "",
) -> Section:
    """Add a section at the end of the version, or, with ``parent``, a sub-section at the end of it."""
    _ensure_draft(version)
    if parent is not None and (parent.version_id != version.pk or parent.parent_id is not None):
        raise ValueError("a sub-section's parent must be a top-level section of the same version")
    used = Section.objects.filter(version__guide_id=version.guide_id).values_list("key", flat=True)
    base = slugify(code or title) if parent is None else f"{parent.key}-{slugify(title)}"
    section = Section(
        version=version,
        parent=parent,
        key=_fresh_key(base or "avsnitt", used),
        title=title.strip(),
        code=code.strip() if parent is None else "",
        kind=kind if parent is None else parent.kind,
        optional=optional if parent is None else False,
        intro=intro.strip(),
    )
    section.position = _next_position(_section_siblings(section))
    section.save()
    return section


@transaction.atomic
def section_update(
    *, section: Section, title: str, intro: str, code: str = "", kind: str = SectionKind.FIVE_P, optional: bool = False
) -> Section:
    _ensure_draft(section.version)
    section.title, section.intro = title.strip(), intro.strip()
    if section.parent_id is None:
        section.code, section.kind, section.optional = code.strip(), kind, optional
    section.save(update_fields=["title", "intro", "code", "kind", "optional"])
    return section


@transaction.atomic
def section_delete(*, section: Section) -> None:
    """Remove a section with its sub-sections and questions (it is a draft: nothing has been asked yet)."""
    _ensure_draft(section.version)
    _delete(section, _section_siblings(section))


@transaction.atomic
def section_move(*, section: Section, offset: int) -> bool:
    _ensure_draft(section.version)
    return _move(section, _section_siblings(section), offset)


# --- Questions -------------------------------------------------------------------------------------------


def _question_shape(kind: str, choices: Iterable[str], prompts: Iterable[str]) -> tuple[list[str], list[str]]:
    """Keep labels only for labelled choices and prompts only for sequences, so the stored question always
    has the shape its answer kind needs."""
    return (
        _clean_lines(choices) if kind == AnswerKind.CHOICES else [],
        _clean_lines(prompts) if kind == AnswerKind.SEQUENCE else [],
    )


def _replace_details(question: Question, followups: Iterable[str], data_sources: Iterable[tuple[str, str]]) -> None:
    FollowUpQuestion.objects.filter(question=question).delete()
    DataSourceHint.objects.filter(question=question).delete()
    FollowUpQuestion.objects.bulk_create(
        FollowUpQuestion(question=question, position=position, text=text)
        for position, text in enumerate(_clean_lines(followups))
    )
    DataSourceHint.objects.bulk_create(
        DataSourceHint(question=question, position=position, label=label.strip(), url=url.strip())
        for position, (label, url) in enumerate((label, url) for label, url in data_sources if label.strip())
    )


@transaction.atomic
def question_create(
    *,
    section: Section,
    text: str,
    kind: str = AnswerKind.TEXT,
    choices: Iterable[str] = (),
    prompts: Iterable[str] = (),
    help: str = "",
    followups: Iterable[str] = (),
    data_sources: Iterable[tuple[str, str]] = (),
    team_only: bool = False,
) -> Question:
    _ensure_draft(section.version)
    used = Question.objects.filter(version__guide_id=section.version.guide_id).values_list("key", flat=True)
    choices, prompts = _question_shape(kind, choices, prompts)
    question = Question.objects.create(
        version_id=section.version_id,
        section=section,
        key=_fresh_key(f"{section.key}-q", used, digits=2),
        position=_next_position(section.questions.all()),
        text=text.strip(),
        kind=kind,
        choices=choices,
        prompts=prompts,
        help=help.strip(),
        team_only=team_only,
    )
    _replace_details(question, followups, data_sources)
    return question


@transaction.atomic
def question_update(
    *,
    question: Question,
    text: str,
    kind: str,
    choices: Iterable[str] = (),
    prompts: Iterable[str] = (),
    help: str = "",
    followups: Iterable[str] = (),
    data_sources: Iterable[tuple[str, str]] = (),
    team_only: bool = False,
) -> Question:
    _ensure_draft(question.version)
    question.choices, question.prompts = _question_shape(kind, choices, prompts)
    question.text, question.kind, question.help = text.strip(), kind, help.strip()
    question.team_only = team_only
    question.save(update_fields=["text", "kind", "choices", "prompts", "help", "team_only"])
    _replace_details(question, followups, data_sources)
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    _ensure_draft(question.version)
    _delete(question, Question.objects.filter(section_id=question.section_id))


@transaction.atomic
def question_move(*, question: Question, offset: int) -> bool:
    """Move a question up (offset −1) or down (+1) within its section."""
    _ensure_draft(question.version)
    return _move(question, Question.objects.filter(section_id=question.section_id), offset)


@transaction.atomic
def question_move_to_section(*, question: Question, section: Section) -> Question:
    """Move a question to the end of another section or sub-section of the same version; it keeps its key."""
    _ensure_draft(question.version)
    if section.version_id != question.version_id:
        raise ValueError("a question can only move within its own version")
    if section.pk == question.section_id:
        return question
    old_section_id = question.section_id
    question.section, question.position = section, _next_position(section.questions.all())
    question.save(update_fields=["section", "position"])
    _renumber(Question.objects.filter(section_id=old_section_id))
    return question


# --- Indicators beside a question (presentation, allowed on every version) -------------------------------


class QuestionIndicatorsError(Exception):
    """Indicators that the question's region does not see, or a question of the national default."""


def _copy_indicator_links(*, source: GuideVersion, target: GuideVersion) -> None:
    """Give each question of ``target`` the indicators of the question with the same key in ``source``
    (three queries, however many questions). The exchange document leaves links out, so the copy of a
    version's content (``_build_version``) cannot carry them."""
    links = Question.indicators.through.objects.filter(question__version=source).values_list(
        "question__key", "indicator_id"
    )
    question_ids = dict(Question.objects.filter(version=target).values_list("key", "pk"))
    Question.indicators.through.objects.bulk_create(
        Question.indicators.through(question_id=question_ids[key], indicator_id=indicator_id)
        for key, indicator_id in links
        if key in question_ids
    )


@transaction.atomic
def question_indicators_set(*, question: Question, indicators: Iterable[Indicator]) -> list[Indicator]:
    """Choose the indicators shown beside ``question`` on site and in the preview.

    Deliberately no ``_ensure_draft``: which indicators inform a question is presentation, not what is asked,
    so a published (or retired) version may change here and nowhere else. Dialogues that pinned the version
    show the new choice, while their questions and answers stay as they were. Only indicators the guide's
    region sees (the shared library and the region's own) may be chosen; the national default has no
    region and is never changed through the app."""
    region_id = question.version.guide.region_id
    if region_id is None:
        raise QuestionIndicatorsError(_("Den nationella förlagan ändras inte i appen."))
    indicators = list({indicator.pk: indicator for indicator in indicators}.values())
    visible = set(
        Indicator.objects.for_region(question.version.guide.region)
        .filter(pk__in=[indicator.pk for indicator in indicators])
        .values_list("pk", flat=True)
    )
    if any(indicator.pk not in visible for indicator in indicators):
        raise QuestionIndicatorsError(_("Regionen kan bara koppla indikatorer som den ser i indikatorbiblioteket."))
    question.indicators.set(indicators)
    return indicators
