"""Dates follow the active language (issue 10, §6): the Indikatorer page wrote "6 Dec 2026 21:44" in Swedish."""

import datetime

from django.urls import reverse
from django.utils import timezone

from indicators.models import ImportBatch
from tests.indicators.factories import make_batch


def test_the_indicator_pages_write_timestamps_in_the_active_language(world, client_for):
    batch = make_batch(world.region_a, world.user("admin"))
    moment = timezone.make_aware(datetime.datetime(2026, 12, 6, 21, 44))
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=moment)
    client = client_for("admin")
    for name, args in (("indicators:index", []), ("indicators:batch_list", []), ("indicators:batch_detail", [batch.pk])):
        swedish = client.get(reverse(name, args=args)).content.decode()
        assert "6 december 2026 21:44" in swedish and "Dec 2026" not in swedish, name
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("indicators:index")).content.decode()
    assert "6 December 2026 21:44" in english


def test_short_dates_are_swedish_in_swedish_and_english_in_english(world, client_for):
    """Swedish writes its months in lower case ("23 okt 2026"), not as English does ("Oct. 23")."""
    from dialogs.models.dialogue import DialogueStatus
    from tests.dialogs.dialogue_factories import published_dialogue_version
    from tests.programme.factories import dialogue_on

    published_dialogue_version(world)
    dialogue_on(world, world.clinic_a1, datetime.date(2025, 10, 23), status=DialogueStatus.AVSLUTAD)
    client = client_for("admin")
    swedish = client.get(reverse("programme:due_list")).content.decode()
    assert "23 okt 2025" in swedish and "Okt" not in swedish
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "23 Oct. 2025" in client.get(reverse("programme:due_list")).content.decode()
