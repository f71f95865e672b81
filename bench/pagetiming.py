"""Shared by the page benchmarks: time requests through Django's test client, and summarise timings.

bench/ is not a package: the scripts run as ``.venv/bin/python bench/<name>.py``, which puts bench/ on the
import path, so they import this module as ``pagetiming``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


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
