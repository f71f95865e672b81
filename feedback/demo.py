"""Demo data for the feedback app: the complete demo dialogue (every question answered, follow-up meeting
booked, closed – Björkdalens vårdcentral's dialogue last year in dialogs/demo_dialogues.py) gets written
feedback with four indicator charts, shared with the clinic, and a comment from the clinic's staff.

The dialogue is found, not named: the closed dialogue of Region Demo with a booked follow-up meeting and the
most answers. Idempotent: nothing happens when it already has feedback.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count

from dialogs.models.dialogue import Dialogue, DialogueStatus
from feedback import services
from feedback.models import FeedbackReport
from feedback.sections import ADMINISTRATION_LESSONS, STRENGTHS
from feedback.renderers.content import Link
from indicators.selectors.series import clinic_indicators
from organisations.models import Membership, Role

DEMO_CHARTS = 4
FEEDBACK_SHARED_STATUSES = [DialogueStatus.ATERKOPPLING_DELAD, DialogueStatus.UPPFOLJNING_BOKAD, DialogueStatus.AVSLUTAD]


def complete_dialogue() -> Dialogue | None:
    return (
        Dialogue.objects.filter(
            clinic__region__name="Region Demo", status=DialogueStatus.AVSLUTAD, follow_up_meeting__isnull=False
        )
        .annotate(answer_count=Count("answers"))
        .order_by("-answer_count", "date")
        .select_related("clinic__region")
        .first()
    )


def seed(*, stdout=None) -> list:
    _complete_dialogue_feedback(stdout)
    _every_shared_status_has_shared_feedback(stdout)
    return []


def _every_shared_status_has_shared_feedback(stdout) -> None:
    """A demo dialogue whose status says the feedback is shared has shared feedback (prefilled from its
    answers): the demo never shows "återkoppling delad" beside a deck not started."""
    dialogues = Dialogue.objects.filter(
        clinic__region__name="Region Demo", status__in=FEEDBACK_SHARED_STATUSES, feedback_report__isnull=True
    ).select_related("clinic__region")
    for dialogue in dialogues:
        member = dialogue.team_members.select_related("user").first()
        author = member.user if member else get_user_model().objects.filter(username="demo-bestallare").first()
        report = services.feedback_create(dialogue=dialogue, user=author)
        services.feedback_share(report=report, user=author)
        if stdout is not None:
            stdout.write(f"{dialogue.clinic.name} har fått delad återkoppling (version 1).")


def _complete_dialogue_feedback(stdout) -> None:
    dialogue = complete_dialogue()
    if dialogue is None or FeedbackReport.objects.filter(dialogue=dialogue).exists():
        return
    User = get_user_model()
    team_user = dialogue.team_members.select_related("user").first()
    author = team_user.user if team_user else User.objects.filter(username="demo-bestallare").first()
    report = services.feedback_create(dialogue=dialogue, user=author)
    sections = {section.key: section for section in report.sections.all()}
    _save(sections[ADMINISTRATION_LESSONS], author, items=[
        "Fast vårdkontakt för multisjuka äldre behöver stöd i ersättningsmodellen.",
        "Telefonsystemets statistik borde kunna tas ut per vårdcentral utan manuellt arbete.",
    ])
    services.feedback_charts_save(report=report, user=author, indicators=clinic_indicators(dialogue.clinic)[:DEMO_CHARTS])
    version = services.feedback_share(
        report=report, user=author, message="Tack för en givande dag! Här är vår skriftliga återkoppling."
    )
    staff = Membership.objects.filter(role=Role.VARDCENTRAL, clinic=dialogue.clinic).select_related("user").first()
    if staff is not None:
        services.feedback_comment_add(
            version=version, user=staff.user, section_key=STRENGTHS,
            text="Vi känner igen oss i styrkorna och tar med dem till nästa arbetsplatsträff.",
        )
    if stdout is not None:
        stdout.write(f"{dialogue.clinic.name} har fått delad återkoppling (version {version.number}) med en kommentar.")


def _save(section, user, *, items=None, links=None) -> None:
    services.feedback_section_save(
        section=section, user=user, items=items if items is not None else section.items,
        links=links if links is not None else [Link(link["label"], link["url"]) for link in section.links],
        notes=section.notes, base_revision=section.revision,
    )
