"""Forms for duty points: a rule version, the threshold, an office entry, a 述职 meeting, the report text."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from deputies.models import MandateLevel
from duty.models import EntryKind, MeetingRating, RuleKind


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("积分项目"), choices=RuleKind.choices)
    points = forms.DecimalField(label=_("每次分值"), max_digits=6, decimal_places=1, help_text=_("扣分项填负数"))
    ceiling = forms.DecimalField(label=_("年度上限"), max_digits=7, decimal_places=1, required=False, help_text=_("留空为不设上限"))
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ThresholdForm(forms.Form):
    threshold = forms.DecimalField(label=_("达标分数线"), max_digits=7, decimal_places=1, min_value=0)


class EntryForm(forms.Form):
    deputy = forms.IntegerField(label=_("代表编号"), widget=forms.Select)
    kind = forms.ChoiceField(label=_("类型"), choices=EntryKind.choices)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, deputies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].label = _("代表")
        self.fields["deputy"].widget.choices = [("", "—")] + list(deputies)


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("述职日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    station = forms.ModelChoiceField(label=_("述职地点(联络站)"), queryset=None)
    voters_present = forms.IntegerField(label=_("参加选民人数"), min_value=1, max_value=100000)
    rating = forms.ChoiceField(label=_("选民测评"), choices=MeetingRating.choices)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations


class ReportForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 24}), max_length=20000)


class RankingFilterForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=_("代表层级"), choices=[("", _("全部"))] + list(MandateLevel.choices), required=False)
    group = forms.TypedChoiceField(label=_("代表小组"), coerce=int, required=False, empty_value=None)
    station = forms.TypedChoiceField(label=_("联络站"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, groups=(), stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("全部"))] + [(g.pk, g.name) for g in groups]
        self.fields["station"].choices = [("", _("全部"))] + [(s.pk, s.name) for s in stations]
