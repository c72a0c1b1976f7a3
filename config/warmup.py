"""Load at process start what a first request or a first task would otherwise load inside itself.

Each app that has something slow to load defines ``warm_up()`` on its AppConfig (the suggestions app
loads the router's classifier, jieba's dictionary and the similarity check's tokeniser there). This
runs them all:

- in every web process, from config/wsgi.py (runserver and gunicorn);
- in the Celery worker, from config/celery.py: at ``worker_init`` in the main process before it forks
  its pool (the children start with it loaded), and again at ``worker_process_init`` in each pool
  process, where it costs nothing when the parent already did it and loads it when the parent could
  not (a database not reachable yet at start).

Never in tests (they import neither config.wsgi nor start a worker, except the worker's own tests).
``WARM_UP=false`` turns it off. A failure is logged and never stops the process: the first request
or task then loads what is missing, as it would without a warm-up.
"""

from __future__ import annotations

import logging
import os
import time

logger = logging.getLogger(__name__)

LOADED_MESSAGE = "warm-up done in %.1f s: %s"


def enabled() -> bool:
    return os.environ.get("WARM_UP", "true").strip().lower() not in ("0", "false", "no", "off")


def warm_up() -> list[str]:
    """Run every app's ``warm_up`` hook; returns the names of the apps that loaded what they needed."""
    if not enabled():
        return []
    from django.apps import apps
    from django.db import connections

    started = time.monotonic()
    done = []
    try:
        for config in apps.get_app_configs():
            hook = getattr(config, "warm_up", None)
            if hook is None:
                continue
            try:
                hook()
            except Exception:  # one app's failure must not stop the process nor the other apps
                logger.warning("%s could not warm up; its first request or task loads instead", config.name, exc_info=True)
            else:
                done.append(config.name)
    finally:
        # A connection opened here must not be shared with forked children nor kept idle.
        connections.close_all()
    logger.info(LOADED_MESSAGE, time.monotonic() - started, ", ".join(done) or "nothing")
    return done
