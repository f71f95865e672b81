"""The deck's section on last time's agreements (issue 13): what happened with what the clinic and the region agreed
at the previous dialogue, so the written feedback follows the method's promise of continuity.

The section is built from the agreements themselves when the deck is built (and frozen with a shared version's
snapshot), not typed: the agreements' status and comments are kept where they are followed. It lists every
agreement of the clinic's previous held dialogue and the still-open ones of earlier dialogues that the clinic can
read, each with its status, owner, due date and latest comment. No agreements: no section.
"""

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dialogs.models.dialogue import Dialogue
from dialogs.selectors.agreements import carried_agreements
from feedback.renderers.content import Section, clean_text

PREVIOUS_AGREEMENTS = "previous_agreements"
TITLE = gettext_lazy("Så gick det med överenskommelserna från förra dialogen")
NOTES = gettext_lazy(
    "Gå igenom varje överenskommelse: vad har hänt, vad återstår, och vad tar ni med er vidare? Statusen är den som "
    "gällde när presentationen skapades."
)


def agreement_point(agreement) -> str:
    """One agreement as a point of the deck: the text, then its status, owner, due date and latest comment."""
    facts = [
        _("Status: %(status)s") % {"status": agreement.get_status_display()},
        _("ansvarig: %(owner)s") % {"owner": agreement.get_owner_display().lower()},
    ]
    if agreement.due_date:
        facts.append(_("klart senast %(date)s") % {"date": date_format(agreement.due_date, "j F Y")})
    point = f"{clean_text(agreement.text)} — {', '.join(facts)}."
    if getattr(agreement, "latest_comment", ""):
        point += " " + _("Senaste kommentar (%(date)s): %(comment)s") % {
            "date": date_format(agreement.latest_comment_at, "j F Y"),
            "comment": clean_text(agreement.latest_comment),
        }
    return point


def previous_agreements_section(dialogue: Dialogue) -> Section | None:
    """The section for the deck of ``dialogue``, or None when there is nothing carried forward (two queries)."""
    agreements = carried_agreements(dialogue, for_team=False)
    if not agreements:
        return None
    return Section(
        key=PREVIOUS_AGREEMENTS,
        title=str(TITLE),
        items=[agreement_point(agreement) for agreement in agreements],
        notes=str(NOTES),
    )


class PointGone(Exception):
    """The improvement point is no longer in the deck (edited away since the page was loaded)."""


def feedback_point_to_agreement(*, report, user, index: int, text: str | None = None):
    """One click on the summary page: an improvement point of the report's draft becomes an agreement of its
    dialogue, its text whole (the clinic owns it until the team says otherwise). ``text`` is the point as the page
    showed it, ``index`` its position then: when the deck has been edited since, the point is found where it is
    now, so the button never takes another point's words. A second click finds the same agreement. Raises
    PointGone when the point is no longer there."""
    from dialogs.services.agreements import agreement_create
    from feedback import sections as bilaga3

    section = report.sections.filter(key=bilaga3.IMPROVEMENTS).first()
    items = list(section.items) if section else []
    if text is not None:
        shown = [_lines(item) for item in items]
        if not (0 <= index < len(items) and shown[index] == _lines(text)):
            index = shown.index(_lines(text)) if _lines(text) in shown else -1
    if not 0 <= index < len(items):
        raise PointGone(_("Återkopplingen har ändrats sedan sidan öppnades och punkten finns inte längre där. "
                          "Läs punkterna som de är nu och försök igen."))
    return agreement_create(dialogue=report.dialogue, user=user, text=items[index])


def _lines(text: str) -> str:
    """A text as a form sends it back and as it is stored compare equal (a browser sends line breaks as CRLF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()
