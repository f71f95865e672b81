"""The guide exchange format ("primarvardsuppfoljning/guide", version 1): one JSON document per guide version,
shaped exactly like ``fixtures/guide_skr_2021.json``, so regions can share their guides.

``GuideDocument`` is the in-memory form. ``document_from_tree`` builds it from a loaded version,
``GuideDocument.to_json`` writes it (2-space indent, real UTF-8 characters, fixed key order, final newline),
and ``parse_document`` reads and checks a file, collecting every problem instead of stopping at the first,
so an administrator can fix a file in one go. Export → import → export gives the same bytes.

The indicators linked to a question (``Question.indicators``) are deliberately not part of the document: they
are presentation chosen by one region (shared indicators and the region's own, which another region cannot
see), not what is asked, and they may change on a published version. An imported version starts without
links; a draft started in the app copies them from its source version instead.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import time

from django.utils.translation import gettext as _

from config.inputs import is_clean_multiline, is_one_line
from dialogs.models.guide import KEY_MAX_LENGTH, AnswerKind, SectionKind

FORMAT = "primarvardsuppfoljning/guide"
FORMAT_VERSION = 1
KEY_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
TIME_PATTERN = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")

# Field lengths of the models, checked here so an import never fails half-way in the database.
MAX_LENGTHS = {"name": 200, "label": 120, "title": 300, "code": 10, "participants": 500, "url": 500, "source_url": 500}
# Texts that may run over several lines (stored in TextFields); every other text is one line without control
# characters, as in the forms (config/inputs.py).
MULTILINE_FIELDS = {"notes", "attribution", "intro", "text", "help", "followups"}


@dataclass
class QuestionData:
    key: str
    text: str
    kind: str = AnswerKind.TEXT
    choices: list[str] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    help: str = ""
    followups: list[str] = field(default_factory=list)
    data_sources: list[tuple[str, str]] = field(default_factory=list)
    team_only: bool = False

    def to_dict(self) -> dict:
        data = {
            "key": self.key,
            "text": self.text,
            "kind": self.kind,
            "choices": list(self.choices),
            "prompts": list(self.prompts),
            "help": self.help,
            "followups": list(self.followups),
            "data_sources": [{"label": label, "url": url} for label, url in self.data_sources],
        }
        if self.team_only:
            # Written only when set, so documents without team-only questions keep the bytes they always had.
            data["team_only"] = True
        return data


@dataclass
class SubsectionData:
    key: str
    title: str
    intro: str = ""
    questions: list[QuestionData] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "intro": self.intro,
            "questions": [question.to_dict() for question in self.questions],
        }


@dataclass
class SectionData:
    key: str
    title: str
    code: str = ""
    kind: str = SectionKind.FIVE_P
    optional: bool = False
    intro: str = ""
    questions: list[QuestionData] = field(default_factory=list)
    subsections: list[SubsectionData] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "code": self.code,
            "title": self.title,
            "kind": self.kind,
            "optional": self.optional,
            "intro": self.intro,
            "questions": [question.to_dict() for question in self.questions],
            "subsections": [subsection.to_dict() for subsection in self.subsections],
        }


@dataclass
class AgendaData:
    key: str
    start: time
    end: time
    title: str
    participants: str = ""
    sections: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
            "title": self.title,
            "participants": self.participants,
            "sections": list(self.sections),
        }


@dataclass
class GuideDocument:
    name: str
    label: str
    attribution: str = ""
    source_title: str = ""
    source_year: int | None = None
    source_url: str = ""
    notes: str = ""
    agenda: list[AgendaData] = field(default_factory=list)
    sections: list[SectionData] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "guide": {
                "name": self.name,
                "attribution": self.attribution,
                "source_title": self.source_title,
                "source_year": self.source_year,
                "source_url": self.source_url,
            },
            "version": {"label": self.label, "notes": self.notes},
            "agenda": [block.to_dict() for block in self.agenda],
            "sections": [section.to_dict() for section in self.sections],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"


def document_from_tree(tree) -> GuideDocument:
    """The exchange document of a version loaded with ``selectors.guide.guide_version_tree``."""
    version = tree.version

    def question_data(question) -> QuestionData:
        return QuestionData(
            key=question.key,
            text=question.text,
            kind=question.kind,
            choices=list(question.choices),
            prompts=list(question.prompts),
            help=question.help,
            followups=[followup.text for followup in question.followups.all()],
            data_sources=[(source.label, source.url) for source in question.data_sources.all()],
            team_only=question.team_only,
        )

    return GuideDocument(
        name=version.guide.name,
        label=version.label,
        attribution=version.attribution,
        source_title=version.source_title,
        source_year=version.source_year,
        source_url=version.source_url,
        notes=version.notes,
        agenda=[
            AgendaData(
                key=block.key,
                start=block.start,
                end=block.end,
                title=block.title,
                participants=block.participants,
                sections=[link.section.key for link in block.block_sections.all()],
            )
            for block in tree.agenda_blocks
        ],
        sections=[
            SectionData(
                key=section.key,
                code=section.code,
                title=section.title,
                kind=section.kind,
                optional=section.optional,
                intro=section.intro,
                questions=[question_data(question) for question in section.questions.all()],
                subsections=[
                    SubsectionData(
                        key=subsection.key,
                        title=subsection.title,
                        intro=subsection.intro,
                        questions=[question_data(question) for question in subsection.questions.all()],
                    )
                    for subsection in section.subsections.all()
                ],
            )
            for section in tree.sections
        ],
    )


# --- Reading a document -----------------------------------------------------------------------------------


class GuideDocumentError(Exception):
    """A document that cannot be imported; ``problems`` names each thing that is wrong."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


