from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Idle and low-efficiency land disposal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import figures
        from .deadlines import signals

        signals.connect()
        figures.connect()
