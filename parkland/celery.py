"""The Celery application of the background jobs (docs/jobs.md): `celery -A parkland worker|beat`.

Its settings are the CELERY_* names of parkland/settings.py; without a broker, tasks run eagerly.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkland.settings")

app = Celery("parkland")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
