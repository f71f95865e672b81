"""A clinic followed over two dialogues, for the tests of agreements, fördjupad uppföljning, the clinic's page and
the search (issue 13), built through the services the way the team and the clinic get them.

``last_year`` is a held dialogue at clinic A1 a year ago, answered, with agreements and its documentation shared
with the clinic; ``next_dialogue`` is the clinic's next one, planned for today."""

import datetime

from django.utils import timezone

from dialogs.models.dialogue import Dialogue, DialogueStatus
from dialogs.services import agreements as agreement_services
from dialogs.services import cases as case_services
from dialogs.services.dialogue import dialogue_share_documentation, dialogue_transition
from organisations.models import Party
from tests.dialogs.dialogue_factories import held, plan, write_answer
from tests.dialogs.onsite_factories import choose_focus

WORK_ON = "Fast läkarkontakt för multisjuka äldre\n- Telefontider på förmiddagen, även för barnfamiljer"
STAFF_ANSWER = "Läkarna har gått ner i tid; sjuksköterskorna bär kontinuiteten."


def last_year(world, *, clinic=None, shared: bool = True, days_ago: int = 365, focus: tuple[str, ...] = ()) -> Dialogue:
    """A dialogue held ``days_ago`` days ago at A1 (or ``clinic``), with answers to P1 and the summary, and its
    documentation shared with the clinic unless ``shared`` is False. ``focus`` names sections the beställare chose
    as focus areas when preparing."""
    user = world.user("bestallare")
    if focus:
        dialogue = plan(world, clinic=clinic, day=timezone.localdate())
        sections = list(dialogue.guide_version.sections.filter(key__in=focus))
        choose_focus(dialogue, Party.BESTALLARE, user, sections=sections)
        Dialogue.objects.filter(pk=dialogue.pk).update(date=timezone.localdate() - datetime.timedelta(days=days_ago))
        dialogue.refresh_from_db()
        dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.GENOMFORD, user=user)
    else:
        dialogue = held(world, days_ago=days_ago, clinic=clinic)
    write_answer(dialogue, "p1-q01", STAFF_ANSWER, user)
    write_answer(dialogue, "sammanfattning-q02", WORK_ON, user)
    write_answer(dialogue, "sammanfattning-q03", "Nej.", user)
    if shared:
        dialogue_share_documentation(dialogue=dialogue, user=user)
    return Dialogue.objects.select_related("clinic__region", "guide_version").get(pk=dialogue.pk)


def agreement(world, dialogue: Dialogue, text: str = "Fast läkarkontakt för multisjuka äldre", **options):
    return agreement_services.agreement_create(
        dialogue=dialogue, user=options.pop("user", world.user("bestallare")), text=text,
        area=options.pop("area", "p1"), owner=options.pop("owner", Party.VARDCENTRAL), due_date=options.pop("due_date", None),
    )


def next_dialogue(world, *, clinic=None) -> Dialogue:
    """The clinic's next dialogue, planned for today (so its on-site form is open)."""
    dialogue = plan(world, clinic=clinic, day=timezone.localdate(), start=datetime.time(9, 0))
    return Dialogue.objects.select_related("clinic__region", "guide_version").get(pk=dialogue.pk)


def held_today(world, dialogue: Dialogue) -> Dialogue:
    dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.GENOMFORD, user=world.user("bestallare"))
    dialogue.refresh_from_db()
    return dialogue


def case(world, dialogue: Dialogue | None = None, *, reason: str = "Återkommande uppgifter om brister i läkemedelshanteringen."):
    dialogue = dialogue or last_year(world)
    return case_services.case_open(dialogue=dialogue, user=world.user("bestallare"), category="missforhallanden", reason=reason)
