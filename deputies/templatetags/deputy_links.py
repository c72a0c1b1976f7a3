"""``{% if user|opens_deputy:d %}``: draw a link to a deputy's page only when the reader may open it.

The same rule as ``deputies.selectors.deputies_visible_to`` (roster readers see deputies in their
scope; a deputy sees only their own record), asked of one row without a query.
"""

from django import template

from accounts.scope import region_in_scope
from deputies.selectors import sees_roster

register = template.Library()


@register.filter
def opens_deputy(user, deputy) -> bool:
    if deputy is None or not sees_roster(user):
        return False
    if user.is_superuser:
        return True
    if user.is_deputy:
        return deputy.user_id == user.pk
    return region_in_scope(user, deputy.region)
