"""List filters shared by the pages and the API: state, category, department, region, campaign, deadline; the calendar's year."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from config.filters import BooleanFilter, IdFilter
from suggestions.models import Assignment, CalendarDay, CalendarDayKind, Department, Status, Suggestion
from suggestions.selectors import DeadlineState, deadline_in, departments_visible_to
from suggestions.taxonomy import category_choices


def _departments(request):
    return departments_visible_to(request.user) if request is not None else Department.objects.none()


DEADLINE_CHOICES = [
    (DeadlineState.DUE_SOON, _("即将到期（催办）")),
    (DeadlineState.OVERDUE, _("已逾期（督办）")),
    (DeadlineState.LONG_OVERDUE, _("逾期通报")),
    ("late", _("逾期（含通报）")),
]


class SuggestionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=category_choices())
    # An id in the API schema (the page shows the same filter as a select of names).
    department = extend_schema_field(OpenApiTypes.INT)(django_filters.ModelChoiceFilter)(
        label=_("承办单位"), queryset=_departments, method="filter_department"
    )
    region = django_filters.CharFilter(label=_("区划代码"), method="filter_region")
    campaign = IdFilter(label=_("代表行动"), field_name="campaign_id")
    deadline = django_filters.ChoiceFilter(label=_("期限"), choices=DEADLINE_CHOICES, method="filter_deadline")
    key_supervision = BooleanFilter(label=_("重点督办"))

    class Meta:
        model = Suggestion
        fields: list[str] = []

    def filter_q(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(number__icontains=value) | Q(lead_deputy__name__icontains=value))

    def filter_department(self, qs, name, value):
        # Exists, not a join: a suggestion with two assignments to one department is listed once.
        return qs.filter(Exists(Assignment.objects.filter(suggestion=OuterRef("pk"), department=value)))

    def filter_region(self, qs, name, value):
        from regions.models import Region

        region = Region.objects.filter(code=value).first()
        return qs.filter(region_prefix__startswith=region.prefix) if region else qs.none()

    def filter_deadline(self, qs, name, value):
        states = [DeadlineState.OVERDUE, DeadlineState.LONG_OVERDUE] if value == "late" else [value]
        return qs.filter(deadline_in(states))




class YearField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.NumberFilter):
    """A calendar year, 1 to 9999: a larger number is bad input (the date's year cannot hold it), not a 500."""

    field_class = YearField


class CalendarDayFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CalendarDayKind.choices)
    year = YearFilter(field_name="date", lookup_expr="year", label=_("年份"))

    class Meta:
        model = CalendarDay
        fields = ["kind", "year"]
