from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "duty"
    verbose_name = _("履职积分")
    default_auto_field = "django.db.models.BigAutoField"
