"""The production settings for the app servers of tests/test_two_servers.py, which run without
`collectstatic`: static files named without the manifest (nothing else differs)."""

from parkland.settings import *  # noqa: F403
from parkland.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
