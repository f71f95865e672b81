"""The region's retention rule (gallring): which closed dialogues are due, what removing them will remove (the dry
run), and removing exactly the dialogues an administrator confirmed after seeing it.

A dialogue is due ``years`` after it was closed: after its last change to "avslutad" or "inställd". Nothing is
removed from a dialogue that still has an open fördjupad uppföljning or open agreements: the dry run lists it with
the reason, and it waits. Every field is handled as its app declares it (``privacy.registry``):
- *Fritexten tas bort*: the declared free text and names are emptied, the histories of free text and uploaded
  documents are deleted, and e-mail about the dialogue goes from the outbox; the dialogue, its yes/no answers,
  categories and scores, the indicators and the shared feedback decks stay.
- *Hela dialogen raderas*: the dialogue and everything that belongs to it is deleted.
What was done to each dialogue is kept (``RetentionRecord``), with counts, after the dialogue itself is gone.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.deletion import ProtectedError
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogs.models import Agreement, Case, Dialogue, DialogueStatus, DialogueStatusChange
from dialogs.models.agreements import OPEN_AGREEMENT_STATUSES
from dialogs.models.cases import OPEN_CASE_STATUSES
from organisations.models import Region
from privacy import registry
from privacy.models import BatchStatus, RetentionBatch, RetentionMode, RetentionRecord, RetentionSettings

logger = logging.getLogger(__name__)

CLOSED_STATUSES = (DialogueStatus.AVSLUTAD, DialogueStatus.INSTALLD)
BATCH_LIMIT = 300  # dialogues shown and confirmed at a time (the oldest first); the rest come in the next round


class RetentionRefused(Exception):
    """A confirmation that cannot be carried out as it stands; the message says why, in the user's language."""


def settings_for(region: Region) -> RetentionSettings:
    return RetentionSettings.objects.filter(region=region).first() or RetentionSettings(region=region)


def cutoff(years: int, now: datetime.datetime) -> datetime.datetime:
    """``now`` less ``years`` calendar years (29 February becomes 28 February)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def _closed_at():
    latest = DialogueStatusChange.objects.filter(dialogue=OuterRef("pk"), to_status=OuterRef("status"))
    return Coalesce(Subquery(latest.order_by("-changed_at").values("changed_at")[:1]), "updated_at")


def due_dialogues(rule: RetentionSettings, *, now: datetime.datetime | None = None):
    """The region's closed dialogues whose time has come, oldest first, annotated with ``closed_at``."""
    if not rule.is_on:
        return Dialogue.objects.none()
    now = now or timezone.now()
    dialogues = (
        Dialogue.objects.filter(clinic__region_id=rule.region_id, status__in=CLOSED_STATUSES)
        .annotate(closed_at=_closed_at())
        .filter(closed_at__lte=cutoff(rule.years, now))
        .select_related("clinic")
        .order_by("closed_at", "pk")
    )
    if rule.mode == RetentionMode.FREE_TEXT:
        done = RetentionRecord.objects.filter(action=RetentionMode.FREE_TEXT, skipped="").values("dialogue_id")
        dialogues = dialogues.exclude(pk__in=done)
    return dialogues


@dataclass
class DueDialogue:
    dialogue: Dialogue
    blocker: str = ""
    removes: list[tuple[str, int]] = field(default_factory=list)  # (what, how many), for the dry run

    @property
    def label(self) -> str:
        return dialogue_label(self.dialogue)


@dataclass
class DryRun:
    """What applying the rule now would do: the dialogues it would touch and, for each, what it would remove."""

    rule: RetentionSettings
    dialogues: list[DueDialogue]
    more: int = 0  # due dialogues beyond this round

    @property
    def ready(self) -> list[DueDialogue]:
        return [item for item in self.dialogues if not item.blocker]

    @property
    def fingerprint(self) -> str:
        """Names exactly this list (which dialogues, what will be done): a confirmation must bring it back."""
        ids = ",".join(str(item.dialogue.pk) for item in self.ready)
        return hashlib.sha256(f"{self.rule.region_id}|{self.rule.mode}|{ids}".encode()).hexdigest()[:16]

    def totals(self) -> list[tuple[str, int]]:
        counted: dict[str, int] = defaultdict(int)
        for item in self.ready:
            for label, count in item.removes:
                counted[label] += count
        return sorted(counted.items())


