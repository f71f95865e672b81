"""Dialogues at chosen dates for the programme's tests: planned through the service (which refuses past dates),
then moved to the day wanted, as the dialogs demo does."""

import datetime

from django.utils import timezone

from dialogs.models.dialogue import Dialogue, DialogueStatus
from dialogs.services import dialogue as services
from organisations.models import Clinic
from tests.dialogs.dialogue_factories import plan


def dialogue_on(world, clinic, day: datetime.date, *, status: str = "", **options) -> Dialogue:
    """A dialogue at ``clinic`` on ``day`` (past or future); ``status`` "genomford" marks it held, "installd"
    cancels it."""
    today = timezone.localdate()
    dialogue = plan(world, clinic=clinic, day=max(day, today), **options)
    if day < today:
        Dialogue.objects.filter(pk=dialogue.pk).update(date=day)
        dialogue.refresh_from_db()
    if status == DialogueStatus.GENOMFORD:
        services.dialogue_transition(dialogue=dialogue, to_status=status, user=world.user("bestallare"))
    elif status == DialogueStatus.INSTALLD:
        services.dialogue_cancel(dialogue=dialogue, user=world.user("bestallare"), reason="Sjukdom")
    return dialogue


def clinic(world, name: str, **fields) -> Clinic:
    return Clinic.objects.create(region=world.region_a, name=name, hsa_id=f"SE-{name}", **fields)


def plan_for(world, team: list, *, clinic=None, day=None) -> Dialogue:
    """A dialogue at A1 (by default) two weeks from now with the given team (TeamSelections)."""
    from tests.dialogs.dialogue_factories import published_dialogue_version

    return services.dialogue_plan(
        region=world.region_a, clinic=clinic or world.clinic_a1, guide_version=published_dialogue_version(world),
        date=day or timezone.localdate() + datetime.timedelta(days=14), start_time=datetime.time(8, 30), place="",
        include_lifestyle_module=False, show_followups=True, team=team, participants=[], user=world.user("bestallare"),
    )
