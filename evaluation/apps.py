from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Per-mu efficiency evaluation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The map's colouring by 亩均 class (/map/?colour=per_mu), and the 开竣工预警 in every
        # reminders run (the weekday job and `send_reminders`): both register themselves.
        from . import mapping, reminders  # noqa: F401
