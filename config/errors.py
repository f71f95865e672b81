"""The pages people meet when something is refused or goes wrong, in the site's layout and language.

400, 403 and 404 are Django's own views with our templates (``templates/400.html`` …). Three need more:

* ``server_error`` (500) renders ``500.html`` without the request's context (no session, no user, no database):
  any of them may be what failed. If even that template cannot be rendered, a fixed page is sent.
* ``csrf_failure`` (403) is the page for a form whose security token has expired (signed out in another tab, a
  page left open over night): it says so, offers to reload, and shows back every text the person had typed, so
  nothing is lost without them knowing. A JSON request gets the message as JSON.
* ``locked_out`` (429) is django-axes' lockout after repeated failed sign-ins, with the minutes to wait.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FALLBACK_500 = (
    "<!doctype html><html lang='sv'><head><meta charset='utf-8'><title>Serverfel – PrimärvårdsUppföljning</title>"
    "</head><body><main><h1>Något gick fel</h1><p>Ett fel uppstod på servern. Felet är loggat. "
    "<a href='/'>Till startsidan</a></p><p lang='en'>A server error occurred. It has been logged. "
    "<a href='/'>Start page</a></p></main></body></html>"
)

# Posted fields that are never the person's own text.
_NOT_TYPED = {"csrfmiddlewaretoken", "next"}


def server_error(request, *args, **kwargs):
    try:
        body = render_to_string("500.html")
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        logger.exception("The 500 page could not be rendered")
        body = FALLBACK_500
    return HttpResponseServerError(body)


def _wants_json(request) -> bool:
    return request.content_type == "application/json" or "application/json" in request.headers.get("Accept", "")


def _typed_texts(request) -> list[str]:
    """What the person typed into the form that was refused, in the order of the form: the posted values that
    read as text (a letter, and a space or some length), not ids, choices, revisions or tokens."""
    texts = []
    for name, values in request.POST.lists():
        if name in _NOT_TYPED or name.endswith("base_revision"):
            continue
        texts.extend(value for value in values if _reads_as_text(value))
    return texts


def _reads_as_text(value: str) -> bool:
    value = value.strip()
    return any(char.isalpha() for char in value) and (" " in value or len(value) >= 12)


def _back_url(request) -> str:
    """The page the form was on (the Referer, if it is ours), else the address the form was sent to."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path


def csrf_failure(request, reason: str = ""):
    message = _("Formuläret har gått ut, så det kunde inte tas emot. Ingenting har sparats. Ladda om sidan och skicka igen.")
    if _wants_json(request):
        return JsonResponse({"error": message, "expired": True}, status=403)
    context = {"message": message, "texts": _typed_texts(request), "back_url": _back_url(request)}
    return render(request, "403_csrf.html", context, status=403)


def locked_out(request, original_response=None, credentials=None):
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = max(1, round(cooloff.total_seconds() / 60)) if cooloff else None
    return render(request, "429.html", {"cooloff_minutes": minutes}, status=429)
