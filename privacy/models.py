"""Personal data handled by the rules (issue 15 §3).

    RetentionSettings  one per region: how many years after a dialogue was closed it is kept whole, and what then
                       happens – its free text is removed (the dialogue, yes/no answers, categories, scores,
                       indicators and the shared decks stay) or the whole dialogue is deleted
    RetentionBatch     a list of dialogues an administrator confirmed after seeing the dry run, applied by the worker
      └─ RetentionRecord  what was done to one dialogue (kept after the dialogue itself is gone)
    PersonRemoval      a person who left, removed from the service: memberships ended, account deactivated, name
                       shown as "tidigare användare"

Which fields are personal data, and what the rule does with each, is declared by every app in
``<app>/personal_data.py`` (``common.personal_data``) and read by ``privacy.registry``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Region

YEARS_RANGE = (1, 50)


class RetentionMode(models.TextChoices):
    FREE_TEXT = "fritext", _("Fritexten tas bort")
    DELETE = "radera", _("Hela dialogen raderas")


class RetentionSettings(models.Model):
    """A region's retention rule. A region without one (or without ``years``) removes nothing."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="retention_settings")
    years = models.PositiveSmallIntegerField(
        _("år efter att dialogen avslutades"), null=True, blank=True,
        validators=[MinValueValidator(YEARS_RANGE[0]), MaxValueValidator(YEARS_RANGE[1])],
        help_text=_("Tomt: ingenting gallras. En dialog räknas som avslutad när den fick status avslutad eller inställd."),
    )
    mode = models.CharField(_("sedan"), max_length=16, choices=RetentionMode.choices, default=RetentionMode.FREE_TEXT)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(years__isnull=True) | models.Q(years__gte=YEARS_RANGE[0], years__lte=YEARS_RANGE[1]),
                name="retention_years_in_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.region)

    @property
    def is_on(self) -> bool:
        return self.years is not None


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("i kö")
    RUNNING = "running", _("pågår")
    DONE = "done", _("klar")
    FAILED = "failed", _("misslyckades")


class RetentionBatch(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="retention_batches")
    mode = models.CharField(_("åtgärd"), max_length=16, choices=RetentionMode.choices)
    years = models.PositiveSmallIntegerField(_("år"))
    dialogue_ids = models.JSONField(default=list)  # exactly the dialogues the administrator saw and confirmed
    status = models.CharField(_("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("bekräftad"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-confirmed_at", "-pk"]
        verbose_name = _("gallring")
        verbose_name_plural = _("gallringar")

    def __str__(self) -> str:
        return f"{self.region}: {self.get_mode_display()} ({len(self.dialogue_ids)})"


class RetentionRecord(models.Model):
    """What the rule did to one dialogue: kept after the dialogue is deleted, so it names it in words."""

    batch = models.ForeignKey(RetentionBatch, on_delete=models.CASCADE, related_name="records")
    dialogue_id = models.PositiveIntegerField(db_index=True)
    label = models.CharField(_("dialog"), max_length=300)  # "Björkdalens vårdcentral, 2024-03-12"
    action = models.CharField(_("åtgärd"), max_length=16, choices=RetentionMode.choices)
    removed = models.JSONField(default=dict)  # {"svar": 41, "ändringar av svar": 130, …}
    skipped = models.CharField(_("hoppades över"), max_length=300, blank=True)
    applied_at = models.DateTimeField(_("tidpunkt"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("gallrad dialog")
        verbose_name_plural = _("gallrade dialoger")


class PersonRemoval(models.Model):
    """A removed person. Their account is kept, deactivated and without name or address, so what they did still
    points at someone ("tidigare användare"); this row says when, by whom and what was done."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="privacy_removal"
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("borttagen"), default=timezone.now)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-removed_at", "-pk"]
        verbose_name = _("borttagen person")
        verbose_name_plural = _("borttagna personer")
