"""Scope lives with the regions it is made of (``regions.scope``); kept here so ``accounts.scope`` imports work."""

from regions.scope import (  # noqa: F401
    get_in_scope_or_404,
    has_scope,
    in_scope,
    region_in_scope,
    regions_in_scope,
    scope_region,
)
