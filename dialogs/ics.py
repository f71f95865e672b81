"""Calendar invitations (iCalendar, RFC 5545) for the dialogue day and the follow-up meeting, built with the
``icalendar`` package.

The package takes care of what makes calendar programs accept a file: CRLF line endings, TEXT escaping of
backslash, semicolon, comma and newline (3.3.11), lines folded at 75 octets without splitting a UTF-8 character
(3.1) and a UTC DTSTAMP. What stays ours: local times carry TZID=Europe/Stockholm with a compact VTIMEZONE of
two yearly rules (3.6.5; icalendar's own generated zone lists every change from 1970 to 2038), so the event
stays at 08:30 in Sweden whatever zone the reader's calendar is in; and the UIDs, which never change for a
dialogue (``dialogue-<pk>@<site>`` and ``dialogue-<pk>-follow-up@<site>``), so that a newer file, a cancellation
or the personal calendar feed replaces the event a calendar already has instead of adding a second one. Each
change of date, time or place raises the event's SEQUENCE (``calendar_sequence`` on the dialogue and the
meeting), which is how calendar programs tell the newer version.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings

TZID = "Europe/Stockholm"
STOCKHOLM = ZoneInfo(TZID)
PRODID = "-//PrimärvårdsUppföljning//Uppföljningsdialog//SV"


def stockholm_timezone() -> icalendar.Timezone:
    """Central European time with EU summer time: last Sunday of March 02:00 → CEST, last Sunday of
    October 03:00 → CET."""
    zone = icalendar.Timezone()
    zone.add("tzid", TZID)
    for component, name, start, offset_from, offset_to, month in (
        (icalendar.TimezoneDaylight(), "CEST", datetime(1970, 3, 29, 2, 0), 1, 2, 3),
        (icalendar.TimezoneStandard(), "CET", datetime(1970, 10, 25, 3, 0), 2, 1, 10),
    ):
        component.add("tzoffsetfrom", timedelta(hours=offset_from))
        component.add("tzoffsetto", timedelta(hours=offset_to))
        component.add("tzname", name)
        component.add("dtstart", start)
        component.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(component)
    return zone


@dataclass
class CalendarEvent:
    """One VEVENT. ``start`` and ``end`` are naive local times in Europe/Stockholm."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    sequence: int = 0
    categories: list[str] = field(default_factory=list)
    # A cancelled event keeps its UID, so a calendar program that imports it marks the booked event cancelled.
    cancelled: bool = False


def _local(value: datetime) -> datetime:
    return value.replace(tzinfo=STOCKHOLM)


def _vevent(event: CalendarEvent, stamp: datetime) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp.astimezone(dt_timezone.utc))
    vevent.add("dtstart", _local(event.start))
    vevent.add("dtend", _local(event.end))
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.summary)
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    if event.categories:
        vevent.add("categories", event.categories)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("transp", "TRANSPARENT" if event.cancelled else "OPAQUE")
    return vevent


def calendar_bytes(events: list[CalendarEvent], *, stamp: datetime, name: str = "") -> bytes:
    """A complete VCALENDAR with one VTIMEZONE and the given events, as UTF-8 with CRLF line endings.

    ``stamp`` (aware) becomes every event's DTSTAMP: when this file was made. ``name`` titles a subscribed
    calendar (X-WR-CALNAME, which the common calendar programs show)."""
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", TZID)
    calendar.add_component(stockholm_timezone())
    for event in events:
        calendar.add_component(_vevent(event, stamp))
    return calendar.to_ical()


def combine(day: date, at: time) -> datetime:
    return datetime.combine(day, at.replace(tzinfo=None))


def end_after(start: datetime, minutes: int) -> datetime:
    return start + timedelta(minutes=minutes)


def uid_domain() -> str:
    """The site's host name (from ``SITE_URL``): the right-hand part of every UID, the same in files, e-mail and
    feeds."""
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]


def dialogue_uid(dialogue_id: int, domain: str) -> str:
    return f"dialogue-{dialogue_id}@{domain}"


def follow_up_uid(dialogue_id: int, domain: str) -> str:
    return f"dialogue-{dialogue_id}-follow-up@{domain}"


# --- The two invitations the app offers ------------------------------------------------------------------


