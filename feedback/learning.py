"""The deck's two learning sections (issue 14), built from the dialogue's items when the deck is built (and frozen
with a shared version's snapshot), not typed into the deck:

- "Lärdomar för uppföljningsteamet": the team's lessons (``TeamLesson``);
- "Lärdomar och medskick till Hälso- och sjukvårdsförvaltningen": the medskick, each with its categories, its 5P
  area and who raised it. Each point remembers its medskick (``Section.item_refs``, "medskick:<id>"), so the clinic
  comments on each one from its shared deck.

The texts are plain text (``clean_text``): what a person typed arrives in the PPTX as text runs, in the PDF and the
page through autoescaping.
"""

from django.utils.translation import gettext as _

from dialogs.models.dialogue import Dialogue
from dialogs.selectors.learning import dialogue_lessons, dialogue_medskick
from feedback import sections as bilaga3
from feedback.renderers.content import clean_text

BUILT_SECTIONS = (bilaga3.TEAM_LESSONS, bilaga3.ADMINISTRATION_LESSONS)
MEDSKICK_REF = "medskick:"


def medskick_point(medskick) -> str:
    """One medskick as a point of the deck: the text, then its categories, 5P area and who raised it."""
    facts = ", ".join(medskick.category_labels)
    if medskick.area_label:
        facts += f"; {medskick.area_label}"
    facts += "; " + _("lyft av %(who)s") % {"who": medskick.get_raised_by_display()}
    return f"{clean_text(medskick.text)} ({facts})"


def learning_items(dialogue: Dialogue) -> dict[str, tuple[list[str], list[str]]]:
    """The points of the two sections, by section key, with the reference of each point (four queries)."""
    medskick = dialogue_medskick(dialogue)
    return {
        bilaga3.TEAM_LESSONS: ([clean_text(lesson.text) for lesson in dialogue_lessons(dialogue)], []),
        bilaga3.ADMINISTRATION_LESSONS: (
            [medskick_point(item) for item in medskick],
            [f"{MEDSKICK_REF}{item.pk}" for item in medskick],
        ),
    }


def medskick_ids(refs) -> list[int]:
    """The medskick ids a section's references name (others, and anything malformed, are left out)."""
    ids = []
    for ref in refs or []:
        value = str(ref)[len(MEDSKICK_REF):] if str(ref).startswith(MEDSKICK_REF) else ""
        if value.isdigit() and len(value) < 19:
            ids.append(int(value))
    return ids
