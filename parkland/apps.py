"""The project's own app (the admin of the sign-in records) and django-axes under a readable name."""

import axes.apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParklandConfig(AppConfig):
    name = "parkland"
    verbose_name = _("Parkland")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import renewed_at_sign_in

        user_logged_in.connect(renewed_at_sign_in, dispatch_uid="parkland-session-renewed-at-sign-in")


class SignInRecordsConfig(axes.apps.AppConfig):
    """django-axes, titled in the admin as what it holds for us."""

    default = False
    verbose_name = _("Sign-in records")
