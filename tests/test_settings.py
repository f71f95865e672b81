"""Settings come from the environment; production refuses to run insecurely."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool

ROOT = Path(__file__).resolve().parents[1]
STRONG_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Only the basics: the test settings put their own variables into this process's environment.
    clean = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    if "DATABASE_URL" in os.environ:
        clean["DATABASE_URL"] = os.environ["DATABASE_URL"]
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


@pytest.mark.configured_database  # production settings on the configured database's backend (CI: both)
def test_deploy_check_reports_nothing_in_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0", SECRET_KEY=STRONG_KEY)
    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("secret_key", [None, "short", "django-insecure-" + "x" * 40])
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    env = {"DEBUG": "0"}
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_runs_without_any_variable():
    result = _manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_database_url_is_translated_for_postgres_and_sqlite():
    postgres = database_from_url("postgres://pu:s%40cret@db.example:5433/pu?sslmode=require")
    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert (postgres["USER"], postgres["PASSWORD"], postgres["HOST"], postgres["PORT"], postgres["NAME"]) == (
        "pu", "s@cret", "db.example", "5433", "pu",
    )
    assert postgres["OPTIONS"] == {"sslmode": "require"}
    assert database_from_url("sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x")


def test_boolean_variables_fail_loudly_on_nonsense(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "kanske")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "yes")
    assert env_bool("SOME_FLAG", False) is True


def test_swedish_is_the_default_language_and_stockholm_the_time_zone(settings):
    assert settings.LANGUAGE_CODE == "sv"
    assert settings.TIME_ZONE == "Europe/Stockholm"
    assert [code for code, _ in settings.LANGUAGES] == ["sv", "en"]


def test_production_static_files_import_the_hashed_module_they_were_built_with(tmp_path):
    """After collectstatic, a hashed script imports the hashed file of the module it uses, so a deploy never
    pairs a new script with an old, cached module."""
    result = _manage("collectstatic", "--noinput", DEBUG="0", SECRET_KEY=STRONG_KEY, STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stderr
    (autosave,) = [p for p in (tmp_path / "js").glob("onsite-autosave.*.js") if p.name.count(".") == 2]
    (drafts,) = [p for p in (tmp_path / "js").glob("onsite-drafts.*.js") if p.name.count(".") == 2]
    assert f'from "./{drafts.name}"' in autosave.read_text()