def dialogue_label(dialogue: Dialogue) -> str:
    return f"{dialogue.clinic.name}, {dialogue.date:%Y-%m-%d}"


def _blockers(ids: list[int]) -> dict[int, str]:
    found = {}
    open_agreements = Agreement.objects.filter(dialogue_id__in=ids, status__in=OPEN_AGREEMENT_STATUSES)
    for pk in open_agreements.values_list("dialogue_id", flat=True).distinct():
        found[pk] = _("har överenskommelser som inte är klara")
    for pk in Case.objects.filter(dialogue_id__in=ids, status__in=OPEN_CASE_STATUSES).values_list("dialogue_id", flat=True):
        found[pk] = _("har en pågående fördjupad uppföljning")
    return found


def removal_counts(ids: list[int], mode: str) -> dict[int, list[tuple[str, int]]]:
    """Per dialogue, how many rows of each kind the rule removes (deletes, or empties) – one query per model."""
    counts: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for rule in registry.dialogue_rules():
        rows = rule.rows(ids)
        if mode == RetentionMode.FREE_TEXT:
            if not (rule.delete_rows or rule.blank):
                continue
            rows = rule.filled(rows)
        key = rule.group_key()
        for row in rows.order_by().values(key).annotate(count=Count("pk")):
            if row["count"]:
                counts[rule.dialogue_of(row[key])].append((rule.label, row["count"]))
    return counts


def dry_run(rule: RetentionSettings, *, now: datetime.datetime | None = None) -> DryRun:
    """The dry run: the due dialogues (``BATCH_LIMIT`` at most), why any must wait, and what each loses. Reads only."""
    due = due_dialogues(rule, now=now)
    dialogues = list(due[:BATCH_LIMIT])
    more = max(0, due.count() - len(dialogues)) if len(dialogues) == BATCH_LIMIT else 0
    ids = [dialogue.pk for dialogue in dialogues]
    blockers, counts = _blockers(ids), removal_counts(ids, rule.mode)
    items = [DueDialogue(dialogue, blockers.get(dialogue.pk, ""), counts.get(dialogue.pk, [])) for dialogue in dialogues]
    return DryRun(rule, items, more)


@transaction.atomic
def retention_settings_save(*, region: Region, user, years: int | None, mode: str) -> RetentionSettings:
    rule, _created = RetentionSettings.objects.select_for_update().get_or_create(region=region)
    rule.years, rule.mode, rule.updated_by = years, mode, user
    rule.save(update_fields=["years", "mode", "updated_by", "updated_at"])
    return rule


def retention_confirm(*, region: Region, user, fingerprint: str, now: datetime.datetime | None = None) -> RetentionBatch:
    """Confirm the dry run the administrator saw (named by its fingerprint): its ready dialogues become a batch that
    the worker applies after the commit. Refused when the list has changed since (someone else confirmed it, a
    dialogue was reopened, the rule changed) or holds nothing."""
    from privacy.tasks import retention_batch_apply

    with transaction.atomic():
        RetentionSettings.objects.select_for_update().filter(region=region).first()  # one confirmation at a time
        if RetentionBatch.objects.filter(region=region, status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]).exists():
            raise RetentionRefused(_("En gallring pågår redan i regionen. Vänta tills den är klar och titta sedan igen."))
        rule = settings_for(region)
        seen = dry_run(rule, now=now)
        if fingerprint != seen.fingerprint:
            raise RetentionRefused(
                _("Listan har ändrats sedan du tittade på den. Ingenting har gallrats; granska den nya listan.")
            )
        if not seen.ready:
            raise RetentionRefused(_("Det finns inga dialoger att gallra just nu."))
        batch = RetentionBatch.objects.create(
            region=region, mode=rule.mode, years=rule.years, confirmed_by=user,
            dialogue_ids=[item.dialogue.pk for item in seen.ready],
        )
        transaction.on_commit(lambda: retention_batch_apply.enqueue(batch.pk))
    logger.info("Retention confirmed in region %s: batch %s with %s dialogues", region.pk, batch.pk, len(batch.dialogue_ids))
    return batch


