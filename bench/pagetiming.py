"""Shared by the page benchmarks: time requests through Django's test client, and summarise timings.

bench/ is not a package: the scripts run as ``.venv/bin/python bench/<name>.py``, which puts bench/ on the
import path, so they import this module as ``pagetiming``.
"""

from __future__ import annotations

import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (values need not be sorted)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(timings_ms: list[float]) -> dict:
    """Number of runs, median, 95th percentile and slowest time in ms."""
    return {
        "runs": len(timings_ms),
        "median_ms": round(statistics.median(timings_ms), 1),
        "p95_ms": round(percentile(timings_ms, 0.95), 1),
        "max_ms": round(max(timings_ms), 1),
    }


@dataclass
class Timed:
    timings_ms: list[float]
    queries: int  # SQL queries of the last run
    response: object  # the last response


def time_requests(
    send: Callable[[int], object], *, repeat: int, what: str = "", after: Callable[[object], None] | None = None
) -> Timed:
    """Call ``send(run)`` ``repeat`` times (it makes one request and returns the response) and time each call;
    ``after(response)`` runs outside the timing, e.g. to take the revision the next request starts from.

    Every response must answer 200; a benchmark of error pages would measure the wrong thing. Warming up is
    the caller's choice: an autosave cannot be sent twice from the same revision."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for run in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = send(run)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (what, response.status_code, response.content[:200])
        if after:
            after(response)
    return Timed(timings_ms=timings, queries=len(queries), response=response)


def time_pages(client, pages: dict[str, str], *, repeat: int) -> dict[str, dict]:
    """Runs, median, p95 and slowest time in ms, SQL queries and response size of each page, after one
    warm-up."""
    results = {}
    for name, url in pages.items():
        client.get(url)  # warm up templates, fonts and the session
        timed = time_requests(lambda _run, url=url: client.get(url), repeat=repeat, what=url)
        results[name] = {**summary(timed.timings_ms), "queries": timed.queries, "bytes": len(timed.response.content)}
    return results


def analyze() -> None:
    """Statistics for the query planner, as autovacuum gathers them in a running installation after a bulk load: a
    benchmark times its pages right after building its data set, before autovacuum has looked, and the planner,
    guessing five dialogues where there are 6,000, chose nested loops that made the national learning view take
    200 ms instead of 150."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def freeze_built_data() -> None:
    """Warm up and freeze as a production worker does at start (config.warmup.warm_worker, called by
    config/gunicorn.conf.py), which here also moves what the benchmark has built out of the garbage collector's
    way: a web worker never holds the benchmark's national data set, and a full collection walking it landed in a
    timed request (107 ms of a 115 ms learning report)."""
    from config.warmup import warm_worker

    warm_worker()


def machine() -> dict:
    """The machine the timings were taken on and how busy it was (other processes run tests here): CPUs and the
    1, 5 and 15 minute load averages at this moment."""
    return {"cpus": os.cpu_count(), "load_average": [round(load, 2) for load in os.getloadavg()]}


def trivial_view_floor(client, *, repeat: int) -> dict:
    """The p95 below which no page can go on this machine through the same client and middleware: ``/healthz``
    (no template, one ``SELECT 1``), timed like the pages and interleaved with nothing else."""
    client.get("/healthz")
    timed = time_requests(lambda _run: client.get("/healthz"), repeat=repeat, what="/healthz")
    return summary(timed.timings_ms)


def bare_queries_floor(client, url: str, *, repeat: int) -> dict:
    """The time of a page's own SQL alone: its queries, captured from one request of ``url``, sent again as raw
    SQL ``repeat`` times (no ORM, no template); median and p95 of their sum per run, and how many there are."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    statements = [query["sql"] for query in captured.captured_queries]
    timings = []
    with connection.cursor() as cursor:
        for _run in range(repeat):
            started = time.perf_counter()
            for sql in statements:
                if sql.split(None, 1)[0].upper() not in ("SELECT", "(SELECT", "WITH"):
                    continue  # only the reads: a page's GET writes nothing
                cursor.execute(sql)
                cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return {**summary(timings), "queries": len(statements)}


def goal(*, goal_ms: float, measured: dict, floor: dict | None = None, key: str = "p95_ms") -> dict:
    """A time goal beside what was measured, and – when it is not met – the measured floor that stops it."""
    result = {"goal_ms": goal_ms, "measured_ms": measured[key], "met": measured[key] <= goal_ms}
    if floor is not None:
        result["floor"] = floor
    return result


@contextmanager
def throwaway_django(prefix: str, *, postgres_url: str = "", keep_sqlite: bool = False, environ: dict | None = None):
    """Django set up on a database made for one benchmark run and migrated: a SQLite file in a temporary folder,
    or, with ``postgres_url`` (a server URL), a PostgreSQL database created there with psql. Yields a dict with
    ``database`` ("sqlite" or "postgresql"), ``url`` and, for SQLite, ``file``; afterwards the database is
    dropped or the folder removed (``keep_sqlite`` keeps the file). ``environ`` is set before Django starts."""
    base_dir = Path(__file__).resolve().parent.parent
    name, workdir = "", ""
    if postgres_url:
        name = f"pu_bench_{prefix}_{os.getpid()}"
        subprocess.run(["psql", postgres_url + "/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
        info = {"database": "postgresql", "url": f"{postgres_url.rstrip('/')}/{name}"}
    else:
        workdir = tempfile.mkdtemp(prefix=f"bench-{prefix}-")
        info = {"database": "sqlite", "url": f"sqlite:///{workdir}/bench.sqlite3", "file": f"{workdir}/bench.sqlite3"}
    os.environ["DATABASE_URL"] = info["url"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    os.environ.update(environ or {})
    sys.path.insert(0, str(base_dir))
    try:
        import django

        django.setup()
        logging.disable(logging.WARNING)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield info
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if name:
            subprocess.run(["psql", postgres_url + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=False)
        if workdir and not keep_sqlite:
            shutil.rmtree(workdir, ignore_errors=True)
