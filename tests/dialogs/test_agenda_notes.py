"""Notes for the agenda blocks without questions (issue 10, §6), saved like the answers: the revision rule (409
with both texts), the history, the text limit, read-only once closed, and who may write and read them."""

import json

import pytest
from django.urls import reverse

from dialogs.models.answers import ANSWER_TEXT_MAX_LENGTH, AgendaNote
from dialogs.models.dialogue import DialogueStatus
from dialogs.services import dialogue as dialogue_services
from dialogs.services.agenda_notes import agenda_note_save, note_blocks
from dialogs.services.answers import AnswerConflict, AnswerInvalid, DocumentationClosed, NotInGuide
from tests.dialogs.onsite_factories import onsite_dialogue, skr_version_of_region_a


@pytest.fixture
def dialogue(world):
    return onsite_dialogue(world, version=skr_version_of_region_a(world))


def _block(dialogue, title="Samtal med medarbetare från olika professioner"):
    return next(block for block in note_blocks(dialogue) if block.title == title)


def test_only_blocks_without_questions_take_notes(world, dialogue):
    titles = [block.title for block in note_blocks(dialogue)]
    assert "Samtal med medarbetare från olika professioner" in titles
    assert all(not block.block_sections.exists() for block in note_blocks(dialogue))
    with_questions = dialogue.guide_version.agenda_blocks.filter(block_sections__isnull=False).first()
    with pytest.raises(NotInGuide):
        agenda_note_save(dialogue=dialogue, block=with_questions, user=world.user("bestallare"), base_revision=0, text="x")


def test_notes_keep_every_change_and_refuse_a_stale_save(world, dialogue):
    block, bo, uma = _block(dialogue), world.user("bestallare"), world.user("utveckling")
    first = agenda_note_save(dialogue=dialogue, block=block, user=bo, base_revision=0, text="Sjuksköterskorna: tidsbrist")
    second = agenda_note_save(dialogue=dialogue, block=block, user=uma, base_revision=1, text=first.text + "\nLäkarna: IT-stöd")
    assert second.revision == 2
    with pytest.raises(AnswerConflict) as refused:
        agenda_note_save(dialogue=dialogue, block=block, user=bo, base_revision=1, text="Min egen version")
    assert refused.value.current.text.endswith("IT-stöd")
    # The same text as saved, or the text the stale edit started from, is no conflict.
    assert agenda_note_save(dialogue=dialogue, block=block, user=bo, base_revision=1, text=second.text).revision == 2
    assert agenda_note_save(dialogue=dialogue, block=block, user=bo, base_revision=1, text=first.text).revision == 2
    history = list(AgendaNote.objects.get(pk=first.pk).revisions.values_list("revision", "before__text", "after__text", "user__username"))
    assert history == [
        (2, "Sjuksköterskorna: tidsbrist", "Sjuksköterskorna: tidsbrist\nLäkarna: IT-stöd", "utveckling"),
        (1, "", "Sjuksköterskorna: tidsbrist", "bestallare"),
    ]


def test_notes_follow_the_answers_limits_and_the_closed_dialogue_rule(world, dialogue):
    block, bo = _block(dialogue), world.user("bestallare")
    with pytest.raises(AnswerInvalid):
        agenda_note_save(dialogue=dialogue, block=block, user=bo, base_revision=0, text="x" * (ANSWER_TEXT_MAX_LENGTH + 1))
    dialogue_services.dialogue_cancel(dialogue=dialogue, user=bo, reason="Sjukdom")
    with pytest.raises(DocumentationClosed):
        agenda_note_save(dialogue=dialogue, block=block, user=bo, base_revision=0, text="för sent")
    assert not AgendaNote.objects.exists()


def _autosave(client, dialogue, block, **body):
    return client.post(
        reverse("dialogs:agenda_note_autosave", args=[dialogue.pk, block.pk]), json.dumps(body), content_type="application/json"
    )


def test_the_autosave_endpoint_answers_as_the_answers_do(world, dialogue, client_for):
    block, team = _block(dialogue), client_for("bestallare")
    saved = _autosave(team, dialogue, block, base_revision=0, text="Rundvandring: trångt i väntrummet")
    assert saved.status_code == 200 and saved.json()["revision"] == 1
    stale = _autosave(team, dialogue, block, base_revision=0, text="Något annat")
    assert stale.status_code == 409 and stale.json()["server"]["text"] == "Rundvandring: trångt i väntrummet"
    assert _autosave(team, dialogue, block, base_revision="1", text="x").status_code == 400
    assert _autosave(team, dialogue, block, base_revision=1, text="x" * (ANSWER_TEXT_MAX_LENGTH + 1)).status_code == 413
    assert _autosave(client_for("staff_a1"), dialogue, block, base_revision=1, text="x").status_code == 403
    assert _autosave(client_for("outsider"), dialogue, block, base_revision=1, text="x").status_code == 404
    other = dialogue.guide_version.agenda_blocks.filter(block_sections__isnull=False).first()
    assert _autosave(team, dialogue, other, base_revision=0, text="x").status_code == 404


