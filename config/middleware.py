"""Chinese first: the interface is in Chinese unless the user picked another language.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show English to an
office whose browser happens to be set to English. Here only the explicit choice (the language
cookie set by the footer switch) overrides LANGUAGE_CODE.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
