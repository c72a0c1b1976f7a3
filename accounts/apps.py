from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("用户与权限")

    def ready(self):
        from accounts import tokens  # noqa: F401 - connects the password-change receiver
        from config import signin  # noqa: F401 - counts failed sign-ins for the growing delay
        from config.choices import use_chinese_empty_choices

        use_chinese_empty_choices()
