"""Background work of the archive: a region's export of a year is built by the worker."""

from django.tasks import task

from archive.models import ArchiveExport


@task
def archive_export_build(export_id: int) -> str:
    from archive.services import archive_export_run

    export = ArchiveExport.objects.filter(pk=export_id).first()
    if export is None:
        return "gone"
    return archive_export_run(export=export).status
