from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = _("运行状态")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from config import freshness

        # Every connection reports the tables it writes, so cached API answers know when they are stale.
        connection_created.connect(freshness.install, dispatch_uid="freshness")
        # A migration changes tables without announcing it (ALTER TABLE, a new column's default):
        # every kept answer read from a migrated app's tables is dropped (a deploy runs migrate).
        post_migrate.connect(freshness.app_migrated, dispatch_uid="freshness")
