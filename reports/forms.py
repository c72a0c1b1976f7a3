"""Forms of the report pages: a new report (region, campaign, dates) and the office's edits."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.scope import regions_in_scope
from dashboards.selectors import campaigns_for
from regions.models import LEVEL_ORDER, Region, RegionLevel

# A report can be made for the user's own region and the two levels below it (never a village).
LEVELS_BELOW = 2
MAX_CASES = 6
TEXT_LIMIT = 3000
DATE_ERRORS = {"invalid": _("请输入有效日期，如 2026-05-01。")}


def report_regions(user) -> list[Region]:
    own = user.region if not user.is_superuser else None
    start = LEVEL_ORDER.index(RegionLevel(own.level)) if own else 0
    levels = [lvl for lvl in LEVEL_ORDER[start : start + LEVELS_BELOW + 1] if lvl != RegionLevel.VILLAGE]
    return list(regions_in_scope(user).filter(level__in=levels).order_by("code"))


class ReportCreateForm(forms.Form):
    region = forms.ChoiceField(label=_("报告区划"))
    campaign = forms.ChoiceField(label=_("代表行动"), error_messages={"invalid_choice": _("所选代表行动不存在或不适用于本区划。")})
    date_from = forms.DateField(
        label=_("起始日期（可不填）"), required=False, widget=forms.DateInput(attrs={"type": "date"}), error_messages=DATE_ERRORS
    )
    date_to = forms.DateField(
        label=_("截止日期（可不填）"), required=False, widget=forms.DateInput(attrs={"type": "date"}), error_messages=DATE_ERRORS
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {r.code: r for r in report_regions(user)}
        self.fields["region"].choices = [(code, f"{'　' * LEVEL_ORDER.index(RegionLevel(r.level))}{r.name}") for code, r in self.regions.items()]
        base = user.region if user.region_id else next(iter(self.regions.values()), None)
        campaigns = campaigns_for(base) if base else []
        self.fields["campaign"].choices = [(str(c.pk), f"{c}（{c.get_kind_display()} · {c.region.name}）") for c in campaigns]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", ValidationError(_("截止日期不能早于起始日期。"), code="range"))
        region = self.regions.get(data.get("region") or "")
        if region is not None and data.get("campaign"):
            campaigns = {str(c.pk): c for c in campaigns_for(region)}
            if data["campaign"] not in campaigns:
                self.add_error("campaign", ValidationError(_("所选代表行动不适用于所选区划。"), code="campaign"))
            else:
                data["campaign_obj"] = campaigns[data["campaign"]]
        data["region_obj"] = region
        return data


class ReportEditForm(forms.Form):
    opening = forms.CharField(
        label=_("开头段落"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("留空则使用系统按数据生成的开头。每行一段。"),
    )
    closing = forms.CharField(
        label=_("结尾段落"), required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("留空则使用默认结尾。每行一段。"),
    )
    cases = forms.MultipleChoiceField(
        label=_("典型案例"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("只列出办理结果为A类且代表测评满意的建议，按联名代表和反映群众人数排序。都不勾选则由系统按规则选取。"),
        error_messages={"invalid_choice": _("所选建议不符合典型案例的条件。")},
    )
    version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [
            (str(c["id"]), f"{c['title']}（{c['region__name']}，{c['weight']}人）") for c in candidates
        ]

    def clean_cases(self):
        ids = [int(x) for x in self.cleaned_data["cases"]]
        if len(ids) > MAX_CASES:
            raise ValidationError(_("典型案例最多选 %(n)s 个。"), params={"n": MAX_CASES}, code="too_many")
        order = {int(value): n for n, (value, _label) in enumerate(self.fields["cases"].choices)}
        return sorted(ids, key=order.__getitem__)
