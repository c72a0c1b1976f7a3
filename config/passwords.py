"""Password rules that speak Chinese.

Django 5.2 rewrote the minimum-length message and its zh-hans catalogue has no translation for the
new text yet, so users changing a password saw English. The rule is Django's; only the words are ours.
"""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self):
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
