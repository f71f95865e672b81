"""The dialogue guide (*dialogstöd*): the questions a follow-up team asks on the day, as versioned templates.

A ``Guide`` belongs to a region (or, with no region, is the national default shipped with the product, SKR's
2021 guide). It has ``GuideVersion``s; a version is an ordered tree:

    agenda blocks (time slot, title, participants, the sections walked through)
    sections (P1–P5, Sammanfattning, Återkoppling, optional modules such as Levnadsvanor)
      └─ sub-sections (e.g. P4 "Patientsäkerhet")
           └─ questions (answer kind, labelled choices or numbered prompts, help)
                ├─ follow-up questions (*fördjupningsfrågor*, Bilaga 4)
                └─ data-source hints (*datakällor*, Bilaga 4)

A version is a draft until published; a published version never changes (dialogues pin it and their answers
point at its questions), it can only be retired, which hides it from new dialogues. Every write goes through
``dialogs.services.guide``, whose single guard refuses any change to a version that is not a draft.

``key``s of agenda blocks, sections and questions are stable slugs: copied into the next draft, carried in the
JSON exchange format, and what the comparison of two versions matches on.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Region

KEY_MAX_LENGTH = 100


class GuideVersionLocked(PermissionDenied):
    """Raised when something tries to change a version that is not a draft. Being a PermissionDenied, an
    unhandled one still answers 403; the editor's views turn it into 409 Conflict with an explanation."""


class GuideQuerySet(models.QuerySet):
    def national(self) -> "GuideQuerySet":
        return self.filter(region__isnull=True)

    def for_region(self, region: Region) -> "GuideQuerySet":
        return self.filter(region=region)


