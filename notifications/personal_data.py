"""Personal data in the outbox (the register of personal data: common/personal_data.py)."""

from common.personal_data import Declared, Kind, Removal, Retention


def declarations() -> list[Declared]:
    message = "notifications.OutboxMessage"
    return [
        # An e-mail about a dialogue names it in its topic ("dialogue:42"): its copy here goes with the dialogue's
        # free text. The recipient's own copies go when the recipient is removed, unless already sent (then only
        # the address and the body go: that a message went out stays on the dialogue's list).
        Declared(message, ["to"], Kind.PERSON, topic="dialogue", retention=Retention.DELETE_ROWS, person="user",
                 removal=Removal.BLANK, purpose="att skicka e-post om dialogen"),
        Declared(message, ["subject", "body_text", "body_html"], Kind.FREE_TEXT, topic="dialogue",
                 retention=Retention.DELETE_ROWS, person="user", removal=Removal.BLANK),
        Declared(message, ["user"], Kind.PERSON_LINK, topic="dialogue", retention=Retention.DELETE_ROWS),
        Declared(message, ["kind", "topic", "dedupe_key", "language", "last_error"], Kind.TECHNICAL, topic="dialogue",
                 retention=Retention.DELETE_ROWS),
        # Attachments go with their message (the database cascades).
        Declared("notifications.OutboxAttachment", ["filename", "content_type"], Kind.TECHNICAL,
                 person="message__user", removal=Removal.DELETE_ROWS),
        Declared("notifications.OutboxAttachment", ["data"], Kind.RECORD, person="message__user",
                 removal=Removal.DELETE_ROWS, purpose="bilagor till e-post (förordet som PDF)"),
        Declared("notifications.NotificationSettings", ["user"], Kind.PERSON_LINK, removal=Removal.DELETE_ROWS),
        Declared("notifications.NotificationSettings", ["muted_kinds"], Kind.STRUCTURED, person="user",
                 removal=Removal.DELETE_ROWS),
    ]
