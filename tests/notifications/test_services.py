"""The outbox: e-mail leaves only after the action's transaction commits, once per dedupe key, rendered in the
recipient's language, through a real SMTP server; a refusing server loses nothing and is retried."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications import kinds, services
from notifications.models import MessageStatus, NotificationSettings, OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def test_kinds():
    kinds.register("test.notice", "Test notice", optional=True)
    kinds.register("test.required", "Test required")
    yield
    kinds.KINDS.pop("test.notice", None)
    kinds.KINDS.pop("test.required", None)


def _queue(**overrides):
    arguments = {
        "kind": "test.notice",
        "to": "stina@example.org",
        "template": "feedback/email/comment",
        "context": {
            "comment": {"author_name": "Stina", "text": "Bra möte.\nTack!"},
            "clinic": {"name": "Hamnstadens vårdcentral"},
            "section_title": "Styrkor",
            "url": "http://testserver/x",
        },
    } | overrides
    return services.message_queue(**arguments)


def test_nothing_leaves_before_the_commit_and_a_rolled_back_action_sends_nothing(smtp_sink):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            _queue()
            raise RuntimeError("the action failed")
    assert OutboxMessage.objects.count() == 0
    assert smtp_sink.received == []

    with transaction.atomic():
        message = _queue()
        assert smtp_sink.received == []  # still inside the transaction
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    [received] = smtp_sink.received
    assert received.rcpt_tos == ["stina@example.org"]
    assert received.subject == "Kommentar på återkopplingen – Hamnstadens vårdcentral"
    assert "Bra möte." in received.text()
    assert "<blockquote" in received.html() and "Bra möte.<br>Tack!" in received.html()


def test_a_line_break_in_a_name_cannot_add_a_header(smtp_sink):
    _queue(context={
        "comment": {"author_name": "Stina", "text": "Hej"},
        "clinic": {"name": "Hamnstadens vårdcentral\r\nBcc: x@example.org"},
        "section_title": "Styrkor",
        "url": "http://testserver/x",
    })
    [received] = smtp_sink.received
    assert received.rcpt_tos == ["stina@example.org"]
    assert received.message["Bcc"] is None
    assert received.subject == "Kommentar på återkopplingen – Hamnstadens vårdcentral Bcc: x@example.org"


@pytest.mark.parametrize("address", ["", "not an address", "a@example.org\r\nBcc: b@example.org", "a@example.org\n"])
def test_an_address_that_cannot_receive_mail_is_refused(address):
    with pytest.raises(services.InvalidRecipient):
        _queue(to=address)
    assert OutboxMessage.objects.count() == 0


def test_the_same_dedupe_key_queues_one_message_per_recipient(smtp_sink):
    first = _queue(dedupe_key="comment:1")
    again = _queue(dedupe_key="comment:1")
    other = _queue(dedupe_key="comment:1", to="sven@example.org")
    assert again.pk == first.pk and other.pk != first.pk
    assert sorted(item.rcpt_tos[0] for item in smtp_sink.received) == ["stina@example.org", "sven@example.org"]


def test_the_message_is_in_the_recipients_language(smtp_sink, django_user_model):
    user = django_user_model.objects.create_user(username="en", email="en@example.org")
    NotificationSettings.objects.create(user=user, language="en")
    message = _queue(to=user.email, user=user)
    assert message.language == "en"
    assert smtp_sink.received[0].subject == "Comment on the feedback – Hamnstadens vårdcentral"


def test_a_person_who_turned_a_reminder_off_does_not_get_it_but_gets_required_mail(django_user_model, client):
    user = django_user_model.objects.create_user(username="quiet", email="quiet@example.org", password="x" * 12)
    NotificationSettings.objects.create(user=user, muted_kinds=["test.notice"])
    assert _queue(to=user.email, user=user) is None
    assert _queue(to=user.email, user=user, kind="test.required") is not None


def test_a_refusing_server_keeps_the_message_and_it_is_retried_with_back_off(smtp_sink):
    smtp_sink.refuse = "451 4.3.0 Försök igen senare"
    message = _queue()
    message.refresh_from_db()
    assert message.status == MessageStatus.RETRYING
    assert message.attempts == 1 and "451" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=90)

    smtp_sink.refuse = None
    call_command("outbox_deliver")  # not due yet
    assert smtp_sink.received == []

    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1), created_at=timezone.now() - timedelta(minutes=5)
    )
    call_command("outbox_deliver")
    call_command("outbox_deliver")  # running the schedule twice sends nothing twice
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2
    assert len(smtp_sink.received) == 1


def test_a_permanent_refusal_is_kept_as_could_not_be_sent(smtp_sink):
    smtp_sink.refuse = "550 5.1.1 Okänd mottagare"
    message = _queue()
    message.refresh_from_db()
    assert message.status == MessageStatus.GAVE_UP
    assert "550" in message.last_error
    assert services.due_message_ids(now=timezone.now() + timedelta(days=1)) == []


def test_a_message_left_sending_by_a_dead_worker_is_sent_again_later(smtp_sink):
    with transaction.atomic():
        message = _queue()
        transaction.set_rollback(False)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, next_attempt_at=timezone.now() - timedelta(hours=1),
        created_at=timezone.now() - timedelta(hours=1),
    )
    smtp_sink.received.clear()
    call_command("outbox_deliver")
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(smtp_sink.received) == 1


def test_the_settings_page_saves_language_and_reminders(client, django_user_model):
    user = django_user_model.objects.create_user(username="p", email="p@example.org", password="x" * 12)
    client.force_login(user)
    page = client.get(reverse("notifications:settings"))
    assert page.status_code == 200
    assert "Test notice" in page.content.decode()
    response = client.post(reverse("notifications:settings"), {"language": "en", "wanted": []})
    assert response.status_code == 302
    chosen = NotificationSettings.objects.get(user=user)
    assert chosen.language == "en" and "test.notice" in chosen.muted_kinds
    assert "test.required" not in chosen.muted_kinds