class Guide(models.Model):
    """A region's dialogue guide, or (``region`` empty) the national default that regions copy from."""

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guides",
        verbose_name=_("region"),
        help_text=_("Tom för den nationella förlagan som regionerna utgår från."),
    )
    name = models.CharField(_("namn"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("dialogstöd")
        verbose_name_plural = _("dialogstöd")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="guide_unique_name_per_region"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(region__isnull=True), name="guide_unique_national_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.region or _('nationell förlaga')})"

    @property
    def is_national(self) -> bool:
        return self.region_id is None


class GuideVersionStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    PUBLISHED = "published", _("Publicerad")
    RETIRED = "retired", _("Tillbakadragen")


class GuideVersionQuerySet(models.QuerySet):
    def published(self) -> "GuideVersionQuerySet":
        return self.filter(status=GuideVersionStatus.PUBLISHED)

    def for_new_dialogues(self, region: Region) -> "GuideVersionQuerySet":
        """The versions a new dialogue in the region may be planned with: published and not retired."""
        return self.published().filter(guide__region=region).select_related("guide")


class GuideVersion(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="versions", verbose_name=_("dialogstöd"))
    number = models.PositiveIntegerField(
        _("versionsnummer"), null=True, blank=True, help_text=_("Sätts när versionen publiceras: 1, 2, 3 …")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=GuideVersionStatus.choices, default=GuideVersionStatus.DRAFT
    )
    label = models.CharField(_("benämning"), max_length=120, help_text=_("T.ex. ”SKR 2021” eller ”Region Demo 2026”."))
    notes = models.TextField(_("versionsanteckning"), blank=True)
    # Provenance lives on the version, not the guide: what a published version says about its source must not
    # change when the guide is later renamed or re-attributed.
    attribution = models.TextField(
        _("källhänvisning"), blank=True, help_text=_("Visas på skärmen och i utskriften, t.ex. att frågorna kommer från SKR.")
    )
    source_title = models.CharField(_("källans titel"), max_length=300, blank=True)
    source_year = models.PositiveSmallIntegerField(_("källans år"), null=True, blank=True)
    source_url = models.URLField(_("länk till källan"), max_length=500, blank=True)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived_versions",
        verbose_name=_("utgår från"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publicerad av"),
    )
    retired_at = models.DateTimeField(_("tillbakadragen"), null=True, blank=True)

    objects = GuideVersionQuerySet.as_manager()

    class Meta:
        ordering = ["guide", "-number", "-created_at"]
        verbose_name = _("version av dialogstöd")
        verbose_name_plural = _("versioner av dialogstöd")
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="guide_version_unique_number"),
            # One draft at a time keeps "the next version" unambiguous for the region's administrators.
            models.UniqueConstraint(
                fields=["guide"], condition=Q(status="draft"), name="guide_version_one_draft_per_guide"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False, published_at__isnull=False),
                name="guide_version_published_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guide.name} – {self.display_name}"

    @property
    def is_draft(self) -> bool:
        return self.status == GuideVersionStatus.DRAFT

    @property
    def display_name(self) -> str:
        """E.g. "Version 2 – Region Demo 2026" or "Utkast – Region Demo 2026"."""
        if self.number is None:
            return f"{_('Utkast')} – {self.label}"
        return f"{_('Version')} {self.number} – {self.label}"

    def ensure_draft(self) -> None:
        """The immutability rule for one row: only a draft may change."""
        if not self.is_draft:
            raise GuideVersionLocked(_("Versionen är publicerad och kan inte ändras. Starta ett nytt utkast."))

    @property
    def can_retire(self) -> bool:
        return self.status == GuideVersionStatus.PUBLISHED

    @property
    def can_reinstate(self) -> bool:
        return self.status == GuideVersionStatus.RETIRED


class SectionKind(models.TextChoices):
    FIVE_P = "five_p", _("5P-område")
    SUMMARY = "summary", _("Sammanfattning")
    FEEDBACK = "feedback", _("Återkoppling till uppföljningsteamet")
    MODULE = "module", _("Fördjupningsmodul")


class Section(models.Model):
    """A section of the guide (P1 … P5, Sammanfattning, …) or, with a ``parent``, one of its sub-sections.
    The tree is two levels deep; sub-sections use only key, title and intro."""

    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="subsections", verbose_name=_("avsnitt")
    )
    key = models.SlugField(_("nyckel"), max_length=KEY_MAX_LENGTH)
    position = models.PositiveIntegerField(_("ordning"))
    code = models.CharField(_("kod"), max_length=10, blank=True, help_text=_("T.ex. P1. Lämna tomt om avsnittet saknar kod."))
    title = models.CharField(_("rubrik"), max_length=300)
    kind = models.CharField(_("typ av avsnitt"), max_length=16, choices=SectionKind.choices, default=SectionKind.FIVE_P)
    optional = models.BooleanField(
        _("valfri fördjupning"), default=False, help_text=_("Valfria avsnitt, som Levnadsvanor, tas med när teamet väljer det.")
    )
    intro = models.TextField(_("inledande text"), blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("avsnitt")
        verbose_name_plural = _("avsnitt")
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="section_unique_key_per_version")]

    def __str__(self) -> str:
        return self.heading

    @property
    def heading(self) -> str:
        """E.g. "P1: Personal (Persons)", the way Bilaga 2 names its sections."""
        return f"{self.code}: {self.title}" if self.code else self.title

    @property
    def path_heading(self) -> str:
        """E.g. "P4: Processer … › Patientsäkerhet" for a sub-section; the heading for a section."""
        if self.parent_id is None:
            return self.heading
        return f"{self.parent.heading} › {self.title}"

    @property
    def is_subsection(self) -> bool:
        return self.parent_id is not None


class AgendaBlock(models.Model):
    """A block of the day, e.g. "Kl. 8.30–9.30 Presentationsrunda, inledning, genomgång av P1–P3"."""

    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="agenda_blocks")
    key = models.SlugField(_("nyckel"), max_length=KEY_MAX_LENGTH)
    position = models.PositiveIntegerField(_("ordning"))
    start = models.TimeField(_("börjar"))
    end = models.TimeField(_("slutar"))
    title = models.CharField(_("innehåll"), max_length=300)
    participants = models.CharField(_("deltagare"), max_length=500, blank=True)
    sections = models.ManyToManyField(
        Section, through="AgendaBlockSection", related_name="agenda_blocks", verbose_name=_("avsnitt som gås igenom")
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("agendapunkt")
        verbose_name_plural = _("agendapunkter")
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="agenda_block_unique_key_per_version")]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M} {self.title}"


