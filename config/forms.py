"""Form fields shared by the apps."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

# The widest id any database column here holds (a signed 64-bit integer).
ID_MIN, ID_MAX = -(2**63), 2**63 - 1


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of objects that refuses ids beyond 64 bits as invalid choices.

    Django guards exact lookups against out-of-range integers but not the ``pk__in`` lookup this
    field validates with: on SQLite a posted id such as 99999999999999999999 raised OverflowError (a 500).
    """

    def _check_values(self, value):
        self._check_bounds(value)
        return super()._check_values(value)

    def _check_bounds(self, value) -> None:
        for pk in value or ():
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number: Django's own check says so
            if not ID_MIN <= number <= ID_MAX:
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk})
