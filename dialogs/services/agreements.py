"""Writing agreements (överenskommelser, issue 13): made in the summary on the day, edited by the follow-up team,
their status updated and commented on by the team and the clinic's staff until they are done.

Edits use the answers' optimistic concurrency (``dialogs.services.answers``): an edit names the revision it
started from; when someone else saved in between, ``AgreementConflict`` carries the agreement as it is now and
nothing is written, so the page can show both texts (HTTP 409) and offer the merge that keeps every word. A
status change or a comment adds a dated ``AgreementChange`` and never overwrites anything, so it needs no
revision; pressing the button twice records it once.

When the clinic's staff update an agreement between dialogues, the team hears of it by e-mail (an optional kind,
``CLINIC_UPDATE``): the team of the dialogue the agreement came from and of the clinic's next dialogue, once per
recorded change, after the commit.
"""

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.inputs import is_clean_multiline
from dialogs.access import can_edit_dialogue, can_set_agreement_status, can_update_agreement_status
from dialogs.models.agreements import (
    AGREEMENT_COMMENT_MAX_LENGTH,
    AGREEMENT_TEXT_MAX_LENGTH,
    Agreement,
    AgreementChange,
    AgreementChangeKind,
    AgreementStatus,
)
from dialogs.models.answers import Answer
from dialogs.models.dialogue import PLANNING_STATUSES, Dialogue, FollowUpMeeting, TeamMember
from dialogs.models.guide import Question, Section, SectionKind
from notifications import kinds
from notifications.services import absolute_url, message_queue_many
from organisations.models import Party

logger = logging.getLogger(__name__)

# A second press of the same button within this time records nothing new.
REPEAT_WINDOW = timedelta(minutes=10)
# Due dates further ahead than this are typing mistakes (and keep dates inside every database's range).
MAX_DUE_YEARS = 10
_BULLET = re.compile(r"^\s*[-•*–]\s+")
CLINIC_UPDATE = "dialogs.agreement_clinic_update"


def register_kinds() -> None:
    """Called from DialogsConfig.ready."""
    kinds.register(
        CLINIC_UPDATE, gettext_lazy("När vårdcentralen uppdaterar en överenskommelse"), optional=True,
        help_text=gettext_lazy("Status eller kommentar som vårdcentralens personal skriver mellan dialogerna."),
        audience=[kinds.TEAM],
    )


class AgreementError(Exception):
    """A rule of an agreement's life was broken; the message is meant for the person who tried."""


class AgreementConflict(AgreementError):
    """Someone else saved the agreement since the edit began; ``current`` is the agreement as saved now."""

    def __init__(self, current: Agreement):
        super().__init__(_("Någon annan har ändrat överenskommelsen medan du skrev. Ingen text har försvunnit."))
        self.current = current


def answer_lines(text: str) -> list[str]:
    """An answer's text as the points it lists: one per non-empty line, typed bullets removed, each line whole."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [_BULLET.sub("", line).strip() for line in lines if line.strip()]


def area_sections(guide_version_id: int) -> list[Section]:
    """The 5P areas an agreement may concern: the version's top-level 5P sections, in order (one query)."""
    return list(
        Section.objects.filter(version_id=guide_version_id, parent=None, kind=SectionKind.FIVE_P).order_by("position")
    )


def _area_label(dialogue: Dialogue, area: str) -> str:
    if not area:
        return ""
    section = next((section for section in area_sections(dialogue.guide_version_id) if section.key == area), None)
    if section is None:
        raise ValidationError({"area": _("Välj ett av 5P-områdena i dialogens dialogstöd.")})
    return section.heading


def _clean_text(value: str, *, field: str, max_length: int, required: bool) -> str:
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise ValidationError({field: _("Skriv vad ni kommer överens om.")})
    if not is_clean_multiline(text):
        raise ValidationError({field: _("Texten innehåller tecken som inte kan sparas (styrtecken). Ta bort dem.")})
    if len(text) > max_length:
        raise ValidationError(
            {field: _("Högst %(max)s tecken (nu %(length)s).") % {"max": max_length, "length": len(text)}}
        )
    return text


