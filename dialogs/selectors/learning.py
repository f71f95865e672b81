"""Reads of a dialogue's medskick and the team's lessons (issue 14), each a fixed number of queries however many
items and comments there are."""

from django.db.models import Prefetch

from dialogs.models.dialogue import Dialogue
from dialogs.models.learning import Medskick, MedskickComment, TeamLesson


def medskick_queryset():
    """Medskick with their categories and comments (two queries beside the medskick's own)."""
    return Medskick.objects.prefetch_related(
        "tags", Prefetch("comments", queryset=MedskickComment.objects.select_related("author"))
    )


def dialogue_medskick(dialogue: Dialogue | int) -> list[Medskick]:
    """The dialogue's medskick in order, with categories and comments (three queries)."""
    dialogue_id = dialogue if isinstance(dialogue, int) else dialogue.pk
    return list(medskick_queryset().filter(dialogue_id=dialogue_id).select_related("updated_by").order_by("position", "pk"))


def dialogue_lessons(dialogue: Dialogue | int) -> list[TeamLesson]:
    """The team's lessons of the dialogue, in order (one query)."""
    dialogue_id = dialogue if isinstance(dialogue, int) else dialogue.pk
    return list(TeamLesson.objects.filter(dialogue_id=dialogue_id).select_related("updated_by").order_by("position", "pk"))


def medskick_by_ids(ids) -> dict[int, Medskick]:
    """Medskick by id with their comments (for a shared deck's points, which name their medskick): three queries."""
    return {medskick.pk: medskick for medskick in medskick_queryset().filter(pk__in=list(ids))}
