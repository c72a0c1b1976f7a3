"""Filters shared by every app's FilterSets."""

import django_filters
from django import forms

# The largest id a bigint primary key can hold: a larger (or fractional) value is bad input, not a
# database error.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """Filter by an object id: a whole number in the bigint range, refused with a message otherwise."""

    field_class = IdField
