"""The worker's part: hand a queued message to the mail server (``manage.py db_worker``)."""

from django.tasks import task

from notifications import services


@task
def message_deliver(message_id: int) -> str:
    return services.message_deliver(message_id=message_id)
