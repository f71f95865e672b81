"""E-mail about one dialogue, through the outbox (``notifications.services``): the letter (Bilaga 1) to the
clinic with the agenda, the letter as PDF, the calendar invitation and a link to the clinic's preparation form;
and, automatically, a notice with an updated invitation when a dialogue is moved, cancelled or planned again.

Every message is queued inside the action's transaction and leaves after the commit through the worker; its
dedupe key names the dialogue and its ``calendar_sequence``, so pressing "send" twice queues nothing twice, while
a later change (a higher sequence) is news again. What went out, to whom and whether it arrived is read back
with ``notifications.services.messages_about(dialogue_topic(dialogue))``.

The clinic's addresses (its contact address and the participants') belong to no account, so their messages are
written in the site's default language; the team's follow each person's choice.
"""

from dataclasses import dataclass
from datetime import date, time

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dialogs.ics import dialogue_calendar
from dialogs.models.dialogue import ClinicParticipant, Dialogue, TeamMember
from notifications import kinds
from notifications.headers import is_valid_address
from notifications.models import OutboxMessage
from notifications.services import Attachment, absolute_url, message_queue, message_queue_many, messages_about
from organisations.models import Party

LETTER = "dialogs.letter"
CHANGED = "dialogs.changed"
CANCELLED = "dialogs.cancelled"


def register_kinds() -> None:
    """Called from DialogsConfig.ready. None is optional: an invitation or a moved day must reach people."""
    kinds.register(LETTER, gettext_lazy("Förordet till vårdcentralen inför en uppföljningsdialog"))
    kinds.register(CHANGED, gettext_lazy("Ändrad tid eller plats för en uppföljningsdialog"))
    kinds.register(CANCELLED, gettext_lazy("Inställd uppföljningsdialog"))
    kinds.register(FOLLOW_UP_BOOKED, gettext_lazy("Inbjudan till ett uppföljningsmöte"))
    kinds.register(FOLLOW_UP_MOVED, gettext_lazy("Ändrad tid för ett uppföljningsmöte"))


def dialogue_topic(dialogue: Dialogue) -> str:
    return f"dialogue:{dialogue.pk}"


class LetterNotSendable(Exception):
    """The letter cannot be sent now; the message says why, for the person who pressed send."""


@dataclass(frozen=True)
class LetterRecipient:
    address: str
    name: str
    description: str


def letter_recipients(dialogue: Dialogue, participants: list[ClinicParticipant] | None = None) -> list[LetterRecipient]:
    """Who the letter goes to: the clinic's contact address and every participant with an e-mail address, each
    address once. ``participants`` when the caller has read them already (else one query)."""
    if participants is None:
        participants = list(ClinicParticipant.objects.filter(dialogue=dialogue).order_by("position", "pk"))
    candidates = []
    if dialogue.clinic.contact_email:
        candidates.append(LetterRecipient(dialogue.clinic.contact_email, dialogue.clinic.name, _("vårdcentralens kontaktadress")))
    candidates += [
        LetterRecipient(participant.email, participant.name, participant.role_label)
        for participant in participants
        if participant.email
    ]
    seen, recipients = set(), []
    for recipient in candidates:
        key = recipient.address.lower()
        if key not in seen and is_valid_address(recipient.address):
            seen.add(key)
            recipients.append(recipient)
    return recipients


def letter_blocker(dialogue: Dialogue, recipients: list[LetterRecipient]) -> str:
    """Why the letter cannot be sent now, or "" when it can. Shown before the team presses send."""
    if dialogue.is_cancelled:
        return _("Dialogen är inställd; förordet skickas inte.")
    if not dialogue.is_planning:
        return _("Dialogen är genomförd; förordet skickas före dialogen.")
    if not recipients:
        return _(
            "Vårdcentralen har ingen e-postadress. Lägg in vårdcentralens kontaktadress (administratören gör det "
            "under Vårdcentraler) eller e-postadresser till deltagarna i planeringen."
        )
    return ""


def _urls(dialogue: Dialogue) -> dict[str, str]:
    return {
        "url": absolute_url(reverse("dialogs:dialogue_detail", args=[dialogue.pk])),
        "letter_url": absolute_url(reverse("dialogs:dialogue_letter", args=[dialogue.pk])),
        "preparation_url": absolute_url(reverse("dialogs:preparation_update", args=[dialogue.pk, Party.VARDCENTRAL])),
    }


def _calendar_attachment(dialogue: Dialogue, letter=None) -> Attachment:
    content = dialogue_calendar(dialogue, url=_urls(dialogue)["url"], letter=letter)
    name = "installd-uppfoljningsdialog" if dialogue.is_cancelled else "uppfoljningsdialog"
    return Attachment(f"{name}-{dialogue.date:%Y-%m-%d}.ics", "text/calendar; charset=utf-8; method=PUBLISH", content)


