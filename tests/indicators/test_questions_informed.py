""""Questions informed": the indicator pages list the region's guide questions that show the indicator beside
them, read back through Question.indicators (indicator.questions) without the indicators app importing dialogs."""

import pytest
from django.urls import reverse

from dialogs.models import Question
from dialogs.services import guide as guide_services
from indicators.selectors.questions import questions_informed
from tests.dialogs.factories import region_a_published
from tests.indicators.factories import make_indicator, make_source


@pytest.fixture
def linked(world):
    """A shared indicator linked to two questions of region A's published guide, and to one of its draft."""
    indicator = make_indicator("Kontinuitet läkare")
    published = region_a_published(world)
    for key in ("p4-organisation-q01", "p1-q01"):
        question = Question.objects.select_related("version__guide").get(version=published, key=key)
        guide_services.question_indicators_set(question=question, indicators=[indicator])
    draft = guide_services.guide_version_draft_start(source=published, user=world.user("admin"))
    extra = Question.objects.select_related("version__guide").get(version=draft, key="p1-q02")
    guide_services.question_indicators_set(question=extra, indicators=[indicator])
    return indicator


def test_the_questions_of_published_versions_in_reading_order(world, linked, django_assert_num_queries):
    with django_assert_num_queries(1):
        groups = questions_informed(linked, world.region_a)
    assert [group.version for group in groups] == ["Testguide, version 1 – Test 1"]
    assert groups[0].questions == [
        ("P1", "Vilka arbetar här?"),
        ("P4 › Organisation och ledning", "Är det något med era lokaler som behöver förbättras?"),
    ]
    assert questions_informed(linked, world.region_b) == []


def test_the_indicator_page_lists_the_questions_informed(world, client_for, linked):
    page = client_for("bestallare").get(reverse("indicators:indicator_region", args=[linked.pk])).content.decode()
    assert "Frågor som indikatorn belyser" in page and "Är det något med era lokaler som behöver förbättras?" in page
    assert "Pågår någon forskning på vårdcentralen?" not in page  # only in the draft


def test_the_region_indicators_edit_page_lists_its_questions_too(world, client_for):
    own = make_indicator("Telefonväntetid", source=make_source(region=world.region_a), region=world.region_a)
    page = client_for("admin").get(reverse("indicators:indicator_update", args=[own.pk])).content.decode()
    assert "Ingen fråga i regionens publicerade dialogstöd visar indikatorn ännu." in page
    question = Question.objects.select_related("version__guide").get(version=region_a_published(world), key="p1-q01")
    guide_services.question_indicators_set(question=question, indicators=[own])
    page = client_for("admin").get(reverse("indicators:indicator_update", args=[own.pk])).content.decode()
    assert "<span class=\"text-muted\">P1:</span> Vilka arbetar här?" in page
