"""The programme's demo (programme/demo.py): clinics overdue and due soon, reminders pending, a letter sent and
one to send; loaded twice, it changes nothing."""

from django.core.management import call_command
from django.utils import timezone

from dialogs import demo as dialogs_demo
from notifications.models import OutboxMessage
from organisations import demo as organisations_demo
from organisations.models import Region
from programme import demo as programme_demo
from programme.models import CycleSettings
from programme.reminders import FEEDBACK_DUE, PREPARATION
from programme.selectors import DueStatus, clinics_due
from programme.todos import todos_for


def test_the_demo_shows_every_part_of_the_programme(db, django_user_model, django_capture_on_commit_callbacks):
    organisations_demo.seed()
    dialogs_demo.seed()
    programme_demo.seed()
    region = Region.objects.get(name="Region Demo")
    statuses = {row.clinic.hsa_id[-4:]: row.status for row in clinics_due(region=region, today=timezone.localdate())}
    assert statuses["D008"] == statuses["D007"] == DueStatus.OVERDUE
    assert statuses["D006"] == DueStatus.DUE_SOON
    assert statuses["D001"] == statuses["D002"] == DueStatus.PLANNED
    assert set(OutboxMessage.objects.filter(kind="dialogs.letter").values_list("to", flat=True)) >= {"vardcentral-d002@example.org"}

    with django_capture_on_commit_callbacks():
        call_command("send_reminders")
    kinds = set(OutboxMessage.objects.values_list("kind", flat=True))
    assert {PREPARATION, FEEDBACK_DUE} <= kinds
    utveckling = django_user_model.objects.get(username="demo-utveckling")
    assert OutboxMessage.objects.filter(kind=PREPARATION, user=utveckling).exists()

    bestallare = django_user_model.objects.get(username="demo-bestallare")
    titles = [item.title for group in todos_for(user=bestallare, region=region, today=timezone.localdate()) for item in group.items]
    assert any(title.startswith("Skicka förordet till Björkdalens vårdcentral") for title in titles)

    settings_before = CycleSettings.objects.get(region=region).updated_at
    messages = OutboxMessage.objects.count()
    programme_demo.seed()
    assert CycleSettings.objects.get(region=region).updated_at == settings_before
    assert OutboxMessage.objects.count() == messages
