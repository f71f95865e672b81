"""The evaluation of each dialogue (issue 14): submitting it (once per person; a second submit edits the same
answer) and inviting the people who took part after the day.

Invitations go through the outbox after the day (``send_evaluation_invitations``, run by the scheduler): every
clinic participant with an e-mail address gets a personal link (a secret token; only its digest is stored), the
team members a link to the evaluation page behind their sign-in. Each invitation is made once: a participant who
has one is skipped, and the team's message carries a dedupe key, so the job may run any number of times. The kind
is optional: a person with an account may turn it off; the start page's to-do remains.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dialogs.models.dialogue import HELD_STATUSES, ClinicParticipant, Dialogue, TeamMember
from dialogs.models.evaluations import (
    CRITERIA_KEYS,
    FREE_TEXT_MAX_LENGTH,
    SCORE_MAX,
    SCORE_MIN,
    Evaluation,
    EvaluationInvitation,
    round_closed,
    round_closes_on,
)
from dialogs.services.learning import clean_text
from notifications import kinds
from notifications.headers import is_valid_address
from notifications.services import absolute_url, message_queue, message_queue_many
from organisations.models import Membership, Role

logger = logging.getLogger(__name__)

INVITATION = "dialogs.evaluation"
# Invitations go out for dialogues held within this many days (a job that did not run for a while catches up; a
# dialogue registered long after it was held is not evaluated by e-mail, the start page still offers it).
INVITE_WITHIN_DAYS = 30


def register_kinds() -> None:
    kinds.register(
        INVITATION, gettext_lazy("Inbjudan att utvärdera en uppföljningsdialog"), optional=True,
        help_text=gettext_lazy("Efter dialogdagen: en kort enkät om hur dialogen fungerade."),
    )


class EvaluationError(Exception):
    """The evaluation cannot be saved now; the message is meant for the person who answered."""


class EvaluationInvalid(EvaluationError):
    """An answer breaks a rule; ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Respondent:
    group: str  # RespondentGroup
    user: object | None = None
    participant: ClinicParticipant | None = None


def _check_open(dialogue: Dialogue, today: date | None) -> None:
    if dialogue.is_cancelled:
        raise EvaluationError(_("Dialogen ställdes in, så det finns inget att utvärdera."))
    if not dialogue.is_held:
        raise EvaluationError(_("Utvärderingen öppnar när dialogen är genomförd."))
    if round_closed(dialogue.date, today):
        raise EvaluationError(
            _("Utvärderingen stängde %(date)s och svaren är sammanräknade; den tar inte emot fler svar.")
            % {"date": date_format(round_closes_on(dialogue.date), "j F Y")}
        )


def _check_scores(scores: dict) -> dict[str, int | None]:
    checked = {}
    for key in CRITERIA_KEYS:
        value = scores.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not SCORE_MIN <= value <= SCORE_MAX):
            raise EvaluationInvalid(key, _("Välj ett värde från 1 till 5, eller ”vet ej”."))
        checked[key] = value
    return checked


def _existing(dialogue: Dialogue, respondent: Respondent) -> Evaluation | None:
    answers = Evaluation.objects.select_for_update().filter(dialogue=dialogue)
    if respondent.participant is not None:
        return answers.filter(participant=respondent.participant).first()
    return answers.filter(user=respondent.user).first()


@transaction.atomic
def evaluation_submit(
    *, dialogue: Dialogue, respondent: Respondent, scores: dict, went_well: str = "", improve: str = "",
    today: date | None = None,
) -> tuple[Evaluation, bool]:
    """Save the respondent's evaluation of the dialogue: a new one (True) or their earlier one, edited (False).
    Raises EvaluationError when the dialogue is not held (or cancelled) or its round has closed (``today``, by
    default the real one, is the day of answering), EvaluationInvalid for a bad answer."""
    _check_open(dialogue, today)
    scores = _check_scores(scores)
    texts = {
        "went_well": clean_text(went_well, field="went_well", max_length=FREE_TEXT_MAX_LENGTH, required=False),
        "improve": clean_text(improve, field="improve", max_length=FREE_TEXT_MAX_LENGTH, required=False),
    }
    Dialogue.objects.select_for_update().filter(pk=dialogue.pk).first()  # one respondent's first submit at a time
    now = timezone.now()
    evaluation = _existing(dialogue, respondent)
    created = evaluation is None
    if created:
        evaluation = Evaluation(dialogue=dialogue, group=respondent.group, participant=respondent.participant, created_at=now)
    if respondent.user is not None and evaluation.user_id is None:
        evaluation.user = respondent.user
    for name, value in {**scores, **texts}.items():
        setattr(evaluation, name, value)
    evaluation.updated_at = now
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:
        # The same person answered through their link and their account at once: keep one answer, this one.
        evaluation = _existing(dialogue, respondent)
        if evaluation is None:
            raise
        for name, value in {**scores, **texts}.items():
            setattr(evaluation, name, value)
        evaluation.updated_at, created = now, False
        evaluation.save()
    return evaluation, created


