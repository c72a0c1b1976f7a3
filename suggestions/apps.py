from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    name = "suggestions"

    def ready(self) -> None:
        # Register the tasks with Celery now: the services send them by name (suggestions.dispatch).
        from suggestions import tasks  # noqa: F401

    def on_worker_start(self) -> None:
        """Load the router's model before the worker forks (called by config.celery at worker_init):
        otherwise each pool process would load it, or train the bundled one, on its first suggestion."""
        from suggestions.routing import router

        router.active_classifier()
