"""The Celery app: every ``CELERY_*`` Django setting configures it (see config/settings.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("deputy_action")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
