"""Agreements as items (issue 13, item 1): made from the summary keeping the text whole, edited with the revision
check (a stale edit is refused with both texts), status and comments by the team and – between dialogues – the
clinic, recorded at the follow-up meeting, and deletion only of one made by mistake."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dialogs.models.agreements import AgreementChange, AgreementChangeKind, AgreementStatus
from dialogs.services import agreements as services
from dialogs.services.answers import merged_text
from dialogs.services.dialogue import follow_up_book
from organisations.models import Party
from tests.continuity.factories import agreement, last_year


def _question(dialogue, key):
    return dialogue.guide_version.questions.select_related("section__parent").get(key=key)


def test_an_answer_line_becomes_an_agreement_with_its_text_whole(world):
    dialogue = last_year(world)
    made, new = services.agreement_from_answer(
        dialogue=dialogue, user=world.user("bestallare"), question=_question(dialogue, "sammanfattning-q02"), line=1
    )
    assert new and made.text == "Telefontider på förmiddagen, även för barnfamiljer"  # the bullet gone, every word kept
    assert made.owner == Party.VARDCENTRAL and made.status == AgreementStatus.PLANERAD
    assert made.changes.get().kind == AgreementChangeKind.CREATED


def test_a_line_from_a_5p_question_takes_its_area(world):
    dialogue = last_year(world)
    made, _new = services.agreement_from_answer(
        dialogue=dialogue, user=world.user("bestallare"), question=_question(dialogue, "p1-q01"), line=0
    )
    assert (made.area, made.area_label) == ("p1", "P1: Personal (Persons)")


def test_pressing_the_button_twice_makes_one_agreement(world):
    dialogue = last_year(world)
    question = _question(dialogue, "sammanfattning-q02")
    first, made = services.agreement_from_answer(dialogue=dialogue, user=world.user("bestallare"), question=question, line=0)
    second, made_again = services.agreement_from_answer(dialogue=dialogue, user=world.user("utveckling"), question=question, line=0)
    assert first.pk == second.pk and made and not made_again
    assert dialogue.agreements.count() == 1


def test_a_line_no_longer_in_the_answer_is_refused(world):
    dialogue = last_year(world)
    with pytest.raises(services.AgreementError):
        services.agreement_from_answer(
            dialogue=dialogue, user=world.user("bestallare"), question=_question(dialogue, "sammanfattning-q02"), line=5
        )


def test_a_line_that_moved_since_the_page_was_read_is_found_by_its_words(world):
    dialogue = last_year(world)
    question = _question(dialogue, "sammanfattning-q02")
    answer = dialogue.answers.get(question=question)
    shown = services.answer_lines(answer.text)
    answer.text = "Korta telefonköerna före sommaren\n" + answer.text  # a colleague adds a first line meanwhile
    answer.save(update_fields=["text"])
    made, _new = services.agreement_from_answer(
        dialogue=dialogue, user=world.user("bestallare"), question=question, line=0, text=shown[0]
    )
    assert made.text == shown[0]


def test_a_line_changed_since_the_page_was_read_is_refused_not_swapped(world):
    dialogue = last_year(world)
    question = _question(dialogue, "sammanfattning-q02")
    answer = dialogue.answers.get(question=question)
    shown = services.answer_lines(answer.text)
    answer.text = answer.text.replace(shown[0], "Något helt annat")
    answer.save(update_fields=["text"])
    with pytest.raises(services.AgreementError, match="Svaret har ändrats"):
        services.agreement_from_answer(dialogue=dialogue, user=world.user("bestallare"), question=question, line=0,
                                       text=shown[0])
    assert not dialogue.agreements.exists()


def test_clinic_staff_cannot_make_agreements(world):
    dialogue = last_year(world)
    with pytest.raises(PermissionDenied):
        services.agreement_create(dialogue=dialogue, user=world.user("staff_a1"), text="Något")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"area": "p9"}, "area"),
        ({"owner": "kommunen"}, "owner"),
        ({"due_date": datetime.date(2000, 1, 1)}, "due_date"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_saved(world, changes, field):
    dialogue = last_year(world)
    arguments = {"text": "Bra text", "area": "", "owner": Party.VARDCENTRAL, "due_date": None, **changes}
    with pytest.raises(ValidationError) as error:
        services.agreement_create(dialogue=dialogue, user=world.user("bestallare"), **arguments)
    assert field in error.value.message_dict
    assert not dialogue.agreements.exists()


def test_an_edit_from_a_stale_revision_is_refused_with_the_saved_text(world):
    dialogue = last_year(world)
    made = agreement(world, dialogue)
    services.agreement_update(
        agreement=made, user=world.user("utveckling"), base_revision=1, text="Fast läkarkontakt för alla över 75",
        area="p1", owner=Party.VARDCENTRAL, due_date=None,
    )
    with pytest.raises(services.AgreementConflict) as conflict:
        services.agreement_update(
            agreement=made, user=world.user("bestallare"), base_revision=1, text="Fast läkarkontakt, mätt varje kvartal",
            area="p1", owner=Party.VARDCENTRAL, due_date=None,
        )
    assert conflict.value.current.text == "Fast läkarkontakt för alla över 75"
    made.refresh_from_db()
    assert made.revision == 2 and made.text == "Fast läkarkontakt för alla över 75"
    merged = merged_text(conflict.value.current.text, "Fast läkarkontakt, mätt varje kvartal")
    assert "för alla över 75" in merged and "mätt varje kvartal" in merged


def test_a_stale_edit_that_changes_nothing_is_no_conflict(world):
    dialogue = last_year(world)
    made = agreement(world, dialogue)
    services.agreement_update(agreement=made, user=world.user("utveckling"), base_revision=1, text="Ny text", area="p1",
                              owner=Party.VARDCENTRAL, due_date=None)
    # The other person saves the form as it was at revision 1, untouched: nothing to merge, nothing overwritten.
    kept = services.agreement_update(agreement=made, user=world.user("bestallare"), base_revision=1, text=made.text,
                                     area="p1", owner=Party.VARDCENTRAL, due_date=None)
    assert kept.text == "Ny text" and kept.revision == 2


def test_every_edit_is_kept_with_before_and_after(world):
    dialogue = last_year(world)
    made = agreement(world, dialogue)
    services.agreement_update(agreement=made, user=world.user("utveckling"), base_revision=1, text="Andra orden",
                              area="", owner=Party.BESTALLARE, due_date=dialogue.date + datetime.timedelta(days=90))
    edit = made.changes.get(kind=AgreementChangeKind.EDITED)
    assert edit.before["text"] == "Fast läkarkontakt för multisjuka äldre" and edit.after["text"] == "Andra orden"
    assert edit.after["owner"] == Party.BESTALLARE and edit.user == world.user("utveckling")


def test_clinic_staff_update_status_and_comment_once_the_documentation_is_shared(world):
    dialogue = last_year(world, shared=False)
    made = agreement(world, dialogue)
    with pytest.raises(PermissionDenied):
        services.agreement_status_set(agreement=made, user=world.user("staff_a1"), status=AgreementStatus.PAGAR)
    from dialogs.services.dialogue import dialogue_share_documentation

    dialogue_share_documentation(dialogue=dialogue, user=world.user("bestallare"))
    made.dialogue.refresh_from_db()
    change = services.agreement_status_set(
        agreement=made, user=world.user("staff_a1"), status=AgreementStatus.PAGAR, comment="Listningen är klar till hälften."
    )
    assert change.by_clinic and change.kind == AgreementChangeKind.STATUS
    made.refresh_from_db()
    assert made.status == AgreementStatus.PAGAR and made.revision == 1  # a status change leaves edit forms valid
    with pytest.raises(PermissionDenied):
        services.agreement_status_set(agreement=made, user=world.user("staff_a2"), status=AgreementStatus.KLAR)


def test_a_comment_alone_keeps_the_status_and_a_repeated_press_records_once(world):
    dialogue = last_year(world)
    made = agreement(world, dialogue)
    for _press in range(2):
        services.agreement_status_set(agreement=made, user=world.user("staff_a1"), status=AgreementStatus.PLANERAD,
                                      comment="Vi börjar efter sommaren.")
    assert made.changes.filter(kind=AgreementChangeKind.COMMENT).count() == 1
    assert services.agreement_status_set(agreement=made, user=world.user("staff_a1"), status=AgreementStatus.PLANERAD) is None


def test_the_follow_up_meeting_records_each_agreements_status(world):
    dialogue = last_year(world)
    follow_up_book(dialogue=dialogue, user=world.user("bestallare"), date=dialogue.date + datetime.timedelta(days=60),
                   start_time=datetime.time(13, 0), duration_minutes=45, video_link="", focus_area="")
    dialogue.refresh_from_db()
    first, second = agreement(world, dialogue), agreement(world, dialogue, "Telefontider på förmiddagen")
    meeting = dialogue.follow_up_meeting
    recorded = services.follow_up_statuses_save(meeting=meeting, user=world.user("bestallare"), updates=[
        services.StatusUpdate(first, AgreementStatus.PAGAR, "Halvvägs."),
        services.StatusUpdate(second, AgreementStatus.PLANERAD, ""),  # unchanged, no comment: nothing recorded
    ])
    assert recorded == 1
    change = AgreementChange.objects.get(agreement=first, kind=AgreementChangeKind.STATUS)
    assert change.follow_up_meeting == meeting and change.comment == "Halvvägs."


def test_only_an_agreement_nothing_is_recorded_on_may_be_deleted(world):
    dialogue = last_year(world)
    mistake, followed = agreement(world, dialogue, "Fel rad"), agreement(world, dialogue)
    services.agreement_status_set(agreement=followed, user=world.user("staff_a1"), status=AgreementStatus.PAGAR)
    services.agreement_delete(agreement=mistake, user=world.user("bestallare"))
    with pytest.raises(services.AgreementError, match="utgår"):
        services.agreement_delete(agreement=followed, user=world.user("bestallare"))
    assert list(dialogue.agreements.values_list("text", flat=True)) == ["Fast läkarkontakt för multisjuka äldre"]


def test_a_dialogue_with_agreements_cannot_be_deleted_and_says_why(world):
    from dialogs.services.dialogue import dialogue_deletion_blocker
    from tests.dialogs.dialogue_factories import plan

    dialogue = plan(world)
    assert dialogue_deletion_blocker(dialogue) == ""
    agreement(world, dialogue)
    assert "överenskommelser" in dialogue_deletion_blocker(dialogue)


def test_a_cancelled_dialogue_takes_no_agreements(world):
    from dialogs.services.dialogue import dialogue_cancel
    from tests.dialogs.dialogue_factories import plan

    dialogue = plan(world)
    dialogue_cancel(dialogue=dialogue, user=world.user("bestallare"), reason="Sjukdom")
    with pytest.raises(services.AgreementError):
        agreement(world, dialogue)