class AgendaBlockSection(models.Model):
    """Which sections a block walks through, in the order the document lists them (kept for a lossless
    round trip of the exchange format)."""

    block = models.ForeignKey(AgendaBlock, on_delete=models.CASCADE, related_name="block_sections")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["block", "section"], name="agenda_block_section_unique")]


class AnswerKind(models.TextChoices):
    TEXT = "text", _("Fritext")
    YES_NO = "yes_no", _("Ja/nej och fritext")
    CHOICES = "choices", _("Flera ja/nej-val och fritext")
    SEQUENCE = "sequence", _("Numrerade delfrågor som besvaras tillsammans")


class Question(models.Model):
    """One question of a version. Answers of a dialogue point at these rows, so a published version's
    questions never change; ``key`` identifies "the same question" across versions."""

    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("avsnitt"))
    key = models.SlugField(_("nyckel"), max_length=KEY_MAX_LENGTH)
    position = models.PositiveIntegerField(_("ordning"))
    text = models.TextField(_("frågetext"))
    kind = models.CharField(_("svarstyp"), max_length=16, choices=AnswerKind.choices, default=AnswerKind.TEXT)
    choices = models.JSONField(
        _("etiketter för valen"), default=list, blank=True, help_text=_("För flera ja/nej-val, t.ex. ”För patienterna”.")
    )
    prompts = models.JSONField(_("delfrågor"), default=list, blank=True, help_text=_("För numrerade delfrågor."))
    help = models.TextField(_("förklaring"), blank=True)
    # Some answers are the follow-up team's own conclusions, not the clinic's to read – SKR's "Föreligger någon
    # indikation för fördjupad uppföljning?" above all. Their answers reach the region's follow-up team and
    # administrators only; every reader of answers asks ``dialogs.access.readable_answers`` /
    # ``readable_rows``, so clinic staff never meet them: not on a page, in an export, in search or beside next
    # year's question.
    team_only = models.BooleanField(
        _("bara för uppföljningsteamet"),
        default=False,
        help_text=_(
            "Svaret visas bara för regionens uppföljningsteam och administratörer, aldrig för vårdcentralens personal "
            "(inte heller i export, sökning eller nästa års dialog)."
        ),
    )
    # Which indicators are shown beside the question (on site, in the preview). This is presentation, not what
    # is asked: ``question_indicators_set`` changes it even on a published version (the one exception to the
    # draft-only guard), a new draft copies it by question key, and the exchange document leaves it out
    # (indicators are region-specific). The indicators app lists "questions informed" through ``questions``.
    indicators = models.ManyToManyField(
        "indicators.Indicator", blank=True, related_name="questions", verbose_name=_("indikatorer till frågan")
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="question_unique_key_per_version")]

    def __str__(self) -> str:
        return self.text


class FollowUpQuestion(models.Model):
    """A deep-dive follow-up question (*fördjupningsfråga*, Bilaga 4) attached to its question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="followups")
    position = models.PositiveIntegerField()
    text = models.TextField(_("fördjupningsfråga"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("fördjupningsfråga")
        verbose_name_plural = _("fördjupningsfrågor")

    def __str__(self) -> str:
        return self.text


class DataSourceHint(models.Model):
    """A suggested data source for a question (Bilaga 4), e.g. "Se resultat på www.patientenkat.se"."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="data_sources")
    position = models.PositiveIntegerField()
    label = models.TextField(_("beskrivning"))
    url = models.URLField(_("länk"), max_length=500, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("förslag på datakälla")
        verbose_name_plural = _("förslag på datakällor")

    def __str__(self) -> str:
        return self.label
