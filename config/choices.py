"""Chinese for an empty choice: Django draws "---------" in every select with nothing chosen."""

from django.utils.translation import gettext_lazy as _

EMPTY_CHOICE = _("请选择")


def use_chinese_empty_choices() -> None:
    """Called once at start-up (accounts.apps): model field choices and model choice fields then
    offer 请选择 (Choose… in English) instead of dashes."""
    from django.db.models import fields
    from django.forms import models

    fields.BLANK_CHOICE_DASH[0] = ("", EMPTY_CHOICE)
    models.ModelChoiceField.__init__.__kwdefaults__["empty_label"] = EMPTY_CHOICE
