"""Writing fördjupad uppföljning (issue 13): the team marks an indication in a dialogue's summary, which opens a
case; the case moves through indikation → utredning → åtgärdsplan → avslutad, has an owner in the region's
follow-up team, dated notes and uploaded documents, and every step is kept in its history.

Only the region's follow-up team and administrators may do any of this (``dialogs.access.can_see_cases``); each
service checks it again, so no other caller can write a case for someone who may not see it.

Whoever is made a case's owner by someone else (when it is opened or handed over) is told by e-mail
(``CASE_OWNER``, optional), once per change and after the commit. The message names the clinic and the category
and links to the case; the reason and the notes stay behind the sign-in, since e-mail leaves the region's control.
"""

import hashlib
import logging
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.inputs import is_clean_multiline
from dialogs.access import can_see_cases
from dialogs.documents import DocumentRefused, identify_document
from dialogs.models.cases import (
    CASE_NOTE_MAX_LENGTH,
    CASE_REASON_MAX_LENGTH,
    Case,
    CaseCategory,
    CaseDocument,
    CaseEntry,
    CaseEntryKind,
    CaseStatus,
)
from dialogs.models.dialogue import Dialogue, person_name
from notifications import kinds
from notifications.services import absolute_url, message_queue_many
from organisations.models import Membership, Role

logger = logging.getLogger(__name__)

MAX_DOCUMENTS = 100
# A note may be about something that happened before it was written down, within reason.
NOTE_DAYS_BACK = 366
CASE_OWNER = "dialogs.case_owner"


def register_kinds() -> None:
    """Called from DialogsConfig.ready."""
    kinds.register(
        CASE_OWNER, gettext_lazy("När jag blir ansvarig för en fördjupad uppföljning"), optional=True,
        help_text=gettext_lazy("När någon annan öppnar ett ärende i ditt namn eller lämnar över ett ärende till dig."),
        audience=[kinds.TEAM],
    )


def _notify_owner(entry: CaseEntry, *, by) -> None:
    """Queue the notice to a case's new owner, unless they made themselves owner."""
    case = entry.case
    if case.owner is None or case.owner.pk == by.pk:
        return
    message_queue_many(
        recipients=[case.owner],
        kind=CASE_OWNER,
        template="dialogs/email/case_owner",
        context={
            "case": case,
            "clinic": case.clinic,
            "by": person_name(by),
            "url": absolute_url(reverse("dialogs:case_detail", args=[case.pk])),
        },
        topic=f"dialogue:{case.dialogue_id}",  # listed with the dialogue's mail for the team, thinned with it
        dedupe_key=f"{CASE_OWNER}:{entry.pk}",
    )


class CaseError(Exception):
    """A rule of a case's life was broken; the message is meant for the person who tried."""


def _check_team(user, case_or_dialogue) -> None:
    region = case_or_dialogue.clinic.region
    if not can_see_cases(user, region):
        raise PermissionDenied


def _text(value: str, *, field: str, max_length: int, empty_message: str) -> str:
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ValidationError({field: empty_message})
    if not is_clean_multiline(text):
        raise ValidationError({field: _("Texten innehåller tecken som inte kan sparas (styrtecken). Ta bort dem.")})
    if len(text) > max_length:
        raise ValidationError({field: _("Högst %(max)s tecken (nu %(length)s).") % {"max": max_length, "length": len(text)}})
    return text


