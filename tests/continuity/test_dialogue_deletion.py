"""A dialogue with agreements or fördjupad uppföljning cannot be deleted (issue 13, "Bad input and integrity"): the
delete page says why and offers no delete button, a POST anyway is refused with the same reason (409), and the
dialogue, its agreements and its case are all still there."""

import pytest
from django.urls import reverse

from dialogs.models.agreements import Agreement
from dialogs.models.cases import Case
from dialogs.models.dialogue import Dialogue
from tests.continuity.factories import agreement, case, last_year
from tests.dialogs.dialogue_factories import plan


def _with_agreement(world):
    dialogue = plan(world)
    agreement(world, dialogue)
    return dialogue, "överenskommelser"


def _with_case(world):
    dialogue = plan(world)
    case(world, dialogue)
    return dialogue, "fördjupade uppföljningar"


@pytest.mark.parametrize("make", [_with_agreement, _with_case])
@pytest.mark.parametrize("persona", ["admin", "bestallare"])  # an administrator, and the person who planned it
def test_deleting_a_dialogue_with_agreements_or_a_case_is_refused_with_the_reason(world, client_for, make, persona):
    dialogue, named = make(world)
    client = client_for(persona)
    url = reverse("dialogs:dialogue_delete", args=[dialogue.pk])
    page = client.get(url)
    assert page.status_code == 409
    text = page.content.decode()
    assert 'data-testid="delete-blocked"' in text and named in text and 'data-testid="delete-form"' not in text
    refused = client.post(url)
    assert refused.status_code == 409 and named in refused.content.decode()
    assert Dialogue.objects.filter(pk=dialogue.pk).exists()
    assert Agreement.objects.filter(dialogue=dialogue).exists() or Case.objects.filter(dialogue=dialogue).exists()


def test_a_held_dialogue_with_a_case_is_refused_too(world, client_for):
    dialogue = last_year(world)
    case(world, dialogue)
    response = client_for("admin").post(reverse("dialogs:dialogue_delete", args=[dialogue.pk]))
    assert response.status_code in (403, 409)
    assert Dialogue.objects.filter(pk=dialogue.pk).exists() and Case.objects.filter(dialogue=dialogue).exists()


def test_the_dialogues_page_says_why_it_cannot_be_deleted(world, client_for):
    dialogue, named = _with_case(world)
    page = client_for("admin").get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])).content.decode()
    assert named in page
