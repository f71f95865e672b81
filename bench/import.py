"""Benchmark of the indicator import at national scale (issue 5, "Speed").

Generates a generic ``;``/decimal-comma CSV (default 1,200 clinics × 60 indicators × 10 years × 3 sexes ≈
2.2 million rows) in /tmp, then, each in a fresh process with a fresh database, on SQLite and on PostgreSQL:
imports it (parse, match, plan, write), imports it again (every row unchanged) and rolls the first batch
back. It also times pandas merely reading the same file (``pd.read_csv(sep=";", decimal=",")``) and prints
one JSON document with rows/s, the ratio import time / pandas read time, and each process's peak memory.

On PostgreSQL it also measures the *floor*: the seconds PostgreSQL itself needs to take the same rows in
with one binary ``COPY`` (prepared in memory beforehand) into a bare copy of the observation table – no
index, no constraint, nothing else of the import. No import can be faster than that, so
``copy_floor_ratio_to_read_csv`` tells what the goal "import ≤ 3× read_csv" asks of the database alone.
``copy_with_indexes_seconds`` is the same COPY into a copy of the table with its indexes and constraints, and
``read_stored_seconds`` one binary COPY of every stored observation out again (what a re-import must read).
``goals`` gives issue 11's goals as ratios of the run (import ≤ 1.25 × the indexed COPY, re-import ≤ 0.5 × the
first import, SQLite ≤ 2 × PostgreSQL, peak memory ≤ 1.5 GB), each met or with the floor measured beside it.

    .venv/bin/python bench/import.py [--rows N] [--databases sqlite,postgres] [--postgres-url URL] [--repeat 3]

Each database is measured ``--repeat`` times, each time in a fresh process with a fresh database; the JSON gives the
medians, each run's import and re-import seconds and each run's ratios (this machine's figures move by 15-25 % from
run to run).

PostgreSQL: a throwaway database is created and dropped with psql on the server of ``--postgres-url``
(default postgres://postgres@127.0.0.1:5432); skipped with a note when psql or the server is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
INDICATORS = 60
YEARS = 10
SEXES = ("T", "K", "M")


def generate(path: Path, rows: int, seed: int = 5) -> dict:
    """Write the file with numpy/pandas (seconds, not minutes) and return its shape."""
    import numpy as np
    import pandas as pd

    per_clinic = INDICATORS * YEARS * len(SEXES)
    clinics = max(1, round(rows / per_clinic))
    rng = np.random.default_rng(seed)
    n = clinics * per_clinic
    clinic = np.repeat(np.arange(clinics), per_clinic)
    indicator = np.tile(np.repeat(np.arange(INDICATORS), YEARS * len(SEXES)), clinics)
    year = np.tile(np.repeat(np.arange(2015, 2015 + YEARS), len(SEXES)), clinics * INDICATORS)
    sex = np.tile(np.arange(len(SEXES)), clinics * INDICATORS * YEARS)
    denominator = rng.integers(20, 4000, n)
    numerator = rng.binomial(denominator, rng.uniform(0.3, 0.95, n))
    value = np.round(100 * numerator / denominator, 1)
    # About 2 % masked values, as sources hide small counts.
    masked = rng.random(n) < 0.02
    value_text = np.char.replace(value.astype("U8"), ".", ",").astype(object)
    value_text[masked] = "MSK"
    numerator_text = numerator.astype("U8").astype(object)
    denominator_text = denominator.astype("U8").astype(object)
    numerator_text[masked] = "-"
    denominator_text[masked] = "-"
    frame = pd.DataFrame(
        {
            "indikator": np.char.add("BENCH-", np.char.zfill(indicator.astype("U3"), 3))[...],
            "hsa-id": np.char.add("SE2321000000-B", np.char.zfill(clinic.astype("U5"), 5)),
            "period": year,
            "kön": np.asarray(SEXES)[sex],
            "värde": value_text,
            "täljare": numerator_text,
            "nämnare": denominator_text,
        }
    )
    frame.to_csv(path, sep=";", index=False, encoding="utf-8")
    return {"rows": n, "clinics": clinics, "indicators": INDICATORS, "years": YEARS, "bytes": path.stat().st_size}


def peak_memory_mb() -> float:
    """This process's own peak resident memory. On Linux from VmHWM, which starts afresh with each program:
    ru_maxrss survives execve, so every child would report at least what the parent had (generating the file
    takes about 1.1 GB)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)  # kB
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def measure_pandas(path: Path) -> dict:
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(path, sep=";", decimal=",")
    seconds = time.perf_counter() - started
    return {"read_csv_seconds": round(seconds, 3), "rows": len(frame), "peak_memory_mb": peak_memory_mb()}


