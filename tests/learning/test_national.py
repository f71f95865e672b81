"""The national view (issue 14): for the nationell läsare only; every figure pooled from at least three regions'
dialogues (crafted with one, two and three regions), never a clinic's name or text, in the page, the PowerPoint and
the PDF."""

import io

import pytest
from django.urls import reverse
from pptx import Presentation

from learning.selectors import category_counts, evaluation_summary
from tests.learning.factories import (
    clinic_answers,
    closed_days_ago,
    held_in,
    held_with_participants,
    lesson,
    medskick,
    other_region,
)
from tests.pdftext import pdf_flat_text
from tests.learning.test_report import _filters

SECRET = "Hemlig text från en vårdcentral"


def _regions(world, count: int) -> None:
    """Held dialogues with a medskick on villkor and three clinic answers in ``count`` regions (A first)."""
    dialogue = held_with_participants(world, days_ago=closed_days_ago())
    medskick(world, dialogue, text=SECRET, categories=("villkor",))
    lesson(world, dialogue, text=SECRET + " (lärdom)")
    clinic_answers(dialogue, [5, 4, 4])
    for number in range(count - 1):
        region, clinic, user = other_region(f"Region {'CD'[number]}", f"0{number + 3}")
        other = held_in(region, clinic, user, days_ago=closed_days_ago())
        from dialogs.services.learning import medskick_create

        medskick_create(dialogue=other, user=user, text=SECRET, categories=["villkor"])
        clinic_answers(other, [3, 4, 5])


def _texts(data: bytes) -> str:
    deck = Presentation(io.BytesIO(data))
    return "\n".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)


@pytest.mark.parametrize("regions", [1, 2, 3])
def test_figures_need_three_regions(world, client_for, regions):
    _regions(world, regions)
    counts = category_counts(region=None, filters=_filters())
    assert (counts.totals["villkor"] == regions) is (regions >= 3)
    assert (counts.totals["villkor"] is None) is (regions < 3)
    assert (counts.dialogues is None) is (regions < 3)
    clinic = next(group for group in evaluation_summary(region=None, filters=_filters()).overall if group.group == "vardcentral")
    assert clinic.shown is (regions >= 3) and clinic.regions_short is (regions < 3)
    client = client_for("national")
    page = client.get(reverse("learning:national")).content.decode()
    assert ("Andel 4–5 (95 % KI)" in page) is (regions >= 3)
    pptx = _texts(client.get(reverse("learning:national_pptx")).content)
    pdf = pdf_flat_text(client.get(reverse("learning:national_pdf")).content)
    if regions < 3:
        assert "från färre än tre regioner: visas inte" in page
        assert "visas inte (färre än 3 regioner)" in pptx and "visas inte (färre än 3 regioner)" in pdf
    else:
        assert "Villkorens rimlighet: 3" in pptx and "Vårdcentralen – Användarvänlig" in pptx


def test_no_clinic_level_text_reaches_the_national_reader(world, client_for):
    _regions(world, 3)
    client = client_for("national")
    for name in ("learning:national", "learning:national_pptx", "learning:national_pdf"):
        body = client.get(reverse(name)).content
        text = body.decode() if name == "learning:national" else (_texts(body) if name.endswith("pptx") else pdf_flat_text(body))
        assert SECRET not in text
        for clinic_name in ("Vårdcentral A1", "Vårdcentral 03", "Vårdcentral 04", "Stina A1"):
            assert clinic_name not in text
        assert "Region A" not in text and "Region C" not in text


def test_the_national_view_is_the_national_readers_only(world, client_for):
    for persona in ("admin", "bestallare", "staff_a1", "outsider"):
        assert client_for(persona).get(reverse("learning:national")).status_code == 404
        assert client_for(persona).get(reverse("learning:national_pdf")).status_code == 404


def test_a_category_from_too_few_regions_is_a_dash_in_a_period_with_enough(world, client_for):
    _regions(world, 3)
    medskick(world, Dialogue_of_a(world), text="Bara region A", categories=("information",))
    counts = category_counts(region=None, filters=_filters())
    assert counts.totals["information"] is None and counts.totals["villkor"] == 3
    page = client_for("national").get(reverse("learning:national")).content.decode()
    assert "färre än tre regioner" in page


def Dialogue_of_a(world):  # noqa: N802 - reads as what it returns
    from dialogs.models.dialogue import Dialogue

    return Dialogue.objects.filter(clinic__region=world.region_a).first()


def test_the_national_view_reads_the_same_number_of_queries_however_much_there_is(world, client_for,
                                                                                 django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _regions(world, 3)
    client = client_for("national")
    client.get(reverse("learning:national"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("learning:national"))
    for name, code in (("Region E", "05"), ("Region F", "06")):
        region, clinic, user = other_region(name, code)
        for days in (10, 100, 200):
            clinic_answers(held_in(region, clinic, user, days_ago=days), [2, 3, 4])
    with django_assert_max_num_queries(len(before)):
        client.get(reverse("learning:national"))


def test_a_month_from_too_few_regions_is_left_out_of_every_total(world):
    """A longer period less a shorter one must not give a month that only one region had dialogues in."""
    import datetime

    from django.utils import timezone

    _regions(world, 3)
    lone = Dialogue_of_a(world)
    earlier = held_with_participants(world, days_ago=(timezone.localdate() - lone.date).days + 62)
    medskick(world, earlier, text="Bara region A, en annan månad", categories=("villkor",))
    clinic_answers(earlier, [1, 1, 1])
    whole = category_counts(region=None, filters=_filters())
    assert whole.totals["villkor"] == 3  # the lone region's month adds nothing, so no difference can show it
    first_day = lone.date.replace(day=1)
    since = category_counts(region=None, filters=_filters(start=first_day))
    assert since.totals["villkor"] == whole.totals["villkor"] and since.dialogues == whole.dialogues
    before = category_counts(region=None, filters=_filters(end=first_day - datetime.timedelta(days=1)))
    assert before.totals["villkor"] is None and before.dialogues is None  # too few regions, and no number
    clinic = next(g for g in evaluation_summary(region=None, filters=_filters()).overall if g.group == "vardcentral")
    assert clinic.respondents == 9  # three regions' three answers in the shared month; region A's lone month: none
