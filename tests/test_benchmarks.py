"""Every benchmark under bench/ still runs and reports: each is started as an engineer starts it, on a data set
small enough to build in seconds, and must print one JSON document with its timings. The figures themselves are
not judged here (speed is measured by running the benchmarks at full size, never by a timed test); this catches
a benchmark broken by a change elsewhere, as bench/deck.py was once by sharing becoming idempotent.

Left out: bench/web_footprint.py (starts gunicorn on the demo data, about 40 s even for one round; the worker's
start is tested in tests/config/test_warmup.py). bench/onsite.py and bench/pagetiming.py are libraries the others
use. Each benchmark makes its own throwaway SQLite database, so the test does not use the test database and runs
once in CI (its PostgreSQL pass runs only the tests that use the database)."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

BENCHMARKS = {
    "continuity": ["--clinics", "6", "--dialogues-per-clinic", "2", "--repeat", "1"],
    "deck": ["--repeat", "1", "--charts", "2"],
    "dialogue": ["--clinics", "21", "--dialogues-per-clinic", "2", "--repeat", "1", "--no-answers", "--clients", "2",
                 "--requests", "2", "--seconds", "1", "--rate", "5", "--workers", "1"],
    "guide": ["--repeat", "1"],
    "import": ["--rows", "2000", "--databases", "sqlite", "--repeat", "1"],
    "indicator_pages": ["--clinics", "5", "--indicators", "3", "--years", "2", "--repeat", "1", "--scale-clinics", "10"],
    "learning": ["--clinics", "270", "--repeat", "1", "--file-repeat", "1"],
    "programme": ["--clinics", "270", "--users", "127", "--repeat", "1"],
    "slow_actions": ["--repeat", "1"],
    "stats": ["--repeat", "1"],
}
NOT_RUN = {"web_footprint", "onsite", "pagetiming"}


def _timings(document, path=""):
    """Every number the document gives under a key that names a time unit, with its path."""
    if isinstance(document, dict):
        for key, value in document.items():
            where = f"{path}.{key}" if path else key
            if isinstance(value, (int, float)) and not isinstance(value, bool) and (
                key.endswith("_ms") or "seconds" in key or key.startswith("ms")
            ):
                yield where, value
            else:
                yield from _timings(value, where)
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _timings(value, f"{path}[{index}]")


def test_every_benchmark_is_run_here_or_named_as_left_out():
    scripts = {path.stem for path in (ROOT / "bench").glob("*.py")}
    assert scripts == set(BENCHMARKS) | NOT_RUN


@pytest.mark.parametrize("name", sorted(BENCHMARKS))
def test_the_benchmark_runs_on_a_small_data_set_and_prints_its_timings_as_json(name, tmp_path):
    environ = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    environ["TMPDIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, f"bench/{name}.py", *BENCHMARKS[name]],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    document = json.loads(result.stdout)
    timings = list(_timings(document))
    assert timings, f"no timing in {sorted(document)}"
    assert all(math.isfinite(value) and value >= 0 for _, value in timings), timings
    assert any(value > 0 for _, value in timings), timings
