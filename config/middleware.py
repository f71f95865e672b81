"""Project middleware."""

import logging
import re
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import DisallowedRedirect
from django.core.signals import request_finished
from django.dispatch import receiver
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control

from config import logs

access_logger = logging.getLogger("config.access")


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Swedish unless the user chose another language with the language switch (its cookie).

    Django's LocaleMiddleware also follows the browser's Accept-Language, which gave English to anyone whose
    browser or computer happens to be set up in English – a Swedish nurse on an English laptop, say – while
    the SKR guide content stays Swedish. Here the browser's preference is not consulted; the switch in the
    page header is the only way to English, and it is remembered in the cookie.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SignInFirstMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, for an address too long to come back to: the sign-in page's ``next`` keeps
    the address without its query (or nothing), instead of a 400 with a logged traceback (Django refuses to
    redirect to more than 16,384 characters)."""

    def handle_no_permission(self, request, view_func):
        try:
            return super().handle_no_permission(request, view_func)
        except DisallowedRedirect:
            login_url = self.get_login_url(view_func)
            field = self.get_redirect_field_name(view_func)
            try:
                return redirect_to_login(request.path, login_url, field)
            except DisallowedRedirect:
                return redirect_to_login("", login_url, field)


class PrivatePagesMiddleware:
    """Nothing shown to a signed-in user is kept by the browser or a cache on the way (``Cache-Control:
    private, no-store``). On a shared tablet, pressing Back after signing out must not bring the previous
    person's pages – dialogue notes, clinic comments – back from the browser's cache. Responses that set
    their own caching are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_store=True)
        return response


class RequestIdMiddleware:
    """Gives each request an id: the one the proxy in front sent (``REQUEST_ID_HEADER``, e.g. X-Request-ID, if it
    looks like an id), else a new one. The id is in every log line written while the request is handled
    (config/logs.py), in the response's X-Request-ID header, and in one access line per request (logger
    ``config.access``: method, path, status, duration, user)."""

    _VALID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

    def __init__(self, get_response):
        self.get_response = get_response
        header = settings.REQUEST_ID_HEADER
        self.meta_key = "HTTP_" + header.upper().replace("-", "_") if header else ""

    def __call__(self, request):
        incoming = request.META.get(self.meta_key, "") if self.meta_key else ""
        request.request_id = incoming if self._VALID.fullmatch(incoming) else uuid.uuid4().hex
        # Kept until the response is finished (request_finished, below): Django logs a 4xx/5xx after the middleware.
        logs.request_id.set(request.request_id)
        started = time.monotonic()
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        user = getattr(request, "user", None)
        access_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


@receiver(request_finished, dispatch_uid="config.forget_request_id")
def _forget_request_id(**kwargs) -> None:
    logs.request_id.set("")


# Browser features the application never uses are switched off for it and anything it might embed (a camera or
# a location request on a clinic's data page is never right). Fullscreen stays for the presentation mode.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(self), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), usb=(), xr-spatial-tracking=(), "
    "browsing-topics=()"
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def identity_provider_origins() -> list[str]:
    """Where a sign-in or sign-out form may lead after its redirect: the region's OpenID provider (its issuer and
    any endpoint set on its own). Read from the settings on every response, so a changed setting applies at once."""
    urls = [settings.OIDC_ISSUER, settings.OIDC_OP_AUTHORIZATION_ENDPOINT, settings.OIDC_OP_END_SESSION_ENDPOINT]
    return sorted({origin for origin in map(_origin, urls) if origin})


class SecurityPolicyMiddleware:
    """The Permissions-Policy header, and the Content-Security-Policy's form-action (SECURE_CSP, sent by Django's
    ContentSecurityPolicyMiddleware, which must come before this one) widened to the identity provider: browsers
    apply form-action to where a form's answer redirects, and the sign-in and sign-out forms redirect there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        providers = identity_provider_origins()
        if providers and settings.SECURE_CSP and not hasattr(response, "_csp_config"):
            form_action = list(settings.SECURE_CSP.get("form-action", []))
            response._csp_config = {**settings.SECURE_CSP, "form-action": [*form_action, *providers]}
        return response
