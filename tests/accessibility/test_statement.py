"""The accessibility statement (tillgänglighetsredogörelse): a public page with the parts DIGG's model asks for,
linked from every page, with the region's own contact details that its administrators edit."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accessibility import statement as product
from accessibility.models import StatementSettings

URL = "/tillganglighet/"


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", ["anonymous", "staff_a1"])
def test_every_page_links_to_the_statement_and_the_report_form(client_for, persona):
    for path in ("/konto/aterstall/" if persona == "anonymous" else "/", URL, "/tillganglighet/rapportera/"):
        html = page(client_for(persona).get(path))
        assert f'href="{URL}"' in html and "Tillgänglighetsredogörelse" in html
        assert "Rapportera brist i tillgängligheten" in html


def test_the_statement_has_the_parts_digg_asks_for(client, world):
    html = page(client.get(URL))
    for heading in (
        "Hur tillgänglig är tjänsten?",
        "Vad kan du göra om du inte kan använda delar av tjänsten?",
        "Rapportera brister i tjänstens tillgänglighet",
        "Tillsyn",
        "Teknisk information om tjänstens tillgänglighet",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat tjänsten",
    ):
        assert f">{heading}</h" in html, heading
    assert "Myndigheten för digital förvaltning (Digg)" in html and product.DIGG_COMPLAINT_URL in html
    assert "axe-core" in html and "WCAG 2.1 nivå A och AA" in html
    # Known shortcomings, named honestly: the documents are tagged now (issue 15 §6), older shared decks are not.
    assert "taggade enligt PDF/UA-1" in html and "PDF-filen är inte taggad" in html
    assert "delvis förenlig" in html
    assert f"Den senaste bedömningen gjordes den {product.ASSESSED_ON.day} december {product.ASSESSED_ON.year}" in html


def test_a_visitor_sees_each_region_that_has_given_a_contact(client, world):
    StatementSettings.objects.create(region=world.region_a, organisation="Region A:s hälso- och sjukvård",
                                     contact_email="tillganglighet@region-a.se", contact_phone="010-123 45 67")
    html = page(client.get(URL))
    assert "Region A:s hälso- och sjukvård" in html and "mailto:tillganglighet@region-a.se" in html
    assert "010-123 45 67" in html
    assert "Region B" not in html  # no contact given


def test_a_signed_in_person_sees_their_regions_statement(client_for, world):
    StatementSettings.objects.create(region=world.region_b, organisation="Region B", contact_email="b@region-b.se")
    html = page(client_for("bestallare").get(URL))
    assert "b@region-b.se" not in html and "Region A står bakom PrimärvårdsUppföljning" in html


def test_the_statement_is_in_english_when_english_is_chosen(client, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client.get(URL))
    assert '<html lang="en">' in html


def test_an_administrator_edits_the_regions_part_and_the_date_follows(client_for, world):
    client = client_for("admin")
    assert "Ändra regionens uppgifter" in page(client.get(URL))
    response = client.post(reverse("accessibility:settings"), {
        "organisation": "Region A, hälso- och sjukvårdsförvaltningen", "contact_email": "tillganglighet@region-a.se",
        "contact_phone": "", "published_on": "2026-01-15",
    })
    assert response.status_code == 302
    html = page(client_for("staff_a1").get(URL))
    assert "Region A, hälso- och sjukvårdsförvaltningen står bakom" in html
    assert "Tjänsten publicerades den 15 januari 2026." in html
    today = timezone.localdate()
    assert f"uppdaterades senast den {today.day} " in html
    assert "Ändra regionens uppgifter" not in html  # staff do not see the administrators' links


def test_the_settings_form_refuses_a_bad_address_with_a_message(client_for, world):
    response = client_for("admin").post(reverse("accessibility:settings"), {
        "organisation": "x", "contact_email": "inte en adress", "contact_phone": "", "published_on": "",
    })
    assert response.status_code == 200 and "Fyll i en giltig e-postadress" in response.content.decode()
    assert not StatementSettings.objects.exists()


def test_a_get_of_the_settings_page_writes_nothing(client_for, world):
    page(client_for("admin").get(reverse("accessibility:settings")))
    assert not StatementSettings.objects.exists()