def _check_due(due_date: date | None, dialogue: Dialogue) -> date | None:
    if due_date is None:
        return None
    if due_date < dialogue.date:
        raise ValidationError({"due_date": _("Datumet ligger före dialogen. Välj dialogens datum eller ett senare.")})
    if due_date > dialogue.date + timedelta(days=365 * MAX_DUE_YEARS):
        raise ValidationError({"due_date": _("Välj ett datum inom tio år från dialogen.")})
    return due_date


def _check_owner(owner: str) -> str:
    if owner not in Party.values:
        raise ValidationError({"owner": _("Välj vem som ansvarar: vårdcentralen, beställarorganisationen eller utvecklingsavdelningen.")})
    return owner


def _change(agreement: Agreement, *, kind: str, user, before=None, comment: str = "", by_clinic: bool = False,
            follow_up_meeting: FollowUpMeeting | None = None, reviewed_in: Dialogue | None = None, now=None) -> AgreementChange:
    return AgreementChange.objects.create(
        agreement=agreement,
        kind=kind,
        revision=agreement.revision,
        before=before or {},
        after=agreement.snapshot() if kind in (AgreementChangeKind.CREATED, AgreementChangeKind.EDITED) else {},
        status=agreement.status,
        comment=comment,
        by_clinic=by_clinic,
        follow_up_meeting=follow_up_meeting,
        reviewed_in=reviewed_in,
        user=user,
        created_at=now or timezone.now(),
    )


@transaction.atomic
def agreement_create(
    *,
    dialogue: Dialogue,
    user,
    text: str,
    area: str = "",
    owner: str = Party.VARDCENTRAL,
    due_date: date | None = None,
    source_question: Question | None = None,
) -> Agreement:
    """A new agreement of the dialogue, made by the follow-up team. The same text made twice from the same place
    (a double click) is one agreement. Raises ValidationError keyed by field, AgreementError for a cancelled
    dialogue."""
    if not can_edit_dialogue(user, dialogue):
        raise PermissionDenied
    if dialogue.is_cancelled:
        raise AgreementError(_("Dialogen är inställd; den har inga överenskommelser."))
    text = _clean_text(text, field="text", max_length=AGREEMENT_TEXT_MAX_LENGTH, required=True)
    owner = _check_owner(owner)
    area_label = _area_label(dialogue, area)
    due_date = _check_due(due_date, dialogue)
    Dialogue.objects.select_for_update().filter(pk=dialogue.pk).first()  # one new agreement at a time per dialogue
    existing = Agreement.objects.filter(dialogue=dialogue, text=text, source_question=source_question).first()
    if existing is not None:
        return existing
    now = timezone.now()
    position = (Agreement.objects.filter(dialogue=dialogue).aggregate(last=Max("position"))["last"] or 0) + 1
    agreement = Agreement.objects.create(
        dialogue=dialogue, text=text, area=area, area_label=area_label, owner=owner, due_date=due_date,
        source_question=source_question, position=position, created_by=user, created_at=now, updated_by=user,
        updated_at=now,
    )
    _change(agreement, kind=AgreementChangeKind.CREATED, user=user, now=now)
    return agreement


def agreement_from_answer(
    *, dialogue: Dialogue, user, question: Question, line: int, text: str | None = None
) -> tuple[Agreement, bool]:
    """One click: a line of the dialogue's answer to ``question`` becomes an agreement, its text kept whole, and
    whether it was made now (False: that line already is one, e.g. a double click). ``text`` is the line as the
    page showed it, ``line`` its position then (counted from 0): when someone has changed the answer since, the
    line is found where it is now, and refused when it is no longer there, so the button never takes another
    line's words. The area is the question's 5P area when it has one; the clinic owns it until the team says
    otherwise."""
    if question.version_id != dialogue.guide_version_id:
        raise AgreementError(_("Frågan hör inte till dialogens dialogstöd."))
    answer = Answer.objects.filter(dialogue=dialogue, question=question).first()
    lines = answer_lines(answer.text) if answer else []
    if text is not None and not (0 <= line < len(lines) and lines[line] == text):
        line = lines.index(text) if text in lines else -1
    if not 0 <= line < len(lines):
        raise AgreementError(_("Svaret har ändrats sedan sidan öppnades och raden finns inte längre där. "
                               "Läs svaret som det är nu och försök igen."))
    made_before = Agreement.objects.filter(dialogue=dialogue, text=lines[line], source_question=question).exists()
    section = question.section.parent or question.section
    area = section.key if section.kind == SectionKind.FIVE_P and section.parent_id is None else ""
    agreement = agreement_create(dialogue=dialogue, user=user, text=lines[line], area=area, source_question=question)
    return agreement, not made_before


