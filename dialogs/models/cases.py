"""Fördjupad uppföljning: when a dialogue shows signs of serious problems – an indication of grave shortcomings
or a suspicion of irregularities (section 3.1.2 of SKR's method) – the team marks an indication in the summary,
and it becomes a case the region follows to its end.

    Case            the clinic, the dialogue it came from, a category and the reason, a status (indikation →
      │             utredning → åtgärdsplan → avslutad), an owner in the region's follow-up team
      ├─ CaseEntry     the case's history: opened, each status and owner change, and the team's dated notes
      └─ CaseDocument  an uploaded file (checked for type by its content and for size), kept in the database so
                       a download passes the same permission check as the page, as the feedback's files do

A case is seen only by the region's follow-up team and its administrators, never by clinic staff: to them it
does not exist (404 everywhere, absent from search, exports and the clinic's page). Every write goes through
``dialogs.services.cases``; who may see what is decided in ``dialogs.access``. The model is called ``Case`` as
the issue names it; modules that use it do not import ``django.db.models.Case``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from dialogs.models.dialogue import Dialogue, person_name
from organisations.models import Clinic, Membership, Role

CASE_REASON_MAX_LENGTH = 5_000
CASE_NOTE_MAX_LENGTH = 10_000


class CaseCategory(models.TextChoices):
    MISSFORHALLANDEN = "missforhallanden", _("indikation på allvarliga brister")
    OEGENTLIGHETER = "oegentligheter", _("misstanke om oegentligheter")
    PATIENTSAKERHET = "patientsakerhet", _("risk för patientsäkerheten")
    ANNAT = "annat", _("annat")


class CaseStatus(models.TextChoices):
    INDIKATION = "indikation", _("indikation")
    UTREDNING = "utredning", _("utredning")
    ATGARDSPLAN = "atgardsplan", _("åtgärdsplan")
    AVSLUTAD = "avslutad", _("avslutad")


C = CaseStatus
# Forward one step, closing from any open status (with a note saying why), one step back to correct a mistake,
# and reopening a closed case where it was investigated.
CASE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    C.INDIKATION: (C.UTREDNING, C.AVSLUTAD),
    C.UTREDNING: (C.ATGARDSPLAN, C.AVSLUTAD, C.INDIKATION),
    C.ATGARDSPLAN: (C.AVSLUTAD, C.UTREDNING),
    C.AVSLUTAD: (C.UTREDNING,),
}
OPEN_CASE_STATUSES = (C.INDIKATION, C.UTREDNING, C.ATGARDSPLAN)


class CaseQuerySet(models.QuerySet):
    def for_user(self, user) -> "CaseQuerySet":
        """Cases the user may see: those of the regions where they administer or follow up. Clinic staff see
        none, whatever their clinic. The single definition of case visibility (see dialogs/access.py)."""
        if not user.is_authenticated:
            return self.none()
        team_regions = Membership.objects.filter(user=user, role__in=[Role.ADMIN, Role.UPPFOLJARE]).values("region_id")
        return self.filter(clinic__region_id__in=team_regions)


class Case(models.Model):
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="follow_up_cases", verbose_name=_("vårdcentral")
    )
    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.PROTECT, related_name="cases", verbose_name=_("uppföljningsdialog")
    )
    category = models.CharField(_("kategori"), max_length=24, choices=CaseCategory.choices)
    reason = models.TextField(_("skäl"))
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=C.INDIKATION)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("ansvarig"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("öppnad"), default=timezone.now)
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    updated_at = models.DateTimeField(_("senast ändrad"), default=timezone.now)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("fördjupad uppföljning")
        verbose_name_plural = _("fördjupade uppföljningar")
        indexes = [models.Index(fields=["status", "opened_at"], name="case_status_opened")]

    def __str__(self) -> str:
        return f"{self.clinic.name}: {self.get_category_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES

    @property
    def owner_name(self) -> str:
        return person_name(self.owner)

    @property
    def next_statuses(self) -> list[CaseStatus]:
        return [CaseStatus(status) for status in CASE_TRANSITIONS.get(self.status, ())]

    def can_transition_to(self, status: str) -> bool:
        return status in CASE_TRANSITIONS.get(self.status, ())

    def age_days(self, today) -> int:
        """Days since the case was opened (until it was closed, for a closed case)."""
        end = timezone.localdate(self.closed_at) if self.closed_at else today
        return max(0, (end - timezone.localdate(self.opened_at)).days)

    def age_text(self, today) -> str:
        """The case's age in words: how long it has been open, or how long it was open once closed."""
        days = self.age_days(today)
        if self.closed_at:
            if not days:
                return gettext("avslutad samma dag som den öppnades")
            return ngettext("avslutad efter %(days)s dag", "avslutad efter %(days)s dagar", days) % {"days": days}
        if not days:
            return gettext("öppnad i dag")
        return ngettext("öppen i %(days)s dag", "öppen i %(days)s dagar", days) % {"days": days}


class CaseEntryKind(models.TextChoices):
    OPENED = "opened", _("indikation markerad")
    STATUS = "status", _("ny status")
    OWNER = "owner", _("ny ansvarig")
    NOTE = "note", _("anteckning")
    DOCUMENT = "document", _("dokument")
    DOCUMENT_REMOVED = "document_removed", _("dokument borttaget")


class CaseEntry(models.Model):
    """One line of a case's history. Notes carry the date they are about (``noted_on``), which may be earlier
    than the day they were written down."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("händelse"), max_length=16, choices=CaseEntryKind.choices)
    text = models.TextField(_("text"), blank=True)
    from_status = models.CharField(_("från"), max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("till"), max_length=16, choices=CaseStatus.choices, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    noted_on = models.DateField(_("datum"), default=timezone.localdate)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("tidpunkt"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("händelse i fördjupad uppföljning")
        verbose_name_plural = _("händelser i fördjupad uppföljning")

    @property
    def user_name(self) -> str:
        return person_name(self.user)

    @property
    def owner_name(self) -> str:
        return person_name(self.owner)


class CaseDocument(models.Model):
    """An uploaded document of a case, stored in the database with its checked type, size and checksum."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("filnamn"), max_length=200)
    content_type = models.CharField(_("filtyp"), max_length=120)
    data = models.BinaryField()
    size = models.PositiveIntegerField(_("storlek"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uppladdad"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("dokument i fördjupad uppföljning")
        verbose_name_plural = _("dokument i fördjupad uppföljning")

    def __str__(self) -> str:
        return self.name

    @property
    def uploaded_by_name(self) -> str:
        return person_name(self.uploaded_by)
