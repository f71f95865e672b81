"""The project's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import handler500, urlpatterns as project_urlpatterns  # noqa: F401 - handler500 is used by Django


def _raises(request):
    raise RuntimeError("secret detail: database password is hunter2")


def _refuses(request):
    raise PermissionDenied("Versionen är publicerad och kan inte ändras.")


def _suspicious(request):
    raise SuspiciousOperation("forged data")


urlpatterns = [
    path("test-errors/raises/", _raises),
    path("test-errors/refuses/", _refuses),
    path("test-errors/suspicious/", _suspicious),
    *project_urlpatterns,
]
