"""The visit form (the product's most used page), issue rows, campaigns, and their parsing."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from accounts.scope import has_scope
from activities import selectors
from activities.models import Activity, ActivityType, Campaign
from activities.services import ActivityInput, IssueInput
from config.forms import ID_MAX, BoundedModelMultipleChoiceField
from config.uploads import validate_upload
from deputies.models import Deputy

COUNT_FIELDS = ["households_visited", "enterprises_visited", "people_reached", "person_times"]
OUT_OF_REGION_DEPUTY = _("代表 %(value)s 不在本辖区内，不能选择。")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; each is checked by content (config.uploads)."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(MultiplePhotoField, self).clean(f, initial) for f in files if f]
        if len(files) > settings.ACTIVITY_MAX_PHOTOS:
            raise ValidationError(_("照片最多 %(n)d 张。"), params={"n": settings.ACTIVITY_MAX_PHOTOS})
        errors = []
        for upload in files:
            try:
                validate_upload(upload, images_only=True)
            except ValidationError as exc:
                errors.extend(f"{upload.name}：{m}" for m in exc.messages)
        if errors:
            raise ValidationError(errors)
        return files


# Above this many deputies in scope (a county or province office) the no-JS checkbox list would be a
# page of thousands of boxes: the list then shows only the chosen deputies and the picker finds the rest.
LISTED_DEPUTIES_LIMIT = 300


class _ListedDeputies(BaseChoiceIterator):
    """The checkbox list, decided when the form is drawn (a saved form never asks)."""

    def __init__(self, field, ids):
        self.field, self.ids = field, ids

    def __iter__(self):
        scope = self.field.scope
        if scope is not None:
            # Every choice from the request's one listing; the chosen ones were read when they were checked.
            listing = scope.listing(LISTED_DEPUTIES_LIMIT)
            if listing is not None:
                yield from listing
            else:
                chosen = sorted(scope.among(self.ids).values(), key=lambda d: (d.name_pinyin, d.pk))
                yield from ((d.pk, d.name) for d in chosen)
        elif self.field.listed_all:
            yield from ModelChoiceIterator(self.field)
        else:
            yield from ((d.pk, d.name) for d in self.field.queryset.filter(pk__in=self.ids))


class DeputyChoiceField(BoundedModelMultipleChoiceField):
    _listed_all = None
    # Set by the form: the chosen ids are checked against the user's scope once for the whole request,
    # and the queryset of every deputy the user may choose is built only to draw the list.
    scope: selectors.DeputiesInScope | None = None

    def _get_queryset(self):
        if self._queryset is None and self.scope is not None:
            self._queryset = selectors.deputies_for(self.scope.user).order_by("name_pinyin", "id")
        return self._queryset

    queryset = property(_get_queryset, BoundedModelMultipleChoiceField._set_queryset)

    def clean(self, value):
        if self.scope is not None and not self.required and not value:
            return Deputy.objects.none()
        return super().clean(value)

    def _check_values(self, value):
        """Django's checks and messages, answered from ``scope`` (a list, in the queryset's order)."""
        if self.scope is None:
            return super()._check_values(value)
        self._check_bounds(value)
        try:
            value = frozenset(value)
        except TypeError:
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list") from None
        ids = set()
        for pk in value:
            self.validate_no_null_characters(pk)
            try:
                ids.add(Deputy._meta.pk.get_prep_value(pk))
            except (ValueError, TypeError):
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}) from None
        found = self.scope.among(ids)
        found_keys = {str(pk) for pk in found}
        for val in value:
            if str(val) not in found_keys:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": val})
        return sorted(found.values(), key=lambda d: (d.name_pinyin, d.pk))

    def label_from_instance(self, obj):
        return obj.name

    @property
    def listed_all(self) -> bool:
        """Whether the scope is small enough to list every deputy (without counting a county's)."""
        if self.scope is not None:
            return self.scope.listing(LISTED_DEPUTIES_LIMIT) is not None
        if self._listed_all is None:
            found = len(self.queryset.order_by().values("pk")[: LISTED_DEPUTIES_LIMIT + 1])
            self._listed_all = found <= LISTED_DEPUTIES_LIMIT
        return self._listed_all

    def list_only(self, selected) -> None:
        """Render only ``selected`` (ids or deputies) when the scope is large; validation still
        accepts any deputy of the full queryset. Decided only when the form is rendered."""
        ids = [getattr(v, "pk", v) for v in selected or []]
        self._listed_all = None
        self.widget.choices = _ListedDeputies(self, [int(v) for v in ids if str(v).isdigit()])


class RegionSelect(forms.Select):
    """Each option also carries the region's code (``data-code``): the offline outbox sends the
    API, which names regions by code (static/js/outbox.js)."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-code"] = instance.code
        return option


class RegionChoiceField(forms.ModelChoiceField):
    """Where the activity took place. The user's own region (the form's default, always among the
    choices) is the one already loaded for the user's scope, not read a second time."""

    widget = RegionSelect
    own = None

    def to_python(self, value):
        if self.own is not None and value not in self.empty_values and str(value) == str(self.own.pk):
            return self.own
        return super().to_python(value)