def case_owner_candidates(region) -> list:
    """Who may own a case: the region's administrators and uppföljare, by name (one query)."""
    memberships = (
        Membership.objects.filter(region=region, role__in=[Role.ADMIN, Role.UPPFOLJARE])
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return list({membership.user.pk: membership.user for membership in memberships if membership.user.is_active}.values())


def _check_owner(owner, region):
    if owner is None:
        return None
    if owner.pk not in {user.pk for user in case_owner_candidates(region)}:
        raise ValidationError({"owner": _("Välj någon i regionens uppföljningsteam.")})
    return owner


@transaction.atomic
def case_open(*, dialogue: Dialogue, user, category: str, reason: str, owner=None) -> Case:
    """Mark an indication for fördjupad uppföljning in the dialogue's summary: a case with status "indikation",
    owned by ``owner`` (the person marking it, by default). Marking the same indication twice (a double click)
    opens one case."""
    _check_team(user, dialogue)
    if dialogue.is_cancelled:
        raise CaseError(_("Dialogen är inställd."))
    if category not in CaseCategory.values:
        raise ValidationError({"category": _("Välj en kategori.")})
    reason = _text(reason, field="reason", max_length=CASE_REASON_MAX_LENGTH, empty_message=_("Skriv vad indikationen bygger på."))
    owner = _check_owner(owner or user, dialogue.clinic.region)
    Dialogue.objects.select_for_update().filter(pk=dialogue.pk).first()
    existing = Case.objects.filter(dialogue=dialogue, category=category, reason=reason).first()
    if existing is not None:
        return existing
    now = timezone.now()
    case = Case.objects.create(
        clinic=dialogue.clinic, dialogue=dialogue, category=category, reason=reason, owner=owner, opened_by=user,
        opened_at=now, updated_at=now,
    )
    opened = CaseEntry.objects.create(
        case=case, kind=CaseEntryKind.OPENED, text=reason, to_status=CaseStatus.INDIKATION, owner=owner, user=user,
        created_at=now, noted_on=timezone.localdate(now),
    )
    _notify_owner(opened, by=user)
    logger.info("Fördjupad uppföljning %s opened for dialogue %s by user %s", case.pk, dialogue.pk, user.pk)
    return case


@transaction.atomic
def case_transition(*, case: Case, user, status: str, note: str = "") -> Case:
    """Move the case to ``status``: one step on, one back, closed (with a note saying why) or reopened."""
    _check_team(user, case)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status == status:
        return locked  # pressed twice: already there
    if not locked.can_transition_to(status):
        raise CaseError(
            _("Ett ärende med status ”%(current)s” kan inte få status ”%(target)s”.")
            % {"current": locked.get_status_display(), "target": CaseStatus(status).label if status in CaseStatus.values else status}
        )
    note = (note or "").strip()
    if status == CaseStatus.AVSLUTAD:
        note = _text(note, field="note", max_length=CASE_NOTE_MAX_LENGTH, empty_message=_("Skriv varför uppföljningen avslutas."))
    elif note:
        note = _text(note, field="note", max_length=CASE_NOTE_MAX_LENGTH, empty_message="")
    now = timezone.now()
    CaseEntry.objects.create(
        case=locked, kind=CaseEntryKind.STATUS, text=note, from_status=locked.status, to_status=status, user=user,
        created_at=now, noted_on=timezone.localdate(now),
    )
    locked.status = status
    locked.closed_at = now if status == CaseStatus.AVSLUTAD else None
    locked.updated_at = now
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    return locked


@transaction.atomic
def case_owner_set(*, case: Case, user, owner) -> Case:
    _check_team(user, case)
    owner = _check_owner(owner, case.clinic.region)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.owner_id == getattr(owner, "pk", None):
        return locked
    now = timezone.now()
    locked.owner, locked.updated_at = owner, now
    locked.save(update_fields=["owner", "updated_at"])
    handed = CaseEntry.objects.create(
        case=locked, kind=CaseEntryKind.OWNER, owner=owner, user=user, created_at=now, noted_on=timezone.localdate(now)
    )
    _notify_owner(handed, by=user)
    return locked


@transaction.atomic
def case_note_add(*, case: Case, user, text: str, noted_on: date | None = None) -> CaseEntry:
    """A dated note in the case. The date (today by default) may lie up to a year back, never ahead."""
    _check_team(user, case)
    text = _text(text, field="text", max_length=CASE_NOTE_MAX_LENGTH, empty_message=_("Skriv anteckningen först."))
    today = timezone.localdate()
    noted_on = noted_on or today
    if noted_on > today:
        raise ValidationError({"noted_on": _("Datumet har inte kommit än.")})
    if noted_on < today - timedelta(days=NOTE_DAYS_BACK):
        raise ValidationError({"noted_on": _("Välj ett datum under det senaste året.")})
    now = timezone.now()
    last = case.entries.order_by("-created_at", "-pk").first()
    if last and last.kind == CaseEntryKind.NOTE and last.user_id == user.pk and last.text == text and last.noted_on == noted_on:
        return last  # the same note sent twice
    Case.objects.filter(pk=case.pk).update(updated_at=now)
    return CaseEntry.objects.create(case=case, kind=CaseEntryKind.NOTE, text=text, noted_on=noted_on, user=user, created_at=now)


@transaction.atomic
def case_document_delete(*, document: CaseDocument, user, reason: str = "") -> CaseEntry:
    """Remove a wrongly uploaded document from its case. The history keeps that it was there and who removed it,
    with the reason when one is given; the file itself is gone: its bytes live in the document's row, so they leave
    the database with the row when the transaction commits, and not before (a failure keeps both)."""
    case = document.case
    _check_team(user, case)
    reason = (reason or "").strip()
    if reason:
        reason = _text(reason, field="reason", max_length=CASE_NOTE_MAX_LENGTH, empty_message="")
    Case.objects.select_for_update().filter(pk=case.pk).first()
    name = document.name
    deleted, _rows = CaseDocument.objects.filter(pk=document.pk, case=case).delete()
    if not deleted:
        raise CaseError(_("Dokumentet är redan borttaget."))
    now = timezone.now()
    text = f"{name}\n{reason}" if reason else name
    entry = CaseEntry.objects.create(
        case=case, kind=CaseEntryKind.DOCUMENT_REMOVED, text=text, user=user, created_at=now, noted_on=timezone.localdate(now)
    )
    Case.objects.filter(pk=case.pk).update(updated_at=now)
    logger.info("Document %s (%s) removed from fördjupad uppföljning %s by user %s", document.pk, document.sha256[:12], case.pk, user.pk)
    return entry


@transaction.atomic
def case_document_add(*, case: Case, user, name: str, data: bytes) -> CaseDocument:
    """Keep an uploaded document with the case, once its type (by content) and size are checked. Raises
    ValidationError on "file" with the reason; the same file uploaded twice is kept once."""
    _check_team(user, case)
    try:
        name, kind = identify_document(name, data)
    except DocumentRefused as refused:
        raise ValidationError({"file": str(refused)}) from None
    Case.objects.select_for_update().filter(pk=case.pk).first()
    digest = hashlib.sha256(data).hexdigest()
    existing = CaseDocument.objects.filter(case=case, sha256=digest, name=name).defer("data").first()
    if existing is not None:
        return existing
    if CaseDocument.objects.filter(case=case).count() >= MAX_DOCUMENTS:
        raise ValidationError({"file": _("Ärendet har redan %(max)s dokument.") % {"max": MAX_DOCUMENTS}})
    now = timezone.now()
    document = CaseDocument.objects.create(
        case=case, name=name, content_type=kind.content_type, data=data, size=len(data), sha256=digest,
        uploaded_by=user, uploaded_at=now,
    )
    CaseEntry.objects.create(case=case, kind=CaseEntryKind.DOCUMENT, text=name, user=user, created_at=now, noted_on=timezone.localdate(now))
    Case.objects.filter(pk=case.pk).update(updated_at=now)
    return document
