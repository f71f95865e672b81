"""A register extract (registerutdrag, GDPR article 15): everything the service holds about one person, as JSON.

The extract is built from the register (``privacy.registry.person_rules``): every row linked to the person – what
they wrote, changed, took part in, received – with its dates, the dialogue it belongs to, and the fields the app
declares as about the person or written by them (their comments, evaluations, reports). The work the person did in
a region's records (answers, notes) is listed as rows, not copied: the text is the region's record of the dialogue,
not data about the person. Reading only: building an extract writes nothing.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from dialogs.models import Dialogue
from organisations.models import Membership
from privacy import registry

FORMAT = "primarvardsuppfoljning.registerutdrag/1"
MAX_ROWS = 10_000  # per kind of row; more are counted, not listed


def _account(user) -> dict:
    return {
        "id": user.pk,
        "användarnamn": user.username,
        "förnamn": user.first_name,
        "efternamn": user.last_name,
        "e-post": user.email,
        "aktivt": user.is_active,
        "skapat": user.date_joined,
        "senast_inloggad": user.last_login,
    }


def _memberships(user) -> list[dict]:
    return [
        {"region": m.region.name, "roll": m.get_role_display(), "part": m.get_party_display(),
         "vårdcentral": m.clinic.name if m.clinic else "", "befattning": m.title, "sedan": m.created_at}
        for m in Membership.objects.filter(user=user).select_related("region", "clinic").order_by("region__name")
    ]


def _dates(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, (models.DateField, models.DateTimeField))]


def _rows(rule: registry.PersonRule, user) -> tuple[int, list[dict]]:
    names = ["pk", *_dates(rule.model), *[f.name for f in rule.shown]]
    if rule.dialogue:
        names.append(rule.dialogue)
    queryset = rule.rows(user).order_by("pk")
    rows = list(queryset.values(*dict.fromkeys(names))[:MAX_ROWS])
    count = len(rows) if len(rows) < MAX_ROWS else queryset.count()
    return count, rows


def person_extract(*, user) -> dict:
    """The extract as a dict (see ``person_extract_json``)."""
    records, dialogue_ids = [], set()
    for rule in registry.person_rules():
        count, rows = _rows(rule, user)
        if not count:
            continue
        if rule.dialogue:
            for row in rows:
                row["dialog"] = row.pop(rule.dialogue)
                dialogue_ids.add(row["dialog"])
        records.append({
            "modell": rule.model._meta.label,
            "vad": rule.label,
            "koppling": rule.link_label,
            "antal": count,
            "rader": rows,
        })
    dialogues = {
        dialogue.pk: {"vårdcentral": dialogue.clinic.name, "region": dialogue.clinic.region.name, "datum": dialogue.date}
        for dialogue in Dialogue.objects.filter(pk__in=dialogue_ids).select_related("clinic__region")
    }
    return {
        "format": FORMAT,
        "skapat": timezone.now(),
        "konto": _account(user),
        "behörigheter": _memberships(user),
        "dialoger": {str(pk): about for pk, about in sorted(dialogues.items())},
        "uppgifter": records,
    }


def person_extract_json(*, user) -> bytes:
    return json.dumps(person_extract(user=user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
