"""Precomputed dashboard figures (rollups), refreshed by beat: see ``dashboards/rollup.py``.

At province scale (100,000 deputies, a million activities, three million attendance rows) the
province, city and county dashboards cannot be aggregated from the raw rows within a page's
time. The rollup holds every figure of every dashboard per campaign and per township (the finest
unit a province, city or county page needs); such a page sums the few hundred township rows below
it instead of scanning millions. Township pages, station pages and pages with a date range are still
computed from the raw rows (they are small, or not known in advance).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Participation(models.Model):
    """A deputy attended at least one activity of the campaign: rebuilt with every rollup refresh.

    It stands in for "exists an attendance of this deputy at an activity of this campaign" when the
    rollup counts participating deputies, so that question is asked once per deputy and campaign
    instead of once per figure. It is not kept live; pages computed from raw rows never read it.
    """

    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey("activities.Campaign", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("代表参加活动汇总")
        verbose_name_plural = _("代表参加活动汇总")
        constraints = [models.UniqueConstraint(fields=["deputy", "campaign"], name="participation_unique")]


class DashboardRollup(models.Model):
    """The figures of one campaign (``campaign_key`` 0: every campaign) for one township-sized bucket.

    ``bucket`` is the first nine digits of the regions' code prefix: a township, or the prefix of a
    county, city or province for rows attached to that level itself. ``data`` holds the figure
    totals, the suggestions by category, the monthly trend and the department league parts of the
    rows in the bucket — everything ``compute_dashboard`` shows, in additive form.
    """

    campaign_key = models.PositiveIntegerField(_("活动主题"))
    bucket = models.CharField(_("区域代码前缀"), max_length=12)
    data = models.JSONField(_("数据"))
    today = models.DateField(_("计算所依日期"))
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("数据看板汇总")
        verbose_name_plural = _("数据看板汇总")
        constraints = [models.UniqueConstraint(fields=["campaign_key", "bucket"], name="rollup_campaign_bucket_unique")]
