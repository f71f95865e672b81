"""Benchmark of the learning report at national scale (issue 14, "Speed").

Builds, in a throwaway SQLite database (or a throwaway PostgreSQL database with ``--postgres-url``), the country:
21 regions (the first as large as Stockholm, 250 clinics), 1,200 clinics and 6,000 held dialogues over five years
(five per clinic), each with five medskick (30,000, one or two categories each), a lesson, and five evaluations
(three from the clinic, two from the team: 30,000). Then it times, through Django's test client in-process (server
time, no network), as median and 95th percentile:

- the national view (every region: all 6,000 dialogues and 30,000 medskick) and the largest region's report over the
  five years, each with the number of SQL queries – and the same pages over a single quarter, whose query count must
  be the same (constant, whatever the amount of data);
- the PowerPoint and the PDF of both.

Goals: the page under 200 ms, the PowerPoint under 1 s, the PDF under 3 s (95th percentile). Prints one JSON document.

    .venv/bin/python bench/learning.py [--clinics 1200] [--repeat 20] [--file-repeat 5] [--postgres-url postgres://…]
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import time

from pagetiming import analyze, freeze_built_data, throwaway_django, time_pages

REGIONS = 21
LARGEST = 250
DIALOGUES_PER_CLINIC = 5
MEDSKICK_PER_DIALOGUE = 5
GOALS_MS = {"page": 200, "pptx": 1000, "pdf": 3000}


def build(*, clinics: int, seed: int = 14) -> dict:
    """The national data set, written with bulk inserts; returns what the timings need."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from dialogs.models.dialogue import ClinicParticipant, Dialogue, DialogueStatus, TeamMember
    from dialogs.models.evaluations import CRITERIA_KEYS, Evaluation, RespondentGroup
    from dialogs.models.learning import Medskick, MedskickCategory, MedskickTag, TeamLesson
    from dialogs.services import guide as guide_services
    from organisations.models import Clinic, Membership, NationalReader, Party, Region, Role

    rng = random.Random(seed)
    today = timezone.localdate()
    national, _created = guide_services.guide_load_shipped()
    User = get_user_model()
    regions = [Region.objects.create(name=f"Region {n + 1:02}", code=f"{n + 1:02}") for n in range(REGIONS)]
    versions = {region.pk: guide_services.guide_adopt(region=region, source=national, user=None).versions.get() for region in regions}
    sizes = [LARGEST] + [(clinics - LARGEST) // (REGIONS - 1)] * (REGIONS - 1)
    clinic_rows = Clinic.objects.bulk_create(
        [Clinic(region=region, name=f"Vårdcentral {region.code}-{k:03}", hsa_id=f"SE-{region.code}-{k:04}")
         for region, size in zip(regions, sizes) for k in range(size)],
        batch_size=2000,
    )
    teams = {}
    for region in regions:
        people = User.objects.bulk_create([User(username=f"team-{region.code}-{k}", first_name="Team", last_name=f"{region.code}-{k}")
                                           for k in range(4)])
        Membership.objects.bulk_create([Membership(user=user, region=region, role=Role.UPPFOLJARE, party=Party.BESTALLARE)
                                        for user in people])
        teams[region.pk] = people
    region_of = {clinic.pk: clinic.region_id for clinic in clinic_rows}
    dialogues = Dialogue.objects.bulk_create(
        [Dialogue(clinic=clinic, guide_version=versions[clinic.region_id], status=DialogueStatus.AVSLUTAD,
                  date=today - datetime.timedelta(days=rng.randint(5, 5 * 365)), start_time=datetime.time(8, 30),
                  place="På vårdcentralen")
         for clinic in clinic_rows for _k in range(DIALOGUES_PER_CLINIC)],
        batch_size=2000,
    )
    members, participants = [], []
    for dialogue in dialogues:
        team = teams[region_of[dialogue.clinic_id]]
        first = rng.randrange(len(team))
        members += [TeamMember(dialogue=dialogue, user=team[first], party=Party.BESTALLARE),
                    TeamMember(dialogue=dialogue, user=team[(first + 1) % len(team)], party=Party.UTVECKLING)]
        participants += [ClinicParticipant(dialogue=dialogue, name=f"Deltagare {k}", role="annan", position=k) for k in range(3)]
    TeamMember.objects.bulk_create(members, batch_size=5000)
    participants = ClinicParticipant.objects.bulk_create(participants, batch_size=5000)
    categories = MedskickCategory.values
    medskick = Medskick.objects.bulk_create(
        [Medskick(dialogue=dialogue, text=f"Medskick {k} om villkoren och uppdraget, från dialogen {dialogue.pk}.",
                  raised_by=rng.choice(["vardcentral", "team"]), area=rng.choice(["", "p1", "p3"]), position=k)
         for dialogue in dialogues for k in range(MEDSKICK_PER_DIALOGUE)],
        batch_size=5000,
    )
    tags = []
    for item in medskick:
        for category in rng.sample(categories, rng.choice([1, 1, 2])):
            tags.append(MedskickTag(medskick=item, category=category))
    MedskickTag.objects.bulk_create(tags, batch_size=10000)
    TeamLesson.objects.bulk_create([TeamLesson(dialogue=dialogue, text="Skicka programmet tidigare.") for dialogue in dialogues],
                                   batch_size=5000)
    evaluations = []
    by_dialogue = {}
    for participant in participants:
        by_dialogue.setdefault(participant.dialogue_id, []).append(participant)
    team_by_dialogue = {}
    for member in members:
        team_by_dialogue.setdefault(member.dialogue_id, []).append(member.user)

    def scores():
        return {key: None if rng.random() < 0.05 else rng.randint(2, 5) for key in CRITERIA_KEYS}

    for dialogue in dialogues:
        evaluations += [Evaluation(dialogue=dialogue, group=RespondentGroup.VARDCENTRAL, participant=participant, **scores())
                        for participant in by_dialogue[dialogue.pk]]
        evaluations += [Evaluation(dialogue=dialogue, group=RespondentGroup.TEAM, user=user, **scores())
                        for user in team_by_dialogue[dialogue.pk]]
    Evaluation.objects.bulk_create(evaluations, batch_size=5000)
    reader = User.objects.create(username="nationell", first_name="Nora", last_name="Nationell")
    NationalReader.objects.create(user=reader, organisation="SKR")
    largest = regions[0]
    return {"regions": len(regions), "clinics": len(clinic_rows), "dialogues": len(dialogues), "medskick": len(medskick),
            "evaluations": len(evaluations), "largest": largest, "largest_dialogues": LARGEST * DIALOGUES_PER_CLINIC,
            "team_member": teams[largest.pk][0], "reader": reader}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinics", type=int, default=1200)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--file-repeat", type=int, default=5)
    parser.add_argument("--postgres-url", default="", help="server URL; a throwaway database is created there")
    args = parser.parse_args()
    if args.clinics < LARGEST + REGIONS - 1:
        parser.error(f"--clinics must be at least {LARGEST + REGIONS - 1}: {LARGEST} in the largest region, one in each other")
    with throwaway_django("learning", postgres_url=args.postgres_url) as database:
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        started = time.perf_counter()
        data = build(clinics=args.clinics)
        analyze()
        freeze_built_data()
        today = timezone.localdate()
        five_years = f"?fran={today - datetime.timedelta(days=5 * 366):%Y-%m-%d}&till={today:%Y-%m-%d}&indelning=ar"
        one_quarter = f"?fran={today - datetime.timedelta(days=80):%Y-%m-%d}&till={today:%Y-%m-%d}"
        result: dict = {
            "database": database["database"],
            "data": {key: value for key, value in data.items() if isinstance(value, int)},
            "build_seconds": round(time.perf_counter() - started, 1),
            "goals_p95_ms": GOALS_MS,
        }
        timings = {}
        for who, prefix in (("reader", "national"), ("team_member", "report")):
            client = Client()
            client.force_login(data[who])
            base = "learning:national" if prefix == "national" else "learning:report"
            pages = time_pages(client, {f"{prefix}_page_five_years": reverse(base) + five_years,
                                        f"{prefix}_page_one_quarter": reverse(base) + one_quarter}, repeat=args.repeat)
            files = time_pages(client, {f"{prefix}_pptx": reverse(f"{base}_pptx") + five_years,
                                        f"{prefix}_pdf": reverse(f"{base}_pdf") + five_years}, repeat=args.file_repeat)
            pages[f"{prefix}_page_five_years"]["same_queries_as_one_quarter"] = (
                pages[f"{prefix}_page_five_years"]["queries"] == pages[f"{prefix}_page_one_quarter"]["queries"])
            timings.update(pages)
            timings.update(files)
        for name, timing in timings.items():
            kind = "pptx" if name.endswith("pptx") else "pdf" if name.endswith("pdf") else "page"
            timing["within_goal"] = timing["p95_ms"] < GOALS_MS[kind]
        result["timings"] = timings
        print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
