from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class SuggestionsConfig(AppConfig):
    name = "suggestions"

    def ready(self) -> None:
        # Register the tasks with Celery now: the services send them by name (suggestions.dispatch).
        from suggestions import tasks  # noqa: F401
        from suggestions.routing import classifier

        # The model trained on the bundled examples is kept here for the next process (config/warmup.py).
        classifier.KEEP_DIR = Path(settings.ROUTER_MODEL_DIR) if settings.ROUTER_MODEL_DIR else None

    def warm_up(self) -> None:
        """Load what the first submission would otherwise load inside its request or routing task
        (config.warmup calls this when a web process or a worker starts): the router's active model
        (or the one trained on the bundled examples), jieba's dictionary and the model's vocabulary
        (one prediction), and the similarity check's tokeniser."""
        from django.db import DatabaseError

        from suggestions import similarity
        from suggestions.routing import router
        from suggestions.routing.classifier import default_classifier

        try:
            classifier = router.active_classifier()
        except DatabaseError:  # not migrated or not reachable yet: the bundled model, as routing falls back to
            classifier = default_classifier()
        classifier.predict("村道坑洼，雨天积水，希望尽快修缮。")
        similarity.term_vector("村道修缮", "雨天积水")
