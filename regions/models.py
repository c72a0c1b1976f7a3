"""The administrative tree: province → city → county → township → village/community."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市(州)")
    COUNTY = "county", _("县(市、区)")
    TOWNSHIP = "township", _("乡(镇、街道)")
    VILLAGE = "village", _("村(社区)")


# Length of the meaningful prefix of a statistical division code at each level.
PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}
# The county (县、市、区) is where suggestions are received and handled: its prefix is the unit of many rules.
COUNTY_PREFIX_LENGTH = PREFIX_LENGTH[RegionLevel.COUNTY]
LEVEL_ORDER = [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]
CODE_LENGTH = {
    RegionLevel.PROVINCE: 6,
    RegionLevel.CITY: 6,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}


def code_prefix(code: str, level: str) -> str:
    """The hierarchical part of a division code: every descendant's prefix starts with it.

    County-level units directly under the province (仙桃市 429004) keep all six digits, so the
    rule is by level, not by trailing zeros.
    """
    return code[: PREFIX_LENGTH[RegionLevel(level)]]


def county_prefix(region) -> str:
    """The prefix of the county a region lies in (a city or the province: its own, shorter prefix)."""
    return region.prefix[:COUNTY_PREFIX_LENGTH]


class RegionQuerySet(models.QuerySet):
    def within(self, region: Region | None) -> RegionQuerySet:
        """The region and everything below it (one indexed prefix filter, no recursion)."""
        if region is None:
            return self
        return self.filter(prefix__startswith=region.prefix)


class Region(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Denormalised from code and level; the scope filter of every list in the product uses it.
    # db_index gives PostgreSQL both a btree and a pattern_ops index, so LIKE '4228%' is indexed
    # under any collation.
    prefix = models.CharField(_("代码前缀"), max_length=12, editable=False, db_index=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [
            # Child-region tables on dashboards: regions of one level under a prefix.
            models.Index(fields=["level", "prefix"], name="region_level_prefix_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.prefix = code_prefix(self.code, self.level)
        super().save(*args, **kwargs)

    @property
    def level_rank(self) -> int:
        return LEVEL_ORDER.index(RegionLevel(self.level))

    def contains(self, other: Region | None) -> bool:
        """True when ``other`` is this region or lies below it."""
        return other is not None and other.prefix.startswith(self.prefix)

    def ancestors(self) -> list[Region]:
        """From the province down to this region's parent, in one query.

        A parent's prefix is a leading part of its child's, so the chain is found by prefix.
        """
        return Region.ancestors_of([self])[self.pk]

    @staticmethod
    def ancestors_of(regions: Iterable[Region]) -> dict[int, list[Region]]:
        """``ancestors()`` of many regions at once (province first), in one query for all of them."""
        regions = list(regions)

        def wanted(region: Region) -> list[str]:
            return [region.prefix[:n] for n in sorted(set(PREFIX_LENGTH.values())) if n < len(region.prefix)]

        by_prefix: dict[str, list[Region]] = {}
        prefixes = {p for r in regions for p in wanted(r)}
        for found in Region.objects.filter(prefix__in=prefixes) if prefixes else ():
            by_prefix.setdefault(found.prefix, []).append(found)
        return {
            r.pk: sorted((a for p in wanted(r) for a in by_prefix.get(p, ()) if a.pk != r.pk), key=lambda a: len(a.prefix))
            for r in regions
        }

    def path_names(self) -> str:
        return " / ".join([r.name for r in self.ancestors()] + [self.name])

    def display_name_for(self, user=None) -> str:
        """The name a reader can tell apart: a village with its township ("珠山镇西坪村"), and a
        village or township with its county too when the reader's scope spans several counties.

        Reads ``parent`` (and its parent): lists select them with the region.
        """
        rank = self.level_rank
        township_rank = LEVEL_ORDER.index(RegionLevel.TOWNSHIP)
        if rank < township_rank:
            return self.name
        names = [self.name]
        node = self
        wanted = rank - township_rank + (1 if spans_counties(user) else 0)
        for _step in range(wanted):
            node = node.parent
            if node is None or node.level_rank < LEVEL_ORDER.index(RegionLevel.COUNTY):
                break
            names.append(node.name)
        return "".join(reversed(names))


def spans_counties(user) -> bool:
    """Whether a reader's scope holds more than one county (province and city offices, superusers)."""
    if user is None or getattr(user, "is_superuser", False):
        return True
    region = getattr(user, "region", None)
    return region is None or region.level_rank < LEVEL_ORDER.index(RegionLevel.COUNTY)
