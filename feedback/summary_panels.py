"""The feedback app's panel on a dialogue's summary page (see dialogs/panels.py): the deck's improvement points,
each one click from becoming an agreement with its text kept whole (issue 13). Only for the follow-up team, and
only once the deck has been started."""

from dialogs.models.agreements import Agreement
from dialogs.panels import MAIN, Panel
from feedback import sections as bilaga3
from feedback.models import FeedbackSection


def panels(dialogue, *, user, can_edit: bool) -> list[Panel]:
    if not can_edit or dialogue.is_cancelled:
        return []
    section = (
        FeedbackSection.objects.filter(report__dialogue=dialogue, key=bilaga3.IMPROVEMENTS).select_related("report").first()
    )
    if section is None or not section.items:
        return []
    made = set(Agreement.objects.filter(dialogue=dialogue).values_list("text", flat=True))
    points = [(index, item, item.strip() in made) for index, item in enumerate(section.items)]
    return [
        Panel(
            key="deck_improvements",
            template="feedback/_summary_improvements.html",
            column=MAIN,
            order=20,
            context={"report": section.report, "points": points, "title": section.title},
        )
    ]
