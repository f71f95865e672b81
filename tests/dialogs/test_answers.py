"""answer_save: optimistic concurrency (a stale save is refused and nothing is lost), history, limits, access."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection

from dialogs.services.guide import guide_load_shipped
from dialogs.models.answers import ANSWER_TEXT_MAX_LENGTH, Answer, AnswerRevision
from dialogs.services.answers import (
    AnswerConflict,
    AnswerInvalid,
    NotInGuide,
    answer_save,
    merge_contents,
    section_answers_save,
)
from tests.dialogs.onsite_factories import onsite_dialogue


@pytest.fixture
def dialogue(world):
    return onsite_dialogue(world)


def question(dialogue, key):
    return dialogue.guide_version.questions.get(key=key)


def save(dialogue, user, key="p1-q01", base_revision=0, **content):
    return answer_save(dialogue=dialogue, question=question(dialogue, key), user=user, base_revision=base_revision, **content)


def test_first_save_creates_the_answer_at_revision_one_with_its_history(world, dialogue):
    bo = world.user("bestallare")
    answer = save(dialogue, bo, text="Tre läkare, fem sjuksköterskor.")
    assert (answer.revision, answer.text, answer.updated_by) == (1, "Tre läkare, fem sjuksköterskor.", bo)
    history = AnswerRevision.objects.get(answer=answer)
    assert (history.revision, history.user, history.before["text"], history.after["text"]) == (
        1, bo, "", "Tre läkare, fem sjuksköterskor."
    )


def test_each_saved_change_is_kept_in_the_history(world, dialogue):
    bo, uma = world.user("bestallare"), world.user("utveckling")
    save(dialogue, bo, text="Första")
    save(dialogue, uma, base_revision=1, text="Andra")
    answer = save(dialogue, bo, base_revision=2, text="Tredje")
    assert answer.revision == 3
    steps = [(r.revision, r.user.username, r.before["text"], r.after["text"]) for r in answer.revisions.order_by("revision")]
    assert steps == [(1, "bestallare", "", "Första"), (2, "utveckling", "Första", "Andra"), (3, "bestallare", "Andra", "Tredje")]


def test_a_stale_save_is_refused_and_both_texts_survive(world, dialogue):
    bo, uma = world.user("bestallare"), world.user("utveckling")
    save(dialogue, bo, text="Bos text")
    with pytest.raises(AnswerConflict) as conflict:
        save(dialogue, uma, base_revision=0, text="Umas text")
    # The conflict carries what is saved; the refused text is still the caller's, and nothing was overwritten.
    assert (conflict.value.current.text, conflict.value.current.revision) == ("Bos text", 1)
    assert conflict.value.current.updated_by == bo
    answer = Answer.objects.get()
    assert (answer.text, answer.revision, answer.revisions.count()) == ("Bos text", 1, 1)
    # The user merges and saves from the revision they have now seen: both texts are kept.
    merged = merge_contents(conflict.value.current.snapshot(), {"text": "Umas text"})
    answer = save(dialogue, uma, base_revision=1, **merged)
    assert (answer.text, answer.revision) == ("Bos text\n\nUmas text", 2)


def test_a_stale_save_that_agrees_with_what_is_saved_is_no_conflict(world, dialogue):
    save(dialogue, world.user("bestallare"), text="Samma")
    answer = save(dialogue, world.user("utveckling"), base_revision=0, text="Samma")
    assert (answer.revision, AnswerRevision.objects.count()) == (1, 1)


def test_a_stale_save_that_changes_nothing_leaves_the_newer_answer(world, dialogue):
    bo, uma = world.user("bestallare"), world.user("utveckling")
    save(dialogue, bo, text="Gammal")
    save(dialogue, uma, base_revision=1, text="Ny")
    # A form opened at revision 1 is posted again untouched (as a plain section post does for every question).
    answer = save(dialogue, bo, base_revision=1, text="Gammal")
    assert (answer.text, answer.revision) == ("Ny", 2)


def test_saving_what_is_already_saved_writes_nothing(world, dialogue):
    save(dialogue, world.user("bestallare"), text="Klart")
    answer = save(dialogue, world.user("bestallare"), base_revision=1, text="Klart\r\n"[:-2])
    assert (answer.revision, AnswerRevision.objects.count()) == (1, 1)


def test_line_endings_from_a_form_post_compare_equal_to_the_saved_text(world, dialogue):
    save(dialogue, world.user("bestallare"), text="rad ett\nrad två")
    answer = save(dialogue, world.user("bestallare"), base_revision=1, text="rad ett\r\nrad två")
    assert answer.revision == 1


def test_yes_no_choices_and_numbered_prompts_are_saved(world):
    dialogue = onsite_dialogue(world)
    bo = world.user("bestallare")
    assert save(dialogue, bo, key="p1-q02", yes_no="ja", text="Två doktorander").yes_no == "ja"
    answer = save(dialogue, bo, key="p4-organisation-q01", choice_values={"För personalen": "nej"})
    assert answer.choice_values == {"För patienterna": "", "För personalen": "nej"}
    answer = save(dialogue, bo, key="p4-konkret-exempel-q01", prompt_answers=["Diabetes"])
    assert answer.prompt_answers == ["Diabetes", ""]


@pytest.mark.parametrize(
    "key, content",
    [
        ("p1-q01", {"yes_no": "ja"}),  # a text question has no yes/no
        ("p1-q02", {"yes_no": "kanske"}),
        ("p4-organisation-q01", {"choice_values": {"För grannarna": "ja"}}),
        ("p4-konkret-exempel-q01", {"prompt_answers": ["1", "2", "3"]}),
    ],
)
def test_content_the_question_does_not_ask_for_is_refused(world, dialogue, key, content):
    with pytest.raises(AnswerInvalid):
        save(dialogue, world.user("bestallare"), key=key, **content)
    assert not Answer.objects.exists()


def test_text_up_to_the_limit_is_saved_and_longer_text_refused_with_a_clear_message(world, dialogue):
    bo = world.user("bestallare")
    assert len(save(dialogue, bo, text="x" * ANSWER_TEXT_MAX_LENGTH).text) == ANSWER_TEXT_MAX_LENGTH
    with pytest.raises(AnswerInvalid) as invalid:
        save(dialogue, bo, base_revision=1, text="y" * (ANSWER_TEXT_MAX_LENGTH + 1))
    assert invalid.value.code == "too_long"
    assert "högst 20\xa0000 tecken" in invalid.value.messages[0] and "finns kvar" in invalid.value.messages[0]
    with pytest.raises(AnswerInvalid):
        save(dialogue, bo, key="p4-konkret-exempel-q01", prompt_answers=["z" * (ANSWER_TEXT_MAX_LENGTH + 1)])
    assert Answer.objects.get().revision == 1


def test_a_question_of_another_guide_version_is_not_found(world, dialogue):
    other = guide_load_shipped()[0].questions.get(key="p1-q01")  # same key, another version
    with pytest.raises(NotInGuide):
        answer_save(dialogue=dialogue, question=other, user=world.user("bestallare"), base_revision=0, text="Fel")
    assert not Answer.objects.exists()


@pytest.mark.parametrize("persona", ["staff_a1", "staff_a2", "outsider"])
def test_only_the_follow_up_team_documents(world, dialogue, persona):
    with pytest.raises(PermissionDenied):
        save(dialogue, world.user(persona), text="Får inte")
    assert not Answer.objects.exists()


def test_the_regions_administrator_may_document(world, dialogue):
    assert save(dialogue, world.user("admin"), text="Admin").revision == 1


def test_one_autosave_uses_at_most_six_queries(world, dialogue, django_assert_max_num_queries):
    save(dialogue, world.user("bestallare"), text="Början")
    target = question(dialogue, "p1-q01")
    fresh_user = get_user_model().objects.get(username="utveckling")  # nothing cached about its roles
    with django_assert_max_num_queries(6):
        answer_save(dialogue=dialogue, question=target, user=fresh_user, base_revision=1, text="Början och mer")
    first = question(dialogue, "p1-q03")
    with django_assert_max_num_queries(6):
        answer_save(dialogue=dialogue, question=first, user=fresh_user, base_revision=0, text="Nytt svar")


def test_a_section_post_saves_each_answer_on_its_own(world, dialogue):
    bo, uma = world.user("bestallare"), world.user("utveckling")
    save(dialogue, uma, key="p1-q01", text="Umas")
    result = section_answers_save(
        dialogue=dialogue,
        user=bo,
        submissions=[
            (question(dialogue, "p1-q01"), {"base_revision": 0, "text": "Bos"}),
            (question(dialogue, "p1-q03"), {"base_revision": 0, "text": "Arbetsmiljön är god."}),
            (question(dialogue, "p1-q02"), {"base_revision": 0, "text": "x" * (ANSWER_TEXT_MAX_LENGTH + 1)}),
        ],
    )
    assert result.saved == 1
    kept = {dialogue.guide_version.questions.get(pk=pk).key: draft["reason"] for pk, draft in result.kept.items()}
    assert kept == {"p1-q01": "conflict", "p1-q02": "invalid"}
    assert result.kept[str(question(dialogue, "p1-q01").pk)]["mine"]["text"] == "Bos"
    assert Answer.objects.get(question__key="p1-q03").text == "Arbetsmiljön är god."


def test_a_merge_keeps_every_word():
    merged = merge_contents(
        {"text": "Sparat", "yes_no": "nej", "choice_values": {"A": "ja", "B": ""}, "prompt_answers": ["1", ""]},
        {"text": "Mitt", "yes_no": "", "choice_values": {"A": "", "B": "nej"}, "prompt_answers": ["1", "2"]},
    )
    assert merged == {
        "text": "Sparat\n\nMitt",
        "yes_no": "nej",
        "choice_values": {"A": "ja", "B": "nej"},
        "prompt_answers": ["1", "2"],
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("base_revision", [0, 1], ids=["first save", "later save"])
def test_two_simultaneous_saves_from_the_same_revision_never_lose_a_word(world, base_revision):
    """Two documenters press at the same instant: one save wins, the other gets the winner's text back as a
    conflict, on SQLite (writes serialised) and on PostgreSQL (row lock, or the unique constraint for a first
    save)."""
    dialogue = onsite_dialogue(world)
    target = question(dialogue, "p1-q01")
    if base_revision:
        answer_save(dialogue=dialogue, question=target, user=world.user("admin"), base_revision=0, text="Start")
    barrier = threading.Barrier(2)
    outcomes = {}

    def document(persona: str) -> None:
        try:
            barrier.wait(timeout=10)
            answer_save(dialogue=dialogue, question=target, user=world.user(persona), base_revision=base_revision, text=persona)
            outcomes[persona] = ("saved", persona)
        except AnswerConflict as conflict:
            outcomes[persona] = ("conflict", conflict.current.text)
        finally:
            connection.close()

    threads = [threading.Thread(target=document, args=(persona,)) for persona in ["bestallare", "utveckling"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(kind for kind, _text in outcomes.values()) == ["conflict", "saved"]
    winner = next(persona for persona, (kind, _text) in outcomes.items() if kind == "saved")
    loser_saw = next(text for kind, text in outcomes.values() if kind == "conflict")
    answer = Answer.objects.get(question=target)
    assert loser_saw == winner == answer.text
    assert answer.revision == base_revision + 1 == answer.revisions.count()


# --- A closed or cancelled dialogue ---------------------------------------------------------------------


def test_nothing_is_saved_once_the_dialogue_is_closed_until_it_is_reopened(world, dialogue):
    from dialogs.models.dialogue import DialogueStatus
    from dialogs.services.answers import DocumentationClosed
    from dialogs.services.dialogue import dialogue_transition
    from tests.dialogs.onsite_factories import close

    bo = world.user("bestallare")
    save(dialogue, bo, text="Före stängning")
    dialogue = close(world, dialogue)
    with pytest.raises(DocumentationClosed, match="avslutad"):
        save(dialogue, bo, base_revision=1, text="Efteråt")
    with pytest.raises(DocumentationClosed):
        section_answers_save(dialogue=dialogue, user=bo, submissions=[(question(dialogue, "p1-q03"), {"base_revision": 0, "text": "Ny"})])
    assert [(a.text, a.revision) for a in Answer.objects.all()] == [("Före stängning", 1)]
    assert AnswerRevision.objects.count() == 1

    dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.ATERKOPPLING_DELAD, user=bo)  # one step back
    assert save(dialogue, bo, base_revision=1, text="Rättat").revision == 2


def test_nothing_is_saved_in_a_cancelled_dialogue(world, dialogue):
    from dialogs.services.answers import DocumentationClosed
    from dialogs.services.dialogue import dialogue_cancel

    dialogue_cancel(dialogue=dialogue, user=world.user("bestallare"), reason="Sjukdom")
    with pytest.raises(DocumentationClosed, match="inställd"):
        save(dialogue, world.user("bestallare"), text="Ändå")
    assert not Answer.objects.exists()


def test_clinic_staff_are_refused_by_role_not_by_status(world, dialogue):
    """Who comes before when: clinic staff meet 403 whatever the status, never the closed-dialogue message."""
    from tests.dialogs.onsite_factories import close

    dialogue = close(world, dialogue)
    with pytest.raises(PermissionDenied):
        save(dialogue, world.user("staff_a1"), text="Nej")