def _lines(title: str, rows: list[str]) -> str:
    return title + "\n" + "\n".join(f"– {row}" for row in rows) if rows else ""


def dialogue_day_event(
    *, dialogue, agenda, end: datetime, team_members, participants, url: str, domain: str, cancelled: bool = False
) -> CalendarEvent:
    """The dialogue day: the agenda with times, the team and the clinic's participants in the description.
    ``cancelled`` marks the event cancelled (same UID), for a dialogue that was called off."""
    from django.utils.translation import gettext as _

    agenda_rows = [f"{slot.start:%H:%M}–{slot.end:%H:%M} {slot.title}" for slot in agenda]
    team_rows = [f"{member.display_name}, {member.get_party_display()}" for member in team_members]
    participant_rows = [f"{participant.name}, {participant.role_label}" for participant in participants]
    description = "\n\n".join(
        part
        for part in [
            _("Tillitsbaserad uppföljningsdialog enligt SKR:s metodstöd."),
            _lines(_("Dagens program:"), agenda_rows),
            _lines(_("Uppföljningsteamet:"), team_rows),
            _lines(_("Från vårdcentralen:"), participant_rows),
            url,
        ]
        if part
    )
    summary = _("Uppföljningsdialog på %(clinic)s") % {"clinic": dialogue.clinic.name}
    return CalendarEvent(
        uid=dialogue_uid(dialogue.pk, domain),
        start=combine(dialogue.date, dialogue.start_time),
        end=end,
        summary=_("Inställd: %(summary)s") % {"summary": summary} if cancelled else summary,
        location=dialogue.place,
        description=description,
        url=url,
        sequence=_sequence(dialogue),
        cancelled=cancelled,
    )


def follow_up_event(*, meeting, dialogue, url: str, domain: str) -> CalendarEvent:
    """The follow-up video meeting; the video link goes in LOCATION, where calendar programs offer to join."""
    from django.utils.translation import gettext as _

    description = "\n\n".join(
        part
        for part in [
            _("Uppföljningsmöte efter uppföljningsdialogen %(date)s.") % {"date": f"{dialogue.date:%Y-%m-%d}"},
            (_("Önskat fokusområde: %(focus)s") % {"focus": meeting.focus_area}) if meeting.focus_area else "",
            (_("Videolänk: %(link)s") % {"link": meeting.video_link}) if meeting.video_link else "",
            url,
        ]
        if part
    )
    start = combine(meeting.date, meeting.start_time)
    return CalendarEvent(
        uid=follow_up_uid(dialogue.pk, domain),
        start=start,
        end=end_after(start, meeting.duration_minutes),
        summary=_("Uppföljningsmöte med %(clinic)s") % {"clinic": dialogue.clinic.name},
        location=meeting.video_link or _("Videomöte"),
        description=description,
        url=url,
        sequence=_sequence(meeting),
    )


def _sequence(row) -> int:
    """Raised by every change of date, time or place, so calendar programs replace an invitation they already
    have (RFC 5545 3.8.7.4); see ``calendar_sequence`` on Dialogue and FollowUpMeeting."""
    return int(getattr(row, "calendar_sequence", 0) or 0)


# --- Whole files for one dialogue (the download, the e-mail attachments) ----------------------------------


def dialogue_calendar(dialogue, *, url: str, letter=None) -> bytes:
    """The dialogue day as a file: agenda, team and participants from the letter's reads (``letter``, a
    ``LetterPage``, when the caller already has it). A cancelled dialogue's file cancels the event."""
    from dialogs.selectors import dialogue as selectors

    letter = letter or selectors.dialogue_letter(dialogue)
    event = dialogue_day_event(
        dialogue=dialogue,
        agenda=letter.agenda,
        end=selectors.agenda_end(letter.agenda, dialogue),
        team_members=letter.team_members,
        participants=letter.participants,
        url=url,
        domain=uid_domain(),
        cancelled=dialogue.is_cancelled,
    )
    return calendar_bytes([event], stamp=dialogue.updated_at)


def follow_up_calendar(meeting, *, dialogue, url: str) -> bytes:
    event = follow_up_event(meeting=meeting, dialogue=dialogue, url=url, domain=uid_domain())
    return calendar_bytes([event], stamp=meeting.updated_at)
