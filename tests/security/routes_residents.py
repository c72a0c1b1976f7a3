"""The residents app's routes (and ``suggestions:similar``) in the authorization matrix (merged into
routes.DESCRIBED).

A resident's message is left at the world's ``station_a`` (珠山镇), where the 宣恩县 deputy user is
assigned, so that deputy handles it; a hot-issue cluster is computed for the province.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from tests.security.routes import (
    ALL_ROLES,
    CONGRESS_OFFICE,
    DEPUTY,
    HANDLER,
    OFFICES,
    PROVINCIAL_OFFICE,
    SUPERUSER,
    TOWNSHIP_STAFF,
    Described,
    Target,
    listing,
    target,
)

# Who sees the residents' messages: everyone but department handlers (scoped by the station's region).
SEES_MESSAGES = ALL_ROLES - {HANDLER}
# Who replies to and adopts them: those who see the residents' personal data. The matrix's office is a
# county office; the provincial office may read (masked) but is sent back with a refusal.
HANDLES_MESSAGES = frozenset({DEPUTY, TOWNSHIP_STAFF, CONGRESS_OFFICE, SUPERUSER})
# Hot issues are computed for provincial and city offices; the matrix has no city office.
SEES_HOT_ISSUES = frozenset({PROVINCIAL_OFFICE, SUPERUSER})
STATION_ROLES = OFFICES | {TOWNSHIP_STAFF, DEPUTY}
# Who releases or discards held messages: those who handle messages, deputies aside (they never see a
# held message: 404); the provincial office reads it masked and is sent back with a refusal.
REVIEWS_MESSAGES = HANDLES_MESSAGES - {DEPUTY}


def _message(w):
    """A new message at station_a, whose deputies include the 宣恩县 deputy user (made once)."""
    from liaison_stations.models import StationAssignment
    from residents.models import ResidentMessage

    if "resident_message_a" not in w.__dict__:
        StationAssignment.objects.get_or_create(station=w.station_a, deputy=w.own_deputy_a)
        w.__dict__["resident_message_a"] = ResidentMessage.objects.create(
            station=w.station_a, region=w.tree.zhushan, text="村口路灯坏了三个月", name="王五", phone="13700001111"
        )
    return w.__dict__["resident_message_a"]


def _held_message(w):
    """A message at station_a held for review (a flood was under way): the clerks release or discard it."""
    from residents.models import HoldReason, MessageStatus, ResidentMessage

    if "held_message_a" not in w.__dict__:
        w.__dict__["held_message_a"] = ResidentMessage.objects.create(
            station=w.station_a, region=w.tree.zhushan, text="路灯一直不亮待审核甲", status=MessageStatus.HELD,
            held_reason=HoldReason.STATION,
        )
    return w.__dict__["held_message_a"]


def _hot_issue(w):
    """One cluster of the province's latest weekly run, holding suggestion_a and the message."""
    from residents.models import HotIssue

    if "hot_issue_a" not in w.__dict__:
        issue = HotIssue.objects.create(
            computed_at=timezone.now(),
            label="路灯照明热点甲",  # unique: the hot-issue lists' marker
            terms=["路灯", "照明"],
            size=2,
            suggestion_count=1,
            message_count=1,
            regions={w.tree.xuanen.prefix: 2},
            scope_prefix=w.tree.province.prefix,
        )
        issue.suggestions.add(w.suggestion_a)
        issue.messages.add(_message(w))
        w.__dict__["hot_issue_a"] = issue
    return w.__dict__["hot_issue_a"]


def _follow_up(w) -> Target:
    return listing("residents:follow_up", token=_message(w).token)


def _public_form(w) -> Target:
    from residents.selectors import station_public_key

    return listing("residents:public_form", key=station_public_key(w.station_a))


def _adopt_data(w, t):
    return {"title": "", "lead_deputy": w.own_deputy_a.pk}


# Public routes whose dummy URL is rightly a 404 (an unsigned key, an unknown token): the matrix
# reaches them through a real object instead.
PUBLIC_TARGETS = {"residents:public_form": _public_form, "residents:follow_up": _follow_up}

RESIDENT_PUBLIC = {
    "residents:public_form": "the page behind a station's QR code: residents write without an account "
    "(signed station key, human check, rate limits; an unknown key is a 404)",
    "residents:follow_up": "the resident's private link to their message and its reply (an unguessable token; "
    "an unknown token is a 404; shows no one's personal data)",
    "residents:challenge_picture": "the QR form's question drawn as a picture for anonymous residents (a bad token "
    "draws noise only; GET only)",
}

