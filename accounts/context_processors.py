"""Navigation by role, shown in the base layout."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Role

# (url name, label, roles that see it; empty = every signed-in user)
NAVIGATION = [
    ("home", _("首页"), set()),
    ("dashboards:home", _("数据看板"), {Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE, Role.TOWNSHIP_STAFF}),
    ("activities:visit", _("登记走访"), {Role.TOWNSHIP_STAFF, Role.CONGRESS_OFFICE}),
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
    for name, label, roles in NAVIGATION:
        if roles and not user.is_superuser and user.role not in roles:
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
