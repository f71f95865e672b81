"""Queue e-mail in the outbox; the worker sends it once the queuing transaction has committed.

``message_queue`` is the only way the product sends e-mail. It renders the message in the recipient's
language now (so what was decided is what is sent, even if the data changes later) and stores it; after the
commit a task hands it to the mail server (``notifications.tasks``). Passing a ``dedupe_key`` makes the call
idempotent per recipient: pressing a button twice, two processes racing, or a periodic job running twice
queue one message.
"""

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape, linebreaks

from notifications import kinds
from notifications.headers import header_text, is_valid_address
from notifications.models import MessageStatus, NotificationSettings, OutboxAttachment, OutboxMessage

logger = logging.getLogger(__name__)


class InvalidRecipient(ValueError):
    """The address cannot receive e-mail (empty, malformed, or carrying a line break)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def language_for(user) -> str:
    """The language a person reads their e-mail in: their choice, else the site's default."""
    if user is None:
        return settings.LANGUAGE_CODE
    chosen = NotificationSettings.objects.filter(user=user).values_list("language", flat=True).first()
    return chosen or settings.LANGUAGE_CODE


def wants(user, kind: str) -> bool:
    """False only when the kind is optional and the person has turned it off."""
    if user is None or not kinds.get(kind).optional:
        return True
    muted = NotificationSettings.objects.filter(user=user).values_list("muted_kinds", flat=True).first() or []
    return kind not in muted


def absolute_url(path: str) -> str:
    """An address for a link in an e-mail: the site's public address (``SITE_URL``) and the path."""
    return f"{settings.SITE_URL}{path}"


def _dedupe_hash(key: str, address: str) -> str:
    return hashlib.sha256(f"{key}\n{address.lower()}".encode()).hexdigest()


