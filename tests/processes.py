"""Helpers for tests that start the product's own programs (manage.py, gunicorn, the worker, bin/ scripts)."""

import os


def base_environment(**variables: str) -> dict[str, str]:
    """Only the basics of this process's environment (the test settings put their own variables into it), plus
    ``variables``."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(variables)
    return env


def database_url(settings_dict: dict, name: str | None = None) -> str:
    """A postgres:// URL for a Django PostgreSQL connection's settings (another database name with ``name``)."""
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    return f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@{host}:{port}/{name or settings_dict['NAME']}"
