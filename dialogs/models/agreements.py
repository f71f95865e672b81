"""Agreements (*överenskommelser*): what the clinic and the region agreed at the end of a dialogue ("Vad ska ni
jobba vidare med?"), as items that are followed until the next dialogue and beyond.

    Agreement           text, the 5P area it concerns, who owns it (one of the three parties), an optional due
      │                 date, a status (planerad, pågår, klar, utgår) and a revision number
      └─ AgreementChange  every change, dated: created, edited (before → after), a new status, a comment; made
                          between dialogues, at the follow-up video meeting, or on the day of a later dialogue

The follow-up team writes and edits agreements; clinic staff update the status and comment (between
dialogues). An edit names the revision it started from, as answers do (``dialogs.services.agreements``), so a
stale edit is refused with both texts instead of overwriting a colleague's. Every write goes through
``dialogs.services.agreements``; who may see what is decided in ``dialogs.access``.

The 5P area is stored as the key of the guide's top-level section (``p1`` … ``p5`` in SKR's guide), which every
version copied from it keeps, so an agreement made under one version is shown beside the same area's questions
under the next. Its heading is kept beside it for reading without the guide.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogs.models.dialogue import Dialogue, FollowUpMeeting, person_name
from dialogs.models.guide import KEY_MAX_LENGTH, Question
from organisations.models import Party

AGREEMENT_TEXT_MAX_LENGTH = 5_000
AGREEMENT_COMMENT_MAX_LENGTH = 5_000


class AgreementStatus(models.TextChoices):
    PLANERAD = "planerad", _("planerad")
    PAGAR = "pagar", _("pågår")
    KLAR = "klar", _("klar")
    UTGAR = "utgar", _("utgår")


# Agreements still to be worked on: carried forward to the next dialogue.
OPEN_AGREEMENT_STATUSES = (AgreementStatus.PLANERAD, AgreementStatus.PAGAR)


class Agreement(models.Model):
    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("uppföljningsdialog")
    )
    text = models.TextField(_("överenskommelse"))
    area = models.CharField(_("5P-område"), max_length=KEY_MAX_LENGTH, blank=True)  # a top-level section's key
    area_label = models.CharField(_("5P-område (rubrik)"), max_length=300, blank=True)
    owner = models.CharField(_("ansvarig"), max_length=16, choices=Party.choices, default=Party.VARDCENTRAL)
    due_date = models.DateField(_("klart senast"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.PLANERAD
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    # The answer the agreement was made from, when it was made with one click from an answer line.
    source_question = models.ForeignKey(Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("senast ändrad"), default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("överenskommelse")
        verbose_name_plural = _("överenskommelser")
        indexes = [models.Index(fields=["status"], name="agreement_status")]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_AGREEMENT_STATUSES

    @property
    def updated_by_name(self) -> str:
        return person_name(self.updated_by)

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < today

    def snapshot(self) -> dict:
        """What an edit may change, as kept in the history's before/after."""
        return {
            "text": self.text,
            "area": self.area,
            "area_label": self.area_label,
            "owner": self.owner,
            "due_date": self.due_date.isoformat() if self.due_date else "",
        }


class AgreementChangeKind(models.TextChoices):
    CREATED = "created", _("skapad")
    EDITED = "edited", _("ändrad")
    STATUS = "status", _("ny status")
    COMMENT = "comment", _("kommentar")


class AgreementChange(models.Model):
    """One dated change of an agreement. ``status`` is the agreement's status after the change, so the list of
    changes is also its status over time. A change made at the follow-up video meeting names the meeting; one
    made on the day of a later dialogue names that dialogue."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("ändring"), max_length=16, choices=AgreementChangeKind.choices)
    revision = models.PositiveIntegerField(_("revision"))
    before = models.JSONField(_("före"), default=dict, blank=True)
    after = models.JSONField(_("efter"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AgreementStatus.choices)
    comment = models.TextField(_("kommentar"), blank=True)
    follow_up_meeting = models.ForeignKey(
        FollowUpMeeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreement_changes"
    )
    reviewed_in = models.ForeignKey(
        Dialogue, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreement_reviews"
    )
    by_clinic = models.BooleanField(_("av vårdcentralen"), default=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("tidpunkt"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ändring av överenskommelse")
        verbose_name_plural = _("ändringar av överenskommelser")

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.kind} ({self.status})"

    @property
    def user_name(self) -> str:
        return person_name(self.user)
