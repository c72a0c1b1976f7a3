from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from config.filters import IdFilter
from residents.models import UNRELEASED, MessageStatus, ResidentMessage


class MessageFilter(django_filters.FilterSet):
    """The inbox's and the API's filter. Without a status it lists what was passed on; held messages
    (待审核) and discarded ones are listed only when asked for by status."""

    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=MessageStatus.choices, empty_label=_("全部（不含待审核）")
    )
    q = django_filters.CharFilter(label=_("关键词"), field_name="text", lookup_expr="icontains")
    station = IdFilter(label=_("联络站"), field_name="station_id")

    class Meta:
        model = ResidentMessage
        fields = ["status", "station"]

    @property
    def qs(self):
        qs = super().qs
        chosen = self.form.cleaned_data.get("status") if self.is_bound and self.form.is_valid() else None
        return qs if chosen else qs.exclude(status__in=UNRELEASED)
