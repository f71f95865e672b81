"""One rule for the two "share" actions (issue 10, §6): sharing the feedback, or moving the status to
"återkoppling delad" by hand, lets the clinic read the day's documentation too; the documentation may be shared
earlier on its own. The clinic whose feedback is shared never meets a locked documentation."""

from django.urls import reverse

from dialogs.models.dialogue import DialogueStatus
from dialogs.services import dialogue as dialogue_services
from feedback import services
from tests.dialogs.dialogue_factories import held
from tests.feedback import factories


def test_sharing_the_feedback_opens_the_documentation_to_the_clinic(world, client_for):
    report = factories.report(world)
    dialogue = report.dialogue
    staff = client_for("staff_a1")
    documentation = reverse("dialogs:dialogue_documentation", args=[dialogue.pk])
    assert staff.get(documentation).status_code == 403
    services.feedback_share(report=report, user=world.user("bestallare"))
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.ATERKOPPLING_DELAD and dialogue.is_documentation_shared
    assert dialogue.documentation_shared_by == world.user("bestallare")
    assert staff.get(documentation).status_code == 200
    assert staff.get(reverse("dialogs:dialogue_summary", args=[dialogue.pk])).status_code == 200


def test_a_later_version_shares_the_documentation_of_a_dialogue_already_past_that_status(world):
    report = factories.report(world)
    dialogue = report.dialogue
    dialogue_services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.ATERKOPPLING_DELAD, user=world.user("bestallare"))
    type(dialogue).objects.filter(pk=dialogue.pk).update(documentation_shared_at=None)  # as before the rule
    dialogue.refresh_from_db()
    services.feedback_share(report=report, user=world.user("bestallare"))
    dialogue.refresh_from_db()
    assert dialogue.is_documentation_shared and dialogue.status == DialogueStatus.ATERKOPPLING_DELAD


def test_moving_the_status_to_feedback_shared_by_hand_shares_the_documentation(world, client_for):
    dialogue = held(world)
    response = client_for("bestallare").post(
        reverse("dialogs:dialogue_transition", args=[dialogue.pk]), {"status": DialogueStatus.ATERKOPPLING_DELAD}
    )
    assert response.status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.is_documentation_shared
    assert client_for("staff_a1").get(reverse("dialogs:dialogue_documentation", args=[dialogue.pk])).status_code == 200


def test_both_share_pages_state_the_rule(world, client_for):
    report = factories.report(world)
    client = client_for("bestallare")
    summary = client.get(reverse("dialogs:dialogue_summary", args=[report.dialogue.pk])).content.decode()
    assert "att dela återkopplingen (eller ändra status till ”återkoppling delad”) delar också dokumentationen" in summary
    share = client.get(reverse("feedback:report_share", args=[report.pk])).content.decode()
    assert "Vårdcentralen kan då också läsa dokumentationen från dialogdagen" in share
