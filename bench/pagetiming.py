"""Shared by the page benchmarks: time GET requests through Django's test client."""

from __future__ import annotations

import statistics
import time


def time_pages(client, pages: dict[str, str], *, repeat: int) -> dict[str, dict]:
    """Median and slowest time in ms, SQL queries and response size of each page, after one warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    for name, url in pages.items():
        client.get(url)  # warm up templates and fonts
        timings = []
        for _run in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        results[name] = {
            "median_ms": round(statistics.median(timings), 1),
            "max_ms": round(max(timings), 1),
            "queries": len(queries),
            "bytes": len(response.content),
        }
    return results
