"""Backup and a tested restore (docs/operations.md): bin/backup dumps the PostgreSQL database and the media files,
bin/restore puts them into a fresh database and an empty directory, and everything is there again. Needs
PostgreSQL and its client programs (pg_dump, pg_restore, psql); skips with the reason otherwise."""

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from dialogs.services.answers import answer_save
from tests.dialogs.onsite_factories import onsite_dialogue
from tests.processes import base_environment, database_url

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: run with DATABASE_URL=postgres://… (make test does in .ci/run)")
    missing = [program for program in ("pg_dump", "pg_restore", "psql") if shutil.which(program) is None]
    if missing:
        pytest.skip(f"Needs PostgreSQL's client programs: {', '.join(missing)} (Debian: postgresql-client)")
    name = f"pu_restore_{uuid.uuid4().hex[:12]}"
    admin_url = database_url(connection.settings_dict, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield database_url(connection.settings_dict, name)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(script: str, directory: Path, url: str, media: Path) -> subprocess.CompletedProcess:
    env = base_environment(DATABASE_URL=url, MEDIA_ROOT=str(media))
    return subprocess.run([str(ROOT / "bin" / script), str(directory)], env=env, capture_output=True, text=True,
                          timeout=300)


def _row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as database:
        tables = [row[0] for row in database.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )]
        return {table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_file(world, settings, tmp_path, fresh_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    dialogue = onsite_dialogue(world)
    question = dialogue.guide_version.questions.get(key="p1-q01")
    answer_save(dialogue=dialogue, question=question, user=world.user("bestallare"), base_revision=0,
                text="Kontinuiteten har ökat – åäö")
    stored = default_storage.save("imports/2026/12/kolada.csv", ContentFile("indikator;värde\nN1;4,2\n".encode()))
    original_url = database_url(connection.settings_dict)

    backup = _run("backup", tmp_path / "backup", original_url, settings.MEDIA_ROOT)
    assert backup.returncode == 0, backup.stderr
    assert sorted(path.name for path in (tmp_path / "backup").iterdir()) == ["SHA256SUMS", "database.dump", "media.tar.gz"]

    restored_media = tmp_path / "restored-media"
    restore = _run("restore", tmp_path / "backup", fresh_database, restored_media)
    assert restore.returncode == 0, restore.stderr

    original_counts = _row_counts(original_url)
    assert original_counts["dialogs_answer"] == 1
    assert original_counts["auth_user"] == User.objects.count() > 0
    assert _row_counts(fresh_database) == original_counts
    with psycopg.connect(fresh_database) as restored:
        text, revision = restored.execute("SELECT text, revision FROM dialogs_answer").fetchone()
        password = restored.execute("SELECT password FROM auth_user WHERE username = 'admin'").fetchone()[0]
    assert (text, revision) == ("Kontinuiteten har ökat – åäö", 1)
    assert password == world.user("admin").password  # people sign in with the passwords they had
    assert (restored_media / stored).read_bytes() == (settings.MEDIA_ROOT / stored).read_bytes()

    # The app accepts the restored database as it is: no migration is missing.
    env = base_environment(DATABASE_URL=fresh_database, DEBUG="1")
    check = subprocess.run([sys.executable, "manage.py", "migrate", "--check"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr

    # Restoring twice into the same database is refused rather than mixed.
    again = _run("restore", tmp_path / "backup", fresh_database, tmp_path / "other-media")
    assert again.returncode == 2 and "restore into a new, empty database" in again.stderr


def test_a_damaged_backup_is_refused_before_anything_is_restored(world, settings, tmp_path, fresh_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert _run("backup", tmp_path / "backup", database_url(connection.settings_dict), settings.MEDIA_ROOT).returncode == 0
    with (tmp_path / "backup" / "database.dump").open("ab") as dump:
        dump.write(b"\0")
    restore = _run("restore", tmp_path / "backup", fresh_database, tmp_path / "restored-media")
    assert restore.returncode == 2 and "checksums do not match" in restore.stderr
    assert _row_counts(fresh_database) == {}


def test_a_backup_never_overwrites_an_earlier_one(world, settings, tmp_path, fresh_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "database.dump").write_bytes(b"yesterday")
    result = _run("backup", tmp_path / "backup", database_url(connection.settings_dict), settings.MEDIA_ROOT)
    assert result.returncode == 2 and "not empty" in result.stderr
    assert (tmp_path / "backup" / "database.dump").read_bytes() == b"yesterday"