RESIDENT_ROUTES = {
    "suggestions:similar": Described(build=lambda w: listing("suggestions:similar", query="?title=便民桥"), get=SEES_MESSAGES),
    # pages
    "residents:inbox": Described(
        build=lambda w: listing("residents:inbox", marker=reverse("residents:detail", args=[_message(w).pk])), get=SEES_MESSAGES
    ),
    "residents:detail": Described(build=lambda w: target(_message(w), "residents:detail", pk=_message(w).pk), get=SEES_MESSAGES),
    "residents:reply": Described(
        build=lambda w: target(_message(w), "residents:reply", pk=_message(w).pk),
        post=HANDLES_MESSAGES,
        post_data=lambda w, t: {"reply": "已联系村委会，本周修复。"},
        # The provincial office may read the message and is sent back to it with a refusal.
        refused_redirect_to="/voice/",
    ),
    "residents:adopt": Described(
        build=lambda w: target(_message(w), "residents:adopt", pk=_message(w).pk),
        post=HANDLES_MESSAGES,
        post_data=_adopt_data,
        refused_redirect_to="/voice/",
    ),
    "residents:release": Described(
        build=lambda w: target(_held_message(w), "residents:release", pk=_held_message(w).pk),
        post=REVIEWS_MESSAGES,
        refused=(404,),
        refused_redirect_to="/voice/",
    ),
    "residents:discard": Described(
        build=lambda w: target(_held_message(w), "residents:discard", pk=_held_message(w).pk),
        post=REVIEWS_MESSAGES,
        refused=(404,),
        refused_redirect_to="/voice/",
    ),
    "residents:review_held": Described(
        # A list route (ids in the body): outsiders' posts must change nothing (test_held_messages.py) and
        # show nothing of 宣恩县's; those who may not review get 404.
        build=lambda w: listing("residents:review_held", marker=_held_message(w).text),
        post=REVIEWS_MESSAGES,
        post_data=lambda w, t: {"action": "discard", "ids": [_held_message(w).pk]},
        refused=(404,),
    ),
    "residents:poster": Described(
        build=lambda w: target(w.station_a, "residents:poster", station_pk=w.station_a.pk), get=STATION_ROLES
    ),
    "residents:poster_qr": Described(
        build=lambda w: target(w.station_a, "residents:poster_qr", station_pk=w.station_a.pk), get=STATION_ROLES
    ),
    "residents:hot_issues": Described(
        build=lambda w: listing("residents:hot_issues", marker=_hot_issue(w).label), get=OFFICES, marker_roles=SEES_HOT_ISSUES
    ),
    "residents:hot_export": Described(
        build=lambda w: listing("residents:hot_export", marker=_hot_issue(w).label), get=OFFICES, marker_roles=SEES_HOT_ISSUES
    ),
    "residents:hot_detail": Described(
        build=lambda w: target(_hot_issue(w), "residents:hot_detail", pk=_hot_issue(w).pk), get=SEES_HOT_ISSUES
    ),
    # The province dashboard's hot-issue panel opens a cluster's suggestions; only those who may open
    # the province's dashboard may (a county office's own dashboard has no province cluster: 404).
    "dashboards:hot_issue": Described(
        build=lambda w: target(_hot_issue(w), "dashboards:hot_issue", code=w.tree.province.code, pk=_hot_issue(w).pk),
        get=SEES_HOT_ISSUES,
    ),
    # API
    "resident-message-list": Described(
        build=lambda w: listing("resident-message-list", marker=_message(w).text),
        get=ALL_ROLES,  # a handler gets an empty list
        marker_roles=SEES_MESSAGES,
    ),
    "resident-message-detail": Described(
        build=lambda w: target(_message(w), "resident-message-detail", pk=_message(w).pk), get=SEES_MESSAGES
    ),
    "resident-message-reply": Described(
        build=lambda w: target(_message(w), "resident-message-reply", pk=_message(w).pk),
        post=HANDLES_MESSAGES,
        post_status=200,
        post_data=lambda w, t: {"reply": "已联系村委会，本周修复。"},
    ),
    "resident-message-adopt": Described(
        build=lambda w: target(_message(w), "resident-message-adopt", pk=_message(w).pk),
        post=HANDLES_MESSAGES,
        post_status=201,
        post_data=_adopt_data,
        note="409 when already adopted: tests/residents",
    ),
    "resident-message-release": Described(
        build=lambda w: target(_held_message(w), "resident-message-release", pk=_held_message(w).pk),
        post=REVIEWS_MESSAGES,
        post_status=200,
        note="409 when the message is no longer held: tests/residents/test_held_messages.py",
    ),
    "resident-message-discard": Described(
        build=lambda w: target(_held_message(w), "resident-message-discard", pk=_held_message(w).pk),
        post=REVIEWS_MESSAGES,
        post_status=200,
    ),
    "hot-issue-list": Described(
        build=lambda w: listing("hot-issue-list", marker=_hot_issue(w).label), get=ALL_ROLES, marker_roles=SEES_HOT_ISSUES
    ),
    "hot-issue-detail": Described(
        build=lambda w: target(_hot_issue(w), "hot-issue-detail", pk=_hot_issue(w).pk), get=SEES_HOT_ISSUES
    ),
}
