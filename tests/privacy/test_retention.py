"""The region's retention rule (issue 15 §3): administrators choose the years and what happens; the dry run lists
each due dialogue and what it will lose, and nothing is removed until that very list is confirmed; the worker then
empties the free text (the deck, the yes/no answers and the scores stay) or deletes the whole dialogue, and the log
says what it did."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from dialogs.models import (
    Agreement, Answer, AnswerRevision, ClinicParticipant, Dialogue, Evaluation, Medskick, MedskickComment, Preparation,
)
from feedback.models import ClinicComment, SharedFile, SharedVersion
from notifications.models import OutboxMessage
from privacy import retention
from privacy.models import BatchStatus, RetentionBatch, RetentionMode, RetentionRecord, RetentionSettings
from tests.privacy.factories import SECRET, full_dialogue


def _rule(world, years=5, mode=RetentionMode.FREE_TEXT):
    return RetentionSettings.objects.create(region=world.region_a, years=years, mode=mode)


def _secrets_left(dialogue) -> list[str]:
    """Where the dialogue's free text naming people is still found."""
    found = []
    for model, field, path in [
        (Answer, "text", "dialogue"), (Preparation, "overview_notes", "dialogue"), (Agreement, "text", "dialogue"),
        (Medskick, "text", "dialogue"), (MedskickComment, "text", "medskick__dialogue"),
        (ClinicComment, "text", "version__report__dialogue"), (Evaluation, "went_well", "dialogue"),
        (ClinicParticipant, "name", "dialogue"),
    ]:
        if model.objects.filter(**{path: dialogue, f"{field}__contains": SECRET.split()[1]}).exists() or (
            model is ClinicParticipant and model.objects.filter(dialogue=dialogue, name="Anna Andersson").exists()
        ):
            found.append(model.__name__)
    return found


def test_administrators_set_the_rule(world, client_for):
    client = client_for("admin")
    response = client.post(reverse("privacy:retention_settings"), {"years": "7", "mode": RetentionMode.DELETE})
    assert response.status_code == 302
    rule = RetentionSettings.objects.get(region=world.region_a)
    assert (rule.years, rule.mode, rule.updated_by) == (7, RetentionMode.DELETE, world.user("admin"))
    refused = client.post(reverse("privacy:retention_settings"), {"years": "0", "mode": RetentionMode.DELETE})
    assert refused.status_code == 200 and "1" in refused.content.decode()
    assert RetentionSettings.objects.get(region=world.region_a).years == 7


def test_the_dry_run_lists_what_will_go_and_removes_nothing(world, client_for):
    due = full_dialogue(world, years_ago=6)
    recent = full_dialogue(world, clinic=world.clinic_a2, years_ago=2)
    _rule(world)
    response = client_for("admin").get(reverse("privacy:retention_preview"))
    page = response.content.decode()
    assert "Vårdcentral A1" in page and "Vårdcentral A2" not in page
    assert "svar: 3" in page and "ändringar av svar: 1" in page and "kommentarer från vårdcentralen: 1" in page
    assert _secrets_left(due) == _secrets_left(recent) != []
    assert not RetentionBatch.objects.exists() and not RetentionRecord.objects.exists()


def test_nothing_is_removed_without_the_list_that_was_shown(world, client_for):
    dialogue = full_dialogue(world, years_ago=6)
    _rule(world)
    client = client_for("admin")
    response = client.post(reverse("privacy:retention_confirm"), {"fingerprint": "0" * 16})
    assert response.status_code == 302
    assert not RetentionBatch.objects.exists() and _secrets_left(dialogue)
    assert "Listan har ändrats" in client.get(reverse("privacy:retention_preview")).content.decode()


def test_confirming_removes_the_free_text_and_keeps_the_deck_answers_and_scores(
    world, client_for, django_capture_on_commit_callbacks
):
    dialogue = full_dialogue(world, years_ago=6)
    kept = full_dialogue(world, clinic=world.clinic_a2, years_ago=2)
    files_before = {file.pk: bytes(file.data) for file in SharedFile.objects.filter(version__report__dialogue=dialogue)}
    snapshot = SharedVersion.objects.get(report__dialogue=dialogue).snapshot
    _rule(world)
    client = client_for("admin")
    run = retention.dry_run(RetentionSettings.objects.get(region=world.region_a))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:retention_confirm"), {"fingerprint": run.fingerprint})
    batch = RetentionBatch.objects.get()
    assert response["Location"] == reverse("privacy:retention_batch", args=[batch.pk])
    assert batch.status == BatchStatus.DONE and batch.confirmed_by == world.user("admin")

    assert _secrets_left(dialogue) == [] and _secrets_left(kept) != []
    assert not AnswerRevision.objects.filter(answer__dialogue=dialogue).exists()
    assert not OutboxMessage.objects.filter(topic=f"dialogue:{dialogue.pk}").exists()
    assert OutboxMessage.objects.filter(topic=f"dialogue:{kept.pk}").exists()
    # What stays: the dialogue, the yes/no answer, the scores, the shared deck as it was given.
    dialogue.refresh_from_db()
    assert dialogue.status == "avslutad" and Answer.objects.filter(dialogue=dialogue, yes_no="ja").exists()
    assert Evaluation.objects.get(dialogue=dialogue).trust == 5
    assert {file.pk: bytes(file.data) for file in SharedFile.objects.filter(version__report__dialogue=dialogue)} == files_before
    assert SharedVersion.objects.get(report__dialogue=dialogue).snapshot == snapshot
    assert Agreement.objects.get(dialogue=dialogue).text == "[gallrad]"

    record = RetentionRecord.objects.get(dialogue_id=dialogue.pk)
    assert record.label.startswith("Vårdcentral A1") and record.removed["svar"] == 3 and not record.skipped
    log = client.get(reverse("privacy:retention_batch", args=[batch.pk])).content.decode()
    assert "Vårdcentral A1" in log and "svar: 3" in log
    # Done once: the next dry run no longer lists it.
    assert retention.dry_run(RetentionSettings.objects.get(region=world.region_a)).dialogues == []


