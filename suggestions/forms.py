"""Page forms. They parse input; services decide (and their ValidationErrors land on these fields)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scope import in_scope
from activities.forms import RegionSelect
from activities.models import Campaign
from config.forms import BoundedModelMultipleChoiceField
from deputies.models import Deputy
from regions.models import Region, RegionLevel
from suggestions.models import CalendarDayKind, Department, OutcomeClass, RatingValue
from suggestions.taxonomy import category_choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several attachments at once; each is checked by content in the service (validate_upload)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class DeputyPicker(forms.SelectMultiple):
    """A multi-select whose options carry pinyin initials, so the picker filters by "xmh" for 向明华."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-initials"] = instance.name_initials
        return option


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _county_prefix(user) -> str:
    """A deputy raises matters of their own county; staff of their own scope; a superuser of anywhere."""
    if user.is_superuser:
        return ""
    profile = getattr(user, "deputy_profile", None) if user.is_deputy else None
    return (profile.region.prefix[:6] if profile else (user.region.prefix if user.region else "")) or "-"


class SuggestionDraftForm(forms.Form):
    """What a draft says: its title, its text and the region it concerns (editing a draft changes these)."""

    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(label=_("建议内容"), widget=forms.Textarea(attrs={"rows": 8}))
    region = forms.ModelChoiceField(label=_("涉及区划"), queryset=Region.objects.none(), widget=RegionSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(
            prefix__startswith=_county_prefix(user), level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]
        )
        self.fields["region"].queryset = regions.select_related("parent", "parent__parent").order_by("code")
        # A village is named with its township: several townships have a 东门社区.
        self.fields["region"].label_from_instance = lambda r: r.display_name_for(user)


class SuggestionForm(SuggestionDraftForm):
    lead_deputy = forms.ModelChoiceField(label=_("领衔代表"), queryset=Deputy.objects.none(), required=False)
    co_signers = BoundedModelMultipleChoiceField(
        label=_("附议代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=DeputyPicker(attrs={"class": "js-deputy-picker", "size": 8}),
        help_text=_("可多选；在上方输入姓名或拼音首字母筛选。附议代表需各自确认。"),
    )
    campaign = forms.ModelChoiceField(
        label=_("代表行动"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("按提交日期自动归入"),
        help_text=_("默认为正在开展的代表行动；留空则按提交日期和区划自动归入。"),
    )
    attachments = MultipleFileField(label=_("附件（图片或 PDF）"))

    def __init__(self, *args, user, **kwargs):
        from activities.selectors import campaigns_for, current_campaign

        super().__init__(*args, user=user, **kwargs)
        self.fields["campaign"].queryset = campaigns_for(user).order_by("-start_date")
        running = current_campaign(user)
        self.fields["campaign"].initial = running.pk if running else None
        profile = getattr(user, "deputy_profile", None) if user.is_deputy else None
        deputies = Deputy.objects.filter(active=True, region__prefix__startswith=_county_prefix(user)[:6]).order_by("name_pinyin")
        self.fields["co_signers"].queryset = deputies.exclude(pk=profile.pk) if profile else deputies
        if profile:
            del self.fields["lead_deputy"]
        else:
            self.fields["lead_deputy"].queryset = in_scope(Deputy.objects.filter(active=True), user).order_by("name_pinyin")
            self.fields["lead_deputy"].required = True


class CampaignForm(forms.Form):
    """The office corrects the campaign a suggestion is counted under."""

    campaign = forms.ModelChoiceField(label=_("代表行动"), queryset=Campaign.objects.none(), required=False, empty_label=_("不属于任何代表行动"))
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


class AssignForm(forms.Form):
    lead = forms.ModelChoiceField(label=_("主办单位"), queryset=Department.objects.none())
    co_handlers = BoundedModelMultipleChoiceField(
        label=_("协办单位"), queryset=Department.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    category = forms.ChoiceField(label=_("类别"), choices=[("", "—")] + category_choices(), required=False)
    note = forms.CharField(label=_("交办意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = departments
        self.fields["co_handlers"].queryset = departments


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}))
    suggested_department = forms.ModelChoiceField(label=_("建议承办单位"), queryset=Department.objects.none(), required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested_department"].queryset = departments


class ExtensionForm(forms.Form):
    requested_due_at = forms.DateField(label=_("申请延至"), widget=DATE)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}))


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=_("协办意见"), widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 6}))
    outcome_class = forms.ChoiceField(label=_("办理结果"), choices=OutcomeClass.choices, widget=forms.RadioSelect)
    follow_up_date = forms.DateField(label=_("回头看日期（B、C 类必填）"), required=False, widget=DATE)
    attachments = MultipleFileField(label=_("答复附件（图片或 PDF）"))


class RateForm(forms.Form):
    value = forms.ChoiceField(label=_("测评结果"), choices=RatingValue.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见（不满意时必填）"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(forms.Form):
    into = forms.CharField(label=_("合并到（建议编号）"), max_length=32)
    note = forms.CharField(label=_("说明"), required=False)


class FollowUpForm(forms.Form):
    note = forms.CharField(label=_("回头看情况"), widget=forms.Textarea(attrs={"rows": 3}))


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE)
    kind = forms.ChoiceField(label=_("类型"), choices=CalendarDayKind.choices)
    name = forms.CharField(label=_("名称"), max_length=32, required=False)


# The calendar CSV's headers in Chinese, as an office writes them; the English ones still work.
CALENDAR_HEADERS = {"日期": "date", "类型": "kind", "名称": "name"}


class CalendarImportForm(forms.Form):
    file = forms.FileField(label=_("CSV 文件（表头：日期,类型,名称；类型填 节假日 或 调休上班）"))

    def clean_file(self):
        """Chinese headers become the import's own names; the rows are left as they are."""
        from django.core.files.base import ContentFile

        upload = self.cleaned_data["file"]
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("文件须为 UTF-8 编码的 CSV。")) from None
        head, newline, rest = text.partition("\n")
        header = ",".join(CALENDAR_HEADERS.get(h.strip(), h.strip()) for h in head.rstrip("\r").split(","))
        return ContentFile((header + newline + rest).encode("utf-8"), name=upload.name)


def merge_target_lookup(value: str) -> Q:
    """The merge target by its number (2026-000123), or by id."""
    value = value.strip()
    return Q(number=value) | Q(pk=int(value)) if value.isdigit() and len(value) < 19 else Q(number=value)
