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
    """Once the worker has loaded the application, finish what Django otherwise does on a worker's first request
    (import every app's URLs and views, read both languages' translations): measured, that first request took
    1.2 s, the first autosave after a deploy or a worker's restart. Then move those long-lived objects out of the
    garbage collector's reach: its full collections otherwise walk all of them in the middle of a request, which
    was most of the on-site page's slow tail in bench/dialogue.py."""
    import gc

    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and every view module)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Start")  # loads the language's catalogue
    gc.collect()
    gc.freeze()
