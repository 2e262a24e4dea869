"""Text drawn once and filled in for each request: the user's menu (`{% user_menu %}`) and the
whole of a kept list page (`ScopedListView.kept_rows`).

What differs between two readers of one drawn text is marked in it by a slot, `\\0name\\0`, and
filled per request with that request's value, escaped: the reader's name and user name, the CSRF
token of its forms, and the page's own address (which the language switch returns to). Only the
names in `SLOTS` are slots; a NUL byte cannot come from a form (Django's form fields refuse it), and
any other text between two NULs is left as it is.
"""

import re
from html import escape

from django.middleware.csrf import get_token
from django.utils.safestring import SafeString

SLOTS = ("name", "username", "token", "page")
_SLOT = re.compile("\0(" + "|".join(SLOTS) + ")\0")


def slot(name: str) -> SafeString:
    """Where a request's own value `name` goes."""
    assert name in SLOTS, name
    return SafeString(f"\0{name}\0")


def split(text: str) -> list[str]:
    """Text and slot names by turns: "text", "name", "text", "token", …"""
    return _SLOT.split(text)


def unfilled(parts: list[str]) -> SafeString:
    """The text of `split(text)` again, its slots still open (for a part drawn inside a kept page)."""
    return SafeString("".join(part if i % 2 == 0 else f"\0{part}\0" for i, part in enumerate(parts)))


def request_values(request) -> dict[str, str]:
    """The slots' values for `request`; asking for the token sets the CSRF cookie when it must be."""
    from cases.templatetags.parkland import person

    user = request.user
    return {
        "name": person(user),
        "username": user.get_username(),
        "token": get_token(request),
        "page": request.get_full_path(),
    }


def fill(parts: list[str], values: dict[str, str]) -> SafeString:
    return SafeString("".join(part if i % 2 == 0 else escape(values[part]) for i, part in enumerate(parts)))
