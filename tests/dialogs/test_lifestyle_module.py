"""Bilaga 5 (levnadsvanor) in the day (issue 10, §6): when the team chooses the lifestyle module, it has its
place in the day's agenda and in the letter to the clinic."""

from django.urls import reverse

from dialogs.selectors.dialogue import dialogue_agenda
from tests.dialogs.dialogue_factories import plan


def test_the_chosen_lifestyle_module_has_its_place_in_the_agenda_and_the_letter(world, client_for):
    with_module = plan(world, include_lifestyle_module=True)
    slots = dialogue_agenda(with_module)
    (slot,) = [slot for slot in slots if slot.added_headings]
    assert slot.title == "Genomgång av P4" and slot.added_headings == ("Fördjupningsdel Levnadsvanor",)
    client = client_for("bestallare")
    detail = client.get(reverse("dialogs:dialogue_detail", args=[with_module.pk])).content.decode()
    assert 'Med fördjupningen: <span lang="sv">Fördjupningsdel Levnadsvanor</span>' in detail
    letter = client.get(reverse("dialogs:dialogue_letter", args=[with_module.pk])).content.decode()
    assert "Genomgång av P4 (med fördjupningen Fördjupningsdel Levnadsvanor)" in letter

    without = plan(world, clinic=world.clinic_a2)
    assert not any(slot.added_headings for slot in dialogue_agenda(without))
    assert "Fördjupningsdel Levnadsvanor" not in client.get(reverse("dialogs:dialogue_letter", args=[without.pk])).content.decode()
