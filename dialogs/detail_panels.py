"""The dialogs app's panels on a dialogue's own page (see dialogs/panels.py): the agreements it carries forward
from the clinic's earlier dialogues, and – for the region's follow-up team only – the clinic's fördjupad
uppföljning that is still open or came from the previous dialogue."""

from django.db.models import Q

from dialogs import learning_panels
from dialogs.access import can_see_cases
from dialogs.models.cases import OPEN_CASE_STATUSES, Case
from dialogs.panels import MAIN, SIDE, Panel
from dialogs.selectors.agreements import carried_agreements, previous_held_id_subquery


def panels(dialogue, *, user, can_edit: bool) -> list[Panel]:
    if dialogue.is_cancelled:
        return []
    previous_id = previous_held_id_subquery(dialogue)  # no query of its own: part of the two reads below
    result = []
    agreements = carried_agreements(dialogue, for_team=can_edit, previous_id=previous_id)
    if agreements:
        result.append(Panel(key="carried", template="dialogs/agreements/_carried_panel.html", column=MAIN, order=10,
                            context={"agreements": agreements}))
    if can_see_cases(user, dialogue.clinic.region):
        cases = list(
            Case.objects.filter(clinic_id=dialogue.clinic_id)
            .exclude(dialogue=dialogue)
            .filter(Q(status__in=OPEN_CASE_STATUSES) | Q(dialogue_id=previous_id))
            .order_by("-opened_at", "-pk")
        )
        if cases:
            result.append(Panel(key="cases", template="dialogs/cases/_clinic_panel.html", column=SIDE, order=10,
                                context={"cases": cases}))
    result += learning_panels.detail_panels(dialogue, user=user, can_edit=can_edit)  # the evaluation (issue 14)
    return result
