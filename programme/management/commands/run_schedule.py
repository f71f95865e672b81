"""Run the periodic jobs (programme/schedule.py) for ever, or once with ``--once``. Start it as its own service
beside the worker (docker-compose's ``scheduler``); two or more at once are safe: each job runs once per
interval whichever scheduler claims it."""

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from programme.schedule import jobs, run_due


class Command(BaseCommand):
    help = "Kör de schemalagda jobben (e-postkön, påminnelser, avbrutna importer) med jämna mellanrum."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Kör de jobb som står på tur en gång och avsluta.")
        parser.add_argument("--tick", type=int, default=30, help="Sekunder mellan två kontroller (standard 30).")

    def handle(self, *args, once: bool = False, tick: int = 30, **options):
        stopping = threading.Event()
        if not once:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_args: stopping.set())
            self.stdout.write("Schemat: " + ", ".join(f"{job.name} var {int(job.every.total_seconds())} s" for job in jobs()))
        while True:
            for name in run_due():
                self.stdout.write(f"Körde {name}")
            if once or stopping.wait(max(1, tick)):
                break
            close_old_connections()  # a long-running process: drop connections the database has closed
