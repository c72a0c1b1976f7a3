"""Liaison stations (代表联络站), deputy homes (代表之家), their standards, deputies and reception days."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class StationKind(models.TextChoices):
    HOME = "home", _("代表之家")
    STATION = "station", _("代表联络站")
    POINT = "point", _("代表联络点")


class LiaisonStation(models.Model):
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=StationKind.choices, default=StationKind.STATION)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="stations")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    host_organisation = models.CharField(_("依托单位"), max_length=128, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=128, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    deputies = models.ManyToManyField(
        "deputies.Deputy", through="StationAssignment", related_name="stations", verbose_name=_("进站代表")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("联络站")
        verbose_name_plural = _("联络站")
        ordering = ["region__code", "name"]
        indexes = [models.Index(fields=["region", "active"], name="station_region_active_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("liaison_stations:detail", args=[self.pk])


class StandardItem(models.Model):
    """One item of the station standards checklist (有场所、有标识、有制度…), defined by an office.

    An item applies to every station inside the defining office's region.
    """

    name = models.CharField(_("标准项"), max_length=64)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("制定机关区划"), on_delete=models.PROTECT, related_name="standard_items")
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("建站标准项")
        verbose_name_plural = _("建站标准项")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class StationStandard(models.Model):
    """Whether a station meets one standard item, with a note."""

    station = models.ForeignKey(LiaisonStation, on_delete=models.CASCADE, related_name="standards")
    item = models.ForeignKey(StandardItem, on_delete=models.CASCADE, related_name="records")
    met = models.BooleanField(_("已达标"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("达标情况")
        verbose_name_plural = _("达标情况")
        constraints = [models.UniqueConstraint(fields=["station", "item"], name="station_standard_unique")]


class StationAssignment(models.Model):
    """代表进站: a deputy belongs to a station from a date (and may leave)."""

    station = models.ForeignKey(LiaisonStation, on_delete=models.CASCADE, related_name="assignments")
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.CASCADE, related_name="station_assignments")
    start_date = models.DateField(_("进站日期"), null=True, blank=True)
    end_date = models.DateField(_("离站日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("代表进站")
        verbose_name_plural = _("代表进站")
        constraints = [models.UniqueConstraint(fields=["station", "deputy"], name="station_assignment_unique")]
        indexes = [models.Index(fields=["deputy", "station"], name="assignment_deputy_idx")]


class ReceptionDay(models.Model):
    """接待选民日: a scheduled reception at a station with the deputies on duty."""

    station = models.ForeignKey(LiaisonStation, on_delete=models.CASCADE, related_name="reception_days")
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    end_time = models.TimeField(_("结束时间"), null=True, blank=True)
    topic = models.CharField(_("主题"), max_length=128, blank=True)
    deputies = models.ManyToManyField("deputies.Deputy", related_name="reception_duties", verbose_name=_("值班代表"))

    class Meta:
        verbose_name = _("接待日安排")
        verbose_name_plural = _("接待日安排")
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["station", "date"], name="reception_station_date_idx")]

    def __str__(self) -> str:
        return f"{self.station} {self.date}"
