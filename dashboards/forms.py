"""The dashboard's filters (campaign, date range) and the extra narrowing of a drill list."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboards.figures import Filters, Narrowing
from dashboards.selectors import campaigns_for, current_campaign, station_in_region

ALL_CAMPAIGNS = "all"


class DashboardFilterForm(forms.Form):
    """``campaign`` (an id or "all"), ``from`` and ``to``; field names match the query string."""

    def __init__(self, data, *, campaigns, **kwargs):
        super().__init__(data, **kwargs)
        self.campaigns = {str(c.pk): c for c in campaigns}
        self.fields["campaign"] = forms.ChoiceField(
            label=_("代表行动"),
            required=False,
            choices=[(ALL_CAMPAIGNS, _("全部"))] + [(str(c.pk), str(c)) for c in campaigns],
            error_messages={"invalid_choice": _("所选代表行动不存在或不适用于本区划。")},
        )
        date_errors = {"invalid": _("请输入有效日期，如 2026-05-01。")}
        self.fields["from"] = forms.DateField(
            label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}), error_messages=date_errors
        )
        self.fields["to"] = forms.DateField(
            label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}), error_messages=date_errors
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            self.add_error("to", ValidationError(_("结束日期不能早于开始日期。"), code="range"))
            data.pop("to", None)
        return data


def dashboard_filters(params, *, user, region) -> tuple[Filters, DashboardFilterForm]:
    """Read the filters from a query string. Without ``campaign`` the current campaign applies; a
    bad value leaves that filter out and the form says why."""
    today = timezone.localdate()
    campaigns = campaigns_for(region)
    data = params.copy()
    if not data.get("campaign"):
        default = current_campaign(region, campaigns, today)
        data["campaign"] = str(default.pk) if default else ALL_CAMPAIGNS
    form = DashboardFilterForm(data, campaigns=campaigns)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    chosen = cleaned.get("campaign")
    if chosen is None:  # an invalid choice: fall back to the current campaign
        default = current_campaign(region, campaigns, today)
        campaign = default
    else:
        campaign = form.campaigns.get(chosen)
    filters = Filters.build(
        user=user,
        region=region,
        campaign=campaign,
        date_from=cleaned.get("from"),
        date_to=cleaned.get("to"),
        today=today,
        station=station_in_region(user, region, params.get("station")),
    )
    return filters, form


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def narrowing_from(params) -> tuple[Narrowing, dict[str, str]]:
    """The drill list's extra narrowing (category, department, month); bad values are left out
    and reported."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    raw = params.get("department")
    if raw is not None:
        if raw.isdigit():
            values["department"] = int(raw)
        else:
            errors["department"] = str(_("编号无效。"))
    if "category" in params:
        values["category"] = params.get("category", "")
    raw = params.get("month")
    if raw is not None:
        match = _MONTH.match(raw)
        if match and 1 <= int(match.group(2)) <= 12:
            values["month"] = (int(match.group(1)), int(match.group(2)))
        else:
            errors["month"] = str(_("月份格式应为 2026-05。"))
    return Narrowing(**values), errors
