"""Benchmark of the dialogue guide's pages (issue 3, "Speed").

In a throwaway SQLite database it loads the shipped SKR guide (104 questions, 67 follow-ups), gives a region
its copy, signs in an administrator and times, through Django's test client, the guide page as the team sees
it, the editor of a draft, the printable page and the PDF (WeasyPrint). Prints one JSON document: median and
slowest time of each in milliseconds over ``--repeat`` runs, the SQL queries each took, and the PDF's size.

    .venv/bin/python bench/guide.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json

from pagetiming import throwaway_django, time_pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with throwaway_django("guide"):  # migrated; WeasyPrint's progress messages are silenced with the rest
        print(json.dumps(measure(args.repeat), indent=2))


def measure(repeat: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from dialogs.services import guide as services
    from organisations.models import Membership, Region, Role

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
        "repeat": repeat,
    }
    results.update(time_pages(client, pages, repeat=repeat))
    return results


if __name__ == "__main__":
    main()
