"""The demo of issue 14: a year of dialogues in both demo regions (and Region Prov) with medskick, lessons and
evaluations whose trend shows, a national view with figures, and nothing added when loaded again."""

from django.core.management import call_command
from django.urls import reverse

from dialogs.models.evaluations import Evaluation
from dialogs.models.learning import Medskick, TeamLesson
from learning.forms import ReportFilters
from learning.selectors import category_counts, evaluation_summary
from organisations.models import Region


def test_the_demo_shows_a_trend_in_both_regions_and_a_national_view(db, settings, client, django_user_model):
    settings.DEBUG = True
    call_command("load_content", verbosity=0, stdout=open("/dev/null", "w"))
    call_command("demo", stdout=open("/dev/null", "w"))
    filters = ReportFilters.default()
    for name in ("Region Demo", "Region Exempel"):
        region = Region.objects.get(name=name)
        assert Medskick.objects.filter(dialogue__clinic__region=region).count() >= 12
        assert TeamLesson.objects.filter(dialogue__clinic__region=region).count() >= 10
        trend = [group for group in evaluation_summary(region=region, filters=filters).trend["vardcentral"] if group.shown]
        assert len(trend) >= 3
        first, last = trend[0].criteria, trend[-1].criteria
        assert sum(result.share for result in last if result.shown) > sum(result.share for result in first if result.shown)
    assert category_counts(region=None, filters=filters).dialogues is not None  # three regions: the national view shows
    client.force_login(django_user_model.objects.get(username="demo-nationell"))
    assert "Andel 4–5 (95 % KI)" in client.get(reverse("learning:national")).content.decode()

    counts = (Medskick.objects.count(), TeamLesson.objects.count(), Evaluation.objects.count())
    call_command("demo", stdout=open("/dev/null", "w"))
    assert (Medskick.objects.count(), TeamLesson.objects.count(), Evaluation.objects.count()) == counts
