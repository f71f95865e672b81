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

import gc
import http.client
import json
import os
import secrets
import socket
import string
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from pagetiming import bare_queries_floor, machine, percentile, summary, time_requests, trivial_view_floor

BASE_DIR = Path(__file__).resolve().parent.parent


class _Pauses:
    """The garbage collector's pauses during timed requests, by request (``mark`` names the request under way)."""

    def __init__(self):
        self.by_run: dict[int, list[tuple[int, float]]] = {}
        self.run = -1
        self._started = 0.0

    def mark(self, run: int) -> None:
        self.run = run

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            pause = (time.perf_counter() - self._started) * 1000
            self.by_run.setdefault(self.run, []).append((info["generation"], pause))

    def summary(self, timings_ms: list[float]) -> dict:
        """How many full (generation 2) collections ran, their time in all, and the collector's share of the
        slowest requests (those at or above p95)."""
        full = [pause for pauses in self.by_run.values() for generation, pause in pauses if generation == 2]
        slow_runs = [run for run, ms in enumerate(timings_ms) if ms >= percentile(timings_ms, 0.95)]
        slow_ms = sum(timings_ms[run] for run in slow_runs)
        slow_gc = sum(pause for run in slow_runs for _generation, pause in self.by_run.get(run, []))
        return {"full_collections": len(full), "full_collections_ms": round(sum(full), 1),
                "share_of_slowest_requests": round(slow_gc / slow_ms, 2) if slow_ms else 0.0}


