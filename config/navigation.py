"""The menu shown in the base layout and the start page's shortcuts.

An entry is shown to the roles listed, or, where an app already has the rule of who may use the page,
to whom that rule admits (``activities.selectors.can_log_activities`` for 登记走访), so that the menu
never offers a page its view refuses, nor hides one it allows. It lives in ``config`` because it asks
rules of apps above ``accounts`` in the layering.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Role
from activities.selectors import can_log_activities

# (url name, label, who sees it: a set of roles (empty = every signed-in user), or the app's own rule)
NAVIGATION = [
    ("home", _("首页"), set()),
    ("dashboards:home", _("数据看板"), {Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE, Role.TOWNSHIP_STAFF}),
    ("activities:visit", _("登记走访"), can_log_activities),
    ("activities:list", _("履职活动"), {Role.TOWNSHIP_STAFF, Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE, Role.DEPUTY}),
    ("deputies:list", _("代表名册"), {Role.TOWNSHIP_STAFF, Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE}),
    ("liaison_stations:list", pgettext_lazy("navigation", "联络站"), {Role.TOWNSHIP_STAFF, Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE}),
    ("suggestions:mine", _("我的建议"), {Role.DEPUTY}),
    ("suggestions:inbox", _("交办件"), {Role.DEPARTMENT_HANDLER}),
    ("suggestions:triage", _("分办"), {Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE}),
    ("suggestions:list", _("建议"), {Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE, Role.TOWNSHIP_STAFF}),
    ("dashboards:my_record", _("履职档案"), {Role.DEPUTY}),
    ("duty:home", _("履职积分"), {Role.DEPUTY, Role.TOWNSHIP_STAFF, Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE}),
    ("suggestions:notifications", _("消息"), set()),
    ("residents:inbox", _("群众留言"), {Role.DEPUTY, Role.TOWNSHIP_STAFF, Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE}),
    ("residents:hot_issues", _("热点问题"), {Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE}),
]


def navigation_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for name, label, who in NAVIGATION:
        if callable(who):
            if not who(user):
                continue
        elif who and not user.is_superuser and user.role not in who:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            # The page belongs to an app feature that is not installed in this build.
            continue
        items.append({"url": url, "label": label, "name": name})
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"navigation": navigation_for(user)}


@login_required
def home(request):
    """The signed-in user's start page: their role's shortcuts."""
    shortcuts = [item for item in navigation_for(request.user) if item["name"] != "home"]
    return render(request, "accounts/home.html", {"shortcuts": shortcuts})
