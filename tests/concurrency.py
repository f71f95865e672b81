"""Real simultaneous requests for the "once is once" tests: ``at_once`` starts its callables in threads released
together by a barrier, each with its own database connection. On PostgreSQL they truly overlap (row locks decide);
on SQLite the database lets one writer in at a time, so the same test shows they are serialised."""

import threading
from collections.abc import Callable

from django.db import connection


def at_once(count: int, action: Callable[[int], object], *, timeout: float = 60) -> list:
    """``action(0) … action(count - 1)`` at the same moment; their results, or the exception each raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = action(index)
        except Exception as error:  # noqa: BLE001 - handed back for the test to judge
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return results
