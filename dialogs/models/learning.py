"""What a dialogue teaches the region (issue 14): *medskick* to Hälso- och sjukvårdsförvaltningen and the follow-up
team's own lessons, recorded as items on the day and in the summary, gathered across dialogues by learning/.

    Medskick        a point for the region as beställare, tagged with one or more of the method's categories
      │             (3.1.2: förvaltningens tillgänglighet, informationens relevans, förfrågningsunderlagets kvalitet,
      │             uppdragets omfattning, villkorens rimlighet; and "övrigt"), optionally a 5P area, and who raised
      │             it (the clinic or the team)
      ├─ MedskickTag      one row per category (so the region's report counts and filters by category in SQL)
      └─ MedskickComment  the clinic's (or the team's) comment on it, e.g. from the shared deck
    TeamLesson      what the team will do differently next time ("Lärdomar för uppföljningsteamet")

The deck's sections "Lärdomar för uppföljningsteamet" and "Lärdomar och medskick till Hälso- och
sjukvårdsförvaltningen" are built from these (feedback/learning.py). Text is plain text everywhere. Every write
goes through ``dialogs.services.learning``; who may see what is decided in ``dialogs.access``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogs.models.dialogue import Dialogue, person_name
from dialogs.models.guide import KEY_MAX_LENGTH

MEDSKICK_TEXT_MAX_LENGTH = 2_000
LESSON_TEXT_MAX_LENGTH = 2_000
MEDSKICK_COMMENT_MAX_LENGTH = 2_000


class MedskickCategory(models.TextChoices):
    """The kinds of feedback to the region as beställare that chapter 3.1.2 of SKR's method names, and "övrigt"."""

    TILLGANGLIGHET = "tillganglighet", _("Förvaltningens tillgänglighet")
    INFORMATION = "information", _("Informationens relevans")
    FORFRAGNINGSUNDERLAG = "forfragningsunderlag", _("Förfrågningsunderlagets kvalitet")
    UPPDRAG = "uppdrag", _("Uppdragets omfattning")
    VILLKOR = "villkor", _("Villkorens rimlighet")
    OVRIGT = "ovrigt", _("Övrigt")


class RaisedBy(models.TextChoices):
    VARDCENTRAL = "vardcentral", _("vårdcentralen")
    TEAM = "team", _("uppföljningsteamet")


class LearningItem(models.Model):
    """What a medskick and a lesson share: the dialogue, the text, its place in the list, a revision an edit must
    name (a stale edit is refused with both texts, as answers are), and who wrote and changed it when."""

    text = models.TextField(_("text"))
    position = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("senast ändrad"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def updated_by_name(self) -> str:
        return person_name(self.updated_by)


class Medskick(LearningItem):
    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.PROTECT, related_name="medskick", verbose_name=_("uppföljningsdialog")
    )
    area = models.CharField(_("5P-område"), max_length=KEY_MAX_LENGTH, blank=True)  # a top-level section's key
    area_label = models.CharField(_("5P-område (rubrik)"), max_length=300, blank=True)
    raised_by = models.CharField(_("lyft av"), max_length=16, choices=RaisedBy.choices, default=RaisedBy.VARDCENTRAL)

    class Meta(LearningItem.Meta):
        verbose_name = _("medskick")
        verbose_name_plural = _("medskick")
        indexes = [models.Index(fields=["dialogue", "position"], name="medskick_dialogue_position")]

    @property
    def categories(self) -> list[str]:
        """The category values in the method's order (from prefetched ``tags`` when there are any)."""
        chosen = {tag.category for tag in self.tags.all()}
        return [value for value in MedskickCategory.values if value in chosen]

    @property
    def category_labels(self) -> list[str]:
        return [str(MedskickCategory(value).label) for value in self.categories]


class MedskickTag(models.Model):
    medskick = models.ForeignKey(Medskick, on_delete=models.CASCADE, related_name="tags")
    category = models.CharField(_("kategori"), max_length=32, choices=MedskickCategory.choices)

    class Meta:
        verbose_name = _("kategori för medskick")
        verbose_name_plural = _("kategorier för medskick")
        constraints = [models.UniqueConstraint(fields=["medskick", "category"], name="medskick_tag_unique")]
        indexes = [models.Index(fields=["category"], name="medskick_tag_category")]

    def __str__(self) -> str:
        return self.category


class MedskickComment(models.Model):
    """A comment on one medskick: the clinic's staff add theirs from the shared deck (or the summary), the team may
    answer. Comments are added, never edited."""

    medskick = models.ForeignKey(Medskick, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField(_("kommentar"))
    by_clinic = models.BooleanField(_("från vårdcentralen"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("tidpunkt"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("kommentar till medskick")
        verbose_name_plural = _("kommentarer till medskick")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def author_name(self) -> str:
        return person_name(self.author)


class TeamLesson(LearningItem):
    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.PROTECT, related_name="team_lessons", verbose_name=_("uppföljningsdialog")
    )

    class Meta(LearningItem.Meta):
        verbose_name = _("lärdom för uppföljningsteamet")
        verbose_name_plural = _("lärdomar för uppföljningsteamet")
