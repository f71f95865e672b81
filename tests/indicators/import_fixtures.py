"""Fixtures and file builders shared by the indicator import tests (imported by the test modules)."""

import io
import json
from contextlib import contextmanager

import pytest
from django.db import connection

from indicators import content
from indicators.imports import write
from indicators.imports.jobs import liveness
from indicators.models import ImportBatch

VIS_HEADER = (
    "Diagramrubrik;Titel;Indikator-Id;Register/källa;Enhetstyp;Regionskod;Enhetskod;Enhetsnamn;Kön/Totalt;"
    "Mätperiod;Värde;Måttenhet;Täljare;Nämnare/antal fall"
)


def vis_row(sex="Totalt", period="2023", value="41,7", numerator="1251", denominator="3000", unit="SE-A1",
            name="Vårdcentral A1", kind="Vårdenhet", code="PVK-01", region_code="01") -> str:
    return (
        f"Kontinuitet läkare;Kontinuitet läkarbesök;{code};PrimärvårdsKvalitet;{kind};{region_code};{unit};{name};{sex};"
        f"{period};{value};Andel (%);{numerator};{denominator}"
    )


def vis_file(*rows: str) -> bytes:
    return ("\ufeff" + "\n".join([VIS_HEADER, *rows]) + "\n").encode("utf-8")


GENERIC_HEADER = "indikator;enhet;period;kön;värde;täljare;nämnare"


def generic_file(*rows: str, encoding="utf-8", header=GENERIC_HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def kolada_file(items, *, version=3, next_url=None) -> bytes:
    envelope = {"values": items, "count": len(items)}
    if version == 3:
        envelope["next_url"] = next_url
    else:
        envelope["next_page"] = next_url
    return json.dumps(envelope).encode("utf-8")


def xlsx_file(rows) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def library(db):
    content.load()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def run_import(world, library):
    """run_import(content, dry_run=False, valid_rows_only=False, region=None) → (batch, report)."""

    def run(data: bytes, *, dry_run=False, valid_rows_only=False, region=None, name="fil.csv"):
        batch = ImportBatch.objects.create(
            region=region or world.region_a, user=world.user("admin"), file_name=name,
            checksum=write.sha256(data), file_size=len(data),
        )
        report = write.observations_import(batch=batch, valid_rows_only=valid_rows_only, dry_run=dry_run, content=data)
        batch.refresh_from_db()
        return batch, report

    return run


@contextmanager
def worker_alive(batch: ImportBatch):
    """The batch's lock held as a live worker holds it (``indicators.imports.jobs.liveness``): on PostgreSQL from a
    connection of its own, since a lock held by the page's own connection would count as the page's."""
    if connection.vendor != "postgresql":
        with liveness.batch_work(batch.pk):
            yield
        return
    worker = connection.copy()
    worker.ensure_connection()
    backend = worker.connection.info.backend_pid
    try:
        with worker.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [liveness.LOCK_CLASS, batch.pk])
        yield
    finally:
        # The worker's process ends. Closing our end of its connection alone would leave the server's backend
        # to notice and drop the locks a moment later; terminating it, and waiting until it has ended, makes
        # "the worker is gone" true before the next statement, as a test needs it to be.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [backend])
        worker.close()
