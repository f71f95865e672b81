"""More than one server, for real: two gunicorn processes on two ports behind Caddy (deploy/Caddyfile, as in
docker-compose's "scaled" profile) and two `db_worker` processes, all on the test's PostgreSQL database, with
production settings (DEBUG=0, sessions in the database).

- a person signed in on one web process is signed in on the other, and signed out on both;
- two workers never run the same import twice, even when the import was queued twice;
- two people saving the same answer at the same moment on two processes: one wins, the other gets 409;
- the proxy keeps answering when one web process dies.

Needs PostgreSQL (DATABASE_URL=postgres://…, as in .ci/run) and, for the proxy, caddy; skips with the reason
otherwise."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.urls import reverse

from tests.mailsink import free_port
from tests.processes import base_environment, database_url

ROOT = Path(__file__).resolve().parents[1]
SECRET = "multiserver-test-" + "k" * 40
PASSWORD = "correct horse battery"  # the personas' password (tests/conftest.py)

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_until_healthy(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    """Poll /healthz until the server answers (it loads Django first); fail at once if the process died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args} exited with {process.returncode}")
        try:
            if requests.get(url + "/healthz", timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.1)  # readiness poll of a starting process, bounded by the deadline
    raise AssertionError(f"{url} did not become healthy in {seconds} s")


