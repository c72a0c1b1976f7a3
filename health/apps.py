from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = _("运行状态")

    def ready(self):
        from django.db.backends.signals import connection_created

        from config import freshness

        # Every connection reports the tables it writes, so cached API answers know when they are stale.
        connection_created.connect(freshness.install, dispatch_uid="freshness")
