"""Dialogues with medskick, lessons and evaluations for the tests of issue 14, built through the services as the
team, the clinic and the participants make them."""

import datetime

from django.utils import timezone

from dialogs.models.dialogue import Dialogue, DialogueStatus
from dialogs.models.evaluations import CRITERIA_KEYS, RespondentGroup
from dialogs.services import dialogue as dialogue_services
from dialogs.services import evaluations as evaluation_services
from dialogs.services import learning as learning_services
from tests.dialogs.dialogue_factories import held, plan

# Participants of clinic A1: the first has the same address as staff_a1's account.
PARTICIPANTS = [
    dialogue_services.ParticipantData("Stina A1", "verksamhetschef", email="staff_a1@example.org"),
    dialogue_services.ParticipantData("Maja Mal", "medicinskt_ansvarig_lakare", email="maja@vc-a1.example.org"),
    dialogue_services.ParticipantData("Elin Enhetschef", "enhetschef", email="elin@vc-a1.example.org"),
    dialogue_services.ParticipantData("Sam Sjuksköterska", "medarbetarrepresentant", email=""),
]


def held_with_participants(world, *, days_ago: int = 3, clinic=None, status=DialogueStatus.GENOMFORD,
                           participants=PARTICIPANTS) -> Dialogue:
    """A dialogue held ``days_ago`` days ago at A1 (or ``clinic``) with the team of region A and the participants."""
    dialogue = plan(world, clinic=clinic, day=timezone.localdate(), participants=participants)
    Dialogue.objects.filter(pk=dialogue.pk).update(date=timezone.localdate() - datetime.timedelta(days=days_ago))
    dialogue.refresh_from_db()
    user = world.user("bestallare")
    for step in (DialogueStatus.GENOMFORD, DialogueStatus.ATERKOPPLING_DELAD):
        if dialogue.status == status:
            break
        dialogue_services.dialogue_transition(dialogue=dialogue, to_status=step, user=user)
    dialogue.refresh_from_db()
    return dialogue


def medskick(world, dialogue, text="Förfrågningsunderlaget säger inget om hembesök.", categories=("forfragningsunderlag",),
             **options):
    return learning_services.medskick_create(
        dialogue=dialogue, user=world.user("bestallare"), text=text, categories=list(categories), **options
    )


def lesson(world, dialogue, text="Skicka programmet tre veckor före."):
    return learning_services.team_lesson_create(dialogue=dialogue, user=world.user("bestallare"), text=text)


def closed_days_ago() -> int:
    """Days back to a weekday whose evaluation round has closed, mid-month (the national view counts whole months,
    so dialogues made this many days ago in several regions share their month whatever today is)."""
    from dialogs.models.evaluations import ROUND_DAYS

    today = timezone.localdate()
    day = today - datetime.timedelta(days=ROUND_DAYS + 8)
    day = day.replace(day=15) if day.day >= 15 else (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=15)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return (today - day).days


def close_round(dialogue) -> Dialogue:
    """Move the dialogue back in time so that its evaluation round has closed and its results are shown."""
    from dialogs.models.evaluations import ROUND_DAYS

    Dialogue.objects.filter(pk=dialogue.pk).update(date=timezone.localdate() - datetime.timedelta(days=ROUND_DAYS + 1))
    dialogue.refresh_from_db()
    return dialogue


def scores(value=None, **overrides) -> dict:
    """Every criterion ``value`` (None: "vet ej"), some overridden by name."""
    return {**{key: value for key in CRITERIA_KEYS}, **overrides}


def clinic_answers(dialogue, values, *, went_well="", improve=""):
    """One clinic answer per value in ``values`` (every criterion that score), each as a participant of its own."""
    from dialogs.models.dialogue import ClinicParticipant

    answers = []
    for number, value in enumerate(values):
        participant = ClinicParticipant.objects.create(dialogue=dialogue, name=f"Deltagare {number}", role="annan",
                                                       position=100 + number)
        answers.append(evaluation_services.evaluation_submit(
            dialogue=dialogue, respondent=evaluation_services.Respondent(RespondentGroup.VARDCENTRAL, participant=participant),
            scores=scores(value), went_well=went_well, improve=improve, today=dialogue.date,
        )[0])
    return answers


def team_answer(world, dialogue, persona: str, value=4, **texts):
    return evaluation_services.evaluation_submit(
        dialogue=dialogue, respondent=evaluation_services.Respondent(RespondentGroup.TEAM, user=world.user(persona)),
        scores=scores(value), today=dialogue.date, **texts,
    )[0]


__all__ = ["held", "plan"]


def other_region(name: str, code: str):
    """A region with one clinic, an uppföljare and its published guide: (region, clinic, uppföljare)."""
    from django.contrib.auth import get_user_model

    from organisations.models import Clinic, Membership, Party, Region, Role
    from tests.dialogs.dialogue_factories import published_dialogue_version

    region = Region.objects.create(name=name, code=code)
    clinic = Clinic.objects.create(region=region, name=f"Vårdcentral {code}", hsa_id=f"SE-{code}")
    user = get_user_model().objects.create_user(username=f"uppfoljare-{code}", email=f"u{code}@example.org")
    Membership.objects.create(user=user, region=region, role=Role.UPPFOLJARE, party=Party.BESTALLARE)
    published_dialogue_version(None, region=region)
    return region, clinic, user


def held_in(region, clinic, user, *, days_ago: int = 20) -> Dialogue:
    """A dialogue held ``days_ago`` days ago at ``clinic``, registered afterwards by ``user``."""
    from tests.dialogs.dialogue_factories import published_dialogue_version

    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return dialogue_services.dialogue_plan(
        region=region, clinic=clinic, guide_version=published_dialogue_version(None, region=region), date=day,
        start_time=datetime.time(9), place="", include_lifestyle_module=False, show_followups=True,
        team=[dialogue_services.TeamSelection(user_id=user.pk, roles=("intervjuare",))], participants=[], user=user,
        held=True,
    )
