"""dialogs.ics: RFC 5545 invitations that calendar programs accept (built with ``icalendar``), checked on the
bytes written and by parsing them back."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import icalendar
import pytest

from dialogs.ics import CalendarEvent, calendar_bytes, dialogue_day_event, follow_up_event
from dialogs.selectors.dialogue import AgendaSlot

STAMP = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _event(**changes) -> CalendarEvent:
    values = {
        "uid": "dialogue-7@uppfoljning.example.se",
        "start": datetime.datetime(2026, 3, 17, 8, 30),
        "end": datetime.datetime(2026, 3, 17, 14, 30),
        "summary": "Uppföljningsdialog på Björkdalens vårdcentral",
        "location": "På vårdcentralen, Vårdvägen 1, 123 45 Björkdalen",
        "description": "Program:\n08:30 Presentationsrunda; inledning\n\\ och mer",
    }
    values.update(changes)
    return CalendarEvent(**values)


def test_the_file_parses_and_keeps_every_value():
    data = calendar_bytes([_event()], stamp=STAMP)
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == "dialogue-7@uppfoljning.example.se"
    assert event["DTSTAMP"].dt == STAMP
    assert event["DTSTART"].dt == datetime.datetime(2026, 3, 17, 8, 30, tzinfo=STOCKHOLM)
    assert event["DTEND"].dt == datetime.datetime(2026, 3, 17, 14, 30, tzinfo=STOCKHOLM)
    assert str(event["LOCATION"]) == "På vårdcentralen, Vårdvägen 1, 123 45 Björkdalen"
    assert str(event["DESCRIPTION"]) == "Program:\n08:30 Presentationsrunda; inledning\n\\ och mer"


def test_lines_end_with_crlf_and_are_folded_at_75_octets_without_splitting_characters():
    data = calendar_bytes([_event(description="åäö " * 200)], stamp=STAMP)
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    assert all(line.decode("utf-8") for line in lines)  # each physical line is valid UTF-8 on its own
    assert sum(1 for line in lines if line.startswith(b" ")) > 5


def test_start_and_end_carry_the_stockholm_zone_with_its_definition():
    text = calendar_bytes([_event()], stamp=STAMP).decode()
    assert "DTSTART;TZID=Europe/Stockholm:20260317T083000\r\n" in text
    assert "DTEND;TZID=Europe/Stockholm:20260317T143000\r\n" in text
    assert "DTSTAMP:20260301T120000Z\r\n" in text
    timezone = icalendar.Calendar.from_ical(text.encode()).walk("VTIMEZONE")[0]
    assert str(timezone["TZID"]) == "Europe/Stockholm"
    assert {component.name for component in timezone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    # Two yearly rules (last Sunday of March and October), not a list of every change until 2038.
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" in text and "RDATE" not in text


def test_summer_time_is_honoured():
    data = calendar_bytes([_event(start=datetime.datetime(2026, 6, 9, 9, 0), end=datetime.datetime(2026, 6, 9, 10, 0))], stamp=STAMP)
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert event["DTSTART"].dt.utcoffset() == datetime.timedelta(hours=2)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [("a,b", "a\\,b"), ("a;b", "a\\;b"), ("a\nb", "a\\nb"), ("a\\b", "a\\\\b"), ("\\,", "\\\\\\,")],
)
def test_text_is_escaped_and_reads_back_unchanged(raw, escaped):
    data = calendar_bytes([_event(summary=raw)], stamp=STAMP)
    assert f"SUMMARY:{escaped}\r\n".encode() in data
    assert str(icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["SUMMARY"]) == raw


def test_long_lines_are_folded_and_read_back_whole():
    data = calendar_bytes([_event(summary="X" + "a" * 200)], stamp=STAMP)
    first, *continued = (b"SUMMARY:" + data.split(b"SUMMARY:", 1)[1].split(b"\r\nDTSTART", 1)[0]).split(b"\r\n")
    assert len(continued) == 2 and all(line.startswith(b" ") for line in continued)
    assert all(len(line) <= 75 for line in [first, *continued])
    assert str(icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["SUMMARY"]) == "X" + "a" * 200


def _dialogue(**changes):
    clinic = SimpleNamespace(name="Vårdcentral A1")
    values = {"pk": 9, "clinic": clinic, "date": datetime.date(2026, 4, 14), "start_time": datetime.time(9, 0),
              "place": "Vårdvägen 1, Aby", "calendar_sequence": 5}
    values.update(changes)
    return SimpleNamespace(**values)


def test_dialogue_day_event_describes_agenda_team_and_participants():
    member = SimpleNamespace(display_name="Bo Beställare", get_party_display=lambda: "Beställarorganisation")
    participant = SimpleNamespace(name="Vera", role_label="verksamhetschef")
    agenda = [AgendaSlot("a1", datetime.time(9, 0), datetime.time(10, 0), "Presentationsrunda, inledning", "")]
    event = dialogue_day_event(
        dialogue=_dialogue(), agenda=agenda, end=datetime.datetime(2026, 4, 14, 15, 0), team_members=[member],
        participants=[participant], url="https://x.example/d/9/", domain="x.example",
    )
    parsed = icalendar.Calendar.from_ical(calendar_bytes([event], stamp=STAMP)).walk("VEVENT")[0]
    description = str(parsed["DESCRIPTION"])
    assert "09:00–10:00 Presentationsrunda, inledning" in description
    assert "Bo Beställare, Beställarorganisation" in description and "Vera, verksamhetschef" in description
    assert str(parsed["UID"]) == "dialogue-9@x.example"
    assert int(parsed["SEQUENCE"]) == 5  # raised by each move, so calendars replace the old invitation


def test_follow_up_event_puts_the_video_link_where_calendars_offer_to_join():
    meeting = SimpleNamespace(date=datetime.date(2026, 5, 20), start_time=datetime.time(13, 30), duration_minutes=45,
                              video_link="https://video.example/m/1", focus_area="Kontinuitet",
                              calendar_sequence=2)
    event = follow_up_event(meeting=meeting, dialogue=_dialogue(), url="https://x.example/d/9/", domain="x.example")
    parsed = icalendar.Calendar.from_ical(calendar_bytes([event], stamp=STAMP)).walk("VEVENT")[0]
    assert str(parsed["LOCATION"]) == "https://video.example/m/1"
    assert parsed["DTEND"].dt - parsed["DTSTART"].dt == datetime.timedelta(minutes=45)
    assert str(parsed["UID"]) == "dialogue-9-follow-up@x.example"
    assert int(parsed["SEQUENCE"]) == 2
    assert "Önskat fokusområde: Kontinuitet" in str(parsed["DESCRIPTION"])


def test_a_moved_or_cancelled_dialogue_keeps_its_uid_with_a_higher_sequence():
    first = dialogue_day_event(dialogue=_dialogue(calendar_sequence=0), agenda=[], end=datetime.datetime(2026, 4, 14, 15, 0),
                               team_members=[], participants=[], url="", domain="x.example")
    moved = dialogue_day_event(dialogue=_dialogue(date=datetime.date(2026, 4, 21), calendar_sequence=1), agenda=[],
                               end=datetime.datetime(2026, 4, 21, 15, 0), team_members=[], participants=[], url="",
                               domain="x.example", cancelled=True)
    parsed = [icalendar.Calendar.from_ical(calendar_bytes([event], stamp=STAMP)).walk("VEVENT")[0] for event in (first, moved)]
    assert parsed[0]["UID"] == parsed[1]["UID"] == "dialogue-9@x.example"
    assert int(parsed[1]["SEQUENCE"]) > int(parsed[0]["SEQUENCE"])
    assert str(parsed[0]["STATUS"]) == "CONFIRMED" and str(parsed[1]["STATUS"]) == "CANCELLED"
    assert str(parsed[1]["SUMMARY"]).startswith("Inställd: ")
