from django.db.models import QuerySet

from regions.scope import regions_in_scope


def regions_visible_to(user) -> QuerySet:
    """Regions inside the user's scope (their own region and below)."""
    return regions_in_scope(user).select_related("parent")
