"""Duty-point test data: schemes with rules, and a county deputy living in 珠山镇."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from deputies.models import MandateLevel
from duty.models import PointRule, PointScheme
from tests.factories.dashboards import DashDeputyFactory, DashMandateFactory


def make_scheme(region, year, rules, threshold=10):
    """``rules``: (kind, points, ceiling, effective_from or None for 1 January)."""
    scheme = PointScheme.objects.create(congress_region=region, year=year, threshold=Decimal(threshold))
    for kind, points, ceiling, since in rules:
        PointRule.objects.create(
            scheme=scheme, kind=kind, points=Decimal(points), ceiling=None if ceiling is None else Decimal(ceiling),
            effective_from=since or dt.date(year, 1, 1),
        )
    return scheme


def county_deputy(tree, name="张三", phone="13812345678", **kw):
    deputy = DashDeputyFactory(region=tree.zhushan, name=name, phone=phone, **kw)
    DashMandateFactory(deputy=deputy, level=MandateLevel.COUNTY, congress_region=tree.xuanen)
    return deputy
