"""The region's follow-up programme around its dialogues (issue 12).

    CycleSettings   one per region: how often a clinic is followed up, when the letter goes out, the
                    deadline for preparations, when reminders go and when the feedback is due
    ClinicCycle     a clinic's own interval (a new clinic, or one under fördjupad uppföljning, sooner)
    CalendarFeed    a person's secret, revocable address of a calendar feed (.ics) of their dialogues
    ScheduledJob    the periodic jobs (send_reminders, outbox_deliver, …) run by ``manage.py run_schedule``

Reads of everything to the left (dialogues, feedback, the outbox) live in ``programme.selectors``; nothing
to the left imports this app.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Clinic, Region

INTERVAL_RANGE = (3, 60)  # months between two dialogues with a clinic
DUE_SOON_RANGE = (1, 12)
LETTER_WEEKS_RANGE = (1, 26)
PREPARATION_DAYS_RANGE = (1, 90)
FEEDBACK_DAYS_RANGE = (1, 90)
FOLLOW_UP_REMINDER_RANGE = (1, 30)


def _range(bounds: tuple[int, int]) -> list:
    return [MinValueValidator(bounds[0]), MaxValueValidator(bounds[1])]


class CycleSettings(models.Model):
    """How a region runs its programme. A region without a saved row uses the defaults below (an unsaved
    instance from ``programme.selectors.cycle_settings_for``)."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="cycle_settings")
    interval_months = models.PositiveSmallIntegerField(
        _("månader mellan två dialoger"), default=24, validators=_range(INTERVAL_RANGE),
        help_text=_("Hur ofta varje vårdcentral följs upp, t.ex. 12, 18 eller 24 månader."),
    )
    due_soon_months = models.PositiveSmallIntegerField(
        _("dags snart: månader före"), default=3, validators=_range(DUE_SOON_RANGE),
        help_text=_("En vårdcentral visas som ”dags snart” så här många månader innan nästa dialog ska hållas."),
    )
    letter_weeks_before = models.PositiveSmallIntegerField(
        _("förordet skickas, veckor före dialogen"), default=4, validators=_range(LETTER_WEEKS_RANGE)
    )
    preparation_days_before = models.PositiveSmallIntegerField(
        _("förberedelserna klara, dagar före dialogen"), default=7, validators=_range(PREPARATION_DAYS_RANGE),
        help_text=_("Sista dag för de tre parternas förberedelser."),
    )
    preparation_reminder_days_before = models.PositiveSmallIntegerField(
        _("påminnelse om förberedelser, dagar före dialogen"), default=10, validators=_range(PREPARATION_DAYS_RANGE),
        help_text=_("Den part som inte har förberett sig får en påminnelse så här många dagar före dialogen."),
    )
    feedback_due_days_after = models.PositiveSmallIntegerField(
        _("återkopplingen klar, dagar efter dialogen"), default=14, validators=_range(FEEDBACK_DAYS_RANGE)
    )
    follow_up_reminder_days_before = models.PositiveSmallIntegerField(
        _("påminnelse om uppföljningsmötet, dagar före"), default=3, validators=_range(FOLLOW_UP_REMINDER_RANGE)
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("uppföljningscykel")
        verbose_name_plural = _("uppföljningscykler")
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_months__gte=INTERVAL_RANGE[0], interval_months__lte=INTERVAL_RANGE[1]),
                name="cycle_interval_in_range",
            ),
            # The deadline lies before the day, and after the letter has gone out.
            models.CheckConstraint(
                condition=Q(preparation_days_before__lt=models.F("letter_weeks_before") * 7),
                name="cycle_deadline_after_letter",
            ),
            models.CheckConstraint(
                condition=Q(preparation_reminder_days_before__gte=models.F("preparation_days_before")),
                name="cycle_reminder_before_deadline",
            ),
        ]

    def __str__(self) -> str:
        return str(self.region)

    @property
    def letter_days_before(self) -> int:
        return self.letter_weeks_before * 7


class ClinicCycle(models.Model):
    """A clinic followed up at its own interval instead of the region's (with the reason, for the team)."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="cycle")
    interval_months = models.PositiveSmallIntegerField(_("månader mellan två dialoger"), validators=_range(INTERVAL_RANGE))
    reason = models.CharField(
        _("skäl"), max_length=300, help_text=_("T.ex. ”ny vårdcentral” eller ”fördjupad uppföljning”.")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vårdcentralens egen cykel")
        verbose_name_plural = _("vårdcentralernas egna cykler")
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_months__gte=INTERVAL_RANGE[0], interval_months__lte=INTERVAL_RANGE[1]),
                name="clinic_cycle_interval_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinic}: {self.interval_months}"


class CalendarFeed(models.Model):
    """A person's calendar feed. The token in the address is the only key (calendar programs cannot sign in),
    so it is long and random; revoking deletes the row, and the old address answers 404 from then on. It is
    kept as it is rather than hashed: it opens nothing but a read-only copy of what the database holds anyway,
    and the person needs to be able to copy the address again."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kalenderflöde")
        verbose_name_plural = _("kalenderflöden")

    def __str__(self) -> str:
        return str(self.user)


class ScheduledJob(models.Model):
    """One periodic job of ``run_schedule``. A scheduler runs a job only after claiming it with one conditional
    UPDATE of ``next_run_at``, so two schedulers (or two machines) never run the same job at the same time."""

    name = models.CharField(max_length=64, unique=True)
    next_run_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_output = models.TextField(blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("schemalagt jobb")
        verbose_name_plural = _("schemalagda jobb")

    def __str__(self) -> str:
        return self.name
