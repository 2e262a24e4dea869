"""Sign-in: the backend that reads the signed-in user, the one that refuses a locked-out sign-in
(django-axes), and the page that says so."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db import router
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


class ModelBackend(backends.ModelBackend):
    """Django's, with the signed-in user read in plain SQL (parkland/plainsql.py) together with the
    user's parks and the data version (`cases.scoping.signed_in_user`): every request reads them,
    the ORM's queries cost several times a row's round trip to build, and one round trip is less
    than three."""

    def get_user(self, user_id):
        from cases.scoping import signed_in_user

        user = signed_in_user(user_id, using=router.db_for_read(get_user_model()))
        return user if user is not None and self.user_can_authenticate(user) else None


class LockoutBackend(AxesStandaloneBackend):
    """Refuses every sign-in through a web request while its user name or address is locked out.

    Code that checks a password without a request (the shell, a management command) cannot be
    attacked from the network and is let through to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_message() -> str:
    return _(
        "Sign-in is locked: too many failed attempts for this account or from this computer. "
        "Try again in %(minutes)d minutes, or ask a system administrator to unlock it."
    ) % {"minutes": settings.PARKLAND_LOGIN_LOCKOUT_MINUTES}


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page again, with the lockout and how long it lasts; 429 Too Many Requests."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username[:150]})
    context = {
        "form": form,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "lockout_message": lockout_message(),
    }
    response = TemplateResponse(request, "registration/login.html", context, status=429)
    return response.render()
