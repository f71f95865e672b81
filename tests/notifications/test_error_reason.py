"""What the team reads when a message could not be sent: the mail server's reply, not Python's bytes repr."""

import pytest

from notifications.models import OutboxMessage


@pytest.mark.parametrize(
    ("recorded", "shown"),
    [
        ("SMTPDataError: (550, b'5.1.1 Ok\\xc3\\xa4nd mottagare')", "550 5.1.1 Okänd mottagare"),
        ("SMTPRecipientsRefused: {'a@example.org': (550, b'5.1.1 <a@example.org>: no such user')}",
         "550 5.1.1 <a@example.org>: no such user"),
        ("SMTPDataError: (451, b\"4.3.0 don't know\")", "451 4.3.0 don't know"),
        ("ConnectionRefusedError: [Errno 111] Connection refused", "ConnectionRefusedError: [Errno 111] Connection refused"),
        ("", ""),
    ],
)
def test_the_reason_is_the_servers_reply_in_words(recorded, shown):
    assert OutboxMessage(last_error=recorded).error_reason == shown