def _selected(form, name) -> list:
    if form.is_bound:
        return form.data.getlist(form.add_prefix(name)) if hasattr(form.data, "getlist") else form.data.get(form.add_prefix(name), [])
    return form.initial.get(name) or []


class ActivityForm(forms.ModelForm):
    """One screen on a phone: defaults filled, choices limited to the user's region."""

    deputies = DeputyChoiceField(
        queryset=None,
        required=False,
        label=_("参加代表"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "js-deputy-box"}),
        error_messages={"invalid_choice": OUT_OF_REGION_DEPUTY},
    )
    photos = MultiplePhotoField(
        label=_("现场照片"),
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
        help_text=_("可多选；JPG、PNG、WEBP 图片。出错重填时需要重新选择照片。"),
    )

    class Meta:
        model = Activity
        fields = [
            "type",
            "date",
            "start_time",
            "region",
            "campaigns",
            "station",
            "group",
            "deputies",
            "households_visited",
            "enterprises_visited",
            "people_reached",
            "person_times",
            "summary",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "campaigns": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4, "placeholder": _("走访了哪些农户、了解到什么情况")}),
            **{
                name: forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"})
                for name in ["households_visited", "enterprises_visited", "people_reached", "person_times"]
            },
        }
        field_classes = {"campaigns": BoundedModelMultipleChoiceField, "region": RegionChoiceField}
        error_messages = {
            "station": {"invalid_choice": _("联络站不在本辖区内。")},
            "group": {"invalid_choice": _("代表小组不在本辖区内。")},
            "region": {"invalid_choice": _("活动地点不在本辖区内。")},
            "campaigns": {"invalid_choice": _("代表行动 %(value)s 不适用于本辖区。")},
        }

    save_anyway = forms.BooleanField(label=_("仍然保存（不是重复登记）"), required=False, widget=forms.HiddenInput)
    duplicate_of = None

    def __init__(self, *args, user, deputy_scope: selectors.DeputiesInScope | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Shared with the issue rows (issue_formset) and the service, so one save reads the chosen
        # deputies once.
        self.deputy_scope = deputy_scope or selectors.DeputiesInScope(user)
        if self.is_bound:
            self.deputy_scope.expect(_posted_ids(self.data, self.add_prefix("deputies")))
        self.fields["region"].queryset = selectors.activity_regions_for(user).select_related("parent", "parent__parent")
        if has_scope(user) and not user.is_superuser:
            self.fields["region"].own = user.region
        self.fields["region"].label_from_instance = lambda r: r.display_name_for(user)
        self.fields["station"].queryset = selectors.stations_for(user)
        self.fields["group"].queryset = selectors.groups_for(user)
        self.fields["deputies"].scope = self.deputy_scope
        this_year = timezone.localdate().year
        campaigns = selectors.campaigns_for(user).filter(year__gte=this_year - 1)
        if self.instance.pk:
            # The join to the activity's own campaigns can repeat a row; the region filters alone cannot.
            campaigns = (campaigns | selectors.campaigns_for(user).filter(activities=self.instance)).distinct()
        self.fields["campaigns"].queryset = campaigns.order_by("-year", "kind", "title")
        self.fields["campaigns"].required = False
        for name in COUNT_FIELDS:
            self.fields[name].error_messages["min_value"] = _("数量不能为负数。")
            # Left empty means none: a clerk should not have to type 0 four times.
            self.fields[name].required = False
        if not self.is_bound and not self.instance.pk:
            self._fill_defaults()
        self.fields["deputies"].list_only(_selected(self, "deputies"))

    def _fill_defaults(self) -> None:
        self.initial.setdefault("date", timezone.localdate())
        self.initial.setdefault("type", ActivityType.VISIT)
        if self.fields["region"].queryset.filter(pk=self.user.region_id).exists():
            self.initial.setdefault("region", self.user.region_id)
        current = selectors.current_campaign(self.user)
        if current is not None:
            self.initial.setdefault("campaigns", [current.pk])

    def _get_validation_exclusions(self):
        # Region, station and group were just read from the user's scoped querysets by their choice
        # fields: the model's own check that each row exists would be one more query for nothing.
        return super()._get_validation_exclusions() | {"region", "station", "group"}

    def clean(self):
        cleaned = super().clean()
        for name in COUNT_FIELDS:
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = 0
        if cleaned.get("type") != ActivityType.TRAINING and "deputies" in cleaned and not cleaned["deputies"]:
            self.add_error("deputies", _("请至少选择一位参加代表。"))
        if not self.errors and self.instance.pk is None and not cleaned.get("save_anyway"):
            self._warn_duplicate(cleaned)
        return cleaned

    def _warn_duplicate(self, cleaned) -> None:
        """The same visit saved twice (same place, date, type and deputies) is usually a double tap:
        say so, and let the clerk save anyway by ticking 仍然保存."""
        deputies = {d.pk for d in cleaned.get("deputies") or []}
        same = Activity.objects.filter(
            region=cleaned.get("region"), date=cleaned.get("date"), type=cleaned.get("type")
        ).prefetch_related("deputies")
        for other in same[:20]:
            if {d.pk for d in other.deputies.all()} == deputies:
                self.duplicate_of = other
                self.fields["save_anyway"].widget = forms.CheckboxInput()
                self.add_error(
                    "save_anyway",
                    _("已有一条相同的活动记录（同一地点、日期、类型和参加代表）。如确实是另一次活动，请勾选“仍然保存”后再提交。"),
                )
                return

    def to_input(self, issues: list[IssueInput]) -> ActivityInput:
        c = self.cleaned_data
        return ActivityInput(
            type=c["type"],
            date=c["date"],
            start_time=c.get("start_time"),
            region=c["region"],
            station=c.get("station"),
            group=c.get("group"),
            campaigns=list(c.get("campaigns") or []),
            deputies=list(c.get("deputies") or []),
            households_visited=c.get("households_visited") or 0,
            enterprises_visited=c.get("enterprises_visited") or 0,
            people_reached=c.get("people_reached") or 0,
            person_times=c.get("person_times") or 0,
            summary=c.get("summary") or "",
            issues=issues,
            photos=c.get("photos") or [],
            deputy_scope=self.deputy_scope,
        )


class ActivityEditForm(ActivityForm):
    """The same form for corrections, plus photos to remove and the version being edited."""

    remove_photos = BoundedModelMultipleChoiceField(
        queryset=None, required=False, label=_("删除照片"), widget=forms.CheckboxSelectMultiple
    )
    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove_photos"].queryset = self.instance.photos.all()
        self.fields["remove_photos"].label_from_instance = lambda p: p.image.name.rsplit("/", 1)[-1]
        if not self.is_bound:
            self.initial["version"] = self.instance.updated_at


class IssueForm(forms.Form):
    """One issue raised: what residents said and which deputies heard it. A blank row is skipped."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("反映问题"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("群众反映的问题")}),
    )
    deputies = DeputyChoiceField(
        queryset=None,
        required=False,
        label=_("听取代表"),
        widget=forms.SelectMultiple(attrs={"class": "js-issue-deputies"}),
        error_messages={"invalid_choice": OUT_OF_REGION_DEPUTY},
    )

    def __init__(self, *args, user, deputy_scope: selectors.DeputiesInScope | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].scope = deputy_scope or selectors.DeputiesInScope(user)
        self.fields["deputies"].list_only(_selected(self, "deputies"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("deputies") and not (cleaned.get("text") or "").strip():
            self.add_error("text", _("请填写反映的问题，或清空这一行。"))
        return cleaned


class BaseIssueFormSet(forms.BaseFormSet):
    def to_inputs(self) -> list[IssueInput]:
        rows = []
        for form in self.forms:
            text = (form.cleaned_data.get("text") or "").strip()
            if text:
                rows.append(
                    IssueInput(text=text, deputies=list(form.cleaned_data.get("deputies") or []), id=form.cleaned_data.get("id"))
                )
        return rows


# Django builds every row a posted TOTAL_FORMS asks for, up to absolute_max (2,000 by default): a
# forged count would cost seconds per request. A visit raises a handful of issues, never dozens.
MAX_ISSUES = 30
IssueFormSet = forms.formset_factory(
    IssueForm, formset=BaseIssueFormSet, extra=1, max_num=MAX_ISSUES, absolute_max=MAX_ISSUES, validate_max=True
)


def _posted_ids(data, key) -> list[int]:
    """The ids posted under ``key`` that could name a deputy (anything else is the field's to refuse)."""
    values = data.getlist(key) if hasattr(data, "getlist") else data.get(key) or []
    if not isinstance(values, list | tuple):
        return []
    return [int(v) for v in values if isinstance(v, str | int) and str(v).isdigit() and int(v) <= ID_MAX]


def issue_formset(
    user, *, data=None, activity: Activity | None = None, deputy_scope: selectors.DeputiesInScope | None = None
) -> BaseIssueFormSet:
    """The issue rows; given the form's ``deputy_scope``, their deputies are checked with the form's."""
    initial = None
    if activity is not None and data is None:
        initial = [{"id": i.pk, "text": i.text, "deputies": [d.pk for d in i.deputies.all()]} for i in activity.issues.all()]
    deputy_scope = deputy_scope or selectors.DeputiesInScope(user)
    if data is not None:
        for n in range(MAX_ISSUES):
            deputy_scope.expect(_posted_ids(data, f"issues-{n}-deputies"))
    return IssueFormSet(data=data, initial=initial, prefix="issues", form_kwargs={"user": user, "deputy_scope": deputy_scope})


class ActivityDeleteForm(forms.Form):
    # A form rather than request.POST: a NUL byte or an overlong reason is refused with a message
    # instead of reaching the database (PostgreSQL rejects NUL in text: a 500).
    reason = forms.CharField(label=_("删除原因"), max_length=100, required=False)


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["year", "title", "kind", "region", "start_date", "end_date", "description"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"region": {"invalid_choice": _("组织区划不在本辖区内。")}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.filter_regions_for(user)
        if not self.is_bound and not self.instance.pk:
            today = timezone.localdate()
            self.initial.setdefault("year", today.year)
            self.initial.setdefault("region", user.region_id)
