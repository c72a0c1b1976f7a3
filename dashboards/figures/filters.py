"""What the user chose on a dashboard: the filters, and the narrowing of a drill list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from activities.models import Campaign
from liaison_stations.models import LiaisonStation
from regions.models import Region


@dataclass(frozen=True)
class Filters:
    """What a dashboard (and every list behind it) is computed for."""

    user: Any
    region: Region
    campaign: Campaign | None
    date_from: dt.date | None
    date_to: dt.date | None
    today: dt.date
    # A station of the township: the dashboard and its lists narrowed to that station.
    station: LiaisonStation | None = None
    # Set only by the rollup refresh: participation is read from dashboards.Participation, rebuilt
    # just before, instead of from the attendance rows (see _took_part).
    from_participation: bool = False

    @classmethod
    def build(
        cls, *, user, region: Region, campaign: Campaign | None, date_from=None, date_to=None, today=None, station=None
    ) -> Filters:
        # Due soon / overdue read the dates stored on each assignment (suggestions.states), so a
        # suggestion's deadline state is the same whichever campaign view shows it.
        return cls(user, region, campaign, date_from, date_to, today or timezone.localdate(), station)

    def query_params(self) -> dict[str, str]:
        """The filters as the query string every link carries (campaign is always explicit)."""
        params = {"campaign": str(self.campaign.pk) if self.campaign else "all"}
        if self.date_from:
            params["from"] = self.date_from.isoformat()
        if self.date_to:
            params["to"] = self.date_to.isoformat()
        if self.station:
            params["station"] = str(self.station.pk)
        return params

    def cache_key(self) -> str:
        scope = "*" if self.user.is_superuser else self.user.region.prefix
        return ":".join(
            [
                "dashboard:v1",
                scope,
                self.region.code,
                str(self.campaign.pk) if self.campaign else "all",
                self.date_from.isoformat() if self.date_from else "",
                self.date_to.isoformat() if self.date_to else "",
                str(self.station.pk) if self.station else "",
                self.today.isoformat(),
            ]
        )

    def dated_range(self) -> tuple[dt.date | None, dt.date | None]:
        """For rows that carry only a date (reception days): the date range cut to the campaign's."""
        start, end = self.date_from, self.date_to
        if self.campaign:
            start = max(filter(None, [start, self.campaign.start_date]))
            end = min(filter(None, [end, self.campaign.end_date]))
        return start, end


@dataclass(frozen=True)
class Narrowing:
    """Extra conditions a drill list may add to a figure: a category, a department, a month."""

    category: str | None = None
    department: int | None = None
    month: tuple[int, int] | None = None  # (year, month) of the monthly trend
