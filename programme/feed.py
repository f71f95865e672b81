"""A person's calendar feed (.ics): the dialogues and follow-up meetings they take part in, with the same UIDs
as the files and e-mail of each dialogue (dialogs/ics.py), so a calendar that has imported one of those and
subscribes to the feed shows each event once, and a moved or cancelled dialogue is updated in place."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogs.ics import calendar_bytes, dialogue_day_event, follow_up_event, uid_domain
from dialogs.selectors.dialogue import agenda_end
from notifications.services import absolute_url
from programme.selectors import feed_dialogues


def feed_calendar(user, *, today=None) -> bytes:
    today = today or timezone.localdate()
    domain = uid_domain()
    events = []
    for item in feed_dialogues(user, today=today):
        dialogue = item.dialogue
        events.append(
            dialogue_day_event(
                dialogue=dialogue, agenda=item.agenda, end=agenda_end(item.agenda, dialogue),
                team_members=item.team_members, participants=item.participants,
                url=absolute_url(reverse("dialogs:dialogue_detail", args=[dialogue.pk])), domain=domain,
                cancelled=dialogue.is_cancelled,
            )
        )
        if item.follow_up is not None:
            events.append(
                follow_up_event(
                    meeting=item.follow_up, dialogue=dialogue, domain=domain,
                    url=absolute_url(reverse("dialogs:dialogue_summary", args=[dialogue.pk])),
                )
            )
    name = _("Uppföljningsdialoger – %(name)s") % {"name": user.get_full_name() or user.username}
    return calendar_bytes(events, stamp=timezone.now(), name=name)
