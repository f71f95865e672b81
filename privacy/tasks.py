"""Background work of the privacy app: a confirmed retention batch is applied by the worker."""

from django.tasks import task

from privacy.models import RetentionBatch


@task
def retention_batch_apply(batch_id: int) -> str:
    from privacy.retention import retention_batch_run

    batch = RetentionBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "gone"
    return retention_batch_run(batch=batch).status
