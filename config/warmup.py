"""Load what the first suggestion would otherwise load inside its request: jieba's dictionary, the
router's classifier (the active stored version, or the one trained on the bundled examples) and the
similarity check's tokeniser. Called once per web process from config/wsgi.py (runserver and
gunicorn), never in tests (they do not import config.wsgi). ``WARM_UP=false`` turns it off."""

from __future__ import annotations

import logging
import os
import time

logger = logging.getLogger(__name__)


def warm_up() -> None:
    if os.environ.get("WARM_UP", "true").strip().lower() in ("0", "false", "no", "off"):
        return
    started = time.monotonic()
    try:
        from suggestions import similarity
        from suggestions.routing import router
        from suggestions.routing.classifier import default_classifier

        default_classifier()
        similarity.term_vector("道路", "修缮")
        try:
            router.active_classifier()  # reads which stored version is active
        except Exception:  # noqa: BLE001 - a database not migrated yet: the bundled model is loaded
            logger.info("router warm-up: no stored model read (%s)", "database not ready")
        finally:
            from django.db import connections

            connections.close_all()
    except Exception:  # a failed warm-up must never stop the server; the first request loads instead
        logger.exception("warm-up failed")
        return
    logger.info("router and similarity index loaded in %.1f s", time.monotonic() - started)
