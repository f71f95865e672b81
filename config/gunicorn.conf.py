"""gunicorn's settings (docker-compose; tests/test_multiserver.py): its own log lines in the app's format
(LOG_FORMAT=json: JSON lines, config/logs.py) and no access log of its own, since the app writes one line per
request with the request's id (config.middleware.RequestIdMiddleware)."""

import os

from config.logs import TEXT_FORMAT

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
accesslog = None
control_socket_disable = True  # several servers may run on one machine; nothing here uses the socket
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logs.RequestIdFilter"}},
    "formatters": {
        "app": {"()": "config.logs.JsonFormatter"}
        if os.environ.get("LOG_FORMAT", "text") == "json"
        else {"format": TEXT_FORMAT},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "app",
            "filters": ["request_id"],
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}},
    "root": {"handlers": [], "level": "INFO"},
}


def post_worker_init(worker):
    """Once the worker has loaded the application, finish what Django otherwise does on a worker's first requests,
    and move what is loaded out of the garbage collector's reach (config/warmup.py says what and why)."""
    from config.warmup import warm_worker

    warm_worker()
