"""Writes of the written feedback, and building its deck.

Every write is keyword-only and atomic. Sharing builds the deck's content once, renders both files from it and
stores content and files together as an immutable ``SharedVersion``; the clinic's staff are e-mailed once the
transaction has committed. The status change that sharing causes in the dialogue ("återkoppling delad") goes
and the documentation it opens to the clinic go through the dialogs app's ``dialogue_feedback_shared``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dialogs.models import SectionKind
from dialogs.access import readable_answers
from dialogs.models.answers import Answer
from dialogs.models.dialogue import Dialogue, FollowUpMeeting, person_name
from dialogs.services.dialogue import dialogue_feedback_shared
from feedback import sections as bilaga3
from feedback.agreements import previous_agreements_section
from feedback.learning import learning_items
from feedback import selectors
from feedback.models import (
    CONTENT_TYPES,
    Acknowledgement,
    ClinicComment,
    DeckFormat,
    FeedbackChart,
    FeedbackReport,
    FeedbackSection,
    RegionTheme,
    SharedFile,
    SharedVersion,
    TeamReply,
)
from feedback.renderers.charts import chart_block
from feedback.renderers.content import ChartBlock, DeckContent, Link, Section, clean_text
from feedback.renderers.pdf import render_pdf
from feedback.renderers.pptx import render_pptx
from indicators.models import Indicator
from notifications.services import absolute_url, message_queue_many
from organisations.models import Membership, Region, Role

MAX_ITEMS = 60
MAX_ITEM_LENGTH = 5_000
MAX_LINKS = 30
MAX_CHARTS = 12
COMMENT_MAX_LENGTH = 5_000

logger = logging.getLogger(__name__)


class FeedbackError(Exception):
    """A rule of the feedback's life was broken; the message is meant for the person who tried."""


class SectionConflict(FeedbackError):
    """Someone else saved the section since it was opened; the saved text is in ``section``."""

    def __init__(self, section: FeedbackSection):
        super().__init__(_("Någon annan har sparat avsnittet medan du skrev. Jämför texterna och spara igen."))
        self.section = section


class SharedFileMissing(FeedbackError):
    """A shared version has no stored file of the format asked for. Sharing stores both files with the version in
    one transaction, so this is a fault in the data (a file removed by hand, a restore gone wrong), not in the
    request: it is logged, and the person who asked is told the file is not there."""

    def __init__(self, version: SharedVersion, deck_format: str):
        super().__init__(_("Filen saknas."))
        self.version, self.deck_format = version, deck_format


class NothingChanged(FeedbackError):
    """The draft would share exactly what the latest version shows: sharing it again would only make a copy (and
    e-mail the clinic about nothing new)."""

    def __init__(self, version: SharedVersion):
        super().__init__(
            _("Inget har ändrats sedan version %(number)s: vårdcentralen ser redan exakt det här. Ändra utkastet "
              "först om ni vill dela en ny version.") % {"number": version.number}
        )
        self.version = version


# --- Prefill from the dialogue ------------------------------------------------------------------------------

# The guide's closing questions that feed the feedback (keys of the SKR guide); a region's own guide that
# renamed them falls back on their order within the summary and feedback sections.
PREFILL_QUESTIONS = {
    bilaga3.STRENGTHS: (SectionKind.SUMMARY, ["sammanfattning-q01"], [0]),
    bilaga3.IMPROVEMENTS: (SectionKind.SUMMARY, ["sammanfattning-q02"], [1]),
}
# "Lärdomar för uppföljningsteamet" and the medskick section are not prefilled: they are built from the dialogue's
# lessons and medskick whenever the deck is built (feedback/learning.py, issue 14).
BOOKING_QUESTION = "aterkoppling-q04"
_BULLET = re.compile(r"^\s*[-•*–]\s+")


