"""Every write to campaigns and activities: one transaction each, scope re-checked, history kept."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import region_in_scope
from activities import selectors
from activities.models import Activity, ActivityPhoto, Attendance, Campaign, IssueRaised
from config.exceptions import Conflict, PermissionRefused
from config.uploads import validate_upload

ACTIVITY_FIELDS = [
    "type",
    "date",
    "start_time",
    "region",
    "station",
    "group",
    "households_visited",
    "enterprises_visited",
    "people_reached",
    "person_times",
    "summary",
]


@dataclass
class IssueInput:
    text: str
    deputies: list = field(default_factory=list)
    # The row being corrected, so a suggestion made from it stays linked across edits.
    id: int | None = None


@dataclass
class ActivityInput:
    """What a form or the API hands to the services, already parsed into objects."""

    type: str
    date: datetime.date
    region: object
    start_time: datetime.time | None = None
    station: object = None
    group: object = None
    campaigns: list = field(default_factory=list)
    deputies: list = field(default_factory=list)
    households_visited: int = 0
    enterprises_visited: int = 0
    people_reached: int = 0
    person_times: int = 0
    summary: str = ""
    issues: list[IssueInput] = field(default_factory=list)
    photos: list = field(default_factory=list)
    # What the form already learned about the chosen deputies' scope in this request (asked again
    # for free); None reads it afresh.
    deputy_scope: selectors.DeputiesInScope | None = field(default=None, repr=False, compare=False)


# --- rules shared by the form, the API and the services ----------------------------------------


def check_activity_input(*, actor, data: ActivityInput) -> None:
    """Raise a ValidationError naming each field whose value lies outside the actor's region.

    The form and the serializer already offer only in-scope choices; this is the rule itself, so a
    crafted request or a stale page cannot attach another county's deputies.
    """
    errors: dict[str, list[str]] = {}
    if not region_in_scope(actor, data.region):
        errors.setdefault("region", []).append(_("活动地点不在本辖区内。"))
    if data.date and data.date > timezone.localdate():
        errors.setdefault("date", []).append(_("活动日期不能晚于今天。"))
    elif data.date and data.date.year < settings.ACTIVITY_EARLIEST_YEAR:
        errors.setdefault("date", []).append(_("活动日期不能早于 %(year)d 年。") % {"year": settings.ACTIVITY_EARLIEST_YEAR})
    if len(data.issues) > settings.ACTIVITY_MAX_ISSUES:
        errors.setdefault("issues", []).append(_("反映问题最多 %(n)d 条。") % {"n": settings.ACTIVITY_MAX_ISSUES})
    for name in ["households_visited", "enterprises_visited", "people_reached", "person_times"]:
        value = getattr(data, name)
        if value is not None and value < 0:
            errors.setdefault(name, []).append(_("数量不能为负数。"))
        elif value is not None and value > settings.ACTIVITY_MAX_COUNT:
            errors.setdefault(name, []).append(_("数量不能超过 %(n)d。") % {"n": settings.ACTIVITY_MAX_COUNT})
    if data.station is not None and not selectors.stations_for(actor).filter(pk=data.station.pk).exists():
        errors.setdefault("station", []).append(_("联络站不在本辖区内。"))
    if data.group is not None and not selectors.groups_for(actor).filter(pk=data.group.pk).exists():
        errors.setdefault("group", []).append(_("代表小组不在本辖区内。"))
    heard = {d.pk for issue in data.issues for d in issue.deputies}
    wanted = {d.pk for d in data.deputies} | heard
    if wanted:
        scope = data.deputy_scope
        if scope is None or scope.user != actor:
            scope = selectors.DeputiesInScope(actor)
        allowed = set(scope.among(wanted))
        outside = wanted - allowed
        if outside & {d.pk for d in data.deputies}:
            errors.setdefault("deputies", []).append(_("所选代表不在本辖区内。"))
        if outside & heard:
            errors.setdefault("issues", []).append(_("听取问题的代表不在本辖区内。"))
    if data.campaigns and data.region is not None:
        if any(not c.applies_to(data.region) for c in data.campaigns):
            errors.setdefault("campaigns", []).append(_("所选代表行动不覆盖该活动地点。"))
    if len(data.photos) > settings.ACTIVITY_MAX_PHOTOS:
        errors.setdefault("photos", []).append(_("照片最多 %(n)d 张。") % {"n": settings.ACTIVITY_MAX_PHOTOS})
    for photo in data.photos:
        try:
            validate_upload(photo, images_only=True)
        except ValidationError as exc:
            errors.setdefault("photos", []).extend(f"{photo.name}：{m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)


def can_edit_activity(user, activity: Activity) -> bool:
    """The author within ACTIVITY_EDIT_DAYS of logging it; the congress office at any time."""
    if not region_in_scope(user, activity.region):
        return False
    if user.is_office:
        return True
    if activity.created_by_id != user.pk or not selectors.can_log_activities(user):
        return False
    logged_on = timezone.localdate(activity.created_at)
    return (timezone.localdate() - logged_on).days <= settings.ACTIVITY_EDIT_DAYS


def can_delete_activity(user, activity: Activity) -> bool:
    """Only the congress office deletes, and the deletion is kept in the history."""
    return user.is_office and region_in_scope(user, activity.region)


# --- activities ------------------------------------------------------------------------------------


def _write_attendance(activity: Activity, data: ActivityInput) -> None:
    attendees = {d.pk: d for d in data.deputies}
    # Whoever heard an issue was there: add them to the attendance rather than refuse the form.
    for issue in data.issues:
        for deputy in issue.deputies:
            attendees.setdefault(deputy.pk, deputy)
    Attendance.objects.bulk_create([Attendance(activity=activity, deputy_id=pk) for pk in attendees])


def _write_issues(activity: Activity, issues: list[IssueInput]) -> None:
    existing = {issue.pk: issue for issue in activity.issues.all()}
    kept = set()
    for issue in issues:
        row = existing.get(issue.id)
        if row is None:
            row = IssueRaised.objects.create(activity=activity, text=issue.text.strip())
        else:
            row.text = issue.text.strip()
            row.save(update_fields=["text"])
            kept.add(row.pk)
        row.deputies.set(issue.deputies)
    IssueRaised.objects.filter(pk__in=set(existing) - kept).delete()


def _write_new_issues(activity: Activity, issues: list[IssueInput]) -> None:
    # A new activity has no rows to keep or correct: its rows, and the deputies who heard them, in one insert each.
    rows = IssueRaised.objects.bulk_create([IssueRaised(activity=activity, text=issue.text.strip()) for issue in issues])
    heard = IssueRaised.deputies.through
    heard.objects.bulk_create(
        [
            heard(issueraised_id=row.pk, deputy_id=pk)
            for row, issue in zip(rows, issues, strict=True)
            for pk in dict.fromkeys(d.pk for d in issue.deputies)
        ]
    )


def _write_photos(activity: Activity, data: ActivityInput) -> None:
    # bulk_create stores each file as save() would (FileField.pre_save); no photo signal listens to saves.
    ActivityPhoto.objects.bulk_create([ActivityPhoto(activity=activity, image=upload) for upload in data.photos])


def _write_children(activity: Activity, data: ActivityInput) -> None:
    _write_attendance(activity, data)
    _write_issues(activity, data.issues)
    _write_photos(activity, data)


def activity_create(*, actor, data: ActivityInput) -> Activity:
    """Log an activity with its attendance, issues raised and photos, all or nothing."""
    if not selectors.can_log_activities(actor):
        raise PermissionRefused(_("您的角色不能登记履职活动。"))
    check_activity_input(actor=actor, data=data)
    with transaction.atomic():
        activity = Activity(created_by=actor, **{name: getattr(data, name) for name in ACTIVITY_FIELDS})
        activity._history_user = actor
        activity.save()
        # add(), not set(): a new activity has no campaigns to compare with.
        activity.campaigns.add(*data.campaigns)
        _write_attendance(activity, data)
        _write_new_issues(activity, data.issues)
        _write_photos(activity, data)
    return activity


def activity_update(
    *, actor, activity: Activity, data: ActivityInput, expected_updated_at=None, remove_photo_ids=()
) -> Activity:
    """Correct an activity: the author within the edit window, the office any time.

    ``expected_updated_at`` is the version the editor loaded; if someone saved in between, the
    second save is refused (Conflict) instead of silently overwriting the first.
    """
    if not can_edit_activity(actor, activity):
        raise PermissionRefused(
            _("登记超过 %(days)d 天的活动只能由人大常委会修改。") % {"days": settings.ACTIVITY_EDIT_DAYS}
        )
    check_activity_input(actor=actor, data=data)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if expected_updated_at is not None and locked.updated_at != expected_updated_at:
            raise Conflict(_("这条记录刚被他人修改过，请刷新页面后再改。"), code="stale")
        for name in ACTIVITY_FIELDS:
            setattr(locked, name, getattr(data, name))
        locked._history_user = actor
        locked.save()
        locked.campaigns.set(data.campaigns)
        locked.attendance.all().delete()
        keep_photos = list(locked.photos.exclude(pk__in=list(remove_photo_ids)))
        # Each removed photo's file goes once this commits (activities/signals.py).
        for photo in locked.photos.filter(pk__in=list(remove_photo_ids)):
            photo.delete()
        if len(keep_photos) + len(data.photos) > settings.ACTIVITY_MAX_PHOTOS:
            raise ValidationError({"photos": [_("照片最多 %(n)d 张。") % {"n": settings.ACTIVITY_MAX_PHOTOS}]})
        _write_children(locked, data)
    return locked


def activity_delete(*, actor, activity: Activity, reason: str = "") -> None:
    """Delete an activity (office only). simple_history keeps the deleted record with who and why; the
    photos' files go once the deletion commits (activities/signals.py)."""
    if not can_delete_activity(actor, activity):
        raise PermissionRefused(_("只有人大常委会可以删除履职活动。"))
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        locked._history_user = actor
        locked._change_reason = reason[:100] or _("删除")
        locked.delete()