def retention_batch_run(*, batch: RetentionBatch, now: datetime.datetime | None = None) -> RetentionBatch:
    """Apply a confirmed batch, one dialogue per transaction. Only a queued batch is taken (one conditional
    UPDATE), so a task run twice, or the schedule's catch-up beside the worker, applies it once."""
    claimed = RetentionBatch.objects.filter(pk=batch.pk, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return RetentionBatch.objects.get(pk=batch.pk)
    batch.refresh_from_db()
    try:
        rule = RetentionSettings(region_id=batch.region_id, years=batch.years, mode=batch.mode)
        still_due = {dialogue.pk: dialogue for dialogue in due_dialogues(rule, now=now).filter(pk__in=batch.dialogue_ids)}
        blockers = _blockers(list(still_due))
        for pk in batch.dialogue_ids:
            _apply_one(batch, pk, still_due.get(pk), blockers.get(pk, ""))
    except Exception as error:
        logger.exception("Retention batch %s failed", batch.pk)
        RetentionBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )
        raise
    RetentionBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DONE, finished_at=timezone.now())
    batch.refresh_from_db()
    return batch


def _apply_one(batch: RetentionBatch, pk: int, dialogue: Dialogue | None, blocker: str) -> None:
    if dialogue is None or blocker:
        reason = blocker or _("är inte längre aktuell för gallring (öppnad igen, redan gallrad eller borttagen)")
        label = dialogue_label(dialogue) if dialogue else f"#{pk}"
        RetentionRecord.objects.create(batch=batch, dialogue_id=pk, label=label, action=batch.mode, skipped=reason)
        logger.info("Retention batch %s: dialogue %s skipped: %s", batch.pk, pk, reason)
        return
    with transaction.atomic():
        if batch.mode == RetentionMode.DELETE:
            removed = dialogue_delete(dialogue=dialogue)
        else:
            removed = dialogue_free_text_remove(dialogue=dialogue)
        RetentionRecord.objects.create(
            batch=batch, dialogue_id=pk, label=dialogue_label(dialogue), action=batch.mode, removed=removed
        )
    logger.info("Retention batch %s: dialogue %s (%s): %s %s", batch.pk, pk, dialogue_label(dialogue), batch.mode, removed)


def dialogue_free_text_remove(*, dialogue: Dialogue) -> dict[str, int]:
    """Empty the dialogue's declared free text and names and delete the declared rows (histories of free text,
    documents, its e-mail). Returns how many rows of each kind were touched."""
    removed: dict[str, int] = {}
    for rule in registry.dialogue_rules():
        rows = rule.rows([dialogue.pk])
        if rule.delete_rows:
            count = rows.count()
            if count:
                rows.delete()
        elif rule.blank:
            count = rule.filled(rows).count()
            for model_field in rule.blank:
                rows.exclude(registry.empty_filter(model_field)).update(**{model_field.name: registry.empty_value(model_field)})
        else:
            continue
        if count:
            removed[rule.label] = count
    return removed


def dialogue_delete(*, dialogue: Dialogue) -> dict[str, int]:
    """Delete the dialogue and everything that belongs to it (what points at it with PROTECT – agreements, cases,
    medskick, lessons – first, then the database cascades), and its e-mail in the outbox."""
    pk = dialogue.pk  # deleting the dialogue clears it
    counted = removal_counts([pk], RetentionMode.DELETE)
    for rule in registry.dialogue_rules():
        if rule.topic:
            rule.rows([dialogue.pk]).delete()
    protected_models = {rule.model for rule in registry.dialogue_rules()}
    for _attempt in range(10):
        try:
            with transaction.atomic():
                dialogue.delete()
            break
        except ProtectedError as error:
            blocking = [obj for obj in error.protected_objects if type(obj) in protected_models]
            if not blocking:
                raise
            for obj in blocking:
                obj.delete()
    return dict(counted.get(pk, []))
