"""The Celery app: every ``CELERY_*`` Django setting configures it (see config/settings.py)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_init, worker_process_init

from config.warmup import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("deputy_action")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def warm_up_before_forking(**_kwargs) -> None:
    """Load the router, jieba and the similarity check in the worker's main process before it forks
    its pool (config.warmup): every pool process starts with them, and the first suggestion is
    routed as fast as the second. The database connection used here is closed before the fork."""
    warm_up()


@worker_process_init.connect
def warm_up_pool_process(**_kwargs) -> None:
    """Each pool process checks it has them (nothing to load when the main process did; everything
    when it could not, say the database was not reachable yet at start)."""
    warm_up()


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