# --- campaigns ------------------------------------------------------------------------------------

CAMPAIGN_FIELDS = ["year", "title", "kind", "region", "start_date", "end_date", "description"]


def _check_campaign(*, actor, campaign: Campaign) -> None:
    if not actor.is_office:
        raise PermissionRefused(_("只有人大常委会可以部署代表行动。"))
    if not region_in_scope(actor, campaign.region):
        raise ValidationError({"region": [_("组织区划不在本辖区内。")]})
    campaign.full_clean()


def campaign_create(*, actor, **fields) -> Campaign:
    """Set up a campaign (theme) for the actor's region or a region below it."""
    campaign = Campaign(**{name: fields[name] for name in CAMPAIGN_FIELDS if name in fields})
    _check_campaign(actor=actor, campaign=campaign)
    with transaction.atomic():
        campaign.save()
    return campaign


def campaign_update(*, actor, campaign: Campaign, **fields) -> Campaign:
    """Change a campaign the actor's office organises."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        for name in CAMPAIGN_FIELDS:
            if name in fields:
                setattr(locked, name, fields[name])
        _check_campaign(actor=actor, campaign=locked)
        locked.save()
    return locked


def campaign_delete(*, actor, campaign: Campaign) -> None:
    """Remove a campaign set up by mistake; one that activities are already counted under stays."""
    if not actor.is_office or not region_in_scope(actor, campaign.region):
        raise PermissionRefused(_("只有组织该代表行动的人大常委会可以删除。"))
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.activities.exists():
            raise Conflict(_("已有履职活动计入该代表行动，不能删除；如需停止，请修改结束日期。"), code="in_use")
        locked.delete()
