"""Archive exports (issue 15 §4): a region's closed dialogues of one year as one ZIP for the region's diarium or
e-archive, built by the worker with visible progress and kept for download for a limited time
(``settings.ARCHIVE_EXPORT_KEEP_HOURS``). A single closed dialogue is exported at once, without a row here.

The file lives under ``MEDIA_ROOT/archive/`` and is served only through the export's page, with the same access
check (the region's follow-up team and administrators)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Region


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("i kö")
    RUNNING = "running", _("pågår")
    DONE = "done", _("klar")
    FAILED = "failed", _("misslyckades")
    EXPIRED = "expired", _("inte längre sparad")


ACTIVE_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class ArchiveExport(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="archive_exports")
    year = models.PositiveSmallIntegerField(_("år"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("beställd"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)  # dialogues written so far
    total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("sparas till"), null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)  # under MEDIA_ROOT/archive/
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("arkivexport")
        verbose_name_plural = _("arkivexporter")

    def __str__(self) -> str:
        return f"{self.region} {self.year}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def progress(self) -> int:
        """Per cent of the dialogues written (100 when done)."""
        if self.status == ExportStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
