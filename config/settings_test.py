"""Settings for the test suite: the production settings with a throwaway key and tasks run inline."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-" + "x" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from config.settings import *  # noqa: E402,F403

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Serve static files straight from static/ (no collectstatic) in tests and the browser tests' live server.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# Files the tests make (archive exports, imports) go to a directory of the test process, never into var/media.
if "MEDIA_ROOT" not in os.environ:
    import tempfile as _tempfile

    MEDIA_ROOT = Path(_tempfile.gettempdir()) / f"pu-test-media-{os.getpid()}"  # noqa: F405

# A file-based SQLite test database (one per test process) instead of Django's in-memory default: with an
# in-memory database, threads share one cache and a concurrent writer fails with "table is locked" at once,
# instead of waiting its turn as it does on the real file-based database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"pu-test-{os.getpid()}.sqlite3")
    }