def letter_pdf(dialogue: Dialogue, page) -> bytes:
    """The letter as PDF, the one e-mailed and the one the letter page offers: in the site's language (Swedish),
    whoever asks for it (``page`` is ``selectors.dialogue.dialogue_letter``)."""
    from dialogs.services.letter import html_to_pdf

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("dialogs/dialogue/letter_print.html", {"dialogue": dialogue, "page": page})
    return html_to_pdf(html=html, base_url=settings.SITE_URL + "/")


@dataclass(frozen=True)
class LetterSending:
    """What pressing send did: the addresses the letter goes to now, and those that had this version already."""

    new: list[str]
    earlier: list[str]


@transaction.atomic
def dialogue_letter_send(*, dialogue: Dialogue, user) -> LetterSending:
    """Queue the letter to each of the clinic's addresses: the letter's text with the agenda, the letter as PDF,
    the calendar invitation and the link to the clinic's preparation form. Raises LetterNotSendable (nothing
    queued) for a dialogue that has taken place or been cancelled, or a clinic without any e-mail address.
    Pressing send again queues only what has not gone yet (e.g. to a participant added since)."""
    from dialogs.selectors.dialogue import dialogue_letter

    locked = Dialogue.objects.select_for_update().select_related("clinic__region").get(pk=dialogue.pk)
    # Under the dialogue's row lock, so a second press waits and then finds what this one queued.
    already = set(messages_about(dialogue_topic(locked)).filter(kind=LETTER).values_list("pk", flat=True))
    with translation.override(settings.LANGUAGE_CODE):  # the clinic's addresses belong to no account
        page = dialogue_letter(locked)
        recipients = letter_recipients(locked, page.participants)
        blocker = letter_blocker(locked, recipients)
        if blocker:
            raise LetterNotSendable(blocker)
        attachments = [
            Attachment(f"forord-uppfoljningsdialog-{locked.date:%Y-%m-%d}.pdf", "application/pdf", letter_pdf(locked, page)),
            _calendar_attachment(locked, page),
        ]
    context = {"dialogue": locked, "clinic": locked.clinic, "letter": page.letter, "agenda": page.agenda,
               "sender": user, **_urls(locked)}
    queued = [
        message_queue(
            kind=LETTER, to=recipient.address, template="dialogs/email/letter", context={**context, "name": recipient.name},
            topic=dialogue_topic(locked), dedupe_key=f"{LETTER}:{locked.pk}:{locked.calendar_sequence}",
            attachments=attachments,
        )
        for recipient in recipients
    ]
    # A message queued under the same key before this press comes back as it was.
    new = sorted({message.to for message in queued if message and message.pk not in already})
    return LetterSending(new=new, earlier=sorted({message.to for message in queued if message} - set(new)))


def letter_sent_to(dialogue: Dialogue) -> list[str]:
    """The addresses the letter has been queued for (any version of the dialogue's plan)."""
    return sorted(set(messages_about(dialogue_topic(dialogue)).filter(kind=LETTER).values_list("to", flat=True)))


def _notify(dialogue: Dialogue, *, kind: str, template: str, context: dict) -> None:
    """Queue a notice about the dialogue to its team and, once the letter has gone to the clinic, to the letter's
    addresses (those it went to and any added since). Once per address and calendar version."""
    context = {"dialogue": dialogue, "clinic": dialogue.clinic, **_urls(dialogue), **context}
    with translation.override(settings.LANGUAGE_CODE):
        attachment = _calendar_attachment(dialogue)
    dedupe_key = f"{kind}:{dialogue.pk}:{dialogue.calendar_sequence}"
    team = [member.user for member in TeamMember.objects.filter(dialogue=dialogue).select_related("user")]
    message_queue_many(
        recipients=team, kind=kind, template=template, context=context, topic=dialogue_topic(dialogue),
        dedupe_key=dedupe_key, attachments=[attachment],
    )
    sent_to = letter_sent_to(dialogue)
    if not sent_to:
        return  # the clinic has not been invited yet: nothing to take back
    team_addresses = {user.email.lower() for user in team if user.email}
    addresses = {address.lower(): address for address in sent_to}
    addresses.update({recipient.address.lower(): recipient.address for recipient in letter_recipients(dialogue)})
    for key, address in sorted(addresses.items()):
        if key not in team_addresses:
            message_queue(
                kind=kind, to=address, template=template, context=context, language=settings.LANGUAGE_CODE,
                topic=dialogue_topic(dialogue), dedupe_key=dedupe_key, attachments=[attachment],
            )


