"""Filters shared by every app's FilterSets."""

import re

import django_filters
import django_filters.rest_framework
from django import forms
from django.db import models
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


class WholeNumberFilter(django_filters.NumberFilter):
    """A filter on an integer column: a whole number in the bigint range (django-filter's default takes 0.5)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -MAX_ID - 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictFilterSet(django_filters.rest_framework.FilterSet):
    """The FilterSet a view's ``filterset_fields`` make: integer columns take whole numbers only."""

    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        **{field: {"filter_class": WholeNumberFilter} for field in (
            models.IntegerField, models.SmallIntegerField, models.BigIntegerField,
            models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField,
        )},
    }


class FilterBackendSchema(DjangoFilterExtension):
    """The API schema documents ``FilterBackend``'s parameters as django-filter's own."""

    target_class = "config.filters.FilterBackend"
    priority = 1  # before drf-spectacular's own extension, which matches this subclass too

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        """django-filter's parameters, with the bounds of a number filter's form field (an id from 1)."""
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        if not issubclass(filter_field.field_class, forms.IntegerField):
            return parameters
        # A field of our own: ``filter_field.field`` would cache one on the class's filter, and a FilterSet
        # that sets its choices per request (``ActivityFilter``) would then keep the cached empty ones.
        bounds = {k: v for k, v in filter_field.extra.items() if k in ("min_value", "max_value")}
        field = filter_field.field_class(**bounds)
        for parameter in parameters:
            schema = parameter["schema"]
            if schema.get("type") in ("integer", "number"):
                schema["type"] = "integer"
                if field.min_value is not None:
                    schema["minimum"] = field.min_value
                if field.max_value is not None:
                    schema["maximum"] = field.max_value
        return parameters


class OrderingFilter(filters.OrderingFilter):
    """``?ordering=`` restricted to the fields a view declares (``ordering_fields``, else its default
    ``ordering`` or its model's); anything else is a 400 naming ``ordering``, not a silent default or a database error.

    DRF's own filter, with no ``ordering_fields``, offers every serializer field, including computed
    ones such as a masked phone that no database column holds.
    """

    def get_valid_fields(self, queryset, view, context=None):
        return [(name, name) for name in self._declared(view, queryset.model)]

    @staticmethod
    def _declared(view, model) -> list[str]:
        declared = getattr(view, "ordering_fields", None)
        if declared is None or declared == "__all__":
            default = getattr(view, "ordering", None) or (model._meta.ordering if model is not None else ()) or ()
            declared = [default] if isinstance(default, str) else list(default)
            declared = [name.lstrip("-") for name in declared]
        return list(declared)

    def get_schema_operation_parameters(self, view):
        """The declared fields in the schema too: a comma-separated list, each optionally with ``-``."""
        parameters = super().get_schema_operation_parameters(view)
        try:
            model = view.get_serializer_class().Meta.model
        except AttributeError:
            model = None
        names = self._declared(view, model)
        if names:
            one = "-?({})".format("|".join(re.escape(name) for name in names))
            for parameter in parameters:
                parameter["schema"] = {"type": "string", "pattern": f"^({one}(,{one})*)?$"}
                parameter["description"] = f"Comma-separated, each optionally after - for descending: {', '.join(names)}."
        return parameters

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            wanted = [term.strip() for term in params.split(",") if term.strip()]
            valid = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
            unknown = [term for term in wanted if term.removeprefix("-") not in valid]
            if unknown:
                allowed = "、".join(sorted(valid)) or _("（无）")
                raise ValidationError({self.ordering_param: [_("不能按 %(fields)s 排序；可用：%(allowed)s。") % {"fields": "、".join(unknown), "allowed": allowed}]})
            return wanted
        return self.get_default_ordering(view)



class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which leaves a list alone when no query parameter names a filter.

    Building the FilterSet and validating its form (with the user's scoped choices) costs a list a
    millisecond or more per request; with none of its parameters present every filter is skipped
    anyway (an empty value filters nothing), so the answer is the same queryset. A parameter that
    is a filter's name, or starts with it and ``_`` (range and multi-widget filters), runs the
    FilterSet as before, with its validation errors.
    """

    filterset_base = StrictFilterSet

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = filterset_class.base_filters
        if not any(key == name or key.startswith(f"{name}_") for key in request.query_params for name in names):
            return queryset
        _check_values(request, names)
        return super().filter_queryset(request, queryset, view)


def _check_values(request, filters) -> None:
    """What django-filter would quietly read as "no filter" is refused, as the schema says: a yes/no filter
    takes only true or false ("yes", "1" would answer the whole list), and an empty value is no date,
    number or choice (only a text filter takes "")."""
    for name, spec in filters.items():
        value = request.query_params.get(name)
        if value is None:
            continue
        if isinstance(spec, django_filters.BooleanFilter):
            if value not in ("true", "false", "True", "False"):
                raise ValidationError({name: [_("%(name)s 只能是 true 或 false。") % {"name": name}]})
        elif value == "" and not issubclass(spec.field_class, forms.CharField):
            raise ValidationError({name: [_("%(name)s 不能为空。") % {"name": name}]})