def in_document_language(function):
    """The deck is the clinic's document in Swedish (Bilaga 3), whichever language the person who builds or shares
    it reads the site in: its fixed texts, section titles, dates and the PDF's language come from the site's default
    language, so a version never changes language with its author and an unchanged draft stays unchanged."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


_render_pptx = in_document_language(render_pptx)
_render_pdf = in_document_language(render_pdf)


def text_lines(text: str) -> list[str]:
    """A text as list points: one per non-empty line, without typed bullets. Typed numbers ("1) Fast
    läkarkontakt …") are the writer's words and stay."""
    return [_BULLET.sub("", line).strip() for line in clean_text(text).split("\n") if line.strip()]


def _closing_answers(dialogue: Dialogue) -> tuple[dict[str, Answer], dict[str, list[Answer]]]:
    # The deck is shared with the clinic: never prefilled from team-only answers (dialogs.access).
    closing = Answer.objects.filter(dialogue=dialogue, question__section__kind__in=[SectionKind.SUMMARY, SectionKind.FEEDBACK])
    answers = list(
        readable_answers(closing, team=False)
        .select_related("question__section")
        .order_by("question__section__position", "question__position")
    )
    by_kind: dict[str, list[Answer]] = {}
    for answer in answers:
        by_kind.setdefault(answer.question.section.kind, []).append(answer)
    return {answer.question.key: answer for answer in answers}, by_kind


@in_document_language
def prefill(dialogue: Dialogue) -> dict[str, tuple[list[str], list[dict]]]:
    """Points and links for each section, from the dialogue's summary, its feedback to the team, the booked
    follow-up meeting and the team itself."""
    by_key, by_kind = _closing_answers(dialogue)
    content: dict[str, tuple[list[str], list[dict]]] = {key: ([], []) for key in bilaga3.SECTION_KEYS}
    for section_key, (kind, keys, positions) in PREFILL_QUESTIONS.items():
        answers = [by_key[key] for key in keys if key in by_key]
        if not answers:
            of_kind = by_kind.get(kind, [])
            answers = [of_kind[i] for i in positions if i < len(of_kind)]
        content[section_key] = ([line for answer in answers for line in text_lines(answer.text)], [])
    content[bilaga3.FIVE_P] = ([_("Plats: %(place)s") % {"place": dialogue.place}] if dialogue.place else [], [])
    content[bilaga3.FOLLOW_UP_MEETING] = _meeting_prefill(dialogue, by_key.get(BOOKING_QUESTION))
    content[bilaga3.IMPROVEMENT_LINKS] = ([], [{"label": str(label), "url": url} for label, url in bilaga3.IMPROVEMENT_LINK_TIPS])
    content[bilaga3.DEVELOPMENT_TIPS] = (
        [
            _("Använd kartläggningen enligt 5P när ni väljer ett tema att förbättra."),
            _("Testa förändringar i små steg med PGSA-hjulet: planera, gör, studera, agera."),
            _("Följ några få mått över tid i ett styrdiagram och gå igenom dem tillsammans."),
        ],
        [],
    )
    team = dialogue.team_members.select_related("user")
    content[bilaga3.THANKS] = (
        [
            " – ".join(part for part in [f"{member.display_name}, {member.get_party_display()}", member.user.email] if part)
            for member in team
        ],
        [],
    )
    return content


def _meeting_prefill(dialogue: Dialogue, booking_answer: Answer | None) -> tuple[list[str], list[dict]]:
    meeting = FollowUpMeeting.objects.filter(dialogue=dialogue).first()
    if meeting is None:
        return (text_lines(booking_answer.text) if booking_answer else []), []
    items = [
        _("Datum: %(date)s kl. %(time)s (%(minutes)s minuter)")
        % {
            "date": date_format(meeting.date, "j F Y"),
            "time": meeting.start_time.strftime("%H.%M"),
            "minutes": meeting.duration_minutes,
        }
    ]
    if meeting.focus_area:
        items.append(_("Fokus: %(focus)s") % {"focus": clean_text(meeting.focus_area)})
    links = [{"label": _("Länk till videomötet"), "url": meeting.video_link}] if meeting.video_link else []
    return items, links


# --- The report ---------------------------------------------------------------------------------------------


@transaction.atomic
def feedback_create(*, dialogue: Dialogue, user) -> FeedbackReport:
    """The feedback of a held dialogue, prefilled (or the existing one: there is one per dialogue)."""
    existing = FeedbackReport.objects.filter(dialogue=dialogue).first()
    if existing is not None:
        return existing
    if not dialogue.is_held:
        raise FeedbackError(_("Återkopplingen skrivs när dialogen är genomförd."))
    now = timezone.now()
    title, notes = _new_report_texts()
    report = FeedbackReport.objects.create(
        dialogue=dialogue,
        title=title,
        created_by=user,
        content_changed_at=now,
        content_changed_by=user,
    )
    content = prefill(dialogue)
    FeedbackSection.objects.bulk_create(
        FeedbackSection(
            report=report,
            key=definition.key,
            position=position,
            items=content[definition.key][0],
            links=content[definition.key][1],
            notes=notes[definition.key],
        )
        for position, definition in enumerate(bilaga3.SECTIONS)
    )
    return report


def _touch(report: FeedbackReport, user) -> None:
    report.content_changed_at, report.content_changed_by = timezone.now(), user
    report.save(update_fields=["content_changed_at", "content_changed_by"])


def _check_items(items: Sequence[str]) -> list[str]:
    cleaned = [clean_text(item).strip() for item in items]
    cleaned = [item for item in cleaned if item]
    if len(cleaned) > MAX_ITEMS:
        raise ValidationError({"items": _("Högst %(max)s punkter per avsnitt.") % {"max": MAX_ITEMS}})
    if any(len(item) > MAX_ITEM_LENGTH for item in cleaned):
        raise ValidationError({"items": _("En punkt får vara högst %(max)s tecken.") % {"max": MAX_ITEM_LENGTH}})
    return cleaned


def _check_links(links: Sequence[Link]) -> list[dict]:
    if len(links) > MAX_LINKS:
        raise ValidationError({"links": _("Högst %(max)s länkar per avsnitt.") % {"max": MAX_LINKS}})
    checked = []
    for link in links:
        if not link.href:
            raise ValidationError({"links": _("”%(url)s” är ingen giltig webbadress.") % {"url": link.url[:100]}})
        checked.append({"label": clean_text(link.label).strip()[:300], "url": link.href})
    return checked


@transaction.atomic
def feedback_section_save(
    *, section: FeedbackSection, user, items: Sequence[str], links: Sequence[Link], notes: str, base_revision: int
) -> FeedbackSection:
    """Save a section's points (in the order given), links and speaker notes. ``base_revision`` is the
    revision the person edited; if someone saved in between, nothing is saved and SectionConflict says so."""
    locked = FeedbackSection.objects.select_for_update().get(pk=section.pk)
    if locked.revision != base_revision:
        raise SectionConflict(locked)
    locked.items = _check_items(items)
    locked.links = _check_links(links)
    locked.notes = clean_text(notes).strip()
    locked.revision += 1
    locked.updated_by, locked.updated_at = user, timezone.now()
    locked.save(update_fields=["items", "links", "notes", "revision", "updated_by", "updated_at"])
    _touch(section.report, user)
    return locked


@transaction.atomic
def feedback_charts_save(*, report: FeedbackReport, user, indicators: Sequence[Indicator]) -> list[FeedbackChart]:
    """Choose the indicator charts of the deck, in the order given."""
    chosen = list(dict.fromkeys(indicators))
    if len(chosen) > MAX_CHARTS:
        raise ValidationError({"indicators": _("Välj högst %(max)s diagram.") % {"max": MAX_CHARTS}})
    region = report.dialogue.clinic.region_id
    if any(indicator.region_id not in (None, region) for indicator in chosen):
        raise ValidationError({"indicators": _("Indikatorn hör till en annan region.")})
    FeedbackChart.objects.filter(report=report).delete()
    charts = FeedbackChart.objects.bulk_create(
        FeedbackChart(report=report, indicator=indicator, position=position) for position, indicator in enumerate(chosen)
    )
    _touch(report, user)
    return charts


# --- The deck's content ---------------------------------------------------------------------------------------


def _participants(dialogue: Dialogue) -> list[str]:
    clinic_people = [f"{person.name} ({person.role_label})" for person in dialogue.clinic_participants.all()]
    team = [
        f"{member.display_name} ({member.get_party_display()})"
        for member in dialogue.team_members.select_related("user")
    ]
    return clinic_people + team


def chart_blocks(report: FeedbackReport) -> list[ChartBlock]:
    """The chosen indicators as chart blocks: the series of ``indicators.charts`` (the clinic's values with
    95 % intervals, the median, the region and the country), its SVG for the PDF, and the words."""
    indicators = [chart.indicator for chart in report.charts.select_related("indicator__source")]
    if not indicators:
        return []
    from indicators.charts import clinic_indicator_charts, to_pptx

    blocks = []
    for indicator_chart in clinic_indicator_charts(report.dialogue.clinic, indicators):
        spec, words = indicator_chart.spec, indicator_chart.words
        interval = to_pptx(spec).interval_note
        if words.estimate and words.period:
            interval = f"{interval}. {words.period}: {words.estimate}" if interval else f"{words.period}: {words.estimate}"
        comparison = " ".join(
            f"{text.sentence}." if not text.sentence.endswith(".") else text.sentence
            for text in (words.vs_region, words.vs_nation)
            if text.short
        )
        blocks.append(chart_block(spec, key=indicator_chart.indicator.code, interval=interval, comparison=comparison))
    return blocks


@in_document_language
def _new_report_texts() -> tuple[str, dict[str, str]]:
    """A new report's title and each section's notes."""
    return _("Återkoppling efter uppföljningsdialog"), {definition.key: str(definition.notes) for definition in bilaga3.SECTIONS}


@in_document_language
def deck_content(*, report: FeedbackReport, version_label: str, author: str) -> DeckContent:
    """The report's draft as the renderers' content: sections in Bilaga 3 order, then the charts."""
    dialogue = report.dialogue
    clinic = dialogue.clinic
    sections = [
        Section(
            key=section.key,
            title=section.title,
            items=list(section.items),
            links=[Link(link.get("label", ""), link.get("url", "")) for link in section.links],
            notes=section.notes,
            figure=section.figure,
        )
        for section in report.sections.all()
    ]
    built = learning_items(dialogue)  # the team's lessons and the medskick (issue 14), as they are now
    sections = [
        replace(section, items=built[section.key][0], item_refs=built[section.key][1]) if section.key in built else section
        for section in sections
    ]
    previous = previous_agreements_section(dialogue)  # last time's agreements (issue 13), after the 5P slide
    if previous is not None:
        sections.insert(next((i + 1 for i, section in enumerate(sections) if section.key == bilaga3.FIVE_P), 0), previous)
    return DeckContent(
        title=report.title,
        clinic=clinic.name,
        region=clinic.region.name,
        date=date_format(dialogue.date, "j F Y"),
        participants=_participants(dialogue),
        sections=sections,
        charts=chart_blocks(report),
        theme=selectors.region_theme(clinic.region).as_theme(),
        author=author,
        subject=_("Skriftlig återkoppling efter uppföljningsdialog (Bilaga 3)"),
        version_label=version_label,
        created=timezone.now(),
        charts_after=bilaga3.CHARTS_AFTER,
    )


@in_document_language
def _draft_label() -> str:
    return _("Utkast %(date)s") % {"date": date_format(timezone.localdate(), "j F Y")}


@in_document_language
def _version_label(number: int, shared_at) -> str:
    return _("Version %(number)s, delad %(date)s") % {"number": number, "date": date_format(timezone.localtime(shared_at), "j F Y")}


def deck_build_pptx(*, report: FeedbackReport, user) -> bytes:
    """The draft as PowerPoint (nothing is stored)."""
    return _render_pptx(deck_content(report=report, version_label=_draft_label(), author=person_name(user)))


def deck_build_pdf(*, report: FeedbackReport, user) -> bytes:
    """The draft as PDF (nothing is stored)."""
    return _render_pdf(deck_content(report=report, version_label=_draft_label(), author=person_name(user)))


def shared_content(version: SharedVersion) -> DeckContent:
    """A shared version's content exactly as it was shared."""
    return DeckContent.from_dict(version.snapshot)


# --- Sharing and the review with the clinic -------------------------------------------------------------------


def _file(version: SharedVersion, deck_format: str, data: bytes) -> SharedFile:
    return SharedFile(
        version=version, format=deck_format, data=data, size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )


# What a deck's content says about when and by whom it was made, not what it shows.
_CIRCUMSTANCES = ("version_label", "created", "author")


def same_deck(content: dict, snapshot: dict) -> bool:
    """Whether two decks' contents (``DeckContent.to_dict()``, a version's snapshot) show the same: text, charts
    and their data, theme."""

    def shown(data: dict) -> str:
        return json.dumps({key: value for key, value in data.items() if key not in _CIRCUMSTANCES}, sort_keys=True)

    return shown(content) == shown(snapshot)


def unchanged_version(report: FeedbackReport) -> SharedVersion | None:
    """The latest shared version, when sharing the draft now would show exactly what it shows."""
    latest = report.versions.order_by("-number").first()
    if latest is None or report.content_changed_at > latest.shared_at:
        return None
    content = deck_content(report=report, version_label="", author="")
    return latest if same_deck(content.to_dict(), latest.snapshot) else None


@transaction.atomic
def feedback_share(*, report: FeedbackReport, user, message: str = "") -> SharedVersion:
    """Share the draft with the clinic as a new, immutable version with its PPTX and PDF, mark the dialogue's
    feedback as shared, and e-mail the clinic's staff once committed. A draft that shows what the latest version
    already shows raises NothingChanged: pressing "Dela" ten times at once makes one version and one e-mail each
    (the report's row lock lets one share at a time look at the latest version)."""
    dialogue = report.dialogue
    if not dialogue.is_held:
        raise FeedbackError(_("Återkopplingen kan delas när dialogen är genomförd."))
    FeedbackReport.objects.select_for_update().filter(pk=report.pk).first()  # one share at a time per report
    number = (report.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    shared_at = timezone.now()
    content = deck_content(report=report, version_label=_version_label(number, shared_at), author=person_name(user))
    latest = report.versions.order_by("-number").first()
    if latest is not None and same_deck(content.to_dict(), latest.snapshot):
        raise NothingChanged(latest)
    version = SharedVersion.objects.create(
        report=report,
        number=number,
        snapshot=content.to_dict(),
        message=clean_text(message).strip(),
        shared_by=user,
        shared_at=shared_at,
    )
    SharedFile.objects.bulk_create(
        [_file(version, DeckFormat.PPTX, _render_pptx(content)), _file(version, DeckFormat.PDF, _render_pdf(content))]
    )
    dialogue_feedback_shared(dialogue=dialogue, user=user)  # status and the documentation, by the dialogs rule
    _notify_clinic(version=version)
    return version


def clinic_staff(dialogue: Dialogue) -> list:
    """The clinic's active staff accounts: the people told about shared feedback."""
    return [
        membership.user
        for membership in Membership.objects.filter(role=Role.VARDCENTRAL, clinic=dialogue.clinic)
        .select_related("user")
        .order_by("user__email")
        if membership.user.is_active
    ]


def clinic_recipients(dialogue: Dialogue) -> list[str]:
    return sorted({user.email for user in clinic_staff(dialogue) if user.email})


def _notify_clinic(*, version: SharedVersion) -> None:
    """Queue the notice to the clinic's staff (sent by the worker after the commit, once per version)."""
    dialogue = version.report.dialogue
    message_queue_many(
        recipients=clinic_staff(dialogue),
        kind="feedback.shared",
        template="feedback/email/shared",
        context={
            "version": version,
            "clinic": dialogue.clinic,
            "dialogue": dialogue,
            "url": absolute_url(reverse("feedback:version_detail", kwargs={"pk": version.pk})),
        },
        topic=f"dialogue:{dialogue.pk}",
        dedupe_key=f"feedback.shared:version:{version.pk}",
    )


def _check_comment_text(text: str, field: str = "text") -> str:
    text = clean_text(text).strip()
    if not text:
        raise ValidationError({field: _("Skriv något först.")})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError({field: _("Högst %(max)s tecken.") % {"max": COMMENT_MAX_LENGTH}})
    return text


@transaction.atomic
def feedback_comment_add(*, version: SharedVersion, user, section_key: str, text: str) -> ClinicComment:
    """A comment by the clinic's staff on one section of a shared version; the team is told by e-mail. The same
    text from the same person on the same section again (a double click, a retried post) is the comment already
    made: one row, one e-mail (the version's row lock orders simultaneous posts)."""
    if section_key not in {section.get("key") for section in version.snapshot.get("sections", [])}:
        raise ValidationError({"section_key": _("Okänt avsnitt.")})
    text = _check_comment_text(text)
    SharedVersion.objects.select_for_update().filter(pk=version.pk).first()
    same = ClinicComment.objects.filter(version=version, section_key=section_key, author=user, text=text).first()
    if same is not None:
        return same
    comment = ClinicComment.objects.create(
        version=version, section_key=section_key, text=text, author=user, created_at=timezone.now()
    )
    _notify_team(comment=comment)
    return comment


def _notify_team(*, comment: ClinicComment) -> None:
    """Queue the notice of a clinic comment to the dialogue's team (once per comment)."""
    report = comment.version.report
    titles = {section["key"]: section["title"] for section in comment.version.snapshot.get("sections", [])}
    message_queue_many(
        recipients=[member.user for member in report.dialogue.team_members.select_related("user")],
        kind="feedback.comment",
        template="feedback/email/comment",
        context={
            "comment": comment,
            "clinic": report.dialogue.clinic,
            "section_title": titles.get(comment.section_key, ""),
            "url": absolute_url(reverse("feedback:version_detail", kwargs={"pk": comment.version_id})),
        },
        topic=f"dialogue:{report.dialogue_id}",
        dedupe_key=f"feedback.comment:{comment.pk}",
    )


@transaction.atomic
def feedback_acknowledge(*, version: SharedVersion, user) -> Acknowledgement:
    """The clinic confirms having read the version (once per person; a second time changes nothing)."""
    acknowledgement, _created = Acknowledgement.objects.get_or_create(
        version=version, user=user, defaults={"created_at": timezone.now()}
    )
    return acknowledgement


@transaction.atomic
def feedback_reply_add(*, comment: ClinicComment, user, text: str) -> TeamReply:
    """The team's reply to a comment; the same text from the same person again is the reply already made."""
    text = _check_comment_text(text)
    ClinicComment.objects.select_for_update().filter(pk=comment.pk).first()
    same = TeamReply.objects.filter(comment=comment, author=user, text=text).first()
    if same is not None:
        return same
    return TeamReply.objects.create(comment=comment, text=text, author=user, created_at=timezone.now())


# --- The region's theme -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogoUpload:
    name: str
    data: bytes


@transaction.atomic
def region_theme_save(
    *,
    region: Region,
    user,
    primary_colour: str,
    secondary_colour: str,
    font: str,
    logo: LogoUpload | None = None,
    remove_logo: bool = False,
) -> RegionTheme:
    theme = selectors.region_theme(region)
    theme.primary_colour, theme.secondary_colour, theme.font = primary_colour.upper(), secondary_colour.upper(), font
    if remove_logo:
        theme.logo, theme.logo_name = b"", ""
    if logo is not None:
        theme.logo, theme.logo_name = logo.data, logo.name[:200]
    theme.updated_by = user
    theme.full_clean()
    theme.save()
    return theme


def file_of(version: SharedVersion, deck_format: str) -> tuple[bytes, str]:
    """A shared version's stored file and its content type."""
    data = SharedFile.objects.filter(version=version, format=deck_format).values_list("data", flat=True).first()
    if data is None:
        logger.error(
            "Shared version %s (number %s of feedback report %s) has no stored %s file",
            version.pk, version.number, version.report_id, deck_format,
        )
        raise SharedFileMissing(version, deck_format)
    return bytes(data), CONTENT_TYPES[deck_format]

