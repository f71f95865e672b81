"""dialogs.services.dialogue: planning, preparation, the status machine, the follow-up meeting and sharing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dialogs.models.dialogue import (
    ALLOWED_TRANSITIONS,
    ClinicParticipant,
    Dialogue,
    DialogueStatus,
    DialogueStatusChange,
    FollowUpMeeting,
    Preparation,
    TeamMember,
)
from dialogs.services import dialogue as services
from dialogs.services import guide as guide_services
from organisations.models import Party
from tests.dialogs.dialogue_factories import held, plan, published_dialogue_version, team_of_a

TODAY = timezone.localdate


def _plan_kwargs(world, **changes):
    kwargs = {
        "region": world.region_a,
        "clinic": world.clinic_a1,
        "guide_version": published_dialogue_version(world),
        "date": TODAY() + datetime.timedelta(days=10),
        "start_time": datetime.time(9, 0),
        "place": "",
        "include_lifestyle_module": True,
        "show_followups": False,
        "team": team_of_a(world),
        "participants": [
            services.ParticipantData("Vera Verksamhetschef", "verksamhetschef"),
            services.ParticipantData("Dan Distrikt", "annan", "distriktssköterska"),
        ],
        "user": world.user("bestallare"),
    }
    kwargs.update(changes)
    return kwargs


# --- Planning ---------------------------------------------------------------------------------------------


def test_planning_pins_the_version_and_records_team_participants_and_first_status(world):
    world.clinic_a1.street_address, world.clinic_a1.postal_code, world.clinic_a1.city = "Storgatan 1", "123 45", "Aby"
    world.clinic_a1.save()
    dialogue = services.dialogue_plan(**_plan_kwargs(world))
    assert dialogue.status == DialogueStatus.PLANERAD
    assert dialogue.guide_version == published_dialogue_version(world)
    assert dialogue.place == "På vårdcentralen, Storgatan 1, 123 45 Aby"
    assert dialogue.include_lifestyle_module and not dialogue.show_followups
    members = {m.user.username: (m.party, m.roles) for m in TeamMember.objects.filter(dialogue=dialogue)}
    assert members == {
        "bestallare": (Party.BESTALLARE, ["dokumentation"]),
        "utveckling": (Party.UTVECKLING, ["intervjuare"]),
    }
    participants = [p.role_label for p in ClinicParticipant.objects.filter(dialogue=dialogue)]
    assert participants == ["verksamhetschef", "distriktssköterska"]
    change = DialogueStatusChange.objects.get(dialogue=dialogue)
    assert (change.from_status, change.to_status, change.changed_by) == ("", "planerad", world.user("bestallare"))


def test_an_explicit_place_is_kept(world):
    dialogue = services.dialogue_plan(**_plan_kwargs(world, place="Regionhuset, sal 3"))
    assert dialogue.place == "Regionhuset, sal 3"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda world: {"date": TODAY() - datetime.timedelta(days=1)}, "date"),
        (lambda world: {"clinic": world.clinic_b1}, "clinic"),
    ],
    ids=["past date", "clinic of another region"],
)
def test_bad_planning_is_refused_and_nothing_is_saved(world, change, field):
    with pytest.raises(ValidationError) as error:
        services.dialogue_plan(**_plan_kwargs(world, **change(world)))
    assert field in error.value.message_dict
    assert not Dialogue.objects.exists()


def test_a_retired_or_draft_version_cannot_be_pinned(world):
    version = published_dialogue_version(world)
    draft = guide_services.guide_version_draft_start(source=version, user=None)
    with pytest.raises(ValidationError) as error:
        services.dialogue_plan(**_plan_kwargs(world, guide_version=draft))
    assert "guide_version" in error.value.message_dict
    guide_services.guide_version_retire(version=version)
    with pytest.raises(ValidationError):
        services.dialogue_plan(**_plan_kwargs(world, guide_version=version))
    assert not Dialogue.objects.exists()


def test_a_version_of_another_region_cannot_be_pinned(world):
    other = published_dialogue_version(world, region=world.region_b)
    with pytest.raises(ValidationError):
        services.dialogue_plan(**_plan_kwargs(world, guide_version=other))


def test_the_team_is_made_of_the_regions_uppfoljare(world):
    outsiders = [services.TeamSelection(user_id=world.user("outsider").pk)]
    with pytest.raises(ValidationError):
        services.dialogue_plan(**_plan_kwargs(world, team=outsiders))
    staff = [services.TeamSelection(user_id=world.user("staff_a1").pk)]
    with pytest.raises(ValidationError):
        services.dialogue_plan(**_plan_kwargs(world, team=staff))
    unknown_role = [services.TeamSelection(user_id=world.user("bestallare").pk, roles=("trollkarl",))]
    with pytest.raises(ValidationError):
        services.dialogue_plan(**_plan_kwargs(world, team=unknown_role))
    assert not Dialogue.objects.exists()


def test_a_participant_with_another_role_needs_it_written(world):
    participants = [services.ParticipantData("Anna", "annan", "")]
    with pytest.raises(ValidationError):
        services.dialogue_plan(**_plan_kwargs(world, participants=participants))


def test_update_replaces_team_and_participants_but_keeps_clinic_and_version(world):
    dialogue = plan(world)
    services.dialogue_update(
        dialogue=dialogue,
        date=dialogue.date + datetime.timedelta(days=1),
        start_time=datetime.time(13, 0),
        place="Distans",
        include_lifestyle_module=False,
        show_followups=True,
        team=[services.TeamSelection(user_id=world.user("utveckling").pk, roles=("bisittare",))],
        participants=[services.ParticipantData("Mia", "enhetschef")],
        user=world.user("utveckling"),
    )
    dialogue.refresh_from_db()
    assert dialogue.start_time == datetime.time(13, 0) and dialogue.place == "Distans"
    assert [m.user.username for m in dialogue.team_members.all()] == ["utveckling"]
    assert [p.name for p in dialogue.clinic_participants.all()] == ["Mia"]


def test_a_held_dialogue_cannot_be_replanned(world):
    dialogue = held(world)
    with pytest.raises(services.DialogueError):
        services.dialogue_update(
            dialogue=dialogue, date=dialogue.date, start_time=dialogue.start_time, place="x",
            include_lifestyle_module=False, show_followups=True, team=team_of_a(world), participants=[],
            user=world.user("bestallare"),
        )


# --- The status machine -----------------------------------------------------------------------------------


def test_the_transition_table_covers_every_status_and_never_stays_put():
    assert set(ALLOWED_TRANSITIONS) == set(DialogueStatus.values)
    for source, targets in ALLOWED_TRANSITIONS.items():
        assert source not in targets
        assert set(targets) <= set(DialogueStatus.values)


def test_transitions_follow_the_table_and_record_who_and_when(world):
    dialogue = held(world, status=DialogueStatus.GENOMFORD)
    user = world.user("utveckling")
    with pytest.raises(services.TransitionError):
        services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.PLANERAD, user=user)
    services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.ATERKOPPLING_DELAD, user=user, note="Bildspel skickat")
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.ATERKOPPLING_DELAD
    last = dialogue.status_changes.order_by("-changed_at", "-pk").first()
    assert (last.from_status, last.to_status, last.changed_by, last.note) == (
        "genomford", "aterkoppling_delad", user, "Bildspel skickat"
    )
    assert abs((timezone.now() - last.changed_at).total_seconds()) < 60


def test_a_dialogue_cannot_be_marked_held_before_its_day(world):
    dialogue = plan(world)
    with pytest.raises(services.TransitionError, match="före dialogdagen"):
        services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.GENOMFORD, user=world.user("bestallare"))


def test_an_unknown_status_is_refused(world):
    with pytest.raises(services.TransitionError):
        services.dialogue_transition(dialogue=plan(world), to_status="firad", user=world.user("bestallare"))


def test_closing_needs_a_booked_meeting_or_a_waiver_with_a_reason(world):
    dialogue = held(world, status=DialogueStatus.ATERKOPPLING_DELAD)
    user = world.user("bestallare")
    with pytest.raises(services.TransitionError, match="uppföljningsmötet"):
        services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.AVSLUTAD, user=user)
    with pytest.raises(services.TransitionError):
        services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.UPPFOLJNING_BOKAD, user=user)
    with pytest.raises(ValidationError):
        services.follow_up_waive(dialogue=dialogue, user=user, reason="   ")
    services.follow_up_waive(dialogue=dialogue, user=user, reason="Vårdcentralen byter ledning; ny dialog i höst.")
    services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.AVSLUTAD, user=user)
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.AVSLUTAD and dialogue.follow_up_waived


def test_booking_moves_a_dialogue_with_shared_feedback_on_and_allows_closing(world):
    dialogue = held(world, status=DialogueStatus.ATERKOPPLING_DELAD)
    user = world.user("utveckling")
    meeting = services.follow_up_book(
        dialogue=dialogue, user=user, date=TODAY() + datetime.timedelta(days=40), start_time=datetime.time(10, 0),
        duration_minutes=45, video_link=" https://video.example.org/abc ", focus_area="Tillgänglighet",
    )
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.UPPFOLJNING_BOKAD
    assert (meeting.video_link, meeting.booked_by) == ("https://video.example.org/abc", user)
    services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.AVSLUTAD, user=user)
    assert Dialogue.objects.get(pk=dialogue.pk).status == DialogueStatus.AVSLUTAD


def test_booking_on_the_day_keeps_the_status_and_rebooking_updates_the_same_meeting(world):
    dialogue = held(world, status=DialogueStatus.GENOMFORD)
    user = world.user("bestallare")
    for minutes in (60, 90):
        services.follow_up_book(
            dialogue=dialogue, user=user, date=TODAY() + datetime.timedelta(days=30), start_time=datetime.time(9, 0),
            duration_minutes=minutes, video_link="", focus_area="",
        )
    assert FollowUpMeeting.objects.get(dialogue=dialogue).duration_minutes == 90
    assert Dialogue.objects.get(pk=dialogue.pk).status == DialogueStatus.GENOMFORD


def test_the_follow_up_meeting_is_booked_after_the_day_and_not_before_it(world):
    user = world.user("bestallare")
    with pytest.raises(services.DialogueError):
        services.follow_up_book(
            dialogue=plan(world), user=user, date=TODAY() + datetime.timedelta(days=60),
            start_time=datetime.time(9, 0), duration_minutes=60, video_link="", focus_area="",
        )
    dialogue = held(world, days_ago=3, clinic=world.clinic_a2)
    with pytest.raises(ValidationError):
        services.follow_up_book(
            dialogue=dialogue, user=user, date=dialogue.date - datetime.timedelta(days=1),
            start_time=datetime.time(9, 0), duration_minutes=60, video_link="", focus_area="",
        )


def test_booking_replaces_a_waiver_and_a_booked_meeting_cannot_be_waived(world):
    dialogue = held(world)
    user = world.user("bestallare")
    services.follow_up_waive(dialogue=dialogue, user=user, reason="Inget behov")
    services.follow_up_book(
        dialogue=dialogue, user=user, date=TODAY() + datetime.timedelta(days=30), start_time=datetime.time(9, 0),
        duration_minutes=60, video_link="", focus_area="",
    )
    dialogue.refresh_from_db()
    assert not dialogue.follow_up_waived and dialogue.follow_up_waived_reason == ""
    with pytest.raises(services.DialogueError):
        services.follow_up_waive(dialogue=dialogue, user=user, reason="Ändå inte")


def test_documentation_is_shared_once_the_dialogue_is_held(world):
    user = world.user("bestallare")
    with pytest.raises(services.DialogueError):
        services.dialogue_share_documentation(dialogue=plan(world), user=user)
    dialogue = held(world, clinic=world.clinic_a2)
    services.dialogue_share_documentation(dialogue=dialogue, user=user)
    first = dialogue.documentation_shared_at
    services.dialogue_share_documentation(dialogue=dialogue, user=world.user("utveckling"))
    dialogue.refresh_from_db()
    assert dialogue.documentation_shared_at == first and dialogue.documentation_shared_by == user


# --- Preparation ------------------------------------------------------------------------------------------


def _prepare(dialogue, party, user, *, sections=(), questions=(), **changes):
    kwargs = {
        "dialogue": dialogue, "party": party, "user": user,
        "focus_section_ids": [s.pk for s in sections], "focus_question_ids": [q.pk for q in questions],
        "overview_notes": " Väntetiderna har ökat. ", "data_sources": ["npe", "vis"], "data_sources_other": "ignoreras",
        "responsibility": "Dokumentera",
    }
    kwargs.update(changes)
    return services.preparation_save(**kwargs)


def test_preparation_saves_two_or_three_focus_areas_and_starts_the_preparation_phase(world):
    dialogue = plan(world)
    version = dialogue.guide_version
    p1, p4 = version.sections.get(key="p1"), version.sections.get(key="p4")
    question = version.questions.get(key="p1-q02")
    preparation = _prepare(dialogue, Party.BESTALLARE, world.user("bestallare"), sections=[p1, p4], questions=[question])
    assert set(preparation.focus_sections.all()) == {p1, p4}
    assert list(preparation.focus_questions.all()) == [question]
    assert preparation.overview_notes == "Väntetiderna har ökat."
    assert preparation.data_sources == ["npe", "vis"] and preparation.data_sources_other == ""
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.FORBEREDELSE
    # Saving again updates the same row: one preparation per party.
    _prepare(dialogue, Party.BESTALLARE, world.user("bestallare"), sections=[p1, p4])
    assert Preparation.objects.filter(dialogue=dialogue).count() == 1


@pytest.mark.parametrize("count", [1, 4])
def test_preparation_refuses_fewer_than_two_or_more_than_three_areas(world, count):
    dialogue = plan(world)
    questions = list(dialogue.guide_version.questions.order_by("position")[:count])
    with pytest.raises(ValidationError) as error:
        _prepare(dialogue, Party.VARDCENTRAL, world.user("staff_a1"), questions=questions)
    assert "focus" in error.value.message_dict
    assert not Preparation.objects.exists()
    assert Dialogue.objects.get(pk=dialogue.pk).status == DialogueStatus.PLANERAD


def test_preparation_areas_come_from_the_pinned_version(world):
    dialogue = plan(world)
    other = guide_services.guide_version_draft_start(source=dialogue.guide_version, user=None)
    with pytest.raises(ValidationError):
        _prepare(dialogue, Party.UTVECKLING, world.user("utveckling"), questions=list(other.questions.all()[:2]))


def test_other_data_source_is_kept_when_chosen(world):
    dialogue = plan(world)
    questions = list(dialogue.guide_version.questions.all()[:2])
    preparation = _prepare(
        dialogue, Party.VARDCENTRAL, world.user("staff_a1"), questions=questions,
        data_sources=["annan", "medrave"], data_sources_other="Egen journalstatistik",
    )
    assert preparation.data_sources == ["medrave", "annan"]
    assert preparation.data_source_labels == ["Medrave", "Egen journalstatistik"]


def test_preparation_is_closed_once_the_dialogue_is_held(world):
    dialogue = held(world)
    with pytest.raises(services.DialogueError):
        _prepare(dialogue, Party.BESTALLARE, world.user("bestallare"), questions=list(dialogue.guide_version.questions.all()[:2]))


# --- Cancelling and deleting ------------------------------------------------------------------------------


@pytest.mark.parametrize("prepared", [False, True])
def test_a_dialogue_that_has_not_taken_place_is_cancelled_with_its_reason_in_the_history(world, prepared):
    dialogue = plan(world)
    if prepared:
        Dialogue.objects.filter(pk=dialogue.pk).update(status=DialogueStatus.FORBEREDELSE)
        dialogue.refresh_from_db()
    user = world.user("utveckling")
    services.dialogue_cancel(dialogue=dialogue, user=user, reason="  Verksamhetschefen är sjuk.  ")
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.INSTALLD and dialogue.is_cancelled
    last = dialogue.status_changes.order_by("-changed_at", "-pk").first()
    assert (last.from_status, last.to_status, last.changed_by, last.note) == (
        "forberedelse" if prepared else "planerad", "installd", user, "Verksamhetschefen är sjuk."
    )


def test_cancelling_needs_a_reason_also_through_the_plain_transition(world):
    dialogue = plan(world)
    user = world.user("bestallare")
    with pytest.raises(ValidationError):
        services.dialogue_cancel(dialogue=dialogue, user=user, reason="   ")
    with pytest.raises(services.TransitionError, match="Skriv varför"):
        services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.INSTALLD, user=user)
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.PLANERAD and dialogue.status_changes.count() == 1


@pytest.mark.parametrize("status", [DialogueStatus.GENOMFORD, DialogueStatus.AVSLUTAD])
def test_a_dialogue_that_has_taken_place_cannot_be_cancelled(world, status):
    dialogue = held(world, status=status)
    with pytest.raises(services.TransitionError, match="inte har genomförts"):
        services.dialogue_cancel(dialogue=dialogue, user=world.user("bestallare"), reason="För sent")
    dialogue.refresh_from_db()
    assert dialogue.status == status


def test_a_cancellation_made_by_mistake_is_undone_by_planning_it_again(world):
    dialogue = plan(world)
    user = world.user("bestallare")
    services.dialogue_cancel(dialogue=dialogue, user=user, reason="Fel vårdcentral")
    assert dialogue.next_statuses == [DialogueStatus.PLANERAD] and not dialogue.can_be_cancelled
    services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.PLANERAD, user=user)
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.PLANERAD and dialogue.status_step == 1


def test_a_cancelled_dialogue_is_off_the_progress_steps_and_can_no_longer_be_prepared_or_replanned(world):
    dialogue = plan(world)
    services.dialogue_cancel(dialogue=dialogue, user=world.user("bestallare"), reason="Flyttad")
    assert dialogue.status_step == 0 and dialogue.is_documentation_closed
    assert not dialogue.is_planning and not dialogue.is_held
    with pytest.raises(services.DialogueError):
        _write_preparation(world, dialogue)


def test_a_dialogue_planned_by_mistake_is_deleted_with_its_team_participants_and_history(world):
    dialogue = plan(world, participants=[services.ParticipantData("Vera", "verksamhetschef")])
    assert services.dialogue_deletion_blocker(dialogue) == ""
    services.dialogue_delete(dialogue=dialogue, user=world.user("bestallare"))
    assert not Dialogue.objects.filter(pk=dialogue.pk).exists()
    assert not TeamMember.objects.exists() and not ClinicParticipant.objects.exists()
    assert not DialogueStatusChange.objects.exists()


def test_a_cancelled_dialogue_with_nothing_written_may_still_be_deleted(world):
    dialogue = plan(world)
    services.dialogue_cancel(dialogue=dialogue, user=world.user("bestallare"), reason="Dubblett")
    services.dialogue_delete(dialogue=dialogue, user=world.user("bestallare"))
    assert not Dialogue.objects.exists()


def _write_preparation(world, dialogue):
    sections = list(dialogue.guide_version.sections.filter(parent=None).order_by("position")[:2])
    services.preparation_save(
        dialogue=dialogue, party=Party.BESTALLARE, user=world.user("bestallare"),
        focus_section_ids=[section.pk for section in sections], focus_question_ids=[], overview_notes="",
        data_sources=[], data_sources_other="", responsibility="",
    )


def _write_answer(world, dialogue):
    from tests.dialogs.dialogue_factories import write_answer

    write_answer(dialogue, "p1-q01", "Ett svar")


def _write_feedback(world, dialogue):
    from feedback.services import feedback_create

    Dialogue.objects.filter(pk=dialogue.pk).update(status=DialogueStatus.GENOMFORD)
    dialogue.refresh_from_db()
    feedback_create(dialogue=dialogue, user=world.user("bestallare"))
    Dialogue.objects.filter(pk=dialogue.pk).update(status=DialogueStatus.PLANERAD)  # moved back by mistake
    dialogue.refresh_from_db()


@pytest.mark.parametrize("write", [_write_preparation, _write_answer, _write_feedback])
def test_a_dialogue_with_anything_written_in_it_is_not_deleted(world, write):
    dialogue = plan(world)
    write(world, dialogue)
    dialogue.refresh_from_db()
    assert "något redan är skrivet" in services.dialogue_deletion_blocker(dialogue)
    with pytest.raises(services.DialogueError, match="Ställ in den i stället"):
        services.dialogue_delete(dialogue=dialogue, user=world.user("admin"))
    assert Dialogue.objects.filter(pk=dialogue.pk).exists()


def test_a_held_dialogue_is_not_deleted_even_when_empty(world):
    dialogue = held(world)
    with pytest.raises(services.DialogueError, match="genomförts"):
        services.dialogue_delete(dialogue=dialogue, user=world.user("admin"))
    assert Dialogue.objects.filter(pk=dialogue.pk).exists()
