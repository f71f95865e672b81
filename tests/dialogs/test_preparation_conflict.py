"""Two people from the same party preparing at once (the clinic's manager and a nurse, say): a save made from a
form that someone else's save has overtaken is refused with 409, shows both texts and keeps every word in the
form; nothing is overwritten unnoticed. A form sent again unchanged is no conflict."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from dialogs.models.dialogue import Preparation
from organisations.models import Membership, Party, Role
from tests.dialogs.dialogue_factories import plan


@pytest.fixture
def second_nurse(world):
    nurse = get_user_model().objects.create_user("nurse_a1", password="x", first_name="Nora", last_name="Sjuksköterska")
    Membership.objects.create(user=nurse, region=world.region_a, clinic=world.clinic_a1, role=Role.VARDCENTRAL,
                              party=Party.VARDCENTRAL)
    client = Client()
    client.force_login(nurse)
    return client


def _opened_form(client, url) -> dict:
    """What the form holds when it is opened: the data a person would send back after typing."""
    form = client.get(url).context["form"]
    sections = [value for value, _label in form.fields["focus"].choices if value.startswith("section-")][:2]
    return {"focus": form.initial.get("focus") or sections, "overview_notes": form.initial.get("overview_notes", ""),
            "data_sources": ["npe"], "data_sources_other": "", "responsibility": form.initial.get("responsibility", ""),
            "base_revision": form.initial["base_revision"]}


def test_a_save_over_someone_elses_newer_text_is_refused_with_both_texts_and_the_merge_saves(world, client_for, second_nurse):
    dialogue = plan(world)
    url = reverse("dialogs:preparation_update", args=[dialogue.pk, "vardcentral"])
    stina, nora = client_for("staff_a1"), second_nurse
    stinas, noras = _opened_form(stina, url), _opened_form(nora, url)

    assert stina.post(url, {**stinas, "overview_notes": "Väntetiden i telefon har ökat."}).status_code == 302
    response = nora.post(url, {**noras, "overview_notes": "Andelen med fast läkarkontakt har minskat."})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Någon annan har sparat förberedelsen medan du skrev" in page and "Stina A1" in page
    assert "Andelen med fast läkarkontakt har minskat." in page and "Väntetiden i telefon har ökat." in page
    saved = Preparation.objects.get(dialogue=dialogue, party=Party.VARDCENTRAL)
    assert saved.overview_notes == "Väntetiden i telefon har ökat." and saved.revision == 1  # nothing overwritten
    offered = response.context["form"].initial
    assert offered["base_revision"] == 1
    assert "Väntetiden i telefon har ökat." in offered["overview_notes"]
    assert "Andelen med fast läkarkontakt har minskat." in offered["overview_notes"]

    resent = {**noras, "overview_notes": offered["overview_notes"], "base_revision": offered["base_revision"]}
    assert nora.post(url, resent).status_code == 302
    saved.refresh_from_db()
    assert "Väntetiden" in saved.overview_notes and "fast läkarkontakt" in saved.overview_notes
    assert saved.revision == 2 and saved.updated_by.username == "nurse_a1"


def test_a_form_sent_again_unchanged_is_no_conflict_and_writes_nothing(world, client_for):
    dialogue = plan(world)
    url = reverse("dialogs:preparation_update", args=[dialogue.pk, "vardcentral"])
    client = client_for("staff_a1")
    data = {**_opened_form(client, url), "overview_notes": "Samma text."}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the back button and "send again": the same words
    assert Preparation.objects.get(dialogue=dialogue, party=Party.VARDCENTRAL).revision == 1


@pytest.mark.parametrize("revision", ["99999999999999999999", "-1", "ett"])
def test_a_broken_revision_is_refused_with_a_message_and_the_text_stays_in_the_form(world, client_for, revision):
    dialogue = plan(world)
    url = reverse("dialogs:preparation_update", args=[dialogue.pk, "vardcentral"])
    client = client_for("staff_a1")
    response = client.post(url, {**_opened_form(client, url), "overview_notes": "Min text.", "base_revision": revision})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ladda om sidan och försök igen" in page and "Min text." in page
    assert not Preparation.objects.exists()
