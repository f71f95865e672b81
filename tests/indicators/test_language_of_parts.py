"""WCAG 2.1 criterion 3.1.2 (language of parts) on the indicator pages: the indicator library is Swedish data
(names, definitions, descriptions and the sources' notes), so on an English page it is read as Swedish while
the page's own labels stay English. Source names are proper names and are left as they are."""

from django.urls import reverse

from indicators.models import DataSource, Indicator
from tests.dialogs.test_language_of_parts import english, languages  # noqa: F401  (english is a fixture)
from tests.indicators.import_fixtures import generic_file, library, media, run_import  # noqa: F401


def test_the_library_and_an_indicators_page_mark_the_swedish_names_and_definitions(english, world, library):
    indicator = Indicator.objects.exclude(numerator_definition="").exclude(description="").order_by("code").first()
    admin = english("admin")
    listing = languages(admin.get(reverse("indicators:indicator_list")))
    assert listing.language_of(indicator.name) == {"sv"}
    assert listing.language_of("The indicator library") == {"en"}
    page = languages(admin.get(reverse("indicators:indicator_region", args=[indicator.pk])))
    for text in (indicator.name, indicator.numerator_definition, indicator.denominator_definition, indicator.description):
        assert page.language_of(" ".join(text.split())) == {"sv"}, text
    assert page.language_of("About the indicator") == {"en"}
    sources = languages(admin.get(reverse("indicators:source_list")))
    source = DataSource.objects.exclude(description="").order_by("slug").first()
    assert sources.language_of(" ".join(source.description.split())) == {"sv"}


def test_the_clinics_indicator_table_marks_the_names_and_keeps_its_headers_english(english, world, run_import):
    run_import(generic_file("PVK-01;SE-A1;2023;T;41,7;;", "PVK-01;SE-A2;2023;T;50,0;;"))
    indicator = Indicator.objects.get(code="PVK-01")
    page = languages(english("bestallare").get(reverse("indicators:clinic_indicators", args=[world.clinic_a1.pk])))
    assert page.language_of(indicator.name) == {"sv"}
    assert page.language_of("Latest value") == {"en"}