@pytest.fixture(scope="module")
def environment(django_db_setup, django_db_blocker, tmp_path_factory):
    """The environment of every process: production settings on the test database, static files collected."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("Needs PostgreSQL: run with DATABASE_URL=postgres://… (make test does in .ci/run)")
        db = connection.settings_dict
    static_root = tmp_path_factory.mktemp("static")
    env = base_environment(
        DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0", SECRET_KEY=SECRET, DATABASE_URL=database_url(db),
        ALLOWED_HOSTS="127.0.0.1,localhost", SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0", STATIC_ROOT=str(static_root),
        TASKS_BACKEND="django_tasks_db.DatabaseBackend", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_FORMAT="json", WEB_CONCURRENCY="2", MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
    )
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=300)
    return env


class Server:
    def __init__(self, env: dict, log_dir: Path, name: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"{name}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"],
            cwd=ROOT, env={**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"},
            stdout=subprocess.DEVNULL, stderr=self.log.open("w"),
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def servers(environment, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("logs")
    pair = [Server(environment, log_dir, "web-a"), Server(environment, log_dir, "web-b")]
    try:
        for server in pair:
            _wait_until_healthy(server.url, server.process)
        yield pair
    finally:
        for server in pair:
            server.stop()


def _start_proxy(upstreams, tmp_path: Path):
    if shutil.which("caddy") is None:
        pytest.skip("Needs caddy (Debian's package) to run the proxy of deploy/Caddyfile")
    port = free_port()
    env = {**os.environ, "PROXY_LISTEN": f"127.0.0.1:{port}", "FORWARDED_PROTO": "http",
           "WEB_UPSTREAMS": " ".join(server.url.removeprefix("http://") for server in upstreams),
           "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    process = subprocess.Popen(
        ["caddy", "run", "--adapter", "caddyfile", "--config", str(ROOT / "deploy" / "Caddyfile")],
        env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "caddy.log").open("w"),
    )
    try:
        _wait_until_healthy(f"http://127.0.0.1:{port}", process)
    except BaseException:
        _stop(process)  # a proxy that never became healthy must not outlive the test
        raise
    return process, f"http://127.0.0.1:{port}"


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _sign_in(base: str, username: str) -> requests.Session:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    # The test settings hash with MD5 for speed; the servers run the production settings, which do not read MD5.
    hasher = PBKDF2PasswordHasher()
    get_user_model().objects.filter(username=username).update(
        password=hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    )
    session = requests.Session()
    token = _csrf(session, base + reverse("login"))
    response = session.post(
        base + reverse("login"), data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False, timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def test_a_person_signed_in_on_one_server_is_signed_in_on_the_other(servers, world, tmp_path):
    web_a, web_b = servers
    session = _sign_in(web_a.url, "bestallare")
    on_b = session.get(web_b.url + "/vardcentraler/", allow_redirects=False, timeout=30)
    assert on_b.status_code == 200 and "Vårdcentral A1" in on_b.text and "Bo Beställare" in on_b.text
    assert on_b.headers["X-Request-ID"]

    proxy, proxy_url = _start_proxy(servers, tmp_path)
    try:
        through_proxy = [session.get(proxy_url + "/vardcentraler/", allow_redirects=False, timeout=30) for _ in range(4)]
    finally:
        _stop(proxy)
    assert [response.status_code for response in through_proxy] == [200] * 4
    # Caddy's request id reaches the app and comes back, one per request.
    assert len({response.headers["X-Request-ID"] for response in through_proxy}) == 4

    # Signing out on B signs out on A too: the session is one row in the shared database.
    token = _csrf(session, web_b.url + "/vardcentraler/")
    session.post(web_b.url + reverse("logout"), data={"csrfmiddlewaretoken": token}, allow_redirects=False, timeout=30)
    on_a = session.get(web_a.url + "/vardcentraler/", allow_redirects=False, timeout=30)
    assert on_a.status_code == 302 and on_a.headers["Location"].startswith(reverse("login"))


def test_an_autosave_conflict_between_two_servers_has_one_winner_and_one_409(servers, world):
    from dialogs.models.answers import Answer
    from tests.dialogs.onsite_factories import onsite_dialogue

    dialogue = onsite_dialogue(world)
    question = dialogue.guide_version.questions.get(key="p1-q01")
    url = reverse("dialogs:answer_autosave", args=[dialogue.pk, question.pk])
    section = reverse("dialogs:onsite_section", args=[dialogue.pk, "p1"])
    people = []
    for server, username, text in ((servers[0], "bestallare", "Bos anteckning"), (servers[1], "utveckling", "Umas")):
        session = _sign_in(server.url, username)
        people.append((session, server.url + url, _csrf(session, server.url + section), text))

    start = threading.Barrier(len(people))
    answers = {}

    def save(session, target, token, text):
        start.wait(timeout=30)
        answers[text] = session.post(
            target, data=json.dumps({"base_revision": 0, "text": text}), timeout=60,
            headers={"Content-Type": "application/json", "X-CSRFToken": token, "Referer": target},
        )

    threads = [threading.Thread(target=save, args=person) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert sorted(response.status_code for response in answers.values()) == [200, 409]
    (winner,) = [text for text, response in answers.items() if response.status_code == 200]
    (loser,) = [response for response in answers.values() if response.status_code == 409]
    assert loser.json()["server"]["text"] == winner  # the one who lost sees the winner's text to merge
    answer = Answer.objects.get(dialogue=dialogue, question=question)
    assert (answer.text, answer.revision) == (winner, 1)


def test_two_workers_never_run_the_same_import_twice(environment, world, settings, tmp_path):
    from django_tasks_db.models import DBTaskResult

    from indicators import content
    from indicators.imports import batches
    from indicators.imports.jobs.tasks import import_batch_process
    from indicators.models import BatchStatus, ImportBatch, Observation
    from tests.indicators.import_fixtures import generic_file

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"  # the uploaded files, shared with the workers as the media volume is
    content.load()
    queued = []
    for year in range(2015, 2023):
        batch = batches.import_batch_create_from_bytes(
            region=world.region_a, user=world.user("admin"), file_name=f"pvk-{year}.csv",
            content=generic_file(f"PVK-01;SE-A1;{year};T;41,7;;", f"PVK-01;SE-A2;{year};T;50,0;;"),
        )
        import_batch_process.call(batch.pk)  # the dry run the administrator reads before confirming
        batches.import_batch_confirm(batch=batch, valid_rows_only=False)
        queued.append(batch.pk)
        import_batch_process.enqueue(batch.pk)
    import_batch_process.enqueue(queued[0])  # queued twice: a restart racing the first enqueue

    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0.05",
             "--worker-id", worker_id],
            cwd=ROOT, env={**environment, "MEDIA_ROOT": str(settings.MEDIA_ROOT)}, stdout=subprocess.DEVNULL,
            stderr=(tmp_path / f"{worker_id}.log").open("w"),
        )
        for worker_id in ("worker-a", "worker-b")
    ]
    for worker in workers:
        assert worker.wait(timeout=300) == 0, (tmp_path / "worker-a.log").read_text()[-2000:]

    results = list(DBTaskResult.objects.filter(task_path=import_batch_process.module_path))
    assert len(results) == len(queued) + 1
    assert all(result.status == "SUCCESSFUL" for result in results), [r.traceback for r in results if r.traceback]
    assert all(len(result.worker_ids) == 1 for result in results)  # no task was claimed by both workers
    assert {worker for result in results for worker in result.worker_ids} <= {"worker-a", "worker-b"}
    for batch in ImportBatch.objects.filter(pk__in=queued):
        # Imported once: a second run of the same import would have found nothing new (added_count 0).
        assert (batch.status, batch.added_count) == (BatchStatus.DONE, 2), batch.pk
    assert Observation.objects.count() == 2 * len(queued)


def test_the_proxy_keeps_answering_when_one_web_process_dies(environment, servers, tmp_path, db):
    doomed = Server(environment, tmp_path, "web-c")
    try:
        _wait_until_healthy(doomed.url, doomed.process)
        proxy, proxy_url = _start_proxy([servers[0], doomed], tmp_path)
        try:
            doomed.process.kill()
            doomed.process.wait()
            statuses = [requests.get(proxy_url + "/healthz", timeout=30).status_code for _ in range(6)]
        finally:
            _stop(proxy)
    finally:
        doomed.stop()
    assert statuses == [200] * 6
