"""The accessibility statement (tillgänglighetsredogörelse, lagen (2018:1937) om tillgänglighet till digital offentlig
service) and the reports people send through it.

The statement itself – how accessible the service is, its known shortcomings, how it was tested – is the same for
every installation and lives in the template (accessibility/templates/accessibility/statement.html) with its date in
``accessibility.statement``. What differs per region – who answers for the service and how to reach them – is
``StatementSettings``, which the region's administrators edit.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Region


class StatementSettings(models.Model):
    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="accessibility_statement")
    organisation = models.CharField(
        _("ansvarig organisation"),
        max_length=200,
        blank=True,
        help_text=_("Den som står bakom tjänsten i regionen, t.ex. ”Region Exempel, hälso- och sjukvårdsförvaltningen”."),
    )
    contact_email = models.EmailField(
        _("e-post för tillgänglighetsfrågor"),
        blank=True,
        help_text=_("Hit går rapporter om brister (utöver till regionens administratörer), och den visas i redogörelsen."),
    )
    contact_phone = models.CharField(_("telefon"), max_length=40, blank=True)
    published_on = models.DateField(_("tjänsten publicerades"), null=True, blank=True)
    updated_at = models.DateTimeField(_("uppdaterad"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tillgänglighetsredogörelse")
        verbose_name_plural = _("tillgänglighetsredogörelser")

    def __str__(self) -> str:
        return str(self.region)

    @property
    def organisation_name(self) -> str:
        return self.organisation or self.region.name


class ProblemReport(models.Model):
    """A report of an accessibility problem, from anyone (signed in or not), to the region's administrators."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="accessibility_reports",
                               verbose_name=_("region"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("inloggad som"))
    page = models.CharField(_("sida eller funktion"), max_length=500, blank=True)
    description = models.TextField(_("beskrivning"), max_length=5000)
    name = models.CharField(_("namn"), max_length=150, blank=True)
    email = models.EmailField(_("e-post för svar"), blank=True)
    # A keyed hash of the sender's address (never the address itself), to limit how often one sender may report.
    client = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(_("mottagen"), auto_now_add=True, db_index=True)
    handled_at = models.DateTimeField(_("hanterad"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("hanterad av"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rapport om tillgänglighet")
        verbose_name_plural = _("rapporter om tillgänglighet")

    def __str__(self) -> str:
        return f"{self.region}: {self.description[:60]}"
