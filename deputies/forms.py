"""Forms of the roster pages (congress offices only). Choices are limited to the user's scope."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy, DeputyGroup, Mandate, Membership
from deputies.privacy import is_valid_phone, normalize_phone
from deputies.selectors import deputies_visible_to, region_choices, stations_in_scope_for_picker
from regions.models import Region, RegionLevel
from regions.scope import in_scope_or_above


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        indent = {RegionLevel.CITY: "· ", RegionLevel.COUNTY: "·· ", RegionLevel.TOWNSHIP: "··· ", RegionLevel.VILLAGE: "···· "}
        return f"{indent.get(obj.level, '')}{obj.name}"


class DeputyForm(forms.ModelForm):
    region = RegionChoiceField(label=_("所在区划"), queryset=Region.objects.none())
    # The updated_at the editor loaded; a save over someone else's newer save is refused.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Deputy
        fields = ["name", "gender", "ethnicity", "birth_date", "sector", "work_unit", "phone", "region", "active"]
        widgets = {"birth_date": DateInput(), "phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_choices(user)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.updated_at.isoformat()

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data.get("phone", ""))
        if phone and not is_valid_phone(phone):
            raise forms.ValidationError(_("手机号格式不对：应为11位手机号或带区号的固定电话。"))
        return phone

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("出生日期不能晚于今天。"))
        return value


class MandateForm(forms.ModelForm):
    congress_region = RegionChoiceField(label=_("人大所在区划"), queryset=Region.objects.none())

    class Meta:
        model = Mandate
        fields = ["level", "congress_region", "term", "electoral_unit", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Congresses above the office (province, city) elect deputies who live in its region too; a
        # sibling county's never (the service refuses it as well: deputies.services).
        self.fields["congress_region"].queryset = in_scope_or_above(
            Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP]),
            user,
            region_field="",
        ).order_by("code")
        self.fields["congress_region"].error_messages["invalid_choice"] = _("该区划不在您的管辖范围内。")

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("结束日期不能早于开始日期。"))
        return data


class GroupForm(forms.ModelForm):
    region = RegionChoiceField(label=_("所在区划"), queryset=Region.objects.none())

    class Meta:
        model = DeputyGroup
        fields = ["name", "kind", "region", "home_station", "leader", "active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_choices(user, deepest=RegionLevel.TOWNSHIP)
        self.fields["home_station"].queryset = stations_in_scope_for_picker(user)
        self.fields["leader"].queryset = deputies_visible_to(user).order_by("name_pinyin")


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["deputy", "role", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies_visible_to(user).order_by("name_stroke_key", "name_pinyin")
        self.fields["deputy"].label = _("代表")
        if self.instance.pk:
            self.fields["deputy"].disabled = True

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("退出日期不能早于加入日期。"))
        return data


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("名册文件（.xlsx 或 .csv）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".xlsx") or name.endswith(".csv")):
            raise forms.ValidationError(_("只支持 Excel（.xlsx）或 CSV 文件。"))
        return upload
