"""Dialogues for the on-site documentation tests, built through the services the way the team gets them: a
dialogue at clinic A1 planned for today (tests/dialogs/dialogue_factories.py) on region A's small test guide or
the shipped SKR guide adopted by the region, and answers saved through ``answer_save`` (never written straight
to the table)."""

import datetime

from django.utils import timezone

from dialogs.models import AnswerKind, GuideVersion
from dialogs.models.dialogue import Dialogue, DialogueStatus
from dialogs.services import dialogue as dialogue_services
from dialogs.services.answers import answer_save
from dialogs.services.guide import guide_adopt, guide_load_shipped
from tests.dialogs.dialogue_factories import plan


def skr_version_of_region_a(world) -> GuideVersion:
    """The shipped SKR 2021 guide (104 questions), adopted by region A."""
    national, _created = guide_load_shipped()
    guide = guide_adopt(region=world.region_a, source=national, user=world.user("admin"))
    return guide.versions.get()


def onsite_dialogue(
    world, *, version: GuideVersion | None = None, shared: bool = False, lifestyle: bool = False, followups: bool = True
) -> Dialogue:
    """A dialogue at clinic A1 today at 09:00 (the dialogues' own factory: the small test guide with the SKR
    summary sections), "bestallare" and "utveckling" on its team; ``shared`` holds it and shares its
    documentation with the clinic."""
    options = {"guide_version": version} if version else {}
    dialogue = plan(
        world,
        day=timezone.localdate(),
        start=datetime.time(9, 0),
        include_lifestyle_module=lifestyle,
        show_followups=followups,
        **options,
    )
    if shared:
        dialogue_services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.GENOMFORD, user=world.user("bestallare"))
        dialogue_services.dialogue_share_documentation(dialogue=dialogue, user=world.user("bestallare"))
    return Dialogue.objects.select_related("clinic__region", "guide_version").get(pk=dialogue.pk)


def choose_focus(dialogue: Dialogue, party: str, user, *, sections=(), questions=()):
    """A party's preparation naming its focus areas (two or three sections or questions)."""
    return dialogue_services.preparation_save(
        dialogue=dialogue,
        party=party,
        user=user,
        focus_section_ids=[section.pk for section in sections],
        focus_question_ids=[question.pk for question in questions],
        overview_notes="",
        data_sources=[],
        data_sources_other="",
        responsibility="",
    )


def full_answer(question, label: str = "Svar") -> dict:
    """Content that answers every part of the question."""
    content = {"text": f"{label}: {question.key}", "yes_no": "", "choice_values": {}, "prompt_answers": []}
    if question.kind == AnswerKind.YES_NO:
        content["yes_no"] = "ja"
    if question.kind == AnswerKind.CHOICES:
        content["choice_values"] = {choice: "nej" for choice in question.choices}
    if question.kind == AnswerKind.SEQUENCE:
        content["text"] = ""
        content["prompt_answers"] = [f"{label} {number}" for number, _prompt in enumerate(question.prompts, start=1)]
    return content


def answer_everything(dialogue: Dialogue, user, label: str = "Svar") -> int:
    """Answer every question of the dialogue's guide version through the service; returns how many."""
    questions = list(dialogue.guide_version.questions.all())
    for question in questions:
        answer_save(dialogue=dialogue, question=question, user=user, base_revision=0, **full_answer(question, label))
    return len(questions)


def close(world, dialogue: Dialogue) -> Dialogue:
    """Take a dialogue planned for today through the normal course to "avslutad" (no follow-up meeting needed),
    through the services, with its documentation shared."""
    user = world.user("bestallare")
    if dialogue.status != DialogueStatus.GENOMFORD:
        dialogue_services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.GENOMFORD, user=user)
    dialogue_services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.ATERKOPPLING_DELAD, user=user)
    dialogue_services.dialogue_share_documentation(dialogue=dialogue, user=user)
    dialogue_services.follow_up_waive(dialogue=dialogue, user=user, reason="Allt följs upp i nästa dialog.")
    dialogue_services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.AVSLUTAD, user=user)
    return Dialogue.objects.select_related("clinic__region", "guide_version").get(pk=dialogue.pk)