def own_evaluation(dialogue: Dialogue, respondent: Respondent) -> Evaluation | None:
    """The respondent's earlier answer (to fill the form with), or None."""
    answers = Evaluation.objects.filter(dialogue=dialogue)
    if respondent.participant is not None:
        return answers.filter(participant=respondent.participant).first()
    return answers.filter(user=respondent.user).first()


# --- Personal links ---------------------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def invitation_for_token(token: str) -> EvaluationInvitation | None:
    """The invitation a link's token opens, or None (a token nobody holds, or a participant removed since)."""
    if not token or len(token) > 100:
        return None
    return (
        EvaluationInvitation.objects.filter(token_digest=token_digest(token))
        .select_related("participant", "dialogue__clinic__region")
        .first()
    )


def _accounts_by_address(dialogue: Dialogue) -> dict[str, object]:
    """The clinic's staff accounts by e-mail address: a participant who has one reads the e-mail in their own
    language and may turn the kind off."""
    staff = Membership.objects.filter(role=Role.VARDCENTRAL, clinic_id=dialogue.clinic_id, user__is_active=True)
    return {membership.user.email.lower(): membership.user for membership in staff.select_related("user") if membership.user.email}


def _invite_participant(dialogue: Dialogue, participant: ClinicParticipant, account) -> bool:
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        try:
            with transaction.atomic():
                EvaluationInvitation.objects.create(
                    dialogue=dialogue, participant=participant, token_digest=token_digest(token), sent_to=participant.email
                )
        except IntegrityError:
            return False  # another run invited them first
        message_queue(
            kind=INVITATION, to=participant.email, user=account, template="dialogs/email/evaluation",
            context={"dialogue": dialogue, "clinic": dialogue.clinic, "name": participant.name,
                     "url": absolute_url(reverse("dialogs:evaluation_link", args=[token]))},
            topic=f"dialogue:{dialogue.pk}", dedupe_key=f"{INVITATION}:{dialogue.pk}:participant:{participant.pk}",
        )
    return True


def evaluation_invitations_send(*, dialogue: Dialogue) -> int:
    """Invite the dialogue's participants who have not been invited (a personal link each) and its team members who
    have not answered yet (a link to the page behind their sign-in, once). Returns how many participants were
    invited now."""
    invited = 0
    accounts = None
    for participant in dialogue.clinic_participants.all():
        address = (participant.email or "").strip()
        if not address or not is_valid_address(address) or hasattr(participant, "evaluation_invitation"):
            continue
        if accounts is None:
            accounts = _accounts_by_address(dialogue)
        invited += _invite_participant(dialogue, participant, accounts.get(address.lower()))
    answered = {evaluation.user_id for evaluation in dialogue.evaluations.all() if evaluation.user_id}
    with transaction.atomic():
        message_queue_many(
            recipients=[member.user for member in dialogue.team_members.all() if member.user_id not in answered],
            kind=INVITATION, template="dialogs/email/evaluation_team",
            context={"dialogue": dialogue, "clinic": dialogue.clinic,
                     "url": absolute_url(reverse("dialogs:evaluation", args=[dialogue.pk]))},
            topic=f"dialogue:{dialogue.pk}", dedupe_key=f"{INVITATION}:{dialogue.pk}:team",
        )
    return invited


def evaluation_invitations_due(*, today: date) -> int:
    """Invite everyone due: dialogues held in the last ``INVITE_WITHIN_DAYS`` days. Safe to run any number of
    times. Returns how many participants were invited."""
    dialogues = (
        Dialogue.objects.filter(status__in=HELD_STATUSES, date__lte=today, date__gte=today - timedelta(days=INVITE_WITHIN_DAYS))
        .select_related("clinic")
        .prefetch_related(
            Prefetch("clinic_participants", queryset=ClinicParticipant.objects.select_related("evaluation_invitation")),
            Prefetch("team_members", queryset=TeamMember.objects.select_related("user")),
            Prefetch("evaluations", queryset=Evaluation.objects.only("pk", "dialogue_id", "user_id")),
        )
        .order_by("date", "pk")
    )
    invited = 0
    for dialogue in dialogues:
        invited += evaluation_invitations_send(dialogue=dialogue)
    logger.info("Evaluation invitations: %s participants invited", invited)
    return invited
