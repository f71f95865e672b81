"""The dialogs app's panels on the summary page (see dialogs/panels.py): the dialogue's agreements, with the
answer lines that can become agreements in one click, and – for the region's follow-up team only – fördjupad
uppföljning (the indication form and the dialogue's cases)."""

from dialogs import learning_panels
from dialogs.access import can_read_documentation, can_see_cases
from dialogs.models.cases import CaseCategory
from dialogs.panels import MAIN, SIDE, Panel
from dialogs.selectors.agreements import agreement_line_sources, area_choices, dialogue_agreements
from dialogs.selectors.cases import dialogue_cases
from organisations.models import Party


def panels(dialogue, *, user, can_edit: bool) -> list[Panel]:
    result = []
    if can_read_documentation(user, dialogue):
        agreements = dialogue_agreements(dialogue)
        result.append(
            Panel(
                key="agreements",
                template="dialogs/agreements/_summary_panel.html",
                column=MAIN,
                order=10,
                context={
                    "agreements": agreements,
                    "sources": agreement_line_sources(dialogue, agreements) if can_edit and not dialogue.is_cancelled else [],
                    "areas": area_choices(dialogue) if can_edit else [],
                    "owners": Party.choices,
                    "can_edit": can_edit and not dialogue.is_cancelled,
                },
            )
        )
    if can_see_cases(user, dialogue.clinic.region):
        result.append(
            Panel(
                key="cases",
                template="dialogs/cases/_summary_panel.html",
                column=SIDE,
                order=10,
                context={"cases": dialogue_cases(dialogue.pk), "categories": CaseCategory.choices,
                         "can_open": not dialogue.is_cancelled},
            )
        )
    result += learning_panels.summary_panels(dialogue, user=user, can_edit=can_edit)  # medskick and lessons (issue 14)
    return result