def _render(template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Subject, text and HTML of ``<template>.subject.txt``, ``.txt`` and ``.html``, in ``language``.
    A kind without its own HTML gets its text, escaped and in paragraphs, in the common layout."""
    with translation.override(language):
        subject = header_text(render_to_string(f"{template}.subject.txt", context))
        text = render_to_string(f"{template}.txt", context).strip() + "\n"
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = render_to_string(
                "notifications/email/base.html", {**context, "subject": subject, "body": linebreaks(escape(text))}
            )
    return subject, text, html


def message_queue(
    *,
    kind: str,
    to: str,
    template: str,
    context: dict | None = None,
    user=None,
    language: str | None = None,
    topic: str = "",
    dedupe_key: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> OutboxMessage | None:
    """Queue one e-mail to ``to`` (a person, ``user``, or a plain address such as a clinic's).

    Returns the queued message, the one already queued under the same ``dedupe_key`` for this address, or
    None when the person has turned this optional kind off. Raises ``InvalidRecipient`` for an address that
    cannot receive e-mail; callers check addresses when the user enters them, so this is a last guard.
    """
    to = (to or "").strip(" ")
    if not is_valid_address(to):
        raise InvalidRecipient(to)
    if not wants(user, kind):
        return None
    language = language or language_for(user)
    dedupe = _dedupe_hash(dedupe_key, to) if dedupe_key else None
    if dedupe and (existing := OutboxMessage.objects.filter(dedupe_key=dedupe).first()):
        return existing
    subject, text, html = _render(
        template, {"site_url": settings.SITE_URL, "recipient": user, **(context or {})}, language
    )
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                kind=kind, topic=topic[:100], dedupe_key=dedupe, user=user, to=to, language=language,
                subject=subject, body_text=text, body_html=html,
            )
            OutboxAttachment.objects.bulk_create(
                OutboxAttachment(message=message, filename=header_text(item.filename, max_length=200),
                                 content_type=item.content_type, data=item.data)
                for item in attachments
            )
    except IntegrityError:
        if dedupe and (existing := OutboxMessage.objects.filter(dedupe_key=dedupe).first()):
            return existing  # a concurrent request queued it first
        raise
    transaction.on_commit(lambda: _enqueue(message.pk), robust=True)
    return message


def message_queue_many(*, recipients: Iterable, **kwargs) -> list[OutboxMessage]:
    """``message_queue`` for each person in ``recipients`` with an e-mail address (users, not addresses)."""
    queued = []
    for person in recipients:
        if person.email and person.is_active and is_valid_address(person.email):
            message = message_queue(to=person.email, user=person, **kwargs)
            if message is not None:
                queued.append(message)
    return queued


def _enqueue(message_id: int) -> None:
    from notifications.tasks import message_deliver  # tasks import services: import here to keep one direction

    message_deliver.enqueue(message_id)


# --- Delivery (called by the worker) ----------------------------------------------------------------------------

MAX_ATTEMPTS = 8
STALE_SENDING = timedelta(minutes=15)


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the n-th failed attempt: 2, 4, 8 … minutes, at most six hours."""
    return min(timedelta(minutes=2**attempts), timedelta(hours=6))


def _claim(message_id: int) -> bool:
    """Mark the message as being sent, if it is due and nobody else has it (one UPDATE: two workers never
    send the same message)."""
    now = timezone.now()
    return bool(
        OutboxMessage.objects.filter(pk=message_id, status__in=[MessageStatus.QUEUED, MessageStatus.RETRYING])
        .exclude(next_attempt_at__gt=now)
        .update(status=MessageStatus.SENDING, next_attempt_at=now)
    )


def _is_permanent(error: Exception) -> bool:
    """A refusal the mail server says will not change (SMTP 5xx for every recipient)."""
    import smtplib

    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(int(code) >= 500 for code, _reason in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500 and not isinstance(error, smtplib.SMTPSenderRefused)
    return False


def _email(message: OutboxMessage):
    from django.core.mail import EmailMultiAlternatives

    email = EmailMultiAlternatives(
        subject=header_text(message.subject), body=message.body_text, to=[message.to],
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments.all():
        email.attach(attachment.filename, bytes(attachment.data), attachment.content_type)
    return email


def message_deliver(*, message_id: int) -> str:
    """Send one message if it is due. A failure is recorded and retried later with back-off; after
    ``MAX_ATTEMPTS`` tries, or a permanent refusal, the message is kept as 'could not be sent'."""
    if not _claim(message_id):
        return OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True).first() or "missing"
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        _email(message).send()
    except Exception as error:  # noqa: BLE001 - whatever the mail server or network says is recorded
        attempts = message.attempts + 1
        gave_up = attempts >= MAX_ATTEMPTS or _is_permanent(error)
        message.attempts = attempts
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        message.status = MessageStatus.GAVE_UP if gave_up else MessageStatus.RETRYING
        message.next_attempt_at = None if gave_up else timezone.now() + retry_delay(attempts)
        message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        log = logger.error if gave_up else logger.warning
        log("E-mail %s (%s) to %s failed, attempt %s: %s", message.pk, message.kind, message.to, attempts, error)
        return message.status
    message.attempts += 1
    message.status = MessageStatus.SENT
    message.sent_at = timezone.now()
    message.last_error = ""
    message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return message.status


def due_message_ids(*, now=None, limit: int = 500) -> list[int]:
    """Messages to send now: queued ones whose task may have been lost (over a minute old), retries whose
    time has come, and messages left 'sending' by a worker that died (after ``STALE_SENDING``)."""
    now = now or timezone.now()
    stale = OutboxMessage.objects.filter(status=MessageStatus.SENDING, next_attempt_at__lt=now - STALE_SENDING)
    stale.update(status=MessageStatus.RETRYING, next_attempt_at=now)
    return list(
        OutboxMessage.objects.filter(
            status__in=[MessageStatus.QUEUED, MessageStatus.RETRYING], created_at__lte=now - timedelta(minutes=1)
        )
        .exclude(next_attempt_at__gt=now)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def messages_about(topic: str):
    """What went out about one object (e.g. ``dialogue:42``), newest first, for the people who sent it."""
    return OutboxMessage.objects.filter(topic=topic).select_related("user").order_by("-created_at", "-pk")


@transaction.atomic
def notification_settings_save(*, user, language: str, muted_kinds: Iterable[str]) -> NotificationSettings:
    allowed = {kind.key for kind in kinds.optional_kinds()}
    chosen, _created = NotificationSettings.objects.get_or_create(user=user)
    chosen.language = language
    chosen.muted_kinds = sorted(set(muted_kinds) & allowed)
    chosen.save(update_fields=["language", "muted_kinds", "updated_at"])
    return chosen
