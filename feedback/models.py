"""The written feedback to a clinic after a follow-up dialogue (section 3.2.3 and Bilaga 3 of SKR's method).

    RegionTheme           the region's look of every deck: logo, two colours, a font (set by administrators)
    FeedbackReport        one per dialogue; the follow-up team's working draft
      ├─ FeedbackSection  one per Bilaga 3 heading (feedback/sections.py): points and links, in order
      ├─ FeedbackChart    the indicator charts the team chose, in order
      └─ SharedVersion    an immutable snapshot the clinic's staff read, numbered 1, 2, …
           ├─ SharedFile        the PPTX and PDF generated when it was shared (downloads return exactly these)
           ├─ ClinicComment     a comment by the clinic's staff on one section
           │    └─ TeamReply    the team's answer
           └─ Acknowledgement   "we have read it", by a member of the clinic's staff

The clinic only ever sees shared versions, never the draft; a version never changes once made. Every write
goes through ``feedback.services``; who may see what is decided in ``feedback.access``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dialogs.models.dialogue import Dialogue, person_name
from feedback.renderers.colours import INK, WHITE, contrast_ratio
from feedback.renderers.content import THEME_FONTS, Theme
from feedback.sections import SECTION_KEYS, SECTIONS_BY_KEY
from indicators.models import Indicator
from organisations.models import Membership, Region, Role

HEX_COLOUR_VALIDATOR = RegexValidator(r"^#[0-9A-Fa-f]{6}$", _("Ange färgen som #RRGGBB, t.ex. #1F4E79."))
LOGO_MAX_BYTES = 512 * 1024
# WCAG 2.1: headings in the primary colour on white are text (4.5:1); the secondary colour fills shapes and
# lines on white (3:1 for graphics), and text is written on it in white or black, whichever reads better.
PRIMARY_MIN_CONTRAST = 4.5
SECONDARY_MIN_CONTRAST = 3.0
TEXT_ON_FILL_MIN_CONTRAST = 4.5


class RegionTheme(models.Model):
    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="feedback_theme")
    primary_colour = models.CharField(
        _("huvudfärg"),
        max_length=7,
        default=Theme.primary,
        validators=[HEX_COLOUR_VALIDATOR],
        help_text=_("Rubriker och diagrammets första serie. Måste gå att läsa mot vit bakgrund (kontrast minst 4,5:1)."),
    )
    secondary_colour = models.CharField(
        _("komplementfärg"),
        max_length=7,
        default=Theme.secondary,
        validators=[HEX_COLOUR_VALIDATOR],
        help_text=_("Linjer och figurer. Kontrast minst 3:1 mot vit bakgrund."),
    )
    font = models.CharField(
        _("typsnitt"), max_length=40, choices=[(name, name) for name in THEME_FONTS], default=Theme.font
    )
    logo = models.BinaryField(_("logotyp"), blank=True, default=b"", editable=False)
    logo_name = models.CharField(_("logotypens filnamn"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("regionens utseende för återkoppling")
        verbose_name_plural = _("regionernas utseende för återkoppling")

    def __str__(self) -> str:
        return str(self.region)

    def clean(self) -> None:
        errors = {}
        if HEX_COLOUR_VALIDATOR.regex.match(self.primary_colour or ""):
            ratio = contrast_ratio(self.primary_colour, WHITE)
            if ratio < PRIMARY_MIN_CONTRAST:
                errors["primary_colour"] = _(
                    "Huvudfärgen har kontrasten %(ratio).1f:1 mot vitt; den behöver minst 4,5:1. Välj en mörkare färg."
                ) % {"ratio": ratio}
        if HEX_COLOUR_VALIDATOR.regex.match(self.secondary_colour or ""):
            ratio = contrast_ratio(self.secondary_colour, WHITE)
            text = max(contrast_ratio(self.secondary_colour, WHITE), contrast_ratio(self.secondary_colour, INK))
            if ratio < SECONDARY_MIN_CONTRAST or text < TEXT_ON_FILL_MIN_CONTRAST:
                errors["secondary_colour"] = _(
                    "Komplementfärgen har kontrasten %(ratio).1f:1 mot vitt; den behöver minst 3:1, och text på den "
                    "måste gå att läsa. Välj en mörkare färg."
                ) % {"ratio": ratio}
        if errors:
            raise ValidationError(errors)

    def as_theme(self) -> Theme:
        return Theme(
            primary=self.primary_colour,
            secondary=self.secondary_colour,
            font=self.font,
            logo=bytes(self.logo) or None,
            name=self.region.name,
        )


class FeedbackReportQuerySet(models.QuerySet):
    def for_user(self, user) -> "FeedbackReportQuerySet":
        """Reports the user may know of: all of the regions they follow up in, and their own clinic's once a
        version has been shared with it. The single definition of report visibility (feedback/access.py)."""
        if not user.is_authenticated:
            return self.none()
        team_regions = Membership.objects.filter(user=user, role__in=[Role.ADMIN, Role.UPPFOLJARE]).values("region_id")
        staff_clinics = Membership.objects.filter(user=user, role=Role.VARDCENTRAL).values("clinic_id")
        return self.filter(
            Q(dialogue__clinic__region_id__in=team_regions)
            | Q(dialogue__clinic_id__in=staff_clinics, versions__isnull=False)
        ).distinct()


class FeedbackReport(models.Model):
    dialogue = models.OneToOneField(
        Dialogue, on_delete=models.CASCADE, related_name="feedback_report", verbose_name=_("uppföljningsdialog")
    )
    title = models.CharField(_("rubrik"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the team last changed the draft's content; compared with the latest shared version.
    content_changed_at = models.DateTimeField(_("senast ändrad"))
    content_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = FeedbackReportQuerySet.as_manager()

    class Meta:
        ordering = ["-dialogue__date", "-pk"]
        verbose_name = _("återkoppling")
        verbose_name_plural = _("återkopplingar")

    def __str__(self) -> str:
        return f"{self.title} – {self.dialogue}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:report_detail", kwargs={"pk": self.pk})

    @property
    def changed_by_name(self) -> str:
        return person_name(self.content_changed_by)


class FeedbackSection(models.Model):
    """One Bilaga 3 heading of a report: its points (one per line) and its links, each list in order.
    ``revision`` counts saves, so two people editing the same section cannot overwrite each other unseen."""

    report = models.ForeignKey(FeedbackReport, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("avsnitt"), max_length=40, choices=[(key, key) for key in SECTION_KEYS])
    position = models.PositiveSmallIntegerField()
    items = models.JSONField(_("punkter"), default=list, blank=True)
    links = models.JSONField(_("länkar"), default=list, blank=True)  # [{"label": str, "url": str}]
    notes = models.TextField(_("talaranteckningar"), blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("avsnitt i återkopplingen")
        verbose_name_plural = _("avsnitt i återkopplingen")
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="feedback_section_unique_key")]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def definition(self):
        return SECTIONS_BY_KEY[self.key]

    @property
    def title(self) -> str:
        return str(self.definition.title)

    @property
    def figure(self) -> str:
        return self.definition.figure


class FeedbackChart(models.Model):
    report = models.ForeignKey(FeedbackReport, on_delete=models.CASCADE, related_name="charts")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indikator"))
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("diagram i återkopplingen")
        verbose_name_plural = _("diagram i återkopplingen")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="feedback_chart_unique_indicator")]


class SharedVersion(models.Model):
    """What the clinic was shown: the deck's content as JSON (``DeckContent.to_dict()``) and, in
    ``SharedFile``, the files generated from it. Never changed after it is made."""

    report = models.ForeignKey(FeedbackReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("innehåll"))
    message = models.TextField(_("meddelande till vårdcentralen"), blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shared_at = models.DateTimeField(_("delad"))

    class Meta:
        ordering = ["-number"]
        verbose_name = _("delad version")
        verbose_name_plural = _("delade versioner")
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="shared_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.report} – {_('version')} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:version_detail", kwargs={"pk": self.pk})

    @property
    def shared_by_name(self) -> str:
        return person_name(self.shared_by)


class DeckFormat(models.TextChoices):
    PPTX = "pptx", "PowerPoint"
    PDF = "pdf", "PDF"


CONTENT_TYPES = {
    DeckFormat.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    DeckFormat.PDF: "application/pdf",
}


class SharedFile(models.Model):
    """A generated file of a shared version, kept in the database with the version so that the two can never
    part (a rolled-back share leaves no file behind) and every version stays downloadable."""

    version = models.ForeignKey(SharedVersion, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=8, choices=DeckFormat.choices)
    data = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("fil")
        verbose_name_plural = _("filer")
        constraints = [models.UniqueConstraint(fields=["version", "format"], name="shared_file_unique_format")]


class ClinicComment(models.Model):
    version = models.ForeignKey(SharedVersion, on_delete=models.CASCADE, related_name="comments")
    section_key = models.CharField(_("avsnitt"), max_length=40)
    text = models.TextField(_("kommentar"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("skriven"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("kommentar från vårdcentralen")
        verbose_name_plural = _("kommentarer från vårdcentralen")

    def __str__(self) -> str:
        return f"{self.version} – {self.section_key}"

    @property
    def author_name(self) -> str:
        return person_name(self.author) or str(_("okänd"))


class TeamReply(models.Model):
    comment = models.ForeignKey(ClinicComment, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(_("svar"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("skrivet"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("svar från uppföljningsteamet")
        verbose_name_plural = _("svar från uppföljningsteamet")

    @property
    def author_name(self) -> str:
        return person_name(self.author) or str(_("okänd"))


class Acknowledgement(models.Model):
    """A member of the clinic's staff confirms having read a shared version."""

    version = models.ForeignKey(SharedVersion, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("kvitterad"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("kvittens")
        verbose_name_plural = _("kvittenser")
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="acknowledgement_unique_user")]

    @property
    def user_name(self) -> str:
        return person_name(self.user) or str(_("okänd"))
