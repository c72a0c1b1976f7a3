"""The liaison stations' routes in the authorization matrix (merged into routes.DESCRIBED): pages
and API of 宣恩县's station ``station_a``, its checklist, reception days and standards items."""

from __future__ import annotations

from django.urls import reverse

from tests.security.routes import (
    ALL_ROLES,
    OFFICES,
    SEES_DEPUTY_A,
    STATION_ROLES,
    Described,
    _built,
    listing,
    target,
)

STATION_ROUTES: dict[str, Described] = {
        # liaison stations: pages
        "liaison_stations:list": Described(
            build=lambda w: listing("liaison_stations:list", marker=reverse("liaison_stations:detail", args=[w.station_a.pk])),
            get=STATION_ROLES,
        ),
        "liaison_stations:create": Described(build=lambda w: listing("liaison_stations:create"), get=OFFICES),
        "liaison_stations:coverage": Described(build=lambda w: listing("liaison_stations:coverage"), get=SEES_DEPUTY_A),
        "liaison_stations:standard_items": Described(
            build=lambda w: listing("liaison_stations:standard_items", marker=w.standard_item_a.name), get=OFFICES
        ),
        "liaison_stations:standard_item_create": Described(
            build=lambda w: listing("liaison_stations:standard_item_create"), get=OFFICES
        ),
        "liaison_stations:standard_item_edit": Described(
            build=lambda w: target(w.standard_item_a, "liaison_stations:standard_item_edit", pk=w.standard_item_a.pk), get=OFFICES
        ),
        "liaison_stations:detail": Described(
            build=lambda w: target(w.station_a, "liaison_stations:detail", pk=w.station_a.pk), get=STATION_ROLES
        ),
        "liaison_stations:edit": Described(
            build=lambda w: target(w.station_a, "liaison_stations:edit", pk=w.station_a.pk), get=OFFICES
        ),
        "liaison_stations:checklist": Described(
            build=lambda w: _built(w.station_standard_a, target(w.station_a, "liaison_stations:checklist", pk=w.station_a.pk)),
            get=OFFICES,
        ),
        "liaison_stations:schedule": Described(
            build=lambda w: _built(w.reception_day_a, target(w.station_a, "liaison_stations:schedule", pk=w.station_a.pk)),
            get=STATION_ROLES,
        ),
        "liaison_stations:assignment_create": Described(
            build=lambda w: target(w.station_a, "liaison_stations:assignment_create", pk=w.station_a.pk), get=OFFICES
        ),
        "liaison_stations:assignment_delete": Described(
            build=lambda w: target(w.assignment_a, "liaison_stations:assignment_delete", pk=w.assignment_a.pk), post=OFFICES
        ),
        "liaison_stations:reception_create": Described(
            build=lambda w: target(w.station_a, "liaison_stations:reception_create", pk=w.station_a.pk), get=OFFICES
        ),
        "liaison_stations:reception_edit": Described(
            build=lambda w: target(w.reception_day_a, "liaison_stations:reception_edit", pk=w.reception_day_a.pk), get=OFFICES
        ),
        "liaison_stations:reception_delete": Described(
            build=lambda w: target(w.reception_day_a, "liaison_stations:reception_delete", pk=w.reception_day_a.pk), post=OFFICES
        ),
        # liaison stations: API (a handler reads empty lists)
        "station-list": Described(
            build=lambda w: listing("station-list", marker=w.station_a.name), get=ALL_ROLES, marker_roles=STATION_ROLES
        ),
        "station-detail": Described(build=lambda w: target(w.station_a, "station-detail", pk=w.station_a.pk), get=STATION_ROLES),
        "standard-item-list": Described(
            # Items are listed inside the defining office's region, so only the offices see the county's item.
            build=lambda w: listing("standard-item-list", marker=w.standard_item_a.name),
            get=ALL_ROLES,
            marker_roles=OFFICES,
        ),
        "standard-item-detail": Described(
            build=lambda w: target(w.standard_item_a, "standard-item-detail", pk=w.standard_item_a.pk), get=OFFICES
        ),
        "station-standard-list": Described(
            build=lambda w: listing("station-standard-list", marker=w.station_standard_a.note),
            get=ALL_ROLES,
            marker_roles=STATION_ROLES,
        ),
        "station-standard-detail": Described(
            build=lambda w: target(w.station_standard_a, "station-standard-detail", pk=w.station_standard_a.pk), get=STATION_ROLES
        ),
        "station-assignment-list": Described(
            build=lambda w: listing(
                "station-assignment-list", marker=f'"station": {w.assignment_a.station_id}, "deputy": {w.assignment_a.deputy_id}'
            ),
            get=ALL_ROLES,
            marker_roles=STATION_ROLES,
        ),
        "station-assignment-detail": Described(
            build=lambda w: target(w.assignment_a, "station-assignment-detail", pk=w.assignment_a.pk), get=STATION_ROLES
        ),
        "reception-day-list": Described(
            build=lambda w: listing("reception-day-list", marker=w.reception_day_a.topic),
            get=ALL_ROLES,
            marker_roles=STATION_ROLES,
        ),
        "reception-day-detail": Described(
            build=lambda w: target(w.reception_day_a, "reception-day-detail", pk=w.reception_day_a.pk), get=STATION_ROLES
        ),
}