GUIDE_FIELDS = ["name", "attribution", "source_title", "source_year", "source_url"]
VERSION_FIELDS = ["label", "notes"]
AGENDA_FIELDS = ["key", "start", "end", "title", "participants", "sections"]
SECTION_FIELDS = ["key", "code", "title", "kind", "optional", "intro", "questions", "subsections"]
SUBSECTION_FIELDS = ["key", "title", "intro", "questions"]
QUESTION_FIELDS = ["key", "text", "kind", "choices", "prompts", "help", "followups", "data_sources"]
# Optional fields: absent means the default (files written before they existed stay valid).
OPTIONAL_QUESTION_FIELDS = ["team_only"]
DATA_SOURCE_FIELDS = ["label", "url"]


class _Reader:
    """Walks the decoded JSON, converting what is right and noting, with its place, what is not."""

    def __init__(self):
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else message)

    def record(self, value, where: str, fields: list[str], optional: list[str] = ()) -> dict:
        if not isinstance(value, dict):
            self.fail(where, _("ska vara ett JSON-objekt."))
            return {}
        for name in fields:
            if name not in value:
                self.fail(where, _("fältet ”%(field)s” saknas.") % {"field": name})
        for name in value:
            if name not in fields and name not in optional:
                self.fail(where, _("okänt fält ”%(field)s”.") % {"field": name})
        return value

    def text(self, record: dict, name: str, where: str, *, required: bool = False) -> str:
        value = record.get(name, "")
        if not isinstance(value, str):
            self.fail(where, _("”%(field)s” ska vara text.") % {"field": name})
            return ""
        if required and not value.strip():
            self.fail(where, _("”%(field)s” får inte vara tom.") % {"field": name})
        limit = MAX_LENGTHS.get(name)
        if limit and len(value) > limit:
            self.fail(where, _("”%(field)s” är längre än %(limit)s tecken.") % {"field": name, "limit": limit})
        self.check_characters(value, name, where)
        return value

    def check_characters(self, value: str, name: str, where: str) -> None:
        if name in MULTILINE_FIELDS and not is_clean_multiline(value):
            self.fail(where, _("”%(field)s” innehåller styrtecken (andra än radbrytning och tabb).") % {"field": name})
        elif name not in MULTILINE_FIELDS and not is_one_line(value):
            self.fail(where, _("”%(field)s” ska vara en rad, utan radbrytningar eller andra styrtecken.") % {"field": name})

    def texts(self, record: dict, name: str, where: str) -> list[str]:
        value = record.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(where, _("”%(field)s” ska vara en lista med texter.") % {"field": name})
            return []
        for item in value:
            self.check_characters(item, name, where)
        return value

    def items(self, record: dict, name: str, where: str) -> list:
        value = record.get(name, [])
        if not isinstance(value, list):
            self.fail(where, _("”%(field)s” ska vara en lista.") % {"field": name})
            return []
        return value

    def key(self, record: dict, where: str) -> str:
        value = self.text(record, "key", where, required=True)
        if value and (not KEY_PATTERN.fullmatch(value) or len(value) > KEY_MAX_LENGTH):
            self.fail(
                where,
                _("nyckeln ”%(key)s” får bara innehålla a–z, 0–9 och bindestreck (högst %(limit)s tecken).")
                % {"key": value, "limit": KEY_MAX_LENGTH},
            )
        return value

    def clock(self, record: dict, name: str, where: str) -> time:
        value = record.get(name)
        if isinstance(value, str) and TIME_PATTERN.fullmatch(value):
            hour, minute = value.split(":")
            return time(int(hour), int(minute))
        self.fail(where, _("”%(field)s” ska vara ett klockslag som ”08:30”.") % {"field": name})
        return time(0, 0)

    def choice(self, record: dict, name: str, where: str, allowed, message: str) -> str:
        value = record.get(name)
        if value not in allowed.values:
            self.fail(where, message % {"value": value, "allowed": ", ".join(allowed.values)})
            return allowed.values[0]
        return value


