"""Benchmark of the two actions measured as slow in a year's use (issue 10, §6): saving a clinic's preparation
(2.0 s) and the letter's PDF (1.6 s). Goal: each under 300 ms of server time.

Builds the demo in a throwaway SQLite database and times, through Django's test client in-process (server
time, no network), as median and 95th percentile over ``--repeat`` runs after one warm-up:

- ``preparation_save``: demo-vc1 posts the clinic's preparation of the dialogue in preparation (the whole
  form: focus areas, data sources, notes) and follows nothing (the POST alone, answering a redirect),
- ``preparation_first_save``: the clinic's first preparation of a newly planned dialogue (which also moves it
  to "förberedelse"), a new dialogue for every run,
- ``preparation_form_page``, ``preparation_list_page``: the form, and the page the redirect leads to,
- ``letter_pdf_first``: the team downloads the letter (Bilaga 1) as PDF, rendered anew every run (the cache
  emptied first), and ``letter_pdf_again``: the same unchanged letter downloaded again.

WeasyPrint's import (over a second) is not in these numbers: a web worker imports it as it starts
(config/wsgi.py), and the warm-up run pays it here.

Prints one JSON document.

    .venv/bin/python bench/slow_actions.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GOAL_MS = 300


def _setup(workdir: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    logging.disable(logging.WARNING)  # WeasyPrint's and the access log's messages would drown the JSON


def _timed(send, *, repeat: int, status: int, before=None) -> dict:
    """Median and 95th percentile of ``send()`` after one warm-up; ``before(run)`` runs untimed before each."""
    from pagetiming import summary

    if before:
        before(-1)
    response = send()  # warm up: templates, fonts, imports
    assert response.status_code == status, (response.status_code, response.content[:300])
    timings = []
    for run in range(repeat):
        if before:
            before(run)
        started = time.perf_counter()
        response = send()
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == status, (response.status_code, response.content[:300])
    result = summary(timings)
    result["goal_ms"] = GOAL_MS
    result["within_goal"] = result["median_ms"] < GOAL_MS
    return result


def _planned_copy(dialogue, run: int):
    """A new dialogue at the same clinic with the same team, planned (not prepared) through the service."""
    import datetime

    from dialogs.services import dialogue as services

    return services.dialogue_plan(
        region=dialogue.clinic.region, clinic=dialogue.clinic, guide_version=dialogue.guide_version,
        date=dialogue.date + datetime.timedelta(days=7 * (run + 2)), start_time=dialogue.start_time, place="",
        include_lifestyle_module=False, show_followups=True,
        team=[services.TeamSelection(user_id=member.user_id, roles=tuple(member.roles)) for member in dialogue.team_members.all()],
        participants=[], user=dialogue.created_by,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-slow-")
    try:
        _setup(workdir)
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        from django.core.cache import cache

        from dialogs.models.dialogue import Dialogue, DialogueStatus, Preparation

        call_command("migrate", verbosity=0)
        call_command("load_content", verbosity=0, stdout=open(os.devnull, "w"))
        call_command("demo", force=True, stdout=open(os.devnull, "w"))
        User = get_user_model()
        dialogue = Dialogue.objects.get(status=DialogueStatus.FORBEREDELSE, clinic__hsa_id__endswith="D001")
        clinic_client, team_client = Client(), Client()
        clinic_client.force_login(User.objects.get(username="demo-vc1"))
        team_client.force_login(User.objects.get(username="demo-bestallare"))
        form_url = reverse("dialogs:preparation_update", args=[dialogue.pk, "vardcentral"])
        fresh = []
        page = clinic_client.get(form_url).content.decode()
        import re

        focus = re.findall(r'name="focus" value="([^"]+)"', page)[:3]
        data = {
            "focus": focus,
            "overview_notes": "Telefonväntetiden har minskat sedan i fjol men är fortfarande lång på måndagar.",
            "data_sources": ["medrave", "npe"],
            "data_sources_other": "",
            "responsibility": "Vi visar våra data på storbildsskärmen i konferensrummet.",
        }
        notes = data["overview_notes"]

        def next_edit(run: int) -> None:
            """Each run saves a changed text from the revision the form would show (an unchanged one writes nothing)."""
            saved = Preparation.objects.filter(dialogue=dialogue, party="vardcentral").values_list("revision", flat=True)
            data.update(overview_notes=f"{notes} (ändring {run})", base_revision=saved.first() or 0)

        results = {
            "preparation_save": _timed(
                lambda: clinic_client.post(form_url, data), repeat=args.repeat, status=302, before=next_edit
            ),
            "preparation_form_page": _timed(lambda: clinic_client.get(form_url), repeat=args.repeat, status=200),
            "preparation_list_page": _timed(
                lambda: clinic_client.get(reverse("dialogs:preparation_list", args=[dialogue.pk])),
                repeat=args.repeat, status=200,
            ),
            "preparation_first_save": _timed(
                lambda: clinic_client.post(
                    reverse("dialogs:preparation_update", args=[fresh[-1].pk, "vardcentral"]), {**data, "base_revision": 0}
                ),
                repeat=args.repeat, status=302, before=lambda run: fresh.append(_planned_copy(dialogue, run)),
            ),
            "letter_pdf_first": _timed(
                lambda: team_client.get(reverse("dialogs:dialogue_letter_pdf", args=[dialogue.pk])),
                repeat=args.repeat, status=200, before=lambda run: cache.clear(),
            ),
            "letter_pdf_again": _timed(
                lambda: team_client.get(reverse("dialogs:dialogue_letter_pdf", args=[dialogue.pk])),
                repeat=args.repeat, status=200,
            ),
        }
        print(json.dumps({"benchmark": "slow_actions", "repeat": args.repeat, "results": results}, indent=2))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
