"""Outgoing e-mail, kept in the database until the worker has handed it to the mail server.

The ground floor of the project (DESIGN.md): every app may queue a message here, none is imported by it.
A message is rendered when it is queued, inside the transaction of the action that caused it, and leaves
only after that transaction commits, through the worker (``notifications.tasks.message_deliver``). A mail
server that refuses or is away never breaks or repeats the saved action: the message stays here, is retried
with back-off and shows its state to the people who sent it.
"""

import ast
import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


# smtplib's errors print as "(550, b'5.1.1 …')", alone or inside a dict of refused recipients.
_SMTP_REPLY = re.compile(r"\((\d{3}), (b'(?:[^'\\]|\\.)*'|b\"(?:[^\"\\]|\\.)*\")\)")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("i kö")
    SENDING = "sending", _("skickas")
    SENT = "sent", _("skickat")
    RETRYING = "retrying", _("misslyckades, försöker igen")
    GAVE_UP = "gave_up", _("kunde inte skickas")


class OutboxMessage(models.Model):
    """One e-mail to one recipient.

    ``kind`` names what the message is for (e.g. ``feedback.shared``), ``topic`` the object it is about
    (e.g. ``dialogue:42``) so a page can show what went out about it, when and to whom. ``dedupe_key``,
    when given, is unique: the same key never queues a second message, however often a button is pressed.
    """

    kind = models.CharField(_("slag"), max_length=64)
    topic = models.CharField(_("gäller"), max_length=100, blank=True, db_index=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to = models.EmailField(_("mottagare"), max_length=254)
    language = models.CharField(_("språk"), max_length=8)
    subject = models.CharField(_("ämne"), max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("senaste fel"), blank=True)
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-post")
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                name="outbox_due",
                condition=Q(status__in=["queued", "sending", "retrying"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"

    @property
    def is_final(self) -> bool:
        return self.status in {MessageStatus.SENT, MessageStatus.GAVE_UP}

    @property
    def error_reason(self) -> str:
        """``last_error`` as a person reads it: the mail server's reply code and text (``550 5.1.1 Okänd
        mottagare``) where smtplib recorded them as a bytes literal, else the error as recorded."""
        match = _SMTP_REPLY.search(self.last_error)
        if match is None:
            return self.last_error
        try:
            text = ast.literal_eval(match.group(2)).decode("utf-8", errors="replace")
        except (ValueError, SyntaxError):
            return self.last_error
        return f"{match.group(1)} {text}"


class OutboxAttachment(models.Model):
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField()

    class Meta:
        ordering = ["pk"]


class NotificationSettings(models.Model):
    """A person's choices for e-mail: the language of their messages and the optional kinds they turned off.
    A person without a row gets every kind, in the site's default language."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings")
    language = models.CharField(_("språk för e-post"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    muted_kinds = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("e-postinställningar")
        verbose_name_plural = _("e-postinställningar")
