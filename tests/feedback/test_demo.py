"""The demo's feedback: the complete demo dialogue has a shared deck with charts and a clinic comment."""

from django.core.management import call_command

from feedback.demo import complete_dialogue
from feedback.models import ClinicComment, FeedbackReport, SharedVersion


def test_the_complete_demo_dialogue_gets_shared_feedback_with_a_comment(db, settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("demo")
    dialogue = complete_dialogue()
    assert dialogue.clinic.hsa_id.endswith("D001")
    assert dialogue.answers.count() == dialogue.guide_version.questions.count()
    report = FeedbackReport.objects.get(dialogue=dialogue)
    version = SharedVersion.objects.get(report=report)
    assert len(version.snapshot["charts"]) == 4
    assert {file.format for file in version.files.all()} == {"pptx", "pdf"}
    comment = ClinicComment.objects.get(version=version)
    assert comment.author.username == "demo-vc1" and comment.section_key == "strengths"

    # Every other dialogue whose status says the feedback is shared has its shared version too; seeding again
    # adds nothing.
    count = SharedVersion.objects.count()
    assert count == FeedbackReport.objects.count() == 4
    call_command("demo")
    assert SharedVersion.objects.count() == count and ClinicComment.objects.count() == 1
