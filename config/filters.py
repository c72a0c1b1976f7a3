"""Filters shared by every app's FilterSets."""

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from rest_framework import filters
from rest_framework.exceptions import ValidationError

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


class AllYesNoSelect(forms.NullBooleanSelect):
    """全部 / 是 / 否: Django's own select offers 未知 (Unknown) for "no filter", which reads as a value."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", gettext_lazy("全部")), ("true", gettext_lazy("是")), ("false", gettext_lazy("否"))]

    def format_value(self, value):
        # A list, as Select's own: the parent's single string would match "" as a substring of "true".
        formatted = super().format_value(value)
        return ["" if formatted == "unknown" else formatted]


class BooleanFilter(django_filters.BooleanFilter):
    """A yes/no filter whose empty choice reads 全部 (every app's FilterSets use this one)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AllYesNoSelect)
        super().__init__(*args, **kwargs)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which leaves a list alone when no query parameter names a filter.

    Building the FilterSet and validating its form (with the user's scoped choices) costs a list a
    millisecond or more per request; with none of its parameters present every filter is skipped
    anyway (an empty value filters nothing), so the answer is the same queryset. A parameter that
    is a filter's name, or starts with it and ``_`` (range and multi-widget filters), runs the
    FilterSet as before, with its validation errors.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = filterset_class.base_filters
        if not any(key == name or key.startswith(f"{name}_") for key in request.query_params for name in names):
            return queryset
        return super().filter_queryset(request, queryset, view)


class FilterBackendSchema(DjangoFilterExtension):
    """The API schema documents ``FilterBackend``'s parameters as django-filter's own."""

    target_class = "config.filters.FilterBackend"


class OrderingFilter(filters.OrderingFilter):
    """``?ordering=`` restricted to the fields a view declares (``ordering_fields``, else its default
    ``ordering`` or its model's); anything else is a 400 naming ``ordering``, not a silent default or a database error.

    DRF's own filter, with no ``ordering_fields``, offers every serializer field, including computed
    ones such as a masked phone that no database column holds.
    """

    def get_valid_fields(self, queryset, view, context=None):
        declared = getattr(view, "ordering_fields", None)
        if declared is None or declared == "__all__":
            default = getattr(view, "ordering", None) or queryset.model._meta.ordering or ()
            declared = [default] if isinstance(default, str) else list(default)
            declared = [name.lstrip("-") for name in declared]
        return [(name, name) for name in declared]

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            wanted = [term.strip() for term in params.split(",") if term.strip()]
            valid = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
            unknown = [term for term in wanted if term.lstrip("-") not in valid]
            if unknown:
                allowed = "、".join(sorted(valid)) or _("（无）")
                raise ValidationError({self.ordering_param: [_("不能按 %(fields)s 排序；可用：%(allowed)s。") % {"fields": "、".join(unknown), "allowed": allowed}]})
            return wanted
        return self.get_default_ordering(view)