def _reject_duplicate_members(pairs):
    names = [name for name, _value in pairs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(_("fältet ”%(field)s” förekommer två gånger i samma objekt") % {"field": duplicates[0]})
    return dict(pairs)


def _decode(content: bytes | str) -> object:
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise GuideDocumentError([_("Filen är inte kodad som UTF-8.")]) from None
    try:
        return json.loads(content, object_pairs_hook=_reject_duplicate_members)
    except RecursionError:
        raise GuideDocumentError([_("Filen är för djupt nästlad för att vara ett dialogstöd.")]) from None
    except json.JSONDecodeError as error:
        raise GuideDocumentError(
            [
                _("Filen är inte giltig JSON (rad %(line)s, kolumn %(column)s): %(message)s.")
                % {"line": error.lineno, "column": error.colno, "message": error.msg}
            ]
        ) from None
    except ValueError as error:
        raise GuideDocumentError([_("Filen är inte giltig JSON: %(message)s.") % {"message": error}]) from None


def _read_question(reader: _Reader, value, where: str) -> QuestionData:
    record = reader.record(value, where, QUESTION_FIELDS, OPTIONAL_QUESTION_FIELDS)
    if not isinstance(record.get("team_only", False), bool):
        reader.fail(where, _("”team_only” ska vara true eller false."))
    sources = []
    for number, source_value in enumerate(reader.items(record, "data_sources", where), start=1):
        source_where = f"{where} › " + _("datakälla %(number)s") % {"number": number}
        source = reader.record(source_value, source_where, DATA_SOURCE_FIELDS)
        label = reader.text(source, "label", source_where, required=True)
        url = reader.text(source, "url", source_where)
        if url and not url.startswith(("http://", "https://")):
            reader.fail(source_where, _("länken ska börja med http:// eller https://."))
        sources.append((label, url))
    return QuestionData(
        key=reader.key(record, where),
        text=reader.text(record, "text", where),
        kind=reader.choice(
            record, "kind", where, AnswerKind, _("okänd svarstyp ”%(value)s” (tillåtna: %(allowed)s).")
        ),
        choices=reader.texts(record, "choices", where),
        prompts=reader.texts(record, "prompts", where),
        help=reader.text(record, "help", where),
        followups=reader.texts(record, "followups", where),
        data_sources=sources,
        team_only=record.get("team_only", False) is True,
    )


def _read_questions(reader: _Reader, record: dict, where: str) -> list[QuestionData]:
    questions = []
    for number, value in enumerate(reader.items(record, "questions", where), start=1):
        key = value.get("key", "") if isinstance(value, dict) else ""
        question_where = f"{where} › " + _("fråga %(number)s (%(key)s)") % {"number": number, "key": key}
        questions.append(_read_question(reader, value, question_where))
    return questions


def _read_section(reader: _Reader, value, where: str) -> SectionData:
    record = reader.record(value, where, SECTION_FIELDS)
    if not isinstance(record.get("optional", False), bool):
        reader.fail(where, _("”optional” ska vara true eller false."))
    subsections = []
    for number, sub_value in enumerate(reader.items(record, "subsections", where), start=1):
        key = sub_value.get("key", "") if isinstance(sub_value, dict) else ""
        sub_where = f"{where} › " + _("delavsnitt %(number)s (%(key)s)") % {"number": number, "key": key}
        sub_record = reader.record(sub_value, sub_where, SUBSECTION_FIELDS)
        subsections.append(
            SubsectionData(
                key=reader.key(sub_record, sub_where),
                title=reader.text(sub_record, "title", sub_where),
                intro=reader.text(sub_record, "intro", sub_where),
                questions=_read_questions(reader, sub_record, sub_where),
            )
        )
    return SectionData(
        key=reader.key(record, where),
        code=reader.text(record, "code", where),
        title=reader.text(record, "title", where),
        kind=reader.choice(
            record, "kind", where, SectionKind, _("okänd typ av avsnitt ”%(value)s” (tillåtna: %(allowed)s).")
        ),
        optional=record.get("optional") is True,
        intro=reader.text(record, "intro", where),
        questions=_read_questions(reader, record, where),
        subsections=subsections,
    )


def _read_agenda_block(reader: _Reader, value, where: str) -> AgendaData:
    record = reader.record(value, where, AGENDA_FIELDS)
    return AgendaData(
        key=reader.key(record, where),
        start=reader.clock(record, "start", where),
        end=reader.clock(record, "end", where),
        title=reader.text(record, "title", where),
        participants=reader.text(record, "participants", where),
        sections=reader.texts(record, "sections", where),
    )


def _check_keys(reader: _Reader, document: GuideDocument) -> None:
    def duplicates(keys: list[str]) -> list[str]:
        return sorted({key for key in keys if key and keys.count(key) > 1})

    section_keys = [section.key for section in document.sections]
    all_section_keys = section_keys + [sub.key for section in document.sections for sub in section.subsections]
    question_keys = [
        question.key
        for section in document.sections
        for question in section.questions + [q for sub in section.subsections for q in sub.questions]
    ]
    for key in duplicates([block.key for block in document.agenda]):
        reader.fail("", _("Nyckeln ”%(key)s” används av flera agendapunkter.") % {"key": key})
    for key in duplicates(all_section_keys):
        reader.fail("", _("Nyckeln ”%(key)s” används av flera avsnitt eller delavsnitt.") % {"key": key})
    for key in duplicates(question_keys):
        reader.fail("", _("Nyckeln ”%(key)s” används av flera frågor.") % {"key": key})
    for number, block in enumerate(document.agenda, start=1):
        for key in block.sections:
            if key not in section_keys:
                reader.fail(
                    _("Agendapunkt %(number)s (%(key)s)") % {"number": number, "key": block.key},
                    _("avsnittet ”%(section)s” finns inte i dokumentet.") % {"section": key},
                )
        for key in duplicates(block.sections):
            reader.fail(
                _("Agendapunkt %(number)s (%(key)s)") % {"number": number, "key": block.key},
                _("avsnittet ”%(section)s” står med flera gånger.") % {"section": key},
            )


def parse_document(content: bytes | str) -> GuideDocument:
    """Read an exchange document; raise GuideDocumentError listing every problem found."""
    data = _decode(content)
    reader = _Reader()
    if not isinstance(data, dict):
        raise GuideDocumentError([_("Dokumentet ska vara ett JSON-objekt.")])
    if data.get("format") != FORMAT:
        raise GuideDocumentError(
            [_("Filen är inte ett dialogstöd: ”format” ska vara ”%(format)s”.") % {"format": FORMAT}]
        )
    if data.get("format_version") != FORMAT_VERSION:
        raise GuideDocumentError(
            [
                _("Formatversion %(found)s stöds inte; den här versionen av programmet läser version %(supported)s.")
                % {"found": data.get("format_version"), "supported": FORMAT_VERSION}
            ]
        )
    reader.record(data, "", ["format", "format_version", "guide", "version", "agenda", "sections"])
    guide_where, version_where = _("Dialogstöd"), _("Version")
    guide = reader.record(data.get("guide"), guide_where, GUIDE_FIELDS)
    version = reader.record(data.get("version"), version_where, VERSION_FIELDS)
    source_year = guide.get("source_year")
    if source_year is not None and (type(source_year) is not int or not 0 < source_year < 10000):
        reader.fail(guide_where, _("”source_year” ska vara ett årtal eller null."))
        source_year = None
    document = GuideDocument(
        name=reader.text(guide, "name", guide_where, required=True),
        attribution=reader.text(guide, "attribution", guide_where),
        source_title=reader.text(guide, "source_title", guide_where),
        source_year=source_year,
        source_url=reader.text(guide, "source_url", guide_where),
        label=reader.text(version, "label", version_where, required=True),
        notes=reader.text(version, "notes", version_where),
        agenda=[
            _read_agenda_block(
                reader,
                value,
                _("Agendapunkt %(number)s (%(key)s)")
                % {"number": number, "key": value.get("key", "") if isinstance(value, dict) else ""},
            )
            for number, value in enumerate(reader.items(data, "agenda", ""), start=1)
        ],
        sections=[
            _read_section(
                reader,
                value,
                _("Avsnitt %(number)s (%(key)s)")
                % {"number": number, "key": value.get("key", "") if isinstance(value, dict) else ""},
            )
            for number, value in enumerate(reader.items(data, "sections", ""), start=1)
        ],
    )
    _check_keys(reader, document)
    if reader.problems:
        raise GuideDocumentError(reader.problems)
    return document
