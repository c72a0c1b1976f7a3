"""Forms of the station pages (congress offices only)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import BoundedModelMultipleChoiceField
from deputies.forms import DateInput, RegionChoiceField
from deputies.privacy import is_valid_phone, normalize_phone
from deputies.selectors import deputies_visible_to, region_choices
from liaison_stations.models import LiaisonStation, ReceptionDay, StandardItem, StationAssignment
from regions.models import Region, RegionLevel


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class StationForm(forms.ModelForm):
    region = RegionChoiceField(label=_("所在区划"), queryset=Region.objects.none())

    class Meta:
        model = LiaisonStation
        fields = [
            "name", "kind", "region", "address", "latitude", "longitude", "host_organisation",
            "contact_name", "contact_phone", "opening_hours", "active",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_choices(user, deepest=RegionLevel.VILLAGE)

    def clean_contact_phone(self):
        phone = normalize_phone(self.cleaned_data.get("contact_phone", ""))
        if phone and not is_valid_phone(phone):
            raise forms.ValidationError(_("联系电话格式不对。"))
        return phone


class StandardItemForm(forms.ModelForm):
    region = RegionChoiceField(label=_("适用区划"), queryset=Region.objects.none(), help_text=_("该区划内的所有联络站都适用此标准。"))

    class Meta:
        model = StandardItem
        fields = ["name", "description", "region", "position", "active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_choices(user)


class ChecklistForm(forms.Form):
    """One checkbox and one note per applicable item."""

    def __init__(self, *args, checklist, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in checklist:
            met_name, note_name = f"met_{row.item.pk}", f"note_{row.item.pk}"
            self.fields[met_name] = forms.BooleanField(label=row.item.name, required=False, help_text=row.item.description,
                                                       initial=bool(row.record and row.record.met))
            self.fields[note_name] = forms.CharField(label=_("备注"), required=False, max_length=200,
                                                     initial=row.record.note if row.record else "")
            self.rows.append((row.item, met_name, note_name))

    def answers(self) -> dict:
        return {item: (self.cleaned_data[met], self.cleaned_data[note]) for item, met, note in self.rows}

    def row_fields(self):
        return [(item, self[met], self[note]) for item, met, note in self.rows]


def _deputies_near(user, station):
    # Deputies who live in the station's township (or below the station's region when it is higher):
    # the ones who can serve there, and a short enough list for a phone's picker.
    prefix = station.region.prefix[:9]
    return deputies_visible_to(user).filter(region__prefix__startswith=prefix).order_by("name_stroke_key", "name_pinyin")


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = StationAssignment
        fields = ["deputy", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, user, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = _deputies_near(user, station).exclude(station_assignments__station=station)
        self.fields["deputy"].label = _("代表")


class ReceptionDayForm(forms.ModelForm):
    deputies = BoundedModelMultipleChoiceField(
        label=_("值班代表"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ReceptionDay
        fields = ["date", "start_time", "end_time", "topic", "deputies"]
        widgets = {"date": DateInput(), "start_time": TimeInput(), "end_time": TimeInput()}

    def __init__(self, *args, user, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = deputies_visible_to(user).filter(station_assignments__station=station).order_by(
            "name_stroke_key"
        )

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", _("结束时间应晚于开始时间。"))
        return data
