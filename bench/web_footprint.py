"""Benchmark for sizing (docs/operations.md): what one gunicorn worker process costs.

Builds the demo in a throwaway SQLite database, starts gunicorn (config/gunicorn.conf.py, one sync worker, production
settings), signs in as the demo's beställare and reads the everyday pages ``--rounds`` times. Prints one JSON
document: the worker's resident memory after start and after the rounds (MB), and each page's median and 95th
percentile time (ms).

    .venv/bin/python bench/web_footprint.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parent.parent
PAGES = ["/", "/dialoger/oversikt/", "/vardcentraler/", "/indikatorer/", "/aterkoppling/"]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3", "MEDIA_ROOT": workdir,
               "DEBUG": "0", "SECRET_KEY": "bench-only-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1",
               "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "STATIC_ROOT": f"{workdir}/static",
               "LOG_LEVEL": "WARNING"}
        for command in (["migrate", "--noinput"], ["load_content"], ["demo", "--force"], ["collectstatic", "--noinput"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, check=True,
                           capture_output=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"],
            cwd=BASE_DIR, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if requests.get(base + "/healthz", timeout=10).status_code == 200:
                        break
                except requests.RequestException:
                    time.sleep(0.1)
            worker = _worker_pid(server.pid)
            rss_start = _rss_mb(worker)
            session = requests.Session()
            login = session.get(base + "/konto/logga-in/", timeout=30)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
            session.post(base + "/konto/logga-in/", timeout=30, allow_redirects=False,
                         data={"username": "demo-bestallare", "password": "demo", "csrfmiddlewaretoken": token})
            timings: dict[str, list[float]] = {page: [] for page in PAGES}
            for _ in range(args.rounds):
                for page in PAGES:
                    started = time.perf_counter()
                    response = session.get(base + page, timeout=60)
                    timings[page].append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (page, response.status_code)
            result = {
                "rounds": args.rounds,
                "worker_rss_mb": {"after_start": rss_start, "after_rounds": _rss_mb(worker)},
                "pages_ms": {
                    page: {"median": round(statistics.median(times), 1),
                           "p95": round(sorted(times)[int(0.95 * (len(times) - 1))], 1)}
                    for page, times in timings.items()
                },
            }
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
