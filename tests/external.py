"""The two programs some tests need beyond `make install`: Chromium (browser tests) and LibreOffice (opening the
PowerPoint deck). Without them those tests skip with a reason that starts with a known mark, and the run ends
with one line counting them and naming the command that installs both (tests/conftest.py). CI sets
REQUIRE_BROWSER=1 and REQUIRE_LIBREOFFICE=1, and then a missing program fails the test instead."""

import os

import pytest

MISSING_MARK = "Needs {program}:"
PROGRAMS = {"Chromium": "REQUIRE_BROWSER", "LibreOffice": "REQUIRE_LIBREOFFICE"}
ENABLE_COMMAND = "sudo apt-get install -y chromium libreoffice-impress-nogui"


def unavailable(program: str, reason: str):
    """Skip the test for a missing ``program`` (one of PROGRAMS), or fail it when CI requires the program."""
    variable = PROGRAMS[program]
    if os.environ.get(variable) == "1":
        pytest.fail(f"{variable}=1 but {reason}", pytrace=False)
    pytest.skip(f"{MISSING_MARK.format(program=program)} {reason}")


def skipped_for_missing_programs(skipped_reports) -> int:
    """How many of the skipped tests skipped for a missing Chromium or LibreOffice."""
    marks = tuple(MISSING_MARK.format(program=program) for program in PROGRAMS)

    def reason(report) -> str:
        longrepr = report.longrepr
        return longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)

    return sum(1 for report in skipped_reports if any(mark in reason(report) for mark in marks))


def closing_line(count: int) -> str:
    return (
        f"{count} tests skipped because Chromium or LibreOffice is missing; "
        f"to run them: {ENABLE_COMMAND}"
    )