def dialogue_changed_notify(*, dialogue: Dialogue, previous_date: date, previous_time: time, previous_place: str,
                            replanned: bool = False) -> None:
    """A dialogue's date, time or place changed (or a cancelled dialogue was planned again): tell its people,
    with the updated invitation (same UID, higher SEQUENCE)."""
    _notify(dialogue, kind=CHANGED, template="dialogs/email/changed", context={
        "previous_date": previous_date, "previous_time": previous_time, "previous_place": previous_place,
        "replanned": replanned,
    })


def dialogue_cancelled_notify(*, dialogue: Dialogue, reason: str) -> None:
    """A dialogue was cancelled: tell its people why, with an invitation that cancels the event."""
    _notify(dialogue, kind=CANCELLED, template="dialogs/email/cancelled", context={"reason": reason})


def dialogue_messages(dialogue: Dialogue, *, kind: str = "", limit: int = 100) -> list[OutboxMessage]:
    """What went out about the dialogue, newest first (one query), each with ``kind_label``: for the team, who
    sees when, to whom, and whether it arrived or why not."""
    messages = messages_about(dialogue_topic(dialogue)).defer("body_text", "body_html")
    if kind:
        messages = messages.filter(kind=kind)
    rows = list(messages[:limit])
    for message in rows:
        registered = kinds.KINDS.get(message.kind)
        message.kind_label = registered.label if registered else message.kind
    return rows


# --- The follow-up meeting booked or moved -------------------------------------------------------------------

FOLLOW_UP_BOOKED = "dialogs.follow_up_booked"
FOLLOW_UP_MOVED = "dialogs.follow_up_moved"


def follow_up_moved(*, meeting, dialogue: Dialogue, previous: tuple | None) -> None:
    """After a booking: the first one invites the team, the clinic's staff and its contact address to the meeting
    with its calendar invitation; a re-booking that changed the date, time, length or video link raises the
    meeting's SEQUENCE and sends the updated invitation. ``previous`` is the meeting's (date, start_time,
    duration_minutes, video_link, calendar_sequence) before, or None for a first booking."""
    if previous is None:
        _follow_up_notice(meeting, dialogue, kind=FOLLOW_UP_BOOKED, template="dialogs/email/follow_up_booked",
                          dedupe_key=f"{FOLLOW_UP_BOOKED}:{dialogue.pk}:{meeting.pk}")
        return
    if previous[:4] == (meeting.date, meeting.start_time, meeting.duration_minutes, meeting.video_link):
        return
    meeting.calendar_sequence = previous[4] + 1
    meeting.save(update_fields=["calendar_sequence", "updated_at"])
    _follow_up_notice(
        meeting, dialogue, kind=FOLLOW_UP_MOVED, template="dialogs/email/follow_up_moved",
        dedupe_key=f"{FOLLOW_UP_MOVED}:{dialogue.pk}:{meeting.calendar_sequence}",
        context={"previous_date": previous[0], "previous_time": previous[1]},
    )


def _follow_up_notice(meeting, dialogue: Dialogue, *, kind: str, template: str, dedupe_key: str,
                      context: dict | None = None) -> None:
    """The meeting's notice with its calendar invitation to the team, the clinic's staff and its contact address,
    linking to the dialogue's page (which the clinic's staff can open before the documentation is shared)."""
    from dialogs.ics import follow_up_calendar
    from organisations.models import Membership, Role

    url = absolute_url(reverse("dialogs:dialogue_detail", args=[dialogue.pk]))
    with translation.override(settings.LANGUAGE_CODE):
        content = follow_up_calendar(meeting, dialogue=dialogue, url=url)
    attachment = Attachment(f"uppfoljningsmote-{meeting.date:%Y-%m-%d}.ics", "text/calendar; charset=utf-8; method=PUBLISH", content)
    common = {
        "kind": kind, "template": template, "topic": dialogue_topic(dialogue),
        "context": {"dialogue": dialogue, "clinic": dialogue.clinic, "meeting": meeting, "url": url, **(context or {})},
        "dedupe_key": dedupe_key, "attachments": [attachment],
    }
    people = [member.user for member in TeamMember.objects.filter(dialogue=dialogue).select_related("user")]
    people += [
        membership.user
        for membership in Membership.objects.filter(role=Role.VARDCENTRAL, clinic_id=dialogue.clinic_id).select_related("user")
    ]
    message_queue_many(recipients=people, **common)
    address = dialogue.clinic.contact_email
    if address and is_valid_address(address) and address.lower() not in {person.email.lower() for person in people}:
        message_queue(to=address, language=settings.LANGUAGE_CODE, **common)
