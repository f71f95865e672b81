"""Dialogues for the planning, preparation, summary and export tests, built through the services the way the
follow-up team gets them. The guide is the small test guide plus the two closing sections of the SKR guide
(Sammanfattning, Återkoppling till uppföljningsteamet), adopted by region A and published."""

import copy
import datetime

from django.utils import timezone

from dialogs.models import GuideVersion
from dialogs.models.answers import Answer
from dialogs.models.dialogue import Dialogue, DialogueStatus
from dialogs.services import dialogue as services
from dialogs.services import guide as guide_services
from tests.dialogs.factories import SMALL_GUIDE, as_bytes

SUMMARY_SECTIONS = [
    {
        "key": "sammanfattning", "code": "", "title": "Sammanfattning", "kind": "summary", "optional": False, "intro": "",
        "questions": [
            {"key": "sammanfattning-q01", "text": "Vad gör ni bra?", "kind": "text", "choices": [], "prompts": [],
             "help": "", "followups": [], "data_sources": []},
            {"key": "sammanfattning-q02", "text": "Vad ska ni jobba vidare med?", "kind": "text", "choices": [],
             "prompts": [], "help": "", "followups": [], "data_sources": []},
            {"key": "sammanfattning-q03", "text": "Föreligger någon indikation för fördjupad uppföljning?",
             "kind": "text", "choices": [], "prompts": [], "help": "", "followups": [], "data_sources": [],
             "team_only": True},
        ],
        "subsections": [],
    },
    {
        "key": "aterkoppling", "code": "", "title": "Återkoppling till uppföljningsteamet", "kind": "feedback",
        "optional": False, "intro": "",
        "questions": [
            {"key": "aterkoppling-q01", "text": "Vad var bra?", "kind": "text", "choices": [], "prompts": [],
             "help": "", "followups": [], "data_sources": []},
            {"key": "aterkoppling-q04", "text": "Inbokning av uppföljningsmöte? Önskemål om något fokusområde då?",
             "kind": "text", "choices": [], "prompts": [], "help": "", "followups": [], "data_sources": []},
        ],
        "subsections": [],
    },
]


def dialogue_guide_document() -> dict:
    document = copy.deepcopy(SMALL_GUIDE)
    document["guide"]["name"] = "Dialogguide"
    document["sections"] = document["sections"][:2] + SUMMARY_SECTIONS + document["sections"][2:]
    document["agenda"].append(
        {"key": "a4", "start": "14:00", "end": "14:30", "title": "Sammanfattning och återkoppling",
         "participants": "", "sections": ["sammanfattning", "aterkoppling"]}
    )
    return document


def published_dialogue_version(world, region=None) -> GuideVersion:
    """A published version of region A's (or ``region``'s) dialogue guide; the same one on every call."""
    region = region or world.region_a
    existing = (
        GuideVersion.objects.filter(guide__region=region, guide__name="Dialogguide").exclude(status="draft").order_by("number").first()
    )
    if existing is not None:
        return existing
    draft = guide_services.guide_version_import(region=region, guide=None, content=as_bytes(dialogue_guide_document()), user=None)
    return guide_services.guide_version_publish(version=draft, user=None)


def team_of_a(world, roles=("intervjuare",)) -> list[services.TeamSelection]:
    return [
        services.TeamSelection(user_id=world.user("bestallare").pk, roles=("dokumentation",)),
        services.TeamSelection(user_id=world.user("utveckling").pk, roles=tuple(roles)),
    ]


def plan(world, *, clinic=None, day=None, start=datetime.time(8, 30), user=None, participants=(), **options) -> Dialogue:
    """A dialogue at clinic A1 (by default) two weeks from now, planned by the beställare."""
    return services.dialogue_plan(
        region=world.region_a,
        clinic=clinic or world.clinic_a1,
        guide_version=options.pop("guide_version", None) or published_dialogue_version(world),
        date=day or timezone.localdate() + datetime.timedelta(days=14),
        start_time=start,
        place=options.pop("place", ""),
        include_lifestyle_module=options.pop("include_lifestyle_module", False),
        show_followups=options.pop("show_followups", True),
        team=team_of_a(world),
        participants=list(participants),
        user=user or world.user("bestallare"),
    )


def workday_after(days: int) -> datetime.date:
    """The first weekday that is not a Swedish public holiday, ``days`` or more from today."""
    from dialogs.services.dialogue import holiday_name

    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5 or holiday_name(day):
        day += datetime.timedelta(days=1)
    return day


def held(world, *, days_ago: int = 7, clinic=None, status=DialogueStatus.GENOMFORD) -> Dialogue:
    """A dialogue that took place ``days_ago`` days ago and has reached ``status`` through the services.
    Planning in the past is refused, so it is planned for today and then moved back in time, as if it had
    been planned back then."""
    dialogue = plan(world, clinic=clinic, day=timezone.localdate())
    Dialogue.objects.filter(pk=dialogue.pk).update(date=timezone.localdate() - datetime.timedelta(days=days_ago))
    dialogue.refresh_from_db()
    user = world.user("bestallare")
    path = [DialogueStatus.GENOMFORD, DialogueStatus.ATERKOPPLING_DELAD]
    for step in path:
        if dialogue.status == status:
            break
        services.dialogue_transition(dialogue=dialogue, to_status=step, user=user)
    if status in (DialogueStatus.UPPFOLJNING_BOKAD, DialogueStatus.AVSLUTAD):
        services.follow_up_book(
            dialogue=dialogue, user=user, date=timezone.localdate() + datetime.timedelta(days=30),
            start_time=datetime.time(9, 0), duration_minutes=60, video_link="https://video.example.org/m/1",
            focus_area="Kontinuitet",
        )
    if status == DialogueStatus.AVSLUTAD:
        services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.AVSLUTAD, user=user)
    dialogue.refresh_from_db()
    return dialogue


def write_answer(dialogue, key: str, text: str, user=None, **content) -> Answer:
    """An answer row written straight to the table, as the demo does (the on-site service is tested elsewhere)."""
    question = dialogue.guide_version.questions.get(key=key)
    return Answer.objects.create(dialogue=dialogue, question=question, text=text, revision=1, updated_by=user, **content)