@transaction.atomic
def agreement_update(
    *,
    agreement: Agreement,
    user,
    base_revision: int,
    text: str,
    area: str,
    owner: str,
    due_date: date | None,
) -> Agreement:
    """Save the team's edit of an agreement made from ``base_revision``. Raises AgreementConflict, writing
    nothing, when someone saved in between (unless this edit says what is saved already)."""
    if not can_edit_dialogue(user, agreement.dialogue):
        raise PermissionDenied
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    locked.dialogue = agreement.dialogue
    text = _clean_text(text, field="text", max_length=AGREEMENT_TEXT_MAX_LENGTH, required=True)
    changes = {
        "text": text,
        "area": area,
        "area_label": _area_label(agreement.dialogue, area) if area != locked.area else locked.area_label,
        "owner": _check_owner(owner),
        "due_date": _check_due(due_date, agreement.dialogue),
    }
    before = locked.snapshot()
    if all(getattr(locked, name) == value for name, value in changes.items()):
        return locked  # nothing changed, whatever revision it started from
    if base_revision != locked.revision:
        if _content_at(locked, base_revision) == _as_snapshot(changes):
            return locked  # this edit changes nothing: it says what its revision said; what is saved since stands
        raise AgreementConflict(locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.revision += 1
    locked.updated_by, locked.updated_at = user, timezone.now()
    locked.save(update_fields=[*changes, "revision", "updated_by", "updated_at"])
    _change(locked, kind=AgreementChangeKind.EDITED, user=user, before=before, now=locked.updated_at)
    return locked


def _as_snapshot(changes: dict) -> dict:
    return {**changes, "due_date": changes["due_date"].isoformat() if changes["due_date"] else ""}


def _content_at(agreement: Agreement, revision: int) -> dict | None:
    """The agreement's content as it was at ``revision`` (None when the history does not know it)."""
    return (
        AgreementChange.objects.filter(
            agreement=agreement, revision=revision, kind__in=[AgreementChangeKind.CREATED, AgreementChangeKind.EDITED]
        )
        .order_by("-pk")
        .values_list("after", flat=True)
        .first()
    )


@transaction.atomic
def agreement_status_set(
    *,
    agreement: Agreement,
    user,
    status: str,
    comment: str = "",
    follow_up_meeting: FollowUpMeeting | None = None,
    reviewed_in: Dialogue | None = None,
) -> AgreementChange | None:
    """Record the agreement's status now, with an optional comment: by the team, or by the clinic's staff once
    they can read it. A change to the same status with no comment records nothing (None); the same change and
    comment again by the same person within ten minutes is a repeated press and records nothing either."""
    if not can_update_agreement_status(user, agreement):
        raise PermissionDenied
    if status not in AgreementStatus.values:
        raise ValidationError({"status": _("Välj en av statusarna.")})
    comment = _clean_text(comment, field="comment", max_length=AGREEMENT_COMMENT_MAX_LENGTH, required=False)
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    locked.dialogue = agreement.dialogue
    if status != locked.status and not can_set_agreement_status(user, locked):
        raise ValidationError({"status": _(
            "Det är den ansvariga parten (%(owner)s) som ändrar överenskommelsens status. Ni kan skriva en kommentar."
        ) % {"owner": Party(locked.owner).label}})
    if status == locked.status and not comment:
        return None
    now = timezone.now()
    last = locked.changes.order_by("-created_at", "-pk").first()
    if (
        last is not None and last.user_id == user.pk and last.status == status and last.comment == comment
        and now - last.created_at < REPEAT_WINDOW and last.follow_up_meeting_id == getattr(follow_up_meeting, "pk", None)
    ):
        return last
    kind = AgreementChangeKind.STATUS if status != locked.status else AgreementChangeKind.COMMENT
    if status != locked.status:
        locked.status = status
        locked.updated_by, locked.updated_at = user, now
        locked.save(update_fields=["status", "updated_by", "updated_at"])
        agreement.status = status
    by_clinic = not can_edit_dialogue(user, agreement.dialogue)
    change = _change(
        locked, kind=kind, user=user, comment=comment, by_clinic=by_clinic, follow_up_meeting=follow_up_meeting,
        reviewed_in=reviewed_in, now=now,
    )
    if by_clinic:
        _notify_team(change, dialogue=agreement.dialogue)
    return change


def _notify_team(change: AgreementChange, *, dialogue: Dialogue) -> None:
    """Queue the notice of a clinic's update to the team of the agreement's dialogue and of the clinic's coming
    dialogues (once per change and person; the message leaves after the commit)."""
    members = TeamMember.objects.filter(
        Q(dialogue=dialogue) | Q(dialogue__clinic_id=dialogue.clinic_id, dialogue__status__in=PLANNING_STATUSES)
    ).select_related("user")
    recipients = list({member.user_id: member.user for member in members}.values())
    message_queue_many(
        recipients=recipients,
        kind=CLINIC_UPDATE,
        template="dialogs/email/agreement_clinic_update",
        context={
            "change": change,
            "agreement": change.agreement,
            "clinic": dialogue.clinic,
            "dialogue": dialogue,
            "url": absolute_url(reverse("dialogs:agreement_detail", args=[change.agreement_id])),
        },
        topic=f"dialogue:{dialogue.pk}",
        dedupe_key=f"{CLINIC_UPDATE}:{change.pk}",
    )


@dataclass(frozen=True)
class StatusUpdate:
    agreement: Agreement
    status: str
    comment: str = ""


@transaction.atomic
def follow_up_statuses_save(*, meeting: FollowUpMeeting, user, updates: list[StatusUpdate]) -> int:
    """Record, at the follow-up video meeting, where each of the dialogue's agreements stands. Returns how many
    changes were recorded."""
    if not can_edit_dialogue(user, meeting.dialogue):
        raise PermissionDenied
    recorded = 0
    for update in updates:
        if update.agreement.dialogue_id != meeting.dialogue_id:
            raise AgreementError(_("Överenskommelsen hör till en annan dialog."))
        update.agreement.dialogue = meeting.dialogue
        change = agreement_status_set(
            agreement=update.agreement, user=user, status=update.status, comment=update.comment,
            follow_up_meeting=meeting,
        )
        recorded += change is not None
    return recorded


def agreement_deletion_blocker(agreement: Agreement) -> str:
    """Why an agreement may not be deleted, or "": only one made by mistake, on which nothing has been recorded
    since (no status, no comment)."""
    recorded = agreement.changes.exclude(kind__in=[AgreementChangeKind.CREATED, AgreementChangeKind.EDITED]).exists()
    if recorded:
        return _(
            "Överenskommelsen har en status eller kommentarer och kan inte tas bort. Sätt status ”utgår” i stället."
        )
    return ""


@transaction.atomic
def agreement_delete(*, agreement: Agreement, user) -> None:
    """Delete an agreement made by mistake (see agreement_deletion_blocker); AgreementError otherwise."""
    if not can_edit_dialogue(user, agreement.dialogue):
        raise PermissionDenied
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    blocker = agreement_deletion_blocker(locked)
    if blocker:
        raise AgreementError(blocker)
    logger.info("Agreement %s of dialogue %s deleted by user %s", locked.pk, locked.dialogue_id, getattr(user, "pk", None))
    locked.delete()
