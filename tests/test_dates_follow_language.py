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