def test_a_dialogue_with_open_agreements_waits_and_says_why(world, client_for):
    dialogue = full_dialogue(world, years_ago=6)
    Agreement.objects.filter(dialogue=dialogue).update(status="pagar")
    _rule(world)
    page = client_for("admin").get(reverse("privacy:retention_preview")).content.decode()
    assert "har överenskommelser som inte är klara" in page and "Bekräfta gallringen" not in page


def test_deleting_whole_dialogues_deletes_everything_in_them_and_keeps_the_log(world, django_capture_on_commit_callbacks):
    dialogue = full_dialogue(world, years_ago=8)
    rule = _rule(world, mode=RetentionMode.DELETE)
    run = retention.dry_run(rule)
    assert [item.dialogue.pk for item in run.ready] == [dialogue.pk]
    with django_capture_on_commit_callbacks(execute=True):
        batch = retention.retention_confirm(region=world.region_a, user=world.user("admin"), fingerprint=run.fingerprint)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert not Dialogue.objects.filter(pk=dialogue.pk).exists()
    assert not Medskick.objects.filter(dialogue_id=dialogue.pk).exists()
    assert not OutboxMessage.objects.filter(topic=f"dialogue:{dialogue.pk}").exists()
    record = RetentionRecord.objects.get(dialogue_id=dialogue.pk)
    assert record.action == RetentionMode.DELETE and record.removed["uppföljningsdialoger"] == 1


def test_a_dialogue_reopened_after_the_dry_run_is_skipped(world):
    dialogue = full_dialogue(world, years_ago=6)
    rule = _rule(world)
    run = retention.dry_run(rule)
    batch = RetentionBatch.objects.create(region=world.region_a, mode=rule.mode, years=5, dialogue_ids=[dialogue.pk])
    Dialogue.objects.filter(pk=dialogue.pk).update(status="uppfoljning_bokad")
    retention.retention_batch_run(batch=batch)
    assert run.ready and _secrets_left(dialogue)
    assert RetentionRecord.objects.get(dialogue_id=dialogue.pk).skipped


def test_the_dry_run_takes_the_same_queries_for_one_dialogue_or_many(world, django_assert_max_num_queries):
    full_dialogue(world, years_ago=6)
    rule = _rule(world)
    with django_assert_max_num_queries(40) as one:
        retention.dry_run(rule)
    full_dialogue(world, clinic=world.clinic_a2, years_ago=7)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(retention.dry_run(rule).ready) == 2


def test_the_command_dry_run_prints_the_list_and_writes_nothing(world, capsys):
    dialogue = full_dialogue(world, years_ago=6)
    rule = _rule(world)
    call_command("retention", "--dry-run")
    out = capsys.readouterr().out
    fingerprint = retention.dry_run(rule).fingerprint
    assert f"#{dialogue.pk} Vårdcentral A1" in out and fingerprint in out and "svar: 3" in out
    assert _secrets_left(dialogue) and not RetentionBatch.objects.exists()

    call_command("retention", "--region", str(world.region_a.pk), "--confirm", fingerprint)
    assert _secrets_left(dialogue) == [] and "1 dialoger gallrade" in capsys.readouterr().out


def test_the_command_refuses_a_list_it_did_not_print(world):
    from django.core.management.base import CommandError

    full_dialogue(world, years_ago=6)
    _rule(world)
    with pytest.raises(CommandError, match="Listan har ändrats"):
        call_command("retention", "--region", str(world.region_a.pk), "--confirm", "abcdef0123456789")


def test_the_scheduled_run_tells_administrators_once_and_removes_nothing(world, mailoutbox):
    dialogue = full_dialogue(world, years_ago=6)
    _rule(world)
    call_command("retention")
    call_command("retention")
    notices = OutboxMessage.objects.filter(kind="privacy.retention_due")
    assert [message.to for message in notices] == [world.user("admin").email]
    assert _secrets_left(dialogue) and not RetentionBatch.objects.exists()


def test_the_schedule_applies_a_confirmed_batch_whose_task_was_lost(world):
    import datetime

    from django.utils import timezone

    dialogue = full_dialogue(world, years_ago=6)
    _rule(world)
    batch = RetentionBatch.objects.create(region=world.region_a, mode="fritext", years=5, dialogue_ids=[dialogue.pk],
                                          confirmed_at=timezone.now() - datetime.timedelta(hours=1))
    call_command("retention")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and _secrets_left(dialogue) == []


def test_the_retention_job_is_on_the_schedule():
    from programme.schedule import DEFAULT_SCHEDULE

    assert DEFAULT_SCHEDULE["retention"] <= 86400
