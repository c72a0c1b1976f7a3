"""The one scope helper every selector uses (a user's region and everything below it).

A user sees their region and everything below it; an object outside that answers 404. Scope is a
single indexed prefix filter on ``Region.prefix`` (see regions.models), never a recursive query.

The big lists' rows (suggestions, activities, deputies) carry their region's prefix in a column of
their own, ``region_prefix``, copied from the region whenever the row is saved
(:func:`copy_region_prefix`) and indexed for prefix ranges (:func:`prefix_index`): their scope is a
range of one column of the row, not a join to the region tree on every list.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from regions.models import PREFIX_LENGTH, Region


def scope_region(user) -> Region | None:
    """The region a user may see; ``None`` means everything (superusers)."""
    return None if user.is_superuser else user.region


def has_scope(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.region_id))


def in_scope(queryset: QuerySet, user, region_field: str = "region") -> QuerySet:
    """Filter ``queryset`` to objects whose ``region_field`` lies inside the user's region.

    ``region_field`` is the path to a Region foreign key (``"region"``, ``"station__region"``).
    Anonymous users and users without a region see nothing.
    """
    if not has_scope(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(**{f"{prefix_path(queryset.model, region_field)}__startswith": user.region.prefix})


def prefix_path(model, region_field: str = "region") -> str:
    """The lookup path to the region prefix of ``model``'s ``region_field``: the row's own copy
    (``region_prefix``) where it keeps one, else through the region."""
    if "__" not in region_field:
        try:
            model._meta.get_field(f"{region_field}_prefix")
        except FieldDoesNotExist:
            pass
        else:
            return f"{region_field}_prefix"
    return f"{region_field}__prefix"


def copy_region_prefix(instance, save_kwargs: dict) -> None:
    """Called by ``save()`` of a model with ``region`` and ``region_prefix``: keep the copy true.

    The region is read when it is not loaded yet (one query by key); a save limited by
    ``update_fields`` that names the region saves the copy with it. Rows written without ``save()``
    (``bulk_create``, the scale seeder's COPY) fill ``region_prefix`` themselves.
    """
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None:
        if not {"region", "region_id"} & set(update_fields):
            return
        save_kwargs["update_fields"] = {*update_fields, "region_prefix"}
    instance.region_prefix = instance.region.prefix if instance.region_id else ""


def prefix_index(*fields: str, name: str) -> models.Index:
    """An index whose first field is a region prefix searched by ``startswith`` (``LIKE '4228%'``):
    PostgreSQL's pattern operators, as the database's collation is not C."""
    return models.Index(fields=list(fields), opclasses=["varchar_pattern_ops", *[""] * (len(fields) - 1)], name=name)


def ancestor_prefixes(region: Region) -> list[str]:
    """The prefixes of ``region`` and of every region above it (province, city, county…)."""
    return [region.prefix[:n] for n in sorted(set(PREFIX_LENGTH.values())) if n <= len(region.prefix)]


def in_scope_or_above(queryset: QuerySet, user, region_field: str = "region") -> QuerySet:
    """Like ``in_scope``, plus the objects of the regions above the user's own: what an office may name
    but not edit — the city or province congress a county's deputies also sit in, the checklist items
    and campaigns the province set for every station. Never a sibling region's (another county's).
    ``region_field=""`` filters regions themselves."""
    if not has_scope(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    path = f"{region_field}__" if region_field else ""
    return queryset.filter(
        Q(**{f"{path}prefix__startswith": user.region.prefix}) | Q(**{f"{path}prefix__in": ancestor_prefixes(user.region)})
    )


def region_in_scope_or_above(user, region: Region | None) -> bool:
    """``in_scope_or_above`` for one region already loaded."""
    if region is None or not has_scope(user):
        return False
    return user.is_superuser or region.prefix.startswith(user.region.prefix) or user.region.prefix.startswith(region.prefix)


def region_in_scope(user, region: Region | None) -> bool:
    if region is None or not has_scope(user):
        return False
    return user.is_superuser or region.prefix.startswith(user.region.prefix)


def regions_in_scope(user) -> QuerySet:
    if not has_scope(user):
        return Region.objects.none()
    return Region.objects.within(scope_region(user))


def get_in_scope_or_404(queryset: QuerySet, user, region_field: str = "region", **lookup) -> Model:
    """Fetch one object inside the user's scope, or 404 — the same answer as for a missing id."""
    try:
        return in_scope(queryset, user, region_field).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
