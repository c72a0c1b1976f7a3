from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"

    def ready(self):
        from activities import signals  # noqa: F401  (connects the photo-file cleanup)
