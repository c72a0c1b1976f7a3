"""The Celery app: every ``CELERY_*`` Django setting configures it (see config/settings.py)."""

import logging
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_init

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("deputy_action")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def warm_up_apps(**_kwargs) -> None:
    """Let each app prepare the worker's main process before it forks its pool (an app defines
    ``on_worker_start`` on its AppConfig: the suggestions app loads the router's model there), so
    every pool process starts with it instead of loading it on its first task.

    The database connection used here is closed again in each pool process by Celery's Django fixup.
    """
    from django.apps import apps

    for config in apps.get_app_configs():
        start = getattr(config, "on_worker_start", None)
        if start is None:
            continue
        try:
            start()
        except Exception:  # a database not reachable yet: the app's first task does it instead
            logger.warning("%s could not prepare the worker at start", config.name, exc_info=True)


@task_prerun.connect
@task_postrun.connect
def keep_connections_as_requests_do(sender=None, **_kwargs) -> None:
    """Close the database connections a task leaves only when they are too old or broken, as Django
    does around each request (``CONN_MAX_AGE``).

    Celery's Django fixup would otherwise close them before and after every task, and every task that
    reads one row would pay for a new PostgreSQL connection (about 5–10 ms, most of a routing task
    that finds its suggestion already routed). ``CELERY_DB_REUSE_MAX`` turns that off; this takes over.
    """
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return  # run in-process (embedded mode, tests): the caller's connection and transaction stay
    from django.db import close_old_connections

    close_old_connections()
