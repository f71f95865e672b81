"""Project middleware."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control


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