def test_the_page_saves_without_javascript_and_shows_a_conflict_merged(world, dialogue, client_for):
    block, team = _block(dialogue), client_for("bestallare")
    url = reverse("dialogs:agenda_notes", args=[dialogue.pk])
    page = team.get(url).content.decode()
    assert f'data-autosave-url="{reverse("dialogs:agenda_note_autosave", args=[dialogue.pk, block.pk])}"' in page
    assert team.post(url, {f"note-{block.pk}-text": "Första", f"note-{block.pk}-revision": "0"}).status_code == 302
    response = team.post(url, {f"note-{block.pk}-text": "Min text", f"note-{block.pk}-revision": "0"})
    assert response.status_code == 409
    assert "Första\n\nMin text</textarea>" in response.content.decode()
    assert AgendaNote.objects.get().text == "Första"


def test_the_clinic_reads_the_notes_once_the_documentation_is_shared(world, client_for):
    shared = onsite_dialogue(world, version=skr_version_of_region_a(world), shared=True)
    block = _block(shared)
    agenda_note_save(dialogue=shared, block=block, user=world.user("bestallare"), base_revision=0, text="Bra samtal om bemanning")
    page = client_for("staff_a1").get(reverse("dialogs:agenda_notes", args=[shared.pk])).content.decode()
    assert "Bra samtal om bemanning" in page and "<textarea" not in page
    assert shared.status == DialogueStatus.GENOMFORD


def test_each_blocks_notes_have_a_history_page_linked_from_the_notes(world, dialogue, client_for):
    block, bo, uma = _block(dialogue), world.user("bestallare"), world.user("utveckling")
    agenda_note_save(dialogue=dialogue, block=block, user=bo, base_revision=0, text="Sjuksköterskorna: tidsbrist")
    agenda_note_save(dialogue=dialogue, block=block, user=uma, base_revision=1, text="Sjuksköterskorna: tidsbrist och IT-stöd")
    history_url = reverse("dialogs:agenda_note_history", args=[dialogue.pk, block.pk])
    client = client_for("bestallare")
    notes_page = client.get(reverse("dialogs:agenda_notes", args=[dialogue.pk])).content.decode()
    assert f'href="{history_url}"' in notes_page and "Historik (2 ändringar)" in notes_page
    page = client.get(history_url).content.decode()
    assert "Anteckningarna har sparats 2 gånger." in page and f'<p class="lead" lang="sv">{block.title}</p>' in page
    newest, oldest = page.split("Ändring 2:")[1].split("Ändring 1:")
    assert "Sjuksköterskorna: tidsbrist och IT-stöd" in newest and "Sjuksköterskorna: tidsbrist" in oldest
    assert world.user("utveckling").get_full_name() in newest and f"#programpunkt-{block.key}" in page
    assert client_for("staff_a1").get(history_url).status_code == 403  # not shared with the clinic yet


def test_a_block_without_notes_says_so_and_one_with_questions_has_no_history(world, dialogue, client_for):
    client = client_for("bestallare")
    empty = client.get(reverse("dialogs:agenda_note_history", args=[dialogue.pk, _block(dialogue).pk]))
    assert empty.status_code == 200 and "Inga anteckningar har sparats" in empty.content.decode()
    with_questions = dialogue.guide_version.agenda_blocks.filter(block_sections__isnull=False).first()
    assert client.get(reverse("dialogs:agenda_note_history", args=[dialogue.pk, with_questions.pk])).status_code == 404


def test_the_clinic_reads_the_notes_history_once_the_documentation_is_shared(world, client_for):
    shared = onsite_dialogue(world, version=skr_version_of_region_a(world), shared=True)
    block = _block(shared)
    agenda_note_save(dialogue=shared, block=block, user=world.user("bestallare"), base_revision=0, text="Bra samtal om bemanning")
    notes_page = client_for("staff_a1").get(reverse("dialogs:agenda_notes", args=[shared.pk])).content.decode()
    history_url = reverse("dialogs:agenda_note_history", args=[shared.pk, block.pk])
    assert f'href="{history_url}"' in notes_page
    assert "Bra samtal om bemanning" in client_for("staff_a1").get(history_url).content.decode()
