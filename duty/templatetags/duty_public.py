"""Panels other apps' pages include without importing this app: the station's QR page (upcoming
reception days and links to its deputies' public pages) and the dashboards' share above threshold."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from duty import selectors

register = template.Library()


@register.simple_tag
def station_public_panel(station) -> str:
    return render_to_string(
        "duty/_station_public.html",
        {"receptions": selectors.upcoming_receptions(station), "deputies": selectors.station_public_deputies(station)},
    )


@register.simple_tag(takes_context=True)
def duty_share_panel(context, region) -> str:
    """Provincial and city dashboards: the share of scored deputies at or above their congress's threshold."""
    from regions.models import RegionLevel

    request = context.get("request")
    if request is None or region is None or region.level not in (RegionLevel.PROVINCE, RegionLevel.CITY):
        return ""
    year = selectors.this_year()
    rows = selectors.share_above_threshold(request.user, region, year)
    return render_to_string("duty/_share_panel.html", {"rows": rows, "year": year, "region": region})
