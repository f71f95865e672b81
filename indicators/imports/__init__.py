"""Importing indicator values: from an uploaded file to the observations it adds, changes or removes, and back.

The services (what views and commands call) are exported here; the modules say which part each owns:

* ``formats/`` – one reader per format (Vården i siffror and generic CSV, XLSX, Kolada JSON): bytes → the
  documented column frame (``frame``) plus errors; ``cells`` converts cells (numbers, periods, the formula
  check) and ``normalize`` checks them, one small step per column group;
* ``resolve`` – each row's indicator and unit in the library and the region;
* ``plan`` – the rows as codes, compared with what is stored: added, changed, unchanged, removed;
* ``write`` – the import service (``observations_import``) and the set-based write, in one transaction;
* ``parts`` – a large CSV file read in parts, each written in a second thread while the next is read (``write``
  falls back to reading the file whole whenever a part is not clean);
* ``rollback`` – undoing a batch exactly;
* ``batches`` – a batch from upload to result: create, schedule (now or in the worker), confirm, restart;
* ``jobs/`` – the worker's tasks, the lock that tells a live import from a dead one, progress the page can
  see, and recording interrupted work.

Following an upload: ``batches.import_batch_create`` → ``batches.import_batch_schedule`` →
``jobs.tasks.import_batch_process`` → ``write.observations_import`` → ``formats.parse_file`` →
``resolve.resolve`` → ``plan.plan`` → ``write.insert_observations``/``apply_changes``; for a large CSV file
``formats.parse_file_parts`` → ``resolve.resolve`` part by part, and ``parts.PartWriter`` → ``plan.plan`` →
``write.insert_observations``/``apply_changes`` for each part.
"""

from indicators.imports.batches import (
    UploadTooLarge,
    import_batch_confirm,
    import_batch_create,
    import_batch_create_from_bytes,
    import_batch_errors_csv,
    import_batch_restart,
    import_batch_rollback_in_worker,
    import_batch_rollback_schedule,
    import_batch_schedule,
)
from indicators.imports.jobs.tasks import import_batches_recover
from indicators.imports.rollback import (
    RollbackError,
    import_batch_rollback,
    import_batch_rollback_fail,
    import_batch_rollback_queue,
)
from indicators.imports.write import ImportFileError, ImportReport, import_batch_fail, observations_import

__all__ = [
    "ImportFileError",
    "ImportReport",
    "RollbackError",
    "UploadTooLarge",
    "import_batch_confirm",
    "import_batch_create",
    "import_batch_create_from_bytes",
    "import_batch_errors_csv",
    "import_batch_fail",
    "import_batch_restart",
    "import_batch_rollback",
    "import_batch_rollback_fail",
    "import_batch_rollback_in_worker",
    "import_batch_rollback_queue",
    "import_batch_rollback_schedule",
    "import_batch_schedule",
    "import_batches_recover",
    "observations_import",
]
