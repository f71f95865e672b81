"""The shared library shipped with the product: the data sources of chapter 5 of the SKR method and a
starter set of indicators (``fixtures/library.json``). Loaded by ``manage.py load_content``; idempotent,
and a second run refreshes the shipped texts without touching regions' own sources and indicators."""

import json
from pathlib import Path

from django.db import transaction

from indicators.models import DataSource, Indicator

LIBRARY_PATH = Path(__file__).resolve().parent / "fixtures" / "library.json"

INDICATOR_FIELDS = (
    "name", "unit", "polarity", "target", "numerator_definition", "denominator_definition", "description",
)


def library() -> dict:
    return json.loads(LIBRARY_PATH.read_text(encoding="utf-8"))


@transaction.atomic
def load(*, stdout=None) -> None:
    content = library()
    sources = {}
    for row in content["sources"]:
        source, _created = DataSource.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "url": row["url"],
                "description": row["description"],
                "coverage_note": row["coverage_note"],
                "region": None,
            },
        )
        sources[row["slug"]] = source
    for row in content["indicators"]:
        defaults = {field: row.get(field, "" if field != "target" else None) for field in INDICATOR_FIELDS}
        Indicator.objects.update_or_create(
            code=row["code"], region=None, defaults={**defaults, "source": sources[row["source"]]}
        )
    if stdout is not None:
        stdout.write(
            f"Indikatorbiblioteket: {len(content['sources'])} datakällor och {len(content['indicators'])} indikatorer."
        )
