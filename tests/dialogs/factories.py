"""Small guides for tests, built through the services the way an administrator would get them."""

import copy
import json

from dialogs.models import GuideVersion
from dialogs.services import guide as services

SMALL_GUIDE = {
    "format": "primarvardsuppfoljning/guide",
    "format_version": 1,
    "guide": {
        "name": "Testguide",
        "attribution": "Frågorna kommer från Sveriges Kommuner och Regioner (SKR), Tillitsbaserad uppföljningsdialog, 2021.",
        "source_title": "Tillitsbaserad uppföljningsdialog",
        "source_year": 2021,
        "source_url": "https://example.org/skr",
    },
    "version": {"label": "Test 1", "notes": "För tester."},
    "agenda": [
        {"key": "a1", "start": "08:30", "end": "09:30", "title": "Genomgång av P1", "participants": "Verksamhetschef, MAL",
         "sections": ["p1"]},
        {"key": "a2", "start": "09:30", "end": "09:45", "title": "Kaffepaus", "participants": "", "sections": []},
        {"key": "a3", "start": "09:45", "end": "10:45", "title": "Genomgång av P4", "participants": "", "sections": ["p4"]},
    ],
    "sections": [
        {
            "key": "p1", "code": "P1", "title": "Personal (Persons)", "kind": "five_p", "optional": False, "intro": "",
            "questions": [
                {"key": "p1-q01", "text": "Vilka arbetar här?", "kind": "text", "choices": [], "prompts": [], "help": "",
                 "followups": ["Andel specialister i allmänmedicin?", "Vakanser?"], "data_sources": []},
                {"key": "p1-q02", "text": "Pågår någon forskning på vårdcentralen?", "kind": "yes_no", "choices": [],
                 "prompts": [], "help": "", "followups": ["Antal disputerade medarbetare?"], "data_sources": []},
                {"key": "p1-q03", "text": "Hur är arbetsmiljön?", "kind": "text", "choices": [], "prompts": [],
                 "help": "", "followups": [],
                 "data_sources": [{"label": "Se resultat på www.patientenkat.se", "url": "http://www.patientenkat.se/"}]},
            ],
            "subsections": [],
        },
        {
            "key": "p4", "code": "P4", "title": "Processer", "kind": "five_p", "optional": False, "intro": "",
            "questions": [],
            "subsections": [
                {"key": "p4-organisation", "title": "Organisation och ledning", "intro": "", "questions": [
                    {"key": "p4-organisation-q01", "text": "Är det något med era lokaler som behöver förbättras?",
                     "kind": "choices", "choices": ["För patienterna", "För personalen"], "prompts": [], "help": "",
                     "followups": [], "data_sources": []},
                ]},
                {"key": "p4-konkret-exempel", "title": "Konkret exempel", "intro": "", "questions": [
                    {"key": "p4-konkret-exempel-q01", "text": "Konkret exempel", "kind": "sequence", "choices": [],
                     "prompts": ["Välj ett område", "Vad tänker ni om det?"], "help": "PROM = Patient Reported Outcome Measures",
                     "followups": [], "data_sources": []},
                ]},
            ],
        },
        {
            "key": "levnadsvanor", "code": "", "title": "Fördjupningsdel Levnadsvanor", "kind": "module", "optional": True,
            "intro": "Frågorna är hämtade från SKR 2018.",
            "questions": [
                {"key": "levnadsvanor-q01", "text": "Hur prioriteras arbetet med levnadsvanor?", "kind": "text",
                 "choices": [], "prompts": [], "help": "", "followups": [], "data_sources": []},
            ],
            "subsections": [],
        },
    ],
}


def small_document(**changes) -> dict:
    document = copy.deepcopy(SMALL_GUIDE)
    document.update(changes)
    return document


def as_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def import_draft(region, user=None, document: dict | None = None, guide=None) -> GuideVersion:
    return services.guide_version_import(
        region=region, guide=guide, content=as_bytes(document or SMALL_GUIDE), user=user
    )


def published_version(region, user=None) -> GuideVersion:
    return services.guide_version_publish(version=import_draft(region, user), user=user)


def region_a_published(world) -> GuideVersion:
    return published_version(world.region_a, world.user("admin"))


def region_a_draft(world) -> GuideVersion:
    published = region_a_published(world)
    return services.guide_version_draft_start(source=published, user=world.user("admin"))


def region_a_two_versions(world) -> tuple[GuideVersion, GuideVersion]:
    first = region_a_published(world)
    draft = services.guide_version_draft_start(source=first, user=world.user("admin"))
    return first, services.guide_version_publish(version=draft, user=world.user("admin"))
