"""Benchmark of the dialogue guide's pages (issue 3, "Speed").

In a throwaway SQLite database it loads the shipped SKR guide (104 questions, 67 follow-ups), gives a region
its copy, signs in an administrator and times, through Django's test client, the guide page as the team sees
it, the editor of a draft, the printable page and the PDF (WeasyPrint). Prints one JSON document: median and
slowest time of each in milliseconds over ``--repeat`` runs, the SQL queries each took, and the PDF's size.

    .venv/bin/python bench/guide.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from pagetiming import time_pages

BASE_DIR = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench-guide-")
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)  # WeasyPrint's progress messages would drown the JSON.

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from dialogs.services import guide as services
    from organisations.models import Membership, Region, Role

    call_command("migrate", verbosity=0)
    national, _created = services.guide_load_shipped()
    region = Region.objects.create(name="Region Bänk")
    user = get_user_model().objects.create_user("bench-admin", password="not-used-anywhere-1")
    Membership.objects.create(user=user, region=region, role=Role.ADMIN)
    published = services.guide_adopt(region=region, source=national, user=user).versions.get()
    draft = services.guide_version_draft_start(source=published, user=user)
    client = Client()
    client.force_login(user)

    pages = {
        "guide_page": reverse("dialogs:version_detail", args=[published.pk]),
        "editor": reverse("dialogs:version_edit", args=[draft.pk]),
        "print_page": reverse("dialogs:version_print", args=[published.pk]),
        "pdf": reverse("dialogs:version_pdf", args=[published.pk]),
    }
    results: dict[str, object] = {
        "questions": published.questions.count(),
        "followups": sum(question.followups.count() for question in published.questions.all()),
        "repeat": args.repeat,
    }
    results.update(time_pages(client, pages, repeat=args.repeat))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
