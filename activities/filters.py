"""Filters of the activity list, its export and the API (one FilterSet for all three)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities import selectors
from activities.models import Activity, ActivityType, Attendance, Campaign
from config.filters import IdFilter


class ActivityFilter(django_filters.FilterSet):
    campaign = django_filters.ModelChoiceFilter(
        field_name="campaigns", queryset=Campaign.objects.none(), label=_("代表行动"), empty_label=_("全部")
    )
    type = django_filters.ChoiceFilter(choices=ActivityType.choices, label=_("活动类型"), empty_label=_("全部"))
    region = django_filters.ModelChoiceFilter(
        queryset=None, method="filter_region", label=_("区划"), empty_label=_("全部"), to_field_name="code"
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    # By id for the API and links from a deputy's page; by name or initials for people typing.
    deputy = IdFilter(method="filter_deputy", label=_("代表ID"), widget=forms.HiddenInput)
    deputy_name = django_filters.CharFilter(method="filter_deputy_name", label=_("代表姓名/拼音首字母"))
    group = django_filters.ModelChoiceFilter(queryset=None, label=_("代表小组"), empty_label=_("全部"))
    station = django_filters.ModelChoiceFilter(queryset=None, label=_("联络站"), empty_label=_("全部"))

    class Meta:
        model = Activity
        fields = ["campaign", "type", "region", "date_from", "date_to", "deputy", "deputy_name", "group", "station"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = user or getattr(request, "user", None)
        self.filters["campaign"].queryset = selectors.campaigns_for(user)
        self.filters["region"].queryset = selectors.filter_regions_for(user)
        self.filters["group"].queryset = selectors.groups_for(user)
        self.filters["station"].queryset = selectors.stations_for(user)

    def filter_region(self, queryset, name, value):
        return queryset.filter(region_prefix__startswith=value.prefix) if value else queryset

    def filter_deputy(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(pk__in=Attendance.objects.filter(deputy_id=value).values("activity_id"))

    def filter_deputy_name(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        attended = Attendance.objects.filter(
            Q(deputy__name__icontains=value) | Q(deputy__name_initials__startswith=value.lower())
        ).values("activity_id")
        return queryset.filter(pk__in=attended)
