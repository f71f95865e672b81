"""Logs for operations: a request id on every response and log line, and JSON lines with LOG_FORMAT=json."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.logs import JsonFormatter, RequestIdFilter
from tests.processes import base_environment

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def json_log():
    """The lines the project's JSON handler writes while the test runs, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_every_response_names_its_request_and_one_access_line_tells_who_asked_what(client_for, json_log):
    response = client_for("admin").get("/vardcentraler/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    (access,) = [line for line in json_log() if line["logger"] == "config.access"]
    assert access["request_id"] == request_id
    assert (access["method"], access["path"], access["status"]) == ("GET", "/vardcentraler/", 200)
    assert access["user_id"] is not None and access["duration_ms"] >= 0
    assert access["message"] == "GET /vardcentraler/ 200"


def test_a_line_logged_while_handling_a_request_carries_its_id(client, json_log):
    response = client.get("/finns-inte/")  # Django logs the 404 as a warning
    warnings = [line for line in json_log() if line["logger"] == "django.request"]
    assert warnings and warnings[0]["request_id"] == response["X-Request-ID"]
    assert warnings[0]["level"] == "WARNING"


def test_the_proxys_request_id_is_kept_when_it_looks_like_one(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-4711-abcdef")
    assert response["X-Request-ID"] == "proxy-4711-abcdef"


@pytest.mark.parametrize("junk", ["short", "a b c d e f g h", "x" * 200, "id\r\nSet-Cookie: a=b", "åäö-åäö-åäö"])
def test_a_request_id_that_is_not_one_is_replaced(client, db, junk):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=junk)
    assert response["X-Request-ID"] != junk and len(response["X-Request-ID"]) == 32


def test_a_message_cannot_forge_a_second_line():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "user typed %s", ("a\n{\"level\": \"INFO\"}",), None)
    RequestIdFilter().filter(record)
    (line,) = JsonFormatter().format(record).splitlines()
    assert json.loads(line)["message"] == 'user typed a\n{"level": "INFO"}'


def test_log_format_json_makes_every_line_of_the_running_app_json():
    """The environment variable, end to end: a process configured with LOG_FORMAT=json handles a request."""
    script = (
        "import django; django.setup();"
        "from django.test import Client; Client().get('/finns-inte/', HTTP_HOST='localhost')"
    )
    env = base_environment(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1", LOG_FORMAT="json",
                           DATABASE_URL=os.environ.get("DATABASE_URL", "sqlite:///:memory:"))
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert {line["logger"] for line in lines} >= {"django.request", "config.access"}
    assert len({line["request_id"] for line in lines}) == 1


def test_an_unknown_log_format_is_refused_at_start():
    env = base_environment(DEBUG="1", LOG_FORMAT="xml")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0 and "LOG_FORMAT" in result.stderr
