"""dialogs.selectors.dialogue: the shifted agenda, dates, continuity and focus marks."""

import datetime
from types import SimpleNamespace

import pytest

from dialogs.models.dialogue import DialogueStatus
from dialogs.selectors import dialogue as selectors
from tests.dialogs.dialogue_factories import held, plan, write_answer


def _block(key, start, end):
    return SimpleNamespace(key=key, start=datetime.time(*start), end=datetime.time(*end), title=key, participants="")


def test_the_agenda_moves_with_the_start_time_and_keeps_gaps():
    blocks = [_block("a", (8, 30), (9, 30)), _block("b", (9, 30), (9, 45)), _block("c", (13, 0), (14, 0))]
    slots = selectors.shift_agenda(blocks, datetime.time(10, 15))
    assert [(f"{s.start:%H:%M}", f"{s.end:%H:%M}") for s in slots] == [("10:15", "11:15"), ("11:15", "11:30"), ("14:45", "15:45")]
    earlier = selectors.shift_agenda(blocks, datetime.time(7, 0))
    assert f"{earlier[0].start:%H:%M}" == "07:00" and f"{earlier[-1].end:%H:%M}" == "12:30"
    assert selectors.shift_agenda([], datetime.time(9, 0)) == []


def test_the_day_ends_with_the_last_block():
    dialogue = SimpleNamespace(date=datetime.date(2026, 3, 17), start_time=datetime.time(8, 30))
    slots = selectors.shift_agenda([_block("a", (8, 30), (9, 30)), _block("b", (14, 0), (14, 30))], dialogue.start_time)
    assert selectors.agenda_end(slots, dialogue) == datetime.datetime(2026, 3, 17, 14, 30)
    assert selectors.agenda_end([], dialogue) == datetime.datetime(2026, 3, 17, 12, 30)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ((2026, 3, 31), 1, (2026, 2, 28)),
        ((2024, 3, 31), 1, (2024, 2, 29)),
        ((2026, 1, 15), 12, (2025, 1, 15)),
        ((2026, 1, 15), 13, (2024, 12, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert selectors.months_before(datetime.date(*day), months) == datetime.date(*expected)


def test_continuity_takes_the_latest_held_dialogue_of_the_same_clinic(world):
    older = held(world, days_ago=400)
    previous = held(world, days_ago=100, status=DialogueStatus.UPPFOLJNING_BOKAD)
    held(world, days_ago=50, clinic=world.clinic_a2)  # another clinic
    write_answer(older, "sammanfattning-q02", "Gammalt")
    write_answer(previous, "sammanfattning-q02", "Fast vårdkontakt")
    write_answer(previous, "aterkoppling-q04", "")  # empty answers are left out
    new = plan(world)
    continuity = selectors.dialogue_continuity(new, team=True)
    assert continuity.previous == previous
    assert [answer.text for answer in continuity.work_on] == ["Fast vårdkontakt"]
    assert continuity.follow_up_notes == []
    assert continuity.follow_up_meeting.focus_area == "Kontinuitet"
    assert selectors.dialogue_continuity(older, team=True) is None


def test_focus_groups_offer_sections_subsections_and_questions_of_the_pinned_version(world):
    dialogue = plan(world)
    groups = selectors.focus_groups(dialogue)
    assert [section.key for section, _options in groups] == ["p1", "p4", "sammanfattning", "aterkoppling"]
    p4_options = dict((label, is_section) for _value, label, is_section in groups[1][1])
    assert p4_options["P4: Organisation och ledning"] is True
    dialogue.include_lifestyle_module = True
    assert "levnadsvanor" in [section.key for section, _options in selectors.focus_groups(dialogue)]
