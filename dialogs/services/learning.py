"""Writing medskick and the team's lessons (issue 14): recorded by the follow-up team on the day and in the
summary, edited with the answers' revision rule (a stale edit is refused with both texts, nothing overwritten),
deleted when made by mistake; and comments on a medskick, by the clinic's staff from their shared deck or by the
team.

Texts are plain text: line breaks are kept, control characters refused with a message, and length is limited.
The same text recorded twice in a row from the same dialogue (a double click, a retried post) is the item already
recorded.
"""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from config.inputs import is_clean_multiline
from dialogs.access import can_comment_medskick, can_edit_dialogue
from dialogs.models.dialogue import Dialogue
from dialogs.models.learning import (
    LESSON_TEXT_MAX_LENGTH,
    MEDSKICK_COMMENT_MAX_LENGTH,
    MEDSKICK_TEXT_MAX_LENGTH,
    Medskick,
    MedskickCategory,
    MedskickComment,
    MedskickTag,
    RaisedBy,
    TeamLesson,
)
from dialogs.services.agreements import area_sections

logger = logging.getLogger(__name__)

# The same comment again by the same person within this time is the comment already made.
REPEAT_WINDOW = timedelta(minutes=10)


class LearningError(Exception):
    """A rule was broken; the message is meant for the person who tried."""


class ItemConflict(LearningError):
    """Someone else saved the item since the edit began; ``current`` is the item as saved now."""

    def __init__(self, current):
        super().__init__(_("Någon annan har ändrat texten medan du skrev. Ingen text har försvunnit."))
        self.current = current


def clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    """Plain multi-line text: line breaks normalised, ends trimmed, control characters and over-long text refused."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise ValidationError({field: _("Skriv något först.")})
    if not is_clean_multiline(text):
        raise ValidationError({field: _("Texten innehåller tecken som inte kan sparas (styrtecken). Ta bort dem.")})
    if len(text) > max_length:
        raise ValidationError(
            {field: _("Högst %(max)s tecken (nu %(length)s).") % {"max": max_length, "length": len(text)}}
        )
    return text


def _categories(values) -> list[str]:
    chosen = list(dict.fromkeys(values or []))
    if not chosen:
        raise ValidationError({"categories": _("Välj minst en kategori.")})
    if any(value not in MedskickCategory.values for value in chosen):
        raise ValidationError({"categories": _("Välj bland metodens kategorier.")})
    return [value for value in MedskickCategory.values if value in chosen]


def _raised_by(value: str) -> str:
    if value not in RaisedBy.values:
        raise ValidationError({"raised_by": _("Välj om vårdcentralen eller uppföljningsteamet lyfte medskicket.")})
    return value


def _area_label(dialogue: Dialogue, area: str) -> str:
    if not area:
        return ""
    section = next((section for section in area_sections(dialogue.guide_version_id) if section.key == area), None)
    if section is None:
        raise ValidationError({"area": _("Välj ett av 5P-områdena i dialogens dialogstöd.")})
    return section.heading


def _writable(user, dialogue: Dialogue) -> None:
    if not can_edit_dialogue(user, dialogue):
        raise PermissionDenied
    if dialogue.is_cancelled:
        raise LearningError(_("Dialogen är inställd; den har inga medskick eller lärdomar."))


def _next_position(model, dialogue: Dialogue) -> int:
    return (model.objects.filter(dialogue=dialogue).aggregate(last=Max("position"))["last"] or 0) + 1


def _latest(model, dialogue: Dialogue):
    return model.objects.filter(dialogue=dialogue).order_by("-position", "-pk").first()


# --- Medskick ------------------------------------------------------------------------------------------------


@transaction.atomic
def medskick_create(
    *, dialogue: Dialogue, user, text: str, categories, area: str = "", raised_by: str = RaisedBy.VARDCENTRAL
) -> Medskick:
    """A new medskick of the dialogue. Raises ValidationError keyed by field, LearningError for a cancelled
    dialogue. The same text and categories again, as the dialogue's latest medskick, is that medskick."""
    _writable(user, dialogue)
    text = clean_text(text, field="text", max_length=MEDSKICK_TEXT_MAX_LENGTH)
    categories = _categories(categories)
    raised_by = _raised_by(raised_by)
    area_label = _area_label(dialogue, area)
    Dialogue.objects.select_for_update().filter(pk=dialogue.pk).first()  # one new item at a time per dialogue
    latest = _latest(Medskick, dialogue)
    if latest is not None and latest.text == text and latest.area == area and latest.categories == categories:
        return latest
    now = timezone.now()
    medskick = Medskick.objects.create(
        dialogue=dialogue, text=text, area=area, area_label=area_label, raised_by=raised_by,
        position=_next_position(Medskick, dialogue), created_by=user, created_at=now, updated_by=user, updated_at=now,
    )
    MedskickTag.objects.bulk_create(MedskickTag(medskick=medskick, category=category) for category in categories)
    return medskick


