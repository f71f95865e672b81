"""Each dialogue evaluated by the people who took part (issue 14): the six criteria of good follow-up in chapter 3.1.4
of SKR's method, each on a scale of 1–5 or "vet ej", and two questions in free text.

    Evaluation            one per person per dialogue (a second submit edits it): a team member (``user``) or one of
                          the clinic's participants (``participant``; with ``user`` too when they answered signed in)
    EvaluationInvitation  a participant's personal link (by e-mail after the day, for people without an account):
                          the digest of its secret token is kept, never the token

Clinic answers are shown to the team only pooled in groups of at least ``MIN_GROUP`` answers, never one by one and
never with names (``dialogs.selectors.evaluations``); the same rule holds for every page, export and chart.

A dialogue's evaluation is a round: answers are taken (and edited) from the day until ``ROUND_DAYS`` after it, and
its results are shown only once the round has closed. A result that moved with every answer would tell each new
answer to whoever looked before and after it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogs.models.dialogue import ClinicParticipant, Dialogue

# Groups of answers smaller than this are never shown, in any page, export or chart.
MIN_GROUP = 3
# How long after the day a dialogue's evaluation takes answers; its results are shown from the day after.
ROUND_DAYS = 42
SCORE_MIN, SCORE_MAX = 1, 5
FREE_TEXT_MAX_LENGTH = 2_000


def round_closes_on(dialogue_date: date) -> date:
    """The last day a dialogue held on ``dialogue_date`` takes evaluation answers."""
    return dialogue_date + timedelta(days=ROUND_DAYS)


def round_closed(dialogue_date: date, today: date | None = None) -> bool:
    """Whether the dialogue's evaluation round is over, so its results may be shown."""
    return (today or timezone.localdate()) > round_closes_on(dialogue_date)


@dataclass(frozen=True)
class Criterion:
    key: str  # the Evaluation field
    label: str  # short, for tables and charts
    text: str  # SKR's wording (3.1.4), shipped verbatim


# "God uppföljning av vårdverksamheter bör: …" – Sveriges Kommuner och Regioner, Tillitsbaserad uppföljningsdialog
# (PrimärvårdsUppföljning), 2021, avsnitt 3.1.4.
CRITERIA: list[Criterion] = [
    Criterion("usability", _("Användarvänlig"), _("Vara användarvänlig för deltagande parter")),
    Criterion("trust", _("Främja tillit"), _("Främja tillit mellan deltagande parter")),
    Criterion("learning", _("Främja utveckling och lärande"), _("Främja utveckling och lärande för deltagande parter")),
    Criterion("value", _("Skapa värde"), _("Skapa värde för deltagande parter och de som verksamheten är till för")),
    Criterion("complexity", _("Ta hänsyn till komplexiteten"), _("Ta hänsyn till verksamhetens komplexa natur")),
    Criterion("resources", _("Resurseffektiv"), _("Vara resurseffektiv")),
]
CRITERIA_KEYS = [criterion.key for criterion in CRITERIA]
CRITERIA_SOURCE = _(
    "Kriterierna för god uppföljning är hämtade ur Sveriges Kommuner och Regioner, Tillitsbaserad uppföljningsdialog "
    "(PrimärvårdsUppföljning), 2021, avsnitt 3.1.4."
)


class RespondentGroup(models.TextChoices):
    TEAM = "team", _("uppföljningsteamet")
    VARDCENTRAL = "vardcentral", _("vårdcentralen")


def _score(label):
    return models.PositiveSmallIntegerField(label, null=True, blank=True, help_text=_("1–5; tomt betyder ”vet ej”."))


class Evaluation(models.Model):
    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="evaluations")
    group = models.CharField(_("svarande"), max_length=16, choices=RespondentGroup.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="dialogue_evaluations"
    )
    participant = models.ForeignKey(
        ClinicParticipant, on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluations"
    )
    usability = _score(_("användarvänlig"))
    trust = _score(_("främja tillit"))
    learning = _score(_("främja utveckling och lärande"))
    value = _score(_("skapa värde"))
    complexity = _score(_("ta hänsyn till komplexiteten"))
    resources = _score(_("resurseffektiv"))
    went_well = models.TextField(_("vad fungerade bra"), blank=True)
    improve = models.TextField(_("vad kan bli bättre"), blank=True)
    created_at = models.DateTimeField(_("skickad"), default=timezone.now)
    updated_at = models.DateTimeField(_("senast ändrad"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("utvärdering av dialog")
        verbose_name_plural = _("utvärderingar av dialoger")
        constraints = [
            models.UniqueConstraint(
                fields=["dialogue", "user"], condition=Q(user__isnull=False), name="evaluation_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["dialogue", "participant"], condition=Q(participant__isnull=False),
                name="evaluation_once_per_participant",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{key}__isnull": True}) | Q(**{f"{key}__gte": SCORE_MIN, f"{key}__lte": SCORE_MAX}),
                    name=f"evaluation_{key}_1_to_5",
                )
                for key in CRITERIA_KEYS
            ],
        ]
        indexes = [models.Index(fields=["dialogue", "group"], name="evaluation_dialogue_group")]

    def __str__(self) -> str:
        return f"{self.dialogue_id}: {self.group}"

    def scores(self) -> dict[str, int | None]:
        return {key: getattr(self, key) for key in CRITERIA_KEYS}


class EvaluationInvitation(models.Model):
    """A clinic participant's personal link to the evaluation, e-mailed after the day. Only the SHA-256 digest of
    the token is stored: the link itself went out in the e-mail and is not kept here."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="evaluation_invitations")
    participant = models.OneToOneField(ClinicParticipant, on_delete=models.CASCADE, related_name="evaluation_invitation")
    token_digest = models.CharField(max_length=64, unique=True)
    sent_to = models.EmailField(_("skickad till"), max_length=254)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)

    class Meta:
        verbose_name = _("inbjudan till utvärdering")
        verbose_name_plural = _("inbjudningar till utvärdering")

    def __str__(self) -> str:
        return f"{self.dialogue_id}: {self.sent_to}"
