"""A published guide version's structure is read once and kept (selectors/guide_structure.py): the on-site form
and autosave then spend no queries on it, a draft is always read fresh, and a newer version never shows an older
version's questions."""

import json

from django.urls import reverse

from dialogs.selectors.guide_structure import guide_structure
from dialogs.services.guide import guide_version_draft_start, guide_version_publish, question_update
from tests.dialogs.onsite_factories import onsite_dialogue, skr_version_of_region_a


def test_a_published_versions_structure_is_read_once(world, django_assert_num_queries):
    version = skr_version_of_region_a(world)
    first = guide_structure(version)
    with django_assert_num_queries(0):
        again = guide_structure(version)
    assert again is first and len(again.questions) == 104


def test_a_draft_is_read_fresh_after_every_edit(world):
    draft = guide_version_draft_start(source=skr_version_of_region_a(world), user=world.user("admin"))
    question = draft.questions.get(key="p1-q01")
    assert guide_structure(draft).questions[question.pk].text == question.text
    question_update(question=question, text="Ny formulering av frågan?", kind=question.kind)
    assert guide_structure(draft).questions[question.pk].text == "Ny formulering av frågan?"


def test_each_dialogue_shows_the_questions_of_its_own_version(world, client_for):
    published = skr_version_of_region_a(world)
    old_dialogue = onsite_dialogue(world, version=published)
    client = client_for("bestallare")
    url = reverse("dialogs:onsite_section", args=[old_dialogue.pk, "p1"])
    assert "Ny formulering av frågan?" not in client.get(url).content.decode()  # the old version is now kept
    draft = guide_version_draft_start(source=published, user=world.user("admin"))
    question = draft.questions.get(key="p1-q01")
    question_update(question=question, text="Ny formulering av frågan?", kind=question.kind, followups=["En ny följdfråga"])
    newer = guide_version_publish(version=draft, user=world.user("admin"))
    new_dialogue = onsite_dialogue(world, version=newer)
    new_page = client.get(reverse("dialogs:onsite_section", args=[new_dialogue.pk, "p1"])).content.decode()
    old_page = client.get(url).content.decode()
    assert "Ny formulering av frågan?" in new_page and "En ny följdfråga" in new_page
    assert "Ny formulering av frågan?" not in old_page and "En ny följdfråga" not in old_page


def test_an_autosave_reads_the_question_from_the_kept_structure(world, client_for, django_assert_max_num_queries):
    dialogue = onsite_dialogue(world, version=skr_version_of_region_a(world))
    question = dialogue.guide_version.questions.get(key="p1-q01")
    client = client_for("bestallare")
    url = reverse("dialogs:answer_autosave", args=[dialogue.pk, question.pk])
    body = {"base_revision": 0, "text": "Början"}
    assert client.post(url, json.dumps(body), content_type="application/json").status_code == 200
    # Session, user, dialogue with access flags, and the service's locked read, update and history row inside
    # the test's transaction (savepoint and release): no query for the question.
    with django_assert_max_num_queries(8):
        body = {"base_revision": 1, "text": "Början och mer"}
        assert client.post(url, json.dumps(body), content_type="application/json").status_code == 200


def test_a_question_of_another_version_is_not_found_by_autosave(world, client_for):
    dialogue = onsite_dialogue(world, version=skr_version_of_region_a(world))
    other = onsite_dialogue(world)  # the small test guide
    foreign = other.guide_version.questions.first()
    url = reverse("dialogs:answer_autosave", args=[dialogue.pk, foreign.pk])
    response = client_for("bestallare").post(url, json.dumps({"base_revision": 0, "text": "x"}), content_type="application/json")
    assert response.status_code == 404
