"""A machine with only what `make install` brings: the tests that need Chromium or LibreOffice skip, and the run
ends with one line counting them and naming the command that installs both; CI (REQUIRE_BROWSER=1,
REQUIRE_LIBREOFFICE=1) fails them instead."""

import os
import subprocess
import sys
from pathlib import Path

from tests.external import ENABLE_COMMAND

ROOT = Path(__file__).resolve().parents[1]
TESTS = [
    "tests/browser/test_harness.py::test_pages_in_a_second_context_are_tracked_until_checked",
    "tests/feedback/renderers/test_pptx.py::test_libreoffice_converts_the_deck_without_error",
]


def _pytest_without_programs(tmp_path, **env) -> subprocess.CompletedProcess:
    """Run two tests in a child pytest whose PATH holds neither chromium nor soffice (only Python's own)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    # Without DATABASE_URL the child uses its own SQLite file: on PostgreSQL it would create (and drop) the same
    # test database as the run that started it.
    left_out = ("CHROMIUM_PATH", "REQUIRE_BROWSER", "REQUIRE_LIBREOFFICE", "DATABASE_URL")
    environment = {key: value for key, value in os.environ.items() if key not in left_out}
    environment.update(PATH=str(bin_dir), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_chromium_and_libreoffice_the_run_ends_with_the_count_and_the_command(tmp_path):
    completed = _pytest_without_programs(tmp_path)
    lines = completed.stdout.strip().splitlines()
    assert completed.returncode == 0, completed.stdout
    assert "2 skipped" in lines[-2]
    assert lines[-1] == f"2 tests skipped because Chromium or LibreOffice is missing; to run them: {ENABLE_COMMAND}"


def test_ci_fails_instead_of_skipping(tmp_path):
    completed = _pytest_without_programs(tmp_path, REQUIRE_BROWSER="1", REQUIRE_LIBREOFFICE="1")
    assert completed.returncode == 1
    assert "REQUIRE_BROWSER=1 but Chromium was not found" in completed.stdout
    assert "REQUIRE_LIBREOFFICE=1 but LibreOffice (soffice) is not installed" in completed.stdout
    assert "2 error" in completed.stdout.strip().splitlines()[-1]