@transaction.atomic
def medskick_update(
    *, medskick: Medskick, user, base_revision: int, text: str, categories, area: str, raised_by: str
) -> Medskick:
    """Save the team's edit made from ``base_revision``. Raises ItemConflict, writing nothing, when someone saved
    in between with different content."""
    _writable(user, medskick.dialogue)
    text = clean_text(text, field="text", max_length=MEDSKICK_TEXT_MAX_LENGTH)
    categories = _categories(categories)
    raised_by = _raised_by(raised_by)
    locked = Medskick.objects.select_for_update().get(pk=medskick.pk)
    area_label = _area_label(medskick.dialogue, area) if area != locked.area else locked.area_label
    same = (locked.text, locked.area, locked.raised_by, locked.categories) == (text, area, raised_by, categories)
    if same:
        return locked
    if base_revision != locked.revision:
        raise ItemConflict(locked)
    locked.text, locked.area, locked.area_label, locked.raised_by = text, area, area_label, raised_by
    locked.revision += 1
    locked.updated_by, locked.updated_at = user, timezone.now()
    locked.save(update_fields=["text", "area", "area_label", "raised_by", "revision", "updated_by", "updated_at"])
    MedskickTag.objects.filter(medskick=locked).exclude(category__in=categories).delete()
    have = set(MedskickTag.objects.filter(medskick=locked).values_list("category", flat=True))
    MedskickTag.objects.bulk_create(MedskickTag(medskick=locked, category=value) for value in categories if value not in have)
    return locked


def medskick_deletion_blocker(medskick: Medskick) -> str:
    """Why a medskick may not be deleted ("" when it may): not once the clinic has commented on it."""
    if medskick.comments.filter(by_clinic=True).exists():
        return _("Vårdcentralen har kommenterat medskicket, så det kan inte tas bort. Ändra texten i stället.")
    return ""


@transaction.atomic
def medskick_delete(*, medskick: Medskick, user) -> None:
    _writable(user, medskick.dialogue)
    locked = Medskick.objects.select_for_update().get(pk=medskick.pk)
    blocker = medskick_deletion_blocker(locked)
    if blocker:
        raise LearningError(blocker)
    logger.info("Medskick %s of dialogue %s deleted by user %s", locked.pk, locked.dialogue_id, getattr(user, "pk", None))
    locked.delete()


@transaction.atomic
def medskick_comment_add(*, medskick: Medskick, user, text: str) -> MedskickComment:
    """A comment on a medskick by the clinic's staff (once they can read it) or the team. The same text from the
    same person within ten minutes is the comment already made."""
    if not can_comment_medskick(user, medskick.dialogue):
        raise PermissionDenied
    text = clean_text(text, field="text", max_length=MEDSKICK_COMMENT_MAX_LENGTH)
    Medskick.objects.select_for_update().filter(pk=medskick.pk).first()  # orders simultaneous posts
    now = timezone.now()
    same = MedskickComment.objects.filter(
        medskick=medskick, author=user, text=text, created_at__gte=now - REPEAT_WINDOW
    ).first()
    if same is not None:
        return same
    return MedskickComment.objects.create(
        medskick=medskick, text=text, author=user, by_clinic=not can_edit_dialogue(user, medskick.dialogue),
        created_at=now,
    )


# --- The team's lessons ---------------------------------------------------------------------------------------


@transaction.atomic
def team_lesson_create(*, dialogue: Dialogue, user, text: str) -> TeamLesson:
    """A new lesson for the team. The same text again, as the dialogue's latest lesson, is that lesson."""
    _writable(user, dialogue)
    text = clean_text(text, field="text", max_length=LESSON_TEXT_MAX_LENGTH)
    Dialogue.objects.select_for_update().filter(pk=dialogue.pk).first()
    latest = _latest(TeamLesson, dialogue)
    if latest is not None and latest.text == text:
        return latest
    now = timezone.now()
    return TeamLesson.objects.create(
        dialogue=dialogue, text=text, position=_next_position(TeamLesson, dialogue), created_by=user, created_at=now,
        updated_by=user, updated_at=now,
    )


@transaction.atomic
def team_lesson_update(*, lesson: TeamLesson, user, base_revision: int, text: str) -> TeamLesson:
    _writable(user, lesson.dialogue)
    text = clean_text(text, field="text", max_length=LESSON_TEXT_MAX_LENGTH)
    locked = TeamLesson.objects.select_for_update().get(pk=lesson.pk)
    if locked.text == text:
        return locked
    if base_revision != locked.revision:
        raise ItemConflict(locked)
    locked.text = text
    locked.revision += 1
    locked.updated_by, locked.updated_at = user, timezone.now()
    locked.save(update_fields=["text", "revision", "updated_by", "updated_at"])
    return locked


@transaction.atomic
def team_lesson_delete(*, lesson: TeamLesson, user) -> None:
    _writable(user, lesson.dialogue)
    TeamLesson.objects.filter(pk=lesson.pk).delete()
