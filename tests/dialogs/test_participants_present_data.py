"""The clinic's participants may present data (issue 10, §6): the method gives "Presentera data (på
storbildsskärm)" to the vårdcentral, not only to the team."""

from django.urls import reverse

from dialogs.models.dialogue import Dialogue
from tests.dialogs.test_dialogue_views import _planning_post


def test_a_clinic_participant_is_planned_as_presenting_data_and_shown_so(world, client_for):
    client = client_for("bestallare")
    page = client.get(reverse("dialogs:dialogue_create")).content.decode()
    assert 'name="deltagare-0-presents_data"' in page and "Presenterar data på storbildsskärmen" in page
    response = client.post(reverse("dialogs:dialogue_create"), _planning_post(world, **{"deltagare-1-presents_data": "on"}))
    assert response.status_code == 302
    dialogue = Dialogue.objects.get()
    vera, mats = dialogue.clinic_participants.order_by("position")
    assert not vera.presents_data and mats.presents_data
    detail = client.get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])).content.decode()
    assert "Mats Läkare, medicinskt ansvarig läkare – presenterar data" in detail
    # Changing the plan keeps the choice.
    form = client.get(reverse("dialogs:dialogue_update", args=[dialogue.pk])).content.decode()
    assert 'name="deltagare-1-presents_data" id="id_deltagare-1-presents_data" checked' in form
