"""A dialogue closed years ago with something in every kind of row the retention rule handles: answers and their
history, agenda notes, preparations, participants, a feedback deck shared with the clinic and commented on,
agreements (done), a medskick with a comment, a lesson, an evaluation and e-mail about it in the outbox."""

import datetime

from django.utils import timezone

from dialogs.models import (
    Agreement, AnswerRevision, ClinicParticipant, DialogueStatus, DialogueStatusChange, Evaluation, Medskick,
    MedskickComment, Preparation, TeamLesson,
)
from dialogs.models.answers import Answer
from dialogs.services import dialogue as dialogue_services
from feedback import services as feedback_services
from notifications.services import message_queue
from organisations.models import Party
from tests.feedback.factories import held_dialogue

SECRET = "Dr Hemlig sa att Anna Andersson"  # free text that names people


def close(world, dialogue, *, years_ago: float):
    """Move the dialogue to "avslutad" and date the closing ``years_ago`` years back."""
    user = world.user("bestallare")
    if dialogue.status != DialogueStatus.AVSLUTAD:
        dialogue_services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.UPPFOLJNING_BOKAD, user=user)
        dialogue_services.dialogue_transition(dialogue=dialogue, to_status=DialogueStatus.AVSLUTAD, user=user)
    closed = timezone.now() - datetime.timedelta(days=int(365.25 * years_ago))
    DialogueStatusChange.objects.filter(dialogue=dialogue).update(changed_at=closed)
    dialogue.refresh_from_db()
    return dialogue


def full_dialogue(world, *, clinic=None, years_ago: float = 6):
    """A closed dialogue ``years_ago`` years back, with free text in every place the rule empties."""
    bestallare, staff = world.user("bestallare"), world.user("staff_a1")
    dialogue = held_dialogue(world, clinic=clinic)
    answer = Answer.objects.filter(dialogue=dialogue).first()
    Answer.objects.filter(pk=answer.pk).update(text=f"{SECRET} i svaret", yes_no="ja")
    AnswerRevision.objects.create(answer=answer, revision=1, before={"text": ""}, after={"text": SECRET}, user=bestallare)
    ClinicParticipant.objects.create(dialogue=dialogue, name="Anna Andersson", role="verksamhetschef",
                                     email="anna@vc.example.org")
    Preparation.objects.create(dialogue=dialogue, party=Party.VARDCENTRAL, overview_notes=SECRET, updated_by=staff)
    version = feedback_services.feedback_share(report=feedback_services.feedback_create(dialogue=dialogue, user=bestallare),
                                               user=bestallare)
    feedback_services.feedback_comment_add(version=version, user=staff, section_key="strengths", text=f"{SECRET} kommenterar")
    Agreement.objects.create(dialogue=dialogue, text=f"{SECRET} lovar", status="klar", created_by=bestallare)
    medskick = Medskick.objects.create(dialogue=dialogue, text=f"{SECRET} medskick", created_by=bestallare)
    MedskickComment.objects.create(medskick=medskick, text=SECRET, author=staff, by_clinic=True)
    TeamLesson.objects.create(dialogue=dialogue, text=f"{SECRET} lärdom", created_by=bestallare)
    Evaluation.objects.create(dialogue=dialogue, group="team", user=bestallare, trust=5, went_well=SECRET)
    message_queue(kind="dialogs.letter", to="anna@vc.example.org", template="privacy/email/retention_due",
                  context={"region": world.region_a, "count": 1, "url": "http://x"}, topic=f"dialogue:{dialogue.pk}")
    return close(world, dialogue, years_ago=years_ago)
