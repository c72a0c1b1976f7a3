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
def load_the_router(**_kwargs) -> None:
    """Load the router's model in the worker's main process, before it forks its pool.

    Every pool process then starts with it: otherwise each would load it (or, before the first
    retrain, train the bundled one: several seconds) on its first suggestion, which then waits.
    The database connection used here is closed again in each pool process by Celery's Django fixup.
    """
    try:
        from suggestions.routing import router

        router.active_classifier()
    except Exception:  # a database not reachable yet: the first routing task loads it instead
        logger.warning("the router's model could not be loaded at worker start", exc_info=True)


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
