"""What every API view shares: the caller's language from Accept-Language."""

from django.utils import translation
from django.utils.cache import patch_vary_headers


class ApiViewMixin:
    """Answers in the language the request asks for (the language cookie, then Accept-Language).

    The staff pages keep to the language switch (`ChosenLanguageMiddleware`); another system has no
    switch, so its Accept-Language decides, Chinese when it asks for neither language.
    """

    def initial(self, request, *args, **kwargs):
        language = translation.get_language_from_request(request._request)
        translation.activate(language)
        request._request.LANGUAGE_CODE = translation.get_language()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
