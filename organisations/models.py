"""Regions, their clinics (vårdcentraler) and who may do what in them.

Swedish domain words keep their Swedish names where English would blur them:
- *vårdcentral* (clinic): a primary-care clinic, identified nationally by its HSA-id.
- *beställarorganisation* (``Party.BESTALLARE``): the region's purchaser, which holds the clinic's contract.
- *utvecklingsavdelning* (``Party.UTVECKLING``): the region's development unit, which supports improvement.
- *regiform*: whether the region runs the clinic itself (offentlig) or a private provider does (privat).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Party(models.TextChoices):
    """The three parties that prepare and take part in a follow-up dialogue."""

    VARDCENTRAL = "vardcentral", _("Vårdcentral")
    BESTALLARE = "bestallare", _("Beställarorganisation")
    UTVECKLING = "utveckling", _("Utvecklingsavdelning")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administratör")
    UPPFOLJARE = "uppfoljare", _("Uppföljare")
    VARDCENTRAL = "vardcentral", _("Vårdcentralspersonal")


class Regiform(models.TextChoices):
    OFFENTLIG = "offentlig", _("Offentlig")
    PRIVAT = "privat", _("Privat")


class Region(models.Model):
    name = models.CharField(_("namn"), max_length=120, unique=True)
    code = models.CharField(
        _("regionkod"),
        max_length=4,
        blank=True,
        help_text=_("Tvåsiffrig länskod, t.ex. 01 för Stockholm; används för att känna igen regionen i datakällor."),
    )
    kolada_id = models.CharField(
        _("Kolada-id"), max_length=8, blank=True, help_text=_("Regionens id i Kolada, t.ex. 0001.")
    )
    password_sign_in = models.BooleanField(
        _("inloggning med lösenord"),
        default=True,
        help_text=_(
            "Av: regionens personer loggar bara in via regionens inloggningstjänst. Den som bara har roller i "
            "regioner där lösenord är avstängda kan inte logga in med lösenord."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regioner")

    def __str__(self) -> str:
        return self.name


class ClinicQuerySet(models.QuerySet):
    def for_user(self, user) -> "ClinicQuerySet":
        """Clinics the user may see: every clinic of a region where they administer or follow up, and the
        clinics where they work. The single definition of clinic visibility (see organisations/access.py)."""
        if not user.is_authenticated:
            return self.none()
        # Subqueries rather than joins with DISTINCT: at national scale (2,000 memberships) the joined form took
        # about 100 ms on SQLite for the start page's list of clinics; this one is under a millisecond.
        team_regions = Membership.objects.filter(user=user, role__in=[Role.ADMIN, Role.UPPFOLJARE]).values("region_id")
        staff_clinics = Membership.objects.filter(user=user, role=Role.VARDCENTRAL).values("clinic_id")
        return self.filter(Q(region_id__in=team_regions) | Q(pk__in=staff_clinics))


class Clinic(models.Model):
    """A vårdcentral. CNI and ACG are context for reading its data (chapter 4.1.2 of the SKR method)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="clinics", verbose_name=_("region"))
    name = models.CharField(_("namn"), max_length=200)
    hsa_id = models.CharField(
        _("HSA-id"), max_length=64, unique=True, help_text=_("Vårdcentralens HSA-id, t.ex. SE2321000016-ABCD.")
    )
    regiform = models.CharField(_("regiform"), max_length=16, choices=Regiform.choices, default=Regiform.OFFENTLIG)
    listed_patients = models.PositiveIntegerField(_("listade patienter"), null=True, blank=True)
    cni = models.DecimalField(
        _("CNI"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Care Need Index: socioekonomiskt vårdbehov hos de listade, där 1,00 är riksgenomsnittet."),
    )
    acg = models.DecimalField(
        _("ACG-vikt"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("ACG-casemix: de listades sjukdomsbörda, där 1,00 är regionens genomsnitt."),
    )
    street_address = models.CharField(_("gatuadress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=12, blank=True)
    city = models.CharField(_("ort"), max_length=100, blank=True)
    contact_email = models.EmailField(
        _("e-postadress för kontakt"),
        max_length=254,
        blank=True,
        help_text=_("Vårdcentralens gemensamma adress, t.ex. till verksamhetschefen. Förordet och ändrade tider skickas hit."),
    )
    external_ids = models.JSONField(
        _("externa id"),
        default=dict,
        blank=True,
        help_text=_("Id som datakällor använder för vårdcentralen, t.ex. {\"vis\": \"…\", \"kolada_ou\": \"…\"}."),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("vårdcentral")
        verbose_name_plural = _("vårdcentraler")

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        place = " ".join(part for part in [self.postal_code, self.city] if part)
        return ", ".join(part for part in [self.street_address, place] if part)

    @property
    def size_label(self) -> str:
        """A rough size class: small clinics need extra care with random variation (chapter 4.1.1)."""
        if self.listed_patients is None:
            return ""
        if self.listed_patients < 5000:
            return str(_("liten"))
        if self.listed_patients < 12000:
            return str(_("medelstor"))
        return str(_("stor"))


class MembershipQuerySet(models.QuerySet):
    def for_region(self, region) -> "MembershipQuerySet":
        return self.filter(region=region).select_related("user", "clinic", "region")


class Membership(models.Model):
    """Binds a user to a region with one role. A user may hold roles in several regions.

    - administratör: manages clinics, members and question templates of the region;
    - uppföljare: member of the follow-up team, for the beställarorganisation or the utvecklingsavdelning;
    - vårdcentralspersonal: works at one clinic and sees only that clinic.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("roll"), max_length=16, choices=Role.choices)
    party = models.CharField(_("part"), max_length=16, choices=Party.choices, blank=True)
    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_memberships",
        verbose_name=_("vårdcentral"),
    )
    title = models.CharField(_("befattning"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["region__name", "user__last_name", "user__first_name", "user__username"]
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(fields=["user", "region", "role"], name="membership_unique_role_per_region"),
            # Clinic staff always belong to one clinic and speak for the vårdcentral; nobody else has a clinic.
            models.CheckConstraint(
                condition=(Q(role=Role.VARDCENTRAL, clinic__isnull=False, party=Party.VARDCENTRAL))
                | (~Q(role=Role.VARDCENTRAL) & Q(clinic__isnull=True)),
                name="membership_clinic_only_for_staff",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.UPPFOLJARE) | Q(party__in=[Party.BESTALLARE, Party.UTVECKLING]),
                name="membership_uppfoljare_has_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.region})"

    @property
    def label(self) -> str:
        """Role as shown in the header, e.g. "Uppföljare, Beställarorganisation"."""
        if self.role == Role.UPPFOLJARE and self.party:
            return f"{self.get_role_display()}, {self.get_party_display()}"
        if self.role == Role.VARDCENTRAL and self.clinic_id:
            return f"{self.get_role_display()}, {self.clinic.name}"
        return str(self.get_role_display())


class HsaIdentity(models.Model):
    """A person's HSA-id (the national identity of health-care staff, e.g. SE2321000016-1234), by which the
    region's identity provider names them at sign-in. One per person, and no two people share one."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hsa_identity")
    hsa_id = models.CharField(_("HSA-id"), max_length=64, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("HSA-id för person")
        verbose_name_plural = _("HSA-id för personer")

    def __str__(self) -> str:
        return self.hsa_id


class NationalReader(models.Model):
    """A *nationell läsare*: someone who reads the learning report's aggregates across every region of the
    installation (e.g. at SKR or a national network of regions), and nothing else.

    Not a ``Membership``: a membership binds a person to one region, and a national reader belongs to none. Every
    region-scoped page therefore treats them as a person without a region (404 for regions' objects), and the only
    pages they reach are the national view and their own account. What they see there is pooled from at least
    three regions and holds no clinic-level text (see learning/). Granted by the installation's operators (Django
    admin or ``manage.py national_readers``), not by any region's administrator, since no region owns it.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="national_reader")
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, help_text=_("Var personen arbetar, t.ex. ”SKR”.")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nationell läsare")
        verbose_name_plural = _("nationella läsare")

    def __str__(self) -> str:
        return str(self.user)