def measure_import(path: Path, clinics: int) -> dict:
    """Runs inside a fresh process whose DATABASE_URL points at an empty database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(BASE_DIR))
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from indicators.imports import rollback, write
    from indicators.models import DataSource, ImportBatch, Indicator, Observation
    from organisations.models import Clinic, Region

    call_command("migrate", verbosity=0)
    region = Region.objects.create(name="Region Bench", code="97")
    Clinic.objects.bulk_create(
        Clinic(region=region, name=f"Bench vårdcentral {i}", hsa_id=f"SE2321000000-B{i:05d}") for i in range(clinics)
    )
    source = DataSource.objects.create(name="Bench", slug="bench")
    Indicator.objects.bulk_create(
        Indicator(code=f"BENCH-{i:03d}", name=f"Bench-indikator {i}", source=source) for i in range(INDICATORS)
    )

    def run(label: str) -> tuple[float, ImportBatch, write.ImportReport]:
        _settle()
        started = time.perf_counter()
        content = path.read_bytes()
        batch = ImportBatch.objects.create(
            region=region, file_name=path.name, checksum=write.sha256(content), file_size=len(content)
        )
        report = write.observations_import(batch=batch, valid_rows_only=False, dry_run=False, content=content)
        return time.perf_counter() - started, batch, report

    first_seconds, first_batch, first = run("first")
    assert not first.errors, first.errors[:5]
    stored = Observation.objects.count()
    floors = (
        {"copy_floor_seconds": _postgres_copy_floor("INCLUDING DEFAULTS INCLUDING IDENTITY"),
         "copy_with_indexes_seconds": _postgres_copy_floor("INCLUDING ALL"),
         "read_stored_seconds": _postgres_read_stored()}
        if connection.vendor == "postgresql" else {}
    )
    again_seconds, _batch, again = run("again")
    _settle()
    started = time.perf_counter()
    rollback.import_batch_rollback(batch=first_batch, user=None)
    rollback_seconds = time.perf_counter() - started
    left = Observation.objects.count()
    return {
        "vendor": connection.vendor,
        "import_seconds": round(first_seconds, 3),
        "rows_per_second": round(first.total_rows / first_seconds),
        "added": first.added,
        "stored": stored,
        "reimport_seconds": round(again_seconds, 3),
        "reimport_unchanged": again.unchanged,
        "reimport_written": again.added + again.changed + again.removed,
        "rollback_seconds": round(rollback_seconds, 3),
        "left_after_rollback": left,
        "peak_memory_mb": peak_memory_mb(),
        **{name: round(seconds, 3) for name, seconds in floors.items()},
    }


def _settle() -> None:
    """On PostgreSQL, a CHECKPOINT before each timed step: the write-ahead log of the step before (two million rows
    fill PostgreSQL's default 1 GB between checkpoints) would otherwise start a checkpoint at a random moment of
    the next, and the rows written after it are logged again in full. Each step then starts from the same state;
    without it the same import took 8.6-13.9 s from run to run. Needs a superuser (or pg_checkpoint): else skipped."""
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:
        pass


COPY_COLUMNS = ("indicator_id, unit_kind, clinic_id, region_id, period_start, period_end, granularity, sex, value, "
                "numerator, denominator, status, batch_id, owner_id")


def _postgres_read_stored() -> float:
    """Seconds for PostgreSQL to hand over every stored observation (one binary ``COPY … TO STDOUT``): what a
    re-import must at least read to compare the file with what is stored."""
    from django.db import connection

    from indicators.models import Observation

    _settle()
    started = time.perf_counter()
    received = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY (SELECT {COPY_COLUMNS} FROM {Observation._meta.db_table}) TO STDOUT (FORMAT binary)") as copy:
            for block in copy:
                received += len(block)
    return time.perf_counter() - started


def _postgres_copy_floor(including: str) -> float:
    """Seconds for PostgreSQL to COPY the stored observations (already in binary COPY form, in memory) into
    an empty table shaped like the observation table: ``LIKE … {including}`` says whether with its indexes
    and constraints (``INCLUDING ALL``) or without (the bare floor)."""
    from django.db import connection, transaction

    from indicators.models import Observation

    table = Observation._meta.db_table
    columns = COPY_COLUMNS
    payload = bytearray()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY (SELECT {columns} FROM {table}) TO STDOUT (FORMAT binary)") as copy:
            for block in copy:
                payload += block
        cursor.execute(f"CREATE TABLE bench_copy_floor (LIKE {table} {including})")
        try:
            _settle()
            started = time.perf_counter()
            copy_in = f"COPY bench_copy_floor ({columns}) FROM STDIN (FORMAT binary)"
            with transaction.atomic(), cursor.cursor.copy(copy_in) as copy:
                view = memoryview(payload)
                for start in range(0, len(payload), 8 << 20):
                    copy.write(view[start : start + (8 << 20)])
            return time.perf_counter() - started
        finally:
            cursor.execute("DROP TABLE bench_copy_floor")


GOALS = {"postgres_import_to_copy_with_indexes": 1.25, "reimport_to_first_import": 0.5, "sqlite_to_postgres_import": 2.0,
         "peak_memory_mb": 1536}


def goals(results: dict) -> dict:
    """Issue 11's import goals as ratios, each the median of the runs' own ratios (a ratio's two figures come from
    the same run), beside what was measured and, where not met, the floor measured in the same runs: no import can
    beat reading the file (pandas' ``read_csv``) plus PostgreSQL's own COPY of the rows into the indexed table, and
    no re-import can beat reading the file plus reading back what is stored (one binary COPY out)."""
    found: dict = {}
    pandas_read = results["pandas"].get("read_csv_seconds")
    postgres, sqlite = results.get("postgres", {}), results.get("sqlite", {})

    def entry(name: str, measured: float, floor: dict | None = None) -> None:
        found[name] = {"goal": GOALS[name], "measured": round(measured, 2), "met": measured <= GOALS[name]}
        if floor and not found[name]["met"]:
            found[name]["floor"] = floor

    def ratio(result: dict, name: str) -> float:
        top, bottom = RUN_RATIOS[name]
        return statistics.median(result.get(f"{name}_per_run") or [result[top] / result[bottom]])

    if "import_seconds" in postgres and "copy_with_indexes_seconds" in postgres:
        copy = postgres["copy_with_indexes_seconds"]
        entry("postgres_import_to_copy_with_indexes", ratio(postgres, "import_to_copy_with_indexes"),
              {"read_csv_plus_copy_with_indexes": round((pandas_read + copy) / copy, 2)} if pandas_read else None)
    for name, result in (("postgres", postgres), ("sqlite", sqlite)):
        if "reimport_seconds" in result:
            floor = None
            if pandas_read and "read_stored_seconds" in result:
                floor = {"read_csv_plus_read_stored": round((pandas_read + result["read_stored_seconds"]) / result["import_seconds"], 2)}
            entry("reimport_to_first_import", ratio(result, "reimport_to_first_import"), floor)
            found[f"reimport_to_first_import_{name}"] = found.pop("reimport_to_first_import")
    if "import_seconds" in postgres and "import_seconds" in sqlite:
        entry("sqlite_to_postgres_import", sqlite["import_seconds"] / postgres["import_seconds"])
    memory = [result["peak_memory_mb"] for result in (postgres, sqlite) if "peak_memory_mb" in result]
    if memory:
        entry("peak_memory_mb", max(memory))
    return found


def _child(mode: str, path: Path, env: dict, clinics: int = 0) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--file", str(path), "--clinics", str(clinics)]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, cwd=BASE_DIR)
    if completed.returncode != 0:
        return {"error": completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else "failed",
                "stderr_tail": completed.stderr[-2000:]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _postgres_database(base_url: str, action: str, name: str) -> bool:
    if shutil.which("psql") is None:
        return False
    parsed = urlparse(base_url)
    command = ["psql", "-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432),
               "-U", parsed.username or "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q",
               "-c", f"{action} DATABASE {'IF EXISTS ' if action == 'DROP' else ''}{name}"]
    env = {**os.environ, **({"PGPASSWORD": parsed.password} if parsed.password else {})}
    return subprocess.run(command, capture_output=True, env=env).returncode == 0


def _run_database(database: str, path: Path, work: Path, base_env: dict, clinics: int, postgres_url: str) -> dict:
    """One fresh process with a fresh database: import, re-import, rollback."""
    if database == "sqlite":
        db_path = work / "bench.sqlite3"
        db_path.unlink(missing_ok=True)
        try:
            return _child("import", path, {**base_env, "DATABASE_URL": f"sqlite:///{db_path}"}, clinics)
        finally:
            db_path.unlink(missing_ok=True)
    if database == "postgres":
        name = f"pu_bench_import_{os.getpid()}"
        if not _postgres_database(postgres_url, "CREATE", name):
            return {"skipped": "psql or the PostgreSQL server is not available"}
        try:
            return _child("import", path, {**base_env, "DATABASE_URL": f"{postgres_url.rstrip('/')}/{name}"}, clinics)
        finally:
            _postgres_database(postgres_url, "DROP", name)
    return {"error": f"unknown database {database!r}"}


# The ratios of one run, each from figures measured in the same process minutes apart; ``goals`` takes their median.
RUN_RATIOS = {
    "reimport_to_first_import": ("reimport_seconds", "import_seconds"),
    "import_to_copy_with_indexes": ("import_seconds", "copy_with_indexes_seconds"),
}


def _median_of(runs: list[dict]) -> dict:
    """The runs' median of every figure, each run's own ratios, and the runs' main figures side by side: this
    machine's figures move by 15-25 % from run to run (other processes share its two cores), so one run says
    little about a goal near its ratio."""
    failed = [run for run in runs if "import_seconds" not in run]
    if failed:
        return failed[0]
    figures = [name for name, value in runs[0].items() if isinstance(value, (int, float))]
    result = {name: runs[0][name] for name in runs[0] if name not in figures}
    for name in figures:
        values = sorted(run[name] for run in runs)
        result[name] = round(statistics.median(values), 3)
    for name, (top, bottom) in RUN_RATIOS.items():
        if all(bottom in run for run in runs):
            result[f"{name}_per_run"] = [round(run[top] / run[bottom], 2) for run in runs]
    result["runs"] = len(runs)
    result["import_seconds_per_run"] = [run["import_seconds"] for run in runs]
    result["reimport_seconds_per_run"] = [run["reimport_seconds"] for run in runs]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1200 * INDICATORS * YEARS * len(SEXES))
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--repeat", type=int, default=3, help="runs per database; the medians are reported")
    parser.add_argument("--child", choices=["pandas", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--clinics", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child == "pandas":
        print(json.dumps(measure_pandas(Path(args.file))))
        return
    if args.child == "import":
        print(json.dumps(measure_import(Path(args.file), args.clinics)))
        return

    work = Path("/tmp") / f"pu-bench-import-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    path = work / "indicators.csv"
    started = time.perf_counter()
    shape = generate(path, args.rows)
    shape["generate_seconds"] = round(time.perf_counter() - started, 1)
    base_env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "MAX_IMPORT_MB": str(max(100, shape["bytes"] // (1024 * 1024) + 10)),
        "LOG_LEVEL": "WARNING",
    }
    pandas_result = _child("pandas", path, base_env)
    results: dict = {"file": shape, "pandas": pandas_result}
    read_seconds = pandas_result.get("read_csv_seconds")
    for database in [name.strip() for name in args.databases.split(",") if name.strip()]:
        runs = [_run_database(database, path, work, base_env, shape["clinics"], args.postgres_url)
                for _ in range(max(args.repeat, 1))]
        result = _median_of(runs)
        if read_seconds and "import_seconds" in result:
            result["ratio_to_read_csv"] = round(result["import_seconds"] / read_seconds, 2)
        for name in ("copy_floor", "copy_with_indexes"):
            if read_seconds and f"{name}_seconds" in result:
                result[f"{name}_ratio_to_read_csv"] = round(result[f"{name}_seconds"] / read_seconds, 2)
        results[database] = result
    results["goals"] = goals(results)
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
