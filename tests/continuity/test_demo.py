"""The demo's story to follow (continuity/demo.py): Björkdalen's agreements from last year, updated by the clinic,
carried into this year's dialogue; Skogsbrynet's fördjupad uppföljning under investigation. Seeding twice adds
nothing."""

from continuity import demo as continuity_demo
from dialogs import demo as dialogs_demo
from dialogs.models.agreements import Agreement
from dialogs.models.cases import Case
from dialogs.models.dialogue import Dialogue, DialogueStatus
from dialogs.selectors.agreements import carried_agreements
from organisations import demo as organisations_demo


def test_the_demo_has_agreements_carried_forward_and_a_case(db):
    organisations_demo.seed()
    dialogs_demo.seed()
    continuity_demo.seed()
    upcoming = Dialogue.objects.get(clinic__hsa_id__endswith="D001", status=DialogueStatus.FORBEREDELSE)
    carried = carried_agreements(upcoming, for_team=False)
    assert len(carried) == 3 and {agreement.status for agreement in carried} == {"pagar", "klar", "planerad"}
    assert any(change.by_clinic for agreement in carried for change in agreement.changes.all())
    case = Case.objects.get()
    assert case.clinic.hsa_id.endswith("D004") and case.status == "utredning"
    continuity_demo.seed()
    assert Agreement.objects.count() == 3 and Case.objects.count() == 1
