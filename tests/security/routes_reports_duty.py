"""The reports and duty apps' routes in the authorization matrix (merged into routes.DESCRIBED), and
the suggestions API's campaign correction.

Reports: a report of 珠山镇 for 宣恩县's campaign (the world's ``campaign_a``), its .docx already made.
Duty: scorecards of the world's ``deputy_a`` (whose mandate lies in 宣恩县's congress), an office entry
of 宣恩县's congress. Offices and township staff read and edit (their own congress's rules); a deputy
sees only their own record; a department handler nothing.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.urls import reverse

from tests.security.routes import (
    ALL_ROLES,
    CONGRESS_OFFICE,
    DEPUTY,
    OFFICES,
    PROVINCIAL_OFFICE,
    TOWNSHIP_STAFF,
    Described,
    Target,
    listing,
    target,
)
from tests.security.routes_suggestions import _api_action

# Who writes campaign reports: whoever may open the region's dashboard (offices, township staff).
REPORTERS = OFFICES | {TOWNSHIP_STAFF}
# Who reads the ranking pages and deputies' scored records (a deputy: only their own record, and
# their own scorecard through the API).
DUTY_READERS = OFFICES | {TOWNSHIP_STAFF}
SEES_DEPUTY_A = OFFICES | {TOWNSHIP_STAFF}
# deputy_a's seat is in the county congress: township staff rank their township's congress only, so
# only the offices see deputy_a's scorecard.
# Who edits a congress's duty rules: users of a region (the superuser has none, so gets 404).
DUTY_EDITORS = frozenset({TOWNSHIP_STAFF, CONGRESS_OFFICE, PROVINCIAL_OFFICE})


def _report(w):
    """A generated report of 珠山镇 for 宣恩县's campaign (made once)."""
    from reports.models import CampaignReport

    if "report_a" not in w.__dict__:
        report = CampaignReport.objects.create(
            region=w.tree.zhushan,
            campaign=w.campaign_a,
            created_by=w.insiders[CONGRESS_OFFICE],
            requested_by=w.insiders[CONGRESS_OFFICE],
            state="done",
            percent=100,
        )
        report.docx.save("report.docx", ContentFile(b"docx"), save=True)
        w.__dict__["report_a"] = report
    return w.__dict__["report_a"]


def _entry(w):
    """An office entry of 宣恩县's congress for deputy_a (made once)."""
    from duty.models import OfficeEntry

    if "entry_a" not in w.__dict__:
        w.__dict__["entry_a"] = OfficeEntry.objects.create(
            congress_region=w.tree.xuanen, deputy=w.mandate_a.deputy, kind="session_attendance", date=dt.date.today()
        )
    return w.__dict__["entry_a"]


def _scored(w):
    """deputy_a (through mandate_a) under a point scheme of 宣恩县's congress this year (made once)."""
    from duty.models import PointScheme

    PointScheme.objects.get_or_create(congress_region=w.tree.xuanen, year=_year())
    return w.mandate_a.deputy


def _year() -> int:
    return dt.date.today().year


def _record_marker(w) -> str:
    return reverse("duty:deputy_record", args=[_scored(w).pk])


REPORT_DUTY_ROUTES = {
    # reports (pages)
    "reports:index": Described(
        build=lambda w: listing("reports:index", marker=reverse("reports:detail", args=[_report(w).pk])), get=REPORTERS
    ),
    "reports:detail": Described(build=lambda w: target((r := _report(w)), "reports:detail", pk=r.pk), get=REPORTERS),
    "reports:status": Described(build=lambda w: target((r := _report(w)), "reports:status", pk=r.pk), get=REPORTERS),
    "reports:download": Described(
        build=lambda w: target((r := _report(w)), "reports:download", pk=r.pk, fmt="docx"), get=REPORTERS
    ),
    # duty (pages)
    "duty:home": Described(
        build=lambda w: listing("duty:home"),
        get=ALL_ROLES,
        get_status=302,
        note="sends a deputy to their record, others to the ranking",
    ),
    "duty:ranking": Described(
        build=lambda w: listing("duty:ranking", marker=_record_marker(w)), get=DUTY_READERS, marker_roles=OFFICES
    ),
    "duty:ranking_export": Described(
        build=lambda w: _scored(w) and listing("duty:ranking_export"),
        get=DUTY_READERS,
        note="the workbook's rows: tests/duty cover them",
    ),
    "duty:rules": Described(build=lambda w: listing("duty:rules", year=_year()), get=DUTY_EDITORS),
    "duty:rules_start": Described(
        build=lambda w: listing("duty:rules_start", year=_year()),
        post=DUTY_EDITORS,
        post_data=lambda w, t: {"copy": "0"},
        note="starts the user's own congress's scheme for the year",
    ),
    "duty:entries": Described(
        build=lambda w: _entry(w) and listing("duty:entries", marker=w.mandate_a.deputy.name),
        get=DUTY_EDITORS,
        marker_roles={CONGRESS_OFFICE},
        note="the entries of the user's own congress; only 宣恩县's office has the ready-made one",
    ),
    "duty:entry_delete": Described(
        build=lambda w: target((e := _entry(w)), "duty:entry_delete", pk=e.pk),
        post={CONGRESS_OFFICE},
        note="only the office of the entry's own congress",
    ),
    "duty:my_record": Described(build=lambda w: listing("duty:my_record"), get={DEPUTY}),
    "duty:deputy_record": Described(
        build=lambda w: target(w.mandate_a.deputy, "duty:deputy_record", pk=w.mandate_a.deputy_id), get=SEES_DEPUTY_A
    ),
    "duty:public_toggle": Described(
        build=lambda w: target(w.mandate_a.deputy, "duty:public_toggle", pk=w.mandate_a.deputy_id),
        post=OFFICES,
        post_data=lambda w, t: {"hidden": "1"},
        note="a deputy hides or shows their own public page; an office any deputy's of its scope",
    ),
    "duty:meeting_new": Described(
        build=lambda w: target(w.mandate_a.deputy, "duty:meeting_new", pk=w.mandate_a.deputy_id), get=SEES_DEPUTY_A
    ),
    "duty:report_edit": Described(
        build=lambda w: target(w.mandate_a.deputy, "duty:report_edit", pk=w.mandate_a.deputy_id), get=SEES_DEPUTY_A
    ),
    "duty:report_download": Described(
        build=lambda w: target(w.mandate_a.deputy, "duty:report_download", pk=w.mandate_a.deputy_id), get=SEES_DEPUTY_A
    ),
    # duty (API)
    "api-duty-points": Described(
        build=lambda w: listing("api-duty-points", marker=_scored(w).name),
        get=DUTY_READERS | {DEPUTY},
        marker_roles=OFFICES,
    ),
    # suggestions (API): the office corrects the campaign a suggestion is counted under
    "suggestion-set-campaign": _api_action("set-campaign", "assigned", OFFICES, lambda w: {"campaign": w.campaign_a.pk}),
}

REPORT_DUTY_PUBLIC = {"duty:public_deputy": "a deputy's public page for voters (hidden ones are 404); no personal data"}
REPORT_DUTY_PUBLIC_TARGETS = {
    "duty:public_deputy": lambda w: Target(url=reverse("duty:public_deputy", args=[w.mandate_a.deputy_id]))
}
