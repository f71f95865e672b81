"""Benchmark of the region's programme at national scale (issue 12, "Speed").

Builds, in a throwaway SQLite database (or a throwaway PostgreSQL database with ``--postgres-url``), the whole
country: 21 regions (the first as large as Stockholm, 250 clinics), 1,200 clinics, 6,000 dialogues (four held over
the past years and one ahead, spread over the coming months, per clinic), 2,000 users (the regions' follow-up
teams and clinic staff), preparations, follow-up meetings and clinic contact addresses. Then it times, through
Django's test client in-process (server time, no network), as median and 95th percentile over ``--repeat`` runs:

- the due list of the largest region, all clinics and filtered,
- the year plan of the largest region (this month, and the busiest month),
- the start page with its to-dos for a team member, an administrator and a member of a clinic's staff,

each with its number of SQL queries; and one ``send_reminders`` run over the whole country (the e-mail is queued
to the worker's database queue as in production, not sent), then a second run that must queue nothing.
Goals: every page under 100 ms at the 95th percentile, ``send_reminders`` under 10 s. Prints one JSON document.

    .venv/bin/python bench/programme.py [--clinics 1200] [--users 2000] [--repeat 30] [--postgres-url postgres://…]
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
PAGE_GOAL_MS = 100
REMINDERS_GOAL_S = 10


def build(*, clinics: int, users: int, seed: int = 12) -> dict:
    """The national data set, written with bulk inserts; returns what the timings need."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from dialogs.models.dialogue import (
        ClinicParticipant,
        Dialogue,
        DialogueStatus,
        FollowUpMeeting,
        Preparation,
        TeamMember,
    )
    from dialogs.services import guide as guide_services
    from organisations.models import Clinic, Membership, Party, Region, Role
    from programme.models import ClinicCycle, CycleSettings

    rng = random.Random(seed)
    today = timezone.localdate()
    national, _created = guide_services.guide_load_shipped()
    User = get_user_model()
    regions = [Region.objects.create(name=f"Region {n + 1:02}", code=f"{n + 1:02}") for n in range(REGIONS)]
    versions = {region.pk: guide_services.guide_adopt(region=region, source=national, user=None).versions.get() for region in regions}
    CycleSettings.objects.bulk_create(
        [CycleSettings(region=region, interval_months=rng.choice([12, 18, 24])) for region in regions]
    )
    # Clinics: the first region is as large as Stockholm, the rest share what is left.
    sizes = [LARGEST] + [(clinics - LARGEST) // (REGIONS - 1)] * (REGIONS - 1)
    sizes[-1] += clinics - sum(sizes)
    clinic_rows = Clinic.objects.bulk_create(
        [
            Clinic(region=region, name=f"Vårdcentral {region.code}-{n:03}", hsa_id=f"SE-BENCH-{region.code}-{n:03}",
                   contact_email=f"vc-{region.code}-{n:03}@example.org", street_address="Vårdvägen 1", city="Bänkby")
            for region, size in zip(regions, sizes)
            for n in range(size)
        ],
        batch_size=1000,
    )
    ClinicCycle.objects.bulk_create(
        [ClinicCycle(clinic=clinic, interval_months=6, reason="Ny") for clinic in clinic_rows[::25]]
    )
    # Users: about one in five on a follow-up team (at least six per region), the rest clinic staff.
    team_size = max(6, users // 5 // REGIONS)
    people = User.objects.bulk_create(
        [User(username=f"bench-{n:05}", first_name="Person", last_name=f"{n:05}", email=f"bench-{n:05}@example.org")
         for n in range(users)],
        batch_size=1000,
    )
    memberships, team_by_region, admin_by_region = [], {}, {}
    cursor = 0
    for region in regions:
        team = people[cursor: cursor + team_size]
        cursor += team_size
        admin_by_region[region.pk] = team[0]
        memberships.append(Membership(user=team[0], region=region, role=Role.ADMIN))
        team_by_region[region.pk] = [
            (user, Party.BESTALLARE if index % 2 else Party.UTVECKLING) for index, user in enumerate(team[1:])
        ]
        memberships += [Membership(user=user, region=region, role=Role.UPPFOLJARE, party=party) for user, party in team_by_region[region.pk]]
    staff_by_clinic = {}
    for index, user in enumerate(people[cursor:]):
        clinic = clinic_rows[index % len(clinic_rows)]
        staff_by_clinic.setdefault(clinic.pk, user)
        memberships.append(Membership(user=user, region_id=clinic.region_id, role=Role.VARDCENTRAL, party=Party.VARDCENTRAL, clinic=clinic))
    Membership.objects.bulk_create(memberships, batch_size=2000)

    # Five dialogues per clinic: four held over the past years, the latest planned within the coming 120 days
    # (so some are in every reminder's window), or held in the past weeks with feedback still to share.
    dialogue_rows = []
    for clinic in clinic_rows:
        for k in range(4):
            day = today - datetime.timedelta(days=540 * (4 - k) + rng.randint(-60, 60))
            dialogue_rows.append(Dialogue(clinic=clinic, guide_version=versions[clinic.region_id], date=day,
                                          start_time=datetime.time(8, 30), place="På vårdcentralen", status=DialogueStatus.AVSLUTAD))
        offset = rng.randint(-30, 120)
        status = DialogueStatus.PLANERAD if offset > 0 else DialogueStatus.GENOMFORD
        dialogue_rows.append(Dialogue(clinic=clinic, guide_version=versions[clinic.region_id],
                                      date=today + datetime.timedelta(days=offset), start_time=datetime.time(9, 0),
                                      place="På vårdcentralen", status=status))
    dialogue_rows = Dialogue.objects.bulk_create(dialogue_rows, batch_size=2000)
    region_of = {clinic.pk: clinic.region_id for clinic in clinic_rows}
    members = []
    for dialogue in dialogue_rows:
        team = team_by_region[region_of[dialogue.clinic_id]]
        first = rng.randrange(len(team))
        for user, party in {team[first], team[(first + 1) % len(team)]}:
            members.append(TeamMember(dialogue=dialogue, user=user, party=party))
    TeamMember.objects.bulk_create(members, batch_size=5000, ignore_conflicts=True)
    upcoming = [dialogue for dialogue in dialogue_rows if dialogue.status == DialogueStatus.PLANERAD]
    ClinicParticipant.objects.bulk_create(
        [ClinicParticipant(dialogue=dialogue, name="Verksamhetschef", role="verksamhetschef", email="chef@example.org")
         for dialogue in upcoming],
        batch_size=5000,
    )
    Preparation.objects.bulk_create(
        [Preparation(dialogue=dialogue, party=Party.VARDCENTRAL) for dialogue in upcoming if rng.random() < 0.4],
        batch_size=5000,
    )
    # Follow-up meetings: after the last held dialogue of each clinic, and for a third of the recently held ones
    # within the next days (in the reminder's window).
    FollowUpMeeting.objects.bulk_create(
        [FollowUpMeeting(dialogue=dialogue, date=dialogue.date + datetime.timedelta(days=150), start_time=datetime.time(13, 0))
         for dialogue in dialogue_rows if dialogue.status == DialogueStatus.AVSLUTAD and dialogue.date > today - datetime.timedelta(days=700)]
        + [FollowUpMeeting(dialogue=dialogue, date=today + datetime.timedelta(days=rng.randint(1, 5)), start_time=datetime.time(13, 0))
           for dialogue in dialogue_rows if dialogue.status == DialogueStatus.GENOMFORD and rng.random() < 0.33],
        batch_size=5000,
    )
    largest = regions[0]
    staff_clinic = next(clinic for clinic in clinic_rows if clinic.region_id == largest.pk and clinic.pk in staff_by_clinic)
    return {
        "regions": regions,
        "largest": largest,
        "team_member": team_by_region[largest.pk][0][0],
        "admin": admin_by_region[largest.pk],
        "staff": staff_by_clinic[staff_clinic.pk],
        "clinics": len(clinic_rows),
        "dialogues": len(dialogue_rows),
        "users": len(people),
    }


def busiest_month(region) -> tuple[int, int]:
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from dialogs.models.dialogue import Dialogue

    row = (
        Dialogue.objects.in_region(region).annotate(month=TruncMonth("date")).values("month")
        .annotate(n=Count("pk")).order_by("-n").first()
    )
    return row["month"].year, row["month"].month


def measure_reminders() -> dict:
    from programme.reminders import reminders_send

    started = time.perf_counter()
    first = reminders_send()
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = reminders_send()
    second_seconds = time.perf_counter() - started
    return {
        "first_run_seconds": round(first_seconds, 2),
        "queued": first,
        "second_run_seconds": round(second_seconds, 2),
        "queued_again": second,
        "goal_seconds": REMINDERS_GOAL_S,
        "within_goal": first_seconds < REMINDERS_GOAL_S and second_seconds < REMINDERS_GOAL_S and not any(second.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinics", type=int, default=1200)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--postgres-url", default="", help="server URL; a throwaway database is created there")
    args = parser.parse_args()
    if args.clinics < LARGEST + REGIONS - 1:
        parser.error(f"--clinics must be at least {LARGEST + REGIONS - 1}: {LARGEST} in the largest region, one in each other")
    if args.users < REGIONS * 6 + 1:
        parser.error(f"--users must be at least {REGIONS * 6 + 1}: six on each region's team and one at a clinic")
    # The e-mail waits for the worker in its database queue, as in production (not sent inline).
    environ = {"TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    with throwaway_django("programme", postgres_url=args.postgres_url, environ=environ) as database:
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        started = time.perf_counter()
        data = build(clinics=args.clinics, users=args.users)
        analyze()
        freeze_built_data()
        result: dict = {
            "database": database["database"],
            "data": {
                "regions": len(data["regions"]),
                "clinics": data["clinics"],
                "clinics_in_measured_region": LARGEST,
                "dialogues": data["dialogues"],
                "users": data["users"],
                "build_seconds": round(time.perf_counter() - started, 1),
            },
            "repeat": args.repeat,
            "goal_p95_ms": PAGE_GOAL_MS,
        }
        today = timezone.localdate()
        year, month = busiest_month(data["largest"])
        pages = {}
        for who, pages_of_person in [
            ("team_member", {
                "due_list": reverse("programme:due_list"),
                "due_list_overdue_by_name": reverse("programme:due_list") + "?status=forsenad&sortera=namn",
                "year_plan_this_month": reverse("programme:year_plan") + f"?ar={today.year}&manad={today.month}",
                "year_plan_busiest_month": reverse("programme:year_plan") + f"?ar={year}&manad={month}",
                "start_page_team_member": reverse("home"),
            }),
            ("admin", {"start_page_administrator": reverse("home")}),
            ("staff", {"start_page_clinic_staff": reverse("home")}),
        ]:
            client = Client()
            client.force_login(data[who])
            pages.update(time_pages(client, pages_of_person, repeat=args.repeat))
        for timing in pages.values():
            timing["within_goal"] = timing["p95_ms"] < PAGE_GOAL_MS
        result["pages"] = pages
        result["send_reminders"] = measure_reminders()
        print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
