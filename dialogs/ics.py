"""Calendar invitations (iCalendar, RFC 5545) for the dialogue day and the follow-up meeting.

Written by hand rather than with a library because the format needed is small and the details that make
calendar programs accept a file are easy to state and to test: CRLF line endings, TEXT escaping of
backslash, semicolon, comma and newline (3.3.11), lines folded at 75 octets without splitting a UTF-8
character (3.1), a UTC DTSTAMP, and local times carrying TZID=Europe/Stockholm with a matching VTIMEZONE
(3.6.5) so that the event stays at 08:30 in Sweden whatever zone the reader's calendar is in.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

TZID = "Europe/Stockholm"
PRODID = "-//PrimärvårdsUppföljning//Uppföljningsdialog//SV"
LINE_LIMIT = 75  # octets, excluding the CRLF

# Central European time with EU summer time: last Sunday of March 02:00 → CEST, last Sunday of October 03:00 → CET.
VTIMEZONE_STOCKHOLM = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


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


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11). Backslash first, so the escapes added after it survive."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, continuation lines starting with one space.

    Counting octets, not characters: "å" is two octets in UTF-8, and a fold must never cut one in half."""
    chunks: list[str] = []
    current, size = "", 0
    limit = LINE_LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            # A continuation line's leading space counts towards its 75 octets.
            current, size, limit = char, width, LINE_LIMIT - 1
        else:
            current += char
            size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


def _local(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def _utc(value: datetime) -> str:
    return value.astimezone(dt_timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def calendar_bytes(events: list[CalendarEvent], *, stamp: datetime) -> bytes:
    """A complete VCALENDAR with one VTIMEZONE and the given events, as UTF-8 with CRLF line endings.

    ``stamp`` (aware) becomes every event's DTSTAMP: when this file was made."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{escape_text(PRODID)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *VTIMEZONE_STOCKHOLM,
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{_utc(stamp)}",
            f"DTSTART;TZID={TZID}:{_local(event.start)}",
            f"DTEND;TZID={TZID}:{_local(event.end)}",
            f"SEQUENCE:{event.sequence}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        if event.categories:
            lines.append("CATEGORIES:" + ",".join(escape_text(category) for category in event.categories))
        if event.cancelled:
            lines += ["STATUS:CANCELLED", "TRANSP:TRANSPARENT", "END:VEVENT"]
        else:
            lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")


def combine(day: date, at: time) -> datetime:
    return datetime.combine(day, at.replace(tzinfo=None))


def end_after(start: datetime, minutes: int) -> datetime:
    return start + timedelta(minutes=minutes)


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
        uid=f"dialogue-{dialogue.pk}@{domain}",
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
        uid=f"dialogue-{dialogue.pk}-follow-up@{domain}",
        start=start,
        end=end_after(start, meeting.duration_minutes),
        summary=_("Uppföljningsmöte med %(clinic)s") % {"clinic": dialogue.clinic.name},
        location=meeting.video_link or _("Videomöte"),
        description=description,
        url=url,
        sequence=_sequence(meeting),
    )


def _sequence(row) -> int:
    """Grows with every change, so calendar programs replace an invitation they already have (RFC 5545 3.8.7.4).
    Minutes since the row was created: small, and never smaller after an edit."""
    created = getattr(row, "created_at", None) or getattr(row, "booked_at", None)
    updated = getattr(row, "updated_at", None)
    if created is None or updated is None:
        return 0
    return max(0, int((updated - created).total_seconds() // 60))