@contextmanager
def _gc_pauses():
    pauses = _Pauses()
    gc.callbacks.append(pauses)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(pauses)


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
    with _gc_pauses() as pauses:
        timed = time_requests(lambda run: pauses.mark(run) or client.get(url), repeat=repeat, what=url)
    result = {
        "onsite_page": {
            **summary(timed.timings_ms),
            "queries": timed.queries,
            "questions_on_screen": largest.total,
            "questions_in_dialogue": page.total,
            "answered": page.answered,
            "bytes": len(timed.response.content),
            "garbage_collection": pauses.summary(timed.timings_ms),
        }
    }
    # The tail is the collector walking the benchmark's own national data set (thousands of model instances held
    # by this process): moved out of its way, as a preloaded gunicorn app does with gc.freeze(), the page's own
    # time is left.
    gc.collect()
    gc.freeze()
    try:
        timed = time_requests(lambda _run: client.get(url), repeat=repeat, what=url)
    finally:
        gc.unfreeze()
    result["onsite_page_after_gc_freeze"] = summary(timed.timings_ms)
    # What stops the page from going faster on this machine: a trivial view through the same client and
    # middleware, and the page's own SQL sent alone.
    result["onsite_page_floor"] = {
        "trivial_view": trivial_view_floor(client, repeat=repeat),
        "bare_queries": bare_queries_floor(client, url, repeat=repeat),
        "machine": machine(),
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


def _wait_for(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
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


class _Gunicorn:
    """gunicorn serving the benchmark's database on a free loopback port, for the length of a ``with`` block, as
    production runs it: the production settings (DEBUG off) and config/gunicorn.conf.py (whose post_worker_init
    moves the loaded application out of the garbage collector's way). The secret key is this process's, so the
    sessions the benchmark signs in here are valid there."""

    def __init__(self, database_url: str, workers: int):
        from django.conf import settings

        self.port = _free_port()
        self.workers = workers
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback, as behind the region's proxy
            "SECURE_COOKIES": "0",
            "LOG_LEVEL": "WARNING",  # no access line per request
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
        }
        # Its output goes to a file: a pipe nobody reads fills up and then stops every worker mid-request.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [str(BASE_DIR / ".venv" / "bin" / "gunicorn"), "-c", str(BASE_DIR / "config" / "gunicorn.conf.py"),
             "config.wsgi", "--timeout", "60", "--log-level", "warning"],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=self.log,
        )

    def __enter__(self) -> "_Gunicorn":
        _wait_for(self.port, self.process)
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class _Writer:
    """One person documenting one answer: a signed-in session of their own, and the revision the next autosave
    starts from (as the page's script does)."""

    def __init__(self, user, dialogue, question, port: int):
        from django.urls import reverse

        from dialogs.models.answers import Answer

        answer = Answer.objects.filter(dialogue=dialogue, question=question).first()
        self.csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.url = reverse("dialogs:answer_autosave", args=[dialogue.pk, question.pk])
        self.cookie = f"sessionid={_session_cookie(user)}; csrftoken={self.csrf}"
        self.revision = answer.revision if answer else 0
        self.port = port
        self.connection = None

    def save(self, text: str) -> int:
        """One autosave; its HTTP status (0 when the connection failed)."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = json.dumps({"base_revision": self.revision, "text": text})
        try:
            self.connection.request(
                "POST", self.url, body=body.encode(),
                headers={"Content-Type": "application/json", "Cookie": self.cookie, "X-CSRFToken": self.csrf,
                         "Host": f"127.0.0.1:{self.port}"},
            )
            response = self.connection.getresponse()
            payload, status = response.read(), response.status
        except OSError:
            self.close()
            return 0
        if status == 200:
            self.revision = json.loads(payload)["revision"]
        return status

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _trivial_rate(port: int, clients: int, requests_per_client: int) -> dict:
    """Requests per second of ``/healthz`` (no session, no template, one ``SELECT 1``) with the same number of
    clients in the same closed loop against the same gunicorn: the most this machine serves through this stack,
    the floor under any autosave throughput."""
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _step in range(requests_per_client):
            started = time.perf_counter()
            try:
                connection.request("GET", "/healthz", headers={"Host": f"127.0.0.1:{port}"})
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                latencies.append((time.perf_counter() - started) * 1000)
        connection.close()

    elapsed_s = _run_together([threading.Thread(target=client) for _number in range(clients)])
    return {"requests_per_second": round(statuses.get(200, 0) / elapsed_s, 1), "latency": summary(latencies),
            "statuses": {str(status): count for status, count in sorted(statuses.items())}}


def _run_together(threads: list[threading.Thread]) -> float:
    """Start the threads at once and wait for them (five minutes at the most); the seconds it took."""
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return time.perf_counter() - started


def _results(statuses: dict[int, int], latencies: list[float], elapsed_s: float) -> dict:
    return {
        "requests": sum(statuses.values()),
        "seconds": round(elapsed_s, 2),
        "autosaves_per_second": round(statuses.get(200, 0) / elapsed_s, 1),
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "latency": summary(latencies) if latencies else {},
    }


def autosave_throughput(
    *, targets: list[tuple], database_url: str, clients: int = 20, requests_per_client: int = 25, workers: int = 4
) -> dict:
    """Autosaves per second with ``clients`` concurrent clients against gunicorn on loopback (a closed loop: each
    client sends its next autosave when the previous one has answered). ``targets`` holds one (user, dialogue,
    question) per client; each client sends ``requests_per_client`` autosaves in a row, each from the revision
    the previous one returned. Bounded in count and time; gunicorn is stopped after."""
    assert len(targets) >= clients, "one (user, dialogue, question) per client"
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    with _Gunicorn(database_url, workers) as server:
        writers = [_Writer(*target, server.port) for target in targets[:clients]]

        def client(writer: _Writer, number: int) -> None:
            for step in range(requests_per_client):
                started = time.perf_counter()
                status = writer.save(f"Klient {number}, sparning {step}. " * 20)
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    latencies.append((time.perf_counter() - started) * 1000)
            writer.close()

        elapsed_s = _run_together(
            [threading.Thread(target=client, args=(writer, number)) for number, writer in enumerate(writers)]
        )
        load = machine()
        floor = _trivial_rate(server.port, clients, requests_per_client)
    return {"server": f"gunicorn, {workers} sync workers, production settings and config/gunicorn.conf.py, 127.0.0.1", "clients": clients,
            **_results(statuses, latencies, elapsed_s), "machine": load, "floor_trivial_view": floor}


def autosave_open_loop(
    *, targets: list[tuple], database_url: str, writers: int = 100, rate: float = 50.0, seconds: float = 20.0,
    workers: int = 4,
) -> dict:
    """An open-loop load: ``writers`` people each autosaving their own answer, ``rate`` autosaves a second in all,
    sent on a schedule that does not wait for answers (each writer every ``writers / rate`` seconds, their
    starts spread over one period). Latency counts from the moment a save was due, so a save that had to wait
    for its writer's previous one counts that wait too (no coordinated omission)."""
    assert len(targets) >= writers, "one (user, dialogue, question) per writer"
    period = writers / rate
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    with _Gunicorn(database_url, workers) as server:
        people = [_Writer(*target, server.port) for target in targets[:writers]]
        start = time.perf_counter() + 1.0

        def writer_loop(writer: _Writer, number: int) -> None:
            due = start + period * number / writers
            while due < start + seconds:
                time.sleep(max(0.0, due - time.perf_counter()))
                status = writer.save(f"Skrivare {number}, {due:.3f}. " * 20)
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    latencies.append((time.perf_counter() - due) * 1000)
                due += period
            writer.close()

        threads = [threading.Thread(target=writer_loop, args=(writer, number)) for number, writer in enumerate(people)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 120)
        elapsed_s = time.perf_counter() - start
        load = machine()
    return {"server": f"gunicorn, {workers} sync workers, production settings and config/gunicorn.conf.py, 127.0.0.1", "writers": writers, "rate_per_second": rate,
            **_results(statuses, latencies, elapsed_s), "machine": load}
