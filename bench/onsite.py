"""Benchmark of the on-site documentation (issue 4, "Speed"): the on-site page, one autosave, and autosave
throughput with 20 concurrent clients against gunicorn on 127.0.0.1.

bench/dialogue.py calls ``measure_onsite`` and ``autosave_throughput`` on its national-scale data set. Run
alone, this file builds a smaller one itself (one region, the SKR guide, ``--dialogues`` fully answered
dialogues) in a throwaway SQLite database, or in a throwaway PostgreSQL database with ``--postgres-url``:

    .venv/bin/python bench/onsite.py [--dialogues 50] [--repeat 30] [--clients 20] [--requests 25]
                                     [--postgres-url postgres://postgres@127.0.0.1:5432]

Server time is measured in-process through Django's test client (no network), as median and 95th percentile
over ``--repeat`` runs. Throughput: gunicorn serves the same database on a free loopback port; each client
signs in with its own session, documents its own answer (so saves never conflict) and sends a bounded number
of autosaves one after the other; the run stops by itself. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (values need not be sorted)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(timings_ms: list[float]) -> dict:
    return {
        "runs": len(timings_ms),
        "median_ms": round(statistics.median(timings_ms), 1),
        "p95_ms": round(percentile(timings_ms, 0.95), 1),
        "max_ms": round(max(timings_ms), 1),
    }


def measure_onsite(*, dialogue, user, repeat: int = 30) -> dict:
    """Median and p95 server time of the on-site page (its largest screen) and of one autosave."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from dialogs.selectors.onsite import onsite_page

    client = Client()
    client.force_login(user)
    page = onsite_page(dialogue=dialogue, section_key=None)
    largest = max(page.screens, key=lambda screen: screen.total)
    url = reverse("dialogs:onsite_section", args=[dialogue.pk, largest.section.key])
    client.get(url)  # warm up templates
    timings = []
    for _run in range(repeat):
        with CaptureQueriesContext(connection) as page_queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    result = {
        "onsite_page": {
            **summary(timings),
            "queries": len(page_queries),
            "questions_on_screen": largest.total,
            "questions_in_dialogue": page.total,
            "answered": page.answered,
            "bytes": len(response.content),
        }
    }

    question = largest.items[0].question
    autosave_url = reverse("dialogs:answer_autosave", args=[dialogue.pk, question.pk])
    revision = largest.items[0].revision
    timings = []
    for run in range(repeat):
        body = json.dumps({"base_revision": revision, "text": f"Bänkmätning {run}: " + "text " * 200})
        with CaptureQueriesContext(connection) as save_queries:
            started = time.perf_counter()
            response = client.post(autosave_url, body, content_type="application/json")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (autosave_url, response.status_code, response.content[:200])
        revision = response.json()["revision"]
    result["autosave"] = {**summary(timings), "queries": len(save_queries)}
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


# --- Standalone: a smaller data set of its own -----------------------------------------------------------


def _build(dialogues: int) -> dict:
    """One region, the SKR guide, ``dialogues`` fully answered dialogues at as many clinics, and 20 uppföljare."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from dialogs.models import Question
    from dialogs.models.answers import Answer, AnswerRevision
    from dialogs.models.dialogue import Dialogue
    from dialogs.services import guide as guide_services
    from organisations.models import Clinic, Membership, Party, Region, Role

    national, _created = guide_services.guide_load_shipped()
    region = Region.objects.create(name="Region Bänk")
    users = [
        get_user_model().objects.create_user(f"bench-{number:02}", first_name="Bänk", last_name=f"{number:02}")
        for number in range(20)
    ]
    Membership.objects.bulk_create(
        [Membership(user=user, region=region, role=Role.UPPFOLJARE, party=Party.BESTALLARE) for user in users]
    )
    version = guide_services.guide_adopt(region=region, source=national, user=users[0]).versions.get()
    clinics = Clinic.objects.bulk_create(
        [Clinic(region=region, name=f"Bänkens vårdcentral {n}", hsa_id=f"SE-BENCH-{n:05}") for n in range(dialogues)]
    )
    rows = Dialogue.objects.bulk_create(
        [
            Dialogue(clinic=clinic, guide_version=version, date=timezone.localdate(), start_time=datetime.time(8, 30),
                     place="På vårdcentralen", include_lifestyle_module=True)
            for clinic in clinics
        ]
    )
    questions = list(Question.objects.filter(version=version))
    now = timezone.now()
    # Bulk rows, as a data import would write them; the measured saves go through the service.
    Answer.objects.bulk_create(
        [
            Answer(dialogue=dialogue, question=question, text=f"Anteckning om {question.key}. " * 8, revision=1,
                   updated_by=users[0], updated_at=now)
            for dialogue in rows
            for question in questions
        ],
        batch_size=2000,
    )
    AnswerRevision.objects.bulk_create(
        [
            AnswerRevision(answer=answer, revision=1, before={}, after=answer.snapshot(), user=users[0], created_at=now)
            for answer in Answer.objects.filter(dialogue__in=rows).only("id", "text", "yes_no", "choice_values", "prompt_answers")
        ],
        batch_size=2000,
    )
    return {"dialogues": rows, "users": users, "questions": questions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialogues", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=25, help="autosaves per client")
    parser.add_argument("--postgres-url", default="", help="server URL; a throwaway database is created there")
    args = parser.parse_args()

    database = ""
    if args.postgres_url:
        database = f"pu_bench_onsite_{os.getpid()}"
        subprocess.run(["psql", args.postgres_url + "/postgres", "-qc", f"CREATE DATABASE {database}"], check=True)
        database_url = f"{args.postgres_url.rstrip('/')}/{database}"
    else:
        database_url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-onsite-')}/bench.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    sys.path.insert(0, str(BASE_DIR))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        data = _build(args.dialogues)
        result = {
            "database": "postgresql" if args.postgres_url else "sqlite",
            "data": {"dialogues": len(data["dialogues"]), "questions_per_dialogue": len(data["questions"]),
                     "answers": len(data["dialogues"]) * len(data["questions"]),
                     "build_seconds": round(time.perf_counter() - started, 1)},
        }
        result.update(measure_onsite(dialogue=data["dialogues"][0], user=data["users"][0], repeat=args.repeat))
        targets = [
            (data["users"][number], data["dialogues"][number % len(data["dialogues"])], data["questions"][number])
            for number in range(args.clients)
        ]
        connections.close_all()
        result["autosave_throughput"] = autosave_throughput(
            targets=targets, database_url=database_url, clients=args.clients, requests_per_client=args.requests
        )
        print(json.dumps(result, indent=2, ensure_ascii=False))
    finally:
        if database:
            from django.db import connections

            connections.close_all()
            subprocess.run(["psql", args.postgres_url + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {database}"], check=False)


if __name__ == "__main__":
    main()
