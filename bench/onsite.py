"""The on-site documentation's part of the dialogue benchmark (issue 4, "Speed"): the on-site page, one
autosave, and autosave throughput with 20 concurrent clients against gunicorn on 127.0.0.1.

bench/dialogue.py builds the national data set and calls ``measure_onsite`` and ``autosave_throughput``:

    .venv/bin/python bench/dialogue.py [--clinics 1200] [--repeat 30] [--clients 20] [--requests 25]

Server time is measured in-process through Django's test client (no network), as median and 95th percentile
over ``repeat`` runs. Throughput: gunicorn serves the same database on a free loopback port; each client signs
in with its own session, documents its own answer (so saves never conflict) and sends a bounded number of
autosaves one after the other, each from the revision the previous one returned; the run stops by itself and
gunicorn is stopped after it.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import string
import subprocess
import threading
import time
from pathlib import Path

from pagetiming import summary, time_requests

BASE_DIR = Path(__file__).resolve().parent.parent


def measure_onsite(*, dialogue, user, repeat: int = 30) -> dict:
    """Median and p95 server time of the on-site page (its largest screen) and of one autosave."""
    from django.test import Client
    from django.urls import reverse

    from dialogs.selectors.onsite import onsite_page

    client = Client()
    client.force_login(user)
    page = onsite_page(dialogue=dialogue, section_key=None)
    largest = max(page.screens, key=lambda screen: screen.total)
    url = reverse("dialogs:onsite_section", args=[dialogue.pk, largest.section.key])
    client.get(url)  # warm up templates
    timed = time_requests(lambda _run: client.get(url), repeat=repeat, what=url)
    result = {
        "onsite_page": {
            **summary(timed.timings_ms),
            "queries": timed.queries,
            "questions_on_screen": largest.total,
            "questions_in_dialogue": page.total,
            "answered": page.answered,
            "bytes": len(timed.response.content),
        }
    }

    question = largest.items[0].question
    autosave_url = reverse("dialogs:answer_autosave", args=[dialogue.pk, question.pk])
    # Each autosave starts from the revision the previous one returned, as the page's script does.
    revisions = [largest.items[0].revision]

    def save(run: int):
        body = json.dumps({"base_revision": revisions[-1], "text": f"Bänkmätning {run}: " + "text " * 200})
        return client.post(autosave_url, body, content_type="application/json")

    timed = time_requests(
        save, repeat=repeat, what=autosave_url, after=lambda response: revisions.append(response.json()["revision"])
    )
    result["autosave"] = {**summary(timed.timings_ms), "queries": timed.queries}
    return result


# --- Throughput against gunicorn -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _session_cookie(user) -> str:
    """A signed-in session for ``user``, made the way django.contrib.auth.login makes one."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _wait_for(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with exit code {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def autosave_throughput(
    *, targets: list[tuple], database_url: str, clients: int = 20, requests_per_client: int = 25, workers: int = 4
) -> dict:
    """Autosaves per second with ``clients`` concurrent clients against gunicorn on loopback. ``targets`` holds
    one (user, dialogue, question) per client; each client sends ``requests_per_client`` autosaves in a row,
    each from the revision the previous one returned. Bounded in count and time; gunicorn is stopped after."""
    from django.urls import reverse

    from dialogs.models.answers import Answer

    assert len(targets) >= clients, "one (user, dialogue, question) per client"
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    server = subprocess.Popen(
        [str(BASE_DIR / ".venv" / "bin" / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "60", "--log-level", "warning"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    try:
        _wait_for(port, server)
        plans = []
        for user, dialogue, question in targets[:clients]:
            answer = Answer.objects.filter(dialogue=dialogue, question=question).first()
            csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
            plans.append(
                {
                    "url": reverse("dialogs:answer_autosave", args=[dialogue.pk, question.pk]),
                    "cookie": f"sessionid={_session_cookie(user)}; csrftoken={csrf}",
                    "csrf": csrf,
                    "revision": answer.revision if answer else 0,
                }
            )

        def client(plan: dict, number: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            revision = plan["revision"]
            for step in range(requests_per_client):
                body = json.dumps({"base_revision": revision, "text": f"Klient {number}, sparning {step}. " * 20})
                started = time.perf_counter()
                try:
                    connection.request(
                        "POST", plan["url"], body=body.encode(),
                        headers={"Content-Type": "application/json", "Cookie": plan["cookie"],
                                 "X-CSRFToken": plan["csrf"], "Host": f"127.0.0.1:{port}"},
                    )
                    response = connection.getresponse()
                    payload = response.read()
                    status = response.status
                except OSError:
                    status = 0
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                elapsed = (time.perf_counter() - started) * 1000
                if status == 200:
                    revision = json.loads(payload)["revision"]
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    latencies.append(elapsed)
            connection.close()

        threads = [threading.Thread(target=client, args=(plan, number)) for number, plan in enumerate(plans)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        elapsed_s = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    total = sum(statuses.values())
    return {
        "server": f"gunicorn, {workers} sync workers, 127.0.0.1",
        "clients": clients,
        "requests": total,
        "seconds": round(elapsed_s, 2),
        "autosaves_per_second": round(statuses.get(200, 0) / elapsed_s, 1),
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "latency": summary(latencies) if latencies else {},
    }
