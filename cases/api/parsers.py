"""Request bodies: JSON and forms holding a control character (such as NUL) are refused with 400,
as the pages refuse them (parkland.middleware.HostileInputMiddleware)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from parkland.middleware import CONTROL, CONTROL_IN_VALUE, has_control_characters

REFUSED = _(
    "The request held a control character (such as NUL) that Parkland cannot store. Nothing was changed."
)


def _holds_control_characters(value) -> bool:
    if isinstance(value, str):
        return bool(CONTROL_IN_VALUE.search(value))
    if isinstance(value, dict):
        return any(CONTROL.search(str(k)) or _holds_control_characters(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_control_characters(v) for v in value)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _holds_control_characters(data):
            raise ParseError(REFUSED)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        if has_control_characters(result.data) or has_control_characters(result.files, names_only=True):
            for _name, uploads in result.files.lists():
                for upload in uploads:
                    upload.close()
            raise ParseError(REFUSED)
        return result
