"""Imports as jobs in the worker: ``tasks`` (the tasks, and the service that records interrupted work),
``liveness`` (a lock the OS or the database drops when the process working on a batch dies), ``progress`` (where
a running import reports its stage and share, visible to the page that polls) and ``recovery`` (which batches
were interrupted, and marking them). ``write`` uses ``liveness`` and ``progress``; ``tasks`` uses ``write``,
``rollback`` and ``recovery``, and hands ``recovery`` the tasks whose queued runs count as work to come, so no
module here imports one that imports it."""
