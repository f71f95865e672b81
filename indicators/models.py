"""The indicator library (data sources and indicators) and the observed values, imported in batches.

Scope of the library: a ``DataSource`` or ``Indicator`` with ``region = NULL`` is *shared* – the national
library shipped with the product (``indicators/content.py``), the same for every region, because the codes
and definitions belong to national sources (Vården i siffror, Kolada, the registries) and region and
country values are compared across regions. A region's administrators add *their own* sources and
indicators (``region`` set), which only that region sees and edits. Shared entries are maintained through
the shipped content and Django's admin, never by one region's administrator, so no region can change what
another region reads.

Observations are the values: one per indicator, unit (a clinic, a region or the whole country), period and
sex. Values a source masks or lacks keep a status and no value – never zero (DESIGN.md, "Decisions").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext, ngettext

from organisations.models import Clinic, Region


class LibraryQuerySet(models.QuerySet):
    def for_region(self, region: Region | None):
        """Shared entries plus the region's own."""
        if region is None:
            return self.filter(region__isnull=True)
        return self.filter(Q(region__isnull=True) | Q(region=region))


class DataSource(models.Model):
    name = models.CharField(_("namn"), max_length=120)
    slug = models.SlugField(_("kortnamn"), max_length=60, unique=True)
    description = models.TextField(_("beskrivning"), blank=True)
    url = models.URLField(_("webbadress"), blank=True)
    coverage_note = models.TextField(
        _("täckning"),
        blank=True,
        help_text=_("Vilka vårdcentraler som finns med och hur komplett registreringen är."),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="data_sources",
        verbose_name=_("region"),
        help_text=_("Tom för källor i det gemensamma biblioteket."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("datakälla")
        verbose_name_plural = _("datakällor")

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.region_id is None


class Unit(models.TextChoices):
    PERCENT = "percent", _("andel (%)")
    COUNT = "count", _("antal")
    RATE_PER_1000 = "rate_per_1000", _("per 1 000")
    DAYS = "days", _("dagar")
    INDEX = "index", _("index/poäng")
    AMOUNT = "amount", _("kronor")


class Polarity(models.TextChoices):
    """Whether a higher value is better. Prevalence-type measures get no judgement (chapter 4.1.4): a high
    figure may mean good case finding or overdiagnosis."""

    HIGHER_BETTER = "higher_better", _("högre är bättre")
    LOWER_BETTER = "lower_better", _("lägre är bättre")
    NO_JUDGEMENT = "no_judgement", _("ingen värdering")


class Indicator(models.Model):
    code = models.CharField(
        _("kod"), max_length=60, help_text=_("Koden som källan använder, t.ex. U71451 i Kolada.")
    )
    name = models.CharField(_("namn"), max_length=255)
    source = models.ForeignKey(
        DataSource, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("datakälla")
    )
    unit = models.CharField(_("enhet"), max_length=16, choices=Unit.choices, default=Unit.PERCENT)
    numerator_definition = models.TextField(_("täljare"), blank=True)
    denominator_definition = models.TextField(_("nämnare"), blank=True)
    polarity = models.CharField(_("riktning"), max_length=16, choices=Polarity.choices, default=Polarity.HIGHER_BETTER)
    target = models.FloatField(_("målnivå"), null=True, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("region"),
        help_text=_("Tom för indikatorer i det gemensamma biblioteket."),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(region__isnull=True), name="indicator_shared_code"),
            models.UniqueConstraint(
                fields=["region", "code"], condition=Q(region__isnull=False), name="indicator_region_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_shared(self) -> bool:
        return self.region_id is None

    @property
    def is_proportion(self) -> bool:
        return self.unit == Unit.PERCENT


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("i kö")
    RUNNING = "running", _("pågår")
    PREVIEWED = "previewed", _("granskad, väntar på bekräftelse")
    DONE = "done", _("klar")
    FAILED = "failed", _("misslyckades")
    ROLLED_BACK = "rolled_back", _("återställd")
    ROLLING_BACK = "rolling_back", _("återställs")


class ImportStage(models.TextChoices):
    """The step a running import (or rollback) is on, named on the batch page while it works."""

    READ = "read", _("Läser filen…")
    MATCH = "match", _("Matchar indikatorer och enheter…")
    COMPARE = "compare", _("Jämför med lagrade värden…")
    WRITE = "write", _("Skriver värdena…")
    # Where nothing can be reported from inside the import's transaction (PostgreSQL inside a transaction someone
    # else opened, e.g. the management command's), comparing and writing are one stage of unknown length.
    COMPARE_WRITE = "compare_write", _("Jämför med lagrade värden och skriver ändringarna…")
    ROLLBACK = "rollback", _("Återställer värdena…")


# Stages whose length cannot be measured: the page shows an indeterminate bar rather than one standing still.
UNMEASURED_STAGES = {ImportStage.COMPARE_WRITE}


class ImportBatch(models.Model):
    """One uploaded file and what importing it did: provenance for every observation it wrote.

    Life cycle: an upload is *queued* for a dry run; the dry run (*running*) ends *previewed* with counts
    and row errors; the administrator confirms and it is *queued*/*running* again, ending *done* or
    *failed*; a done batch can be *rolled back* (a large one is *rolling back* in the worker first). Work
    whose worker died is found by ``indicators.imports.jobs.recovery``: an import or dry run then ends *failed* (and can
    be started again), a rollback *done* again (and can be asked for again).
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="import_batches", verbose_name=_("region"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="import_batches",
        verbose_name=_("importerad av"),
    )
    file = models.FileField(_("fil"), upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("filnamn"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("storlek (byte)"), default=0)
    checksum = models.CharField(_("kontrollsumma (SHA-256)"), max_length=64, db_index=True)
    format = models.CharField(_("format"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    valid_rows_only = models.BooleanField(_("bara giltiga rader"), default=False)
    confirmed_at = models.DateTimeField(_("bekräftad"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("förlopp (%)"), default=0)
    stage = models.CharField(_("steg"), max_length=16, choices=ImportStage.choices, blank=True)
    # While values are written (an import) or put back (a rollback): how many so far, of how many, since when;
    # the page shows them with an estimate of the time left (indicators.imports.jobs.progress).
    rows_written = models.PositiveBigIntegerField(_("skrivna värden"), default=0)
    rows_to_write = models.PositiveBigIntegerField(_("värden att skriva"), default=0)
    write_started_at = models.DateTimeField(_("skrivningen startade"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("rader i filen"), default=0)
    added_count = models.PositiveIntegerField(_("nya"), default=0)
    changed_count = models.PositiveIntegerField(_("ändrade"), default=0)
    unchanged_count = models.PositiveIntegerField(_("oförändrade"), default=0)
    removed_count = models.PositiveIntegerField(_("borttagna"), default=0)
    rejected_count = models.PositiveIntegerField(_("avvisade"), default=0)
    error_count = models.PositiveIntegerField(_("fel"), default=0)
    error_report = models.JSONField(
        _("felrapport"), default=list, blank=True, help_text=_("Radfel: [{line, column, message}], högst 1 000.")
    )
    message = models.TextField(_("meddelande"), blank=True)
    created_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)
    # When the batch was last handed to the worker (uploaded, confirmed, rollback asked for, started again):
    # how long it may wait for its task to be picked up before it counts as interrupted (indicators.imports.jobs.recovery).
    queued_at = models.DateTimeField(_("köad"), null=True, blank=True)
    interrupted_at = models.DateTimeField(_("avbruten"), null=True, blank=True)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    rolled_back_at = models.DateTimeField(_("återställd"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("återställd av"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("importer")

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("indicators:batch_detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        """Work is pending or under way: the page polls for progress."""
        return self.status in (BatchStatus.QUEUED, BatchStatus.RUNNING, BatchStatus.ROLLING_BACK)

    @property
    def progress_is_measured(self) -> bool:
        """False while the batch is on a stage whose progress cannot be told (see UNMEASURED_STAGES), or
        rolling back before the rollback has counted what it puts back."""
        if self.status == BatchStatus.ROLLING_BACK:
            return self.stage == ImportStage.ROLLBACK and self.rows_to_write > 0
        return self.stage not in UNMEASURED_STAGES

    @property
    def stage_label(self) -> str:
        """What the running batch is doing, in words ("Skriver 12 000 värden…")."""
        if self.status == BatchStatus.ROLLING_BACK:
            if self.progress_is_measured:
                return gettext("Återställer %(written)s av %(total)s värden…") % self._rows_done()
            return gettext("Återställer värdena…")
        if not self.is_active or not self.stage:
            return ""
        if self.stage == ImportStage.WRITE and self.rows_to_write:
            return gettext("Skriver %(written)s av %(total)s värden…") % self._rows_done()
        if self.stage == ImportStage.WRITE:
            count = self.added_count + self.changed_count + self.removed_count
            return ngettext("Skriver %(count)s värde…", "Skriver %(count)s värden…", count) % {
                "count": number_format(count, force_grouping=True)
            }
        return str(ImportStage(self.stage).label)

    def _rows_done(self) -> dict:
        return {
            "written": number_format(self.rows_written, force_grouping=True),
            "total": number_format(self.rows_to_write, force_grouping=True),
        }

    @property
    def seconds_left(self) -> int | None:
        """An estimate of the write's time left, from its pace so far; None before there is one."""
        if not (self.is_active and self.write_started_at and 0 < self.rows_written < self.rows_to_write):
            return None
        elapsed = (timezone.now() - self.write_started_at).total_seconds()
        return max(1, round(elapsed / self.rows_written * (self.rows_to_write - self.rows_written)))

    @property
    def time_left_label(self) -> str:
        """"cirka 40 sekunder kvar", "cirka 3 minuter kvar", or "" without an estimate."""
        seconds = self.seconds_left
        if seconds is None:
            return ""
        if seconds < 90:
            return ngettext("cirka %(count)s sekund kvar", "cirka %(count)s sekunder kvar", seconds) % {"count": seconds}
        minutes = round(seconds / 60)
        return ngettext("cirka %(count)s minut kvar", "cirka %(count)s minuter kvar", minutes) % {"count": minutes}

    @property
    def can_confirm(self) -> bool:
        return self.status == BatchStatus.PREVIEWED

    @property
    def can_roll_back(self) -> bool:
        return self.status == BatchStatus.DONE

    @property
    def can_restart(self) -> bool:
        """An import or dry run whose worker stopped before it finished wrote nothing: it may simply run again
        from the stored file. (A failure for a reason in the file would only fail again.)"""
        return self.status == BatchStatus.FAILED and self.interrupted_at is not None

    @property
    def waiting_since(self):
        """When the batch was handed to the worker (rows from before ``queued_at`` fall back to older times)."""
        return self.queued_at or self.confirmed_at or self.created_at

    @property
    def rollback_rows(self) -> int:
        """How many observations a rollback of the batch deletes or restores."""
        return self.added_count + self.changed_count + self.removed_count

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0


class UnitKind(models.TextChoices):
    CLINIC = "clinic", _("vårdcentral")
    REGION = "region", _("region")
    NATION = "nation", _("riket")


class Granularity(models.TextChoices):
    YEAR = "year", _("år")
    HALF = "half", _("halvår")
    QUARTER = "quarter", _("kvartal")
    MONTH = "month", _("månad")


class Sex(models.TextChoices):
    TOTAL = "T", _("totalt")
    WOMEN = "K", _("kvinnor")
    MEN = "M", _("män")


class ObservationStatus(models.TextChoices):
    OK = "ok", _("värde finns")
    UNKNOWN = "unknown", _("okänt (UNK)")
    MASKED = "masked", _("maskerat, för få fall (MSK)")
    INVALID = "invalid", _("ogiltigt (INV)")
    MISSING = "missing", _("saknas")


# The columns that identify an observation, per kind of unit; also the three partial unique indexes, which
# guard the importer's bulk inserts (the importer itself matches rows to stored ones in memory,
# indicators/imports.py). Partial indexes keep the key NULL-safe on SQLite and PostgreSQL alike (clinic_id or
# region_id is NULL depending on the unit).
OBSERVATION_PERIOD_KEY = ["indicator", "period_start", "period_end", "sex"]

# Observations are written millions at a time by the import's bulk layer (indicators/bulk.py), which only
# ever writes ids it has just looked up. Their foreign keys therefore have no database constraint and no extra
# index: PostgreSQL would otherwise fire one integrity trigger per key per row at commit, which alone took
# longer than the rest of a national import. Deleting a clinic, region or indicator still cascades or is
# protected by Django (``on_delete``), and the unique indexes below lead with clinic or owner for lookups.
_BULK_FK = {"db_constraint": False, "db_index": False}


class Observation(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="observations", verbose_name=_("indikator"), **_BULK_FK
    )
    unit_kind = models.CharField(_("enhetstyp"), max_length=8, choices=UnitKind.choices)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, null=True, blank=True, related_name="observations", **_BULK_FK
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, related_name="observations", **_BULK_FK
    )
    period_start = models.DateField(_("periodens början"))
    period_end = models.DateField(_("periodens slut"))
    granularity = models.CharField(_("periodtyp"), max_length=8, choices=Granularity.choices)
    sex = models.CharField(_("kön"), max_length=1, choices=Sex.choices, default=Sex.TOTAL)
    value = models.FloatField(_("värde"), null=True, blank=True)
    numerator = models.FloatField(_("täljare"), null=True, blank=True)
    denominator = models.FloatField(_("nämnare"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=ObservationStatus.choices, default=ObservationStatus.OK)
    # Whose data this is: the region that imported it (for a clinic, the clinic's own region). A region's or
    # the country's value is a benchmark, and each region keeps its own copy of the benchmarks it imports, so
    # one region's import or rollback never changes what another region sees.
    owner = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("ägare (region)"), **_BULK_FK
    )
    # Rolling a batch back deletes by batch: one sequential scan, cheaper overall than an index that every
    # imported row would have to update.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="observations", verbose_name=_("import"), **_BULK_FK
    )

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observationer")
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", *OBSERVATION_PERIOD_KEY],
                condition=Q(clinic__isnull=False),
                name="observation_unique_clinic",
            ),
            models.UniqueConstraint(
                fields=["owner", "region", *OBSERVATION_PERIOD_KEY],
                condition=Q(region__isnull=False),
                name="observation_unique_owner_region",
            ),
            models.UniqueConstraint(
                fields=["owner", *OBSERVATION_PERIOD_KEY],
                condition=Q(unit_kind="nation"),
                name="observation_unique_owner_nation",
            ),
            models.CheckConstraint(
                condition=Q(unit_kind="clinic", clinic__isnull=False, region__isnull=True)
                | Q(unit_kind="region", clinic__isnull=True, region__isnull=False)
                | Q(unit_kind="nation", clinic__isnull=True, region__isnull=True),
                name="observation_one_unit",
            ),
            # A value only when the source gave one: masked or missing values are never stored as 0.
            models.CheckConstraint(
                condition=Q(status="ok", value__isnull=False) | (~Q(status="ok") & Q(value__isnull=True)),
                name="observation_value_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.unit_label} {self.period_start:%Y-%m} {self.sex}: {self.value}"

    @property
    def unit_label(self) -> str:
        if self.unit_kind == UnitKind.CLINIC:
            return str(self.clinic) if self.clinic_id else ""
        if self.unit_kind == UnitKind.REGION:
            return str(self.region) if self.region_id else ""
        return str(_("Riket"))

    @property
    def period_label(self) -> str:
        """The period as Swedish sources write it: 2023, 2023 jan-jun, 2023 kv 2, 2023-05."""
        year = self.period_start.year
        month = self.period_start.month
        if self.granularity == Granularity.YEAR:
            return str(year)
        if self.granularity == Granularity.HALF:
            return f"{year} jan-jun" if month == 1 else f"{year} jul-dec"
        if self.granularity == Granularity.QUARTER:
            return f"{year} kv {(month - 1) // 3 + 1}"
        return f"{year}-{month:02d}"

    @property
    def has_value(self) -> bool:
        return self.status == ObservationStatus.OK and self.value is not None


class ObservationChange(models.Model):
    """What an import replaced: the previous state of every observation a batch changed or removed, so that
    rolling the batch back restores it exactly. Observations a batch *added* need no record: they carry the
    batch and disappear with it."""

    class Action(models.TextChoices):
        CHANGED = "changed", _("ändrad")
        REMOVED = "removed", _("borttagen")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes", db_constraint=False)
    action = models.CharField(max_length=8, choices=Action.choices)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+", **_BULK_FK)
    unit_kind = models.CharField(max_length=8, choices=UnitKind.choices)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, null=True, related_name="+", **_BULK_FK)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, related_name="+", **_BULK_FK)
    period_start = models.DateField()
    period_end = models.DateField()
    granularity = models.CharField(max_length=8, choices=Granularity.choices)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    value = models.FloatField(null=True)
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    status = models.CharField(max_length=8, choices=ObservationStatus.choices)
    previous_batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="superseded_by", db_constraint=False
    )

    class Meta:
        verbose_name = _("ersatt observation")
        verbose_name_plural = _("ersatta observationer")
