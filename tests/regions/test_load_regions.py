from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from regions.loader import HUBEI_DIVISIONS, load_regions
from regions.models import Region, RegionLevel

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def test_it_loads_hubei_province_cities_and_counties():
    report = load_regions()
    assert report.errors == []
    assert Region.objects.count() == 117
    assert Region.objects.filter(level=RegionLevel.PROVINCE).count() == 1
    assert Region.objects.filter(level=RegionLevel.CITY).count() == 13
    assert Region.objects.filter(level=RegionLevel.COUNTY).count() == 103
    assert not Region.objects.exclude(level=RegionLevel.PROVINCE).filter(parent__isnull=True).exists()


def test_county_level_units_directly_under_the_province_hang_from_it():
    load_regions()
    xiantao = Region.objects.get(code="429004")
    assert xiantao.parent.code == "420000"
    assert [r.code for r in xiantao.ancestors()] == ["420000"]


def test_a_second_load_changes_nothing_and_says_so():
    call_command("load_regions", stdout=StringIO())
    out = StringIO()
    call_command("load_regions", stdout=out)
    assert "未做任何更改" in out.getvalue()
    assert Region.objects.count() == 117


def test_a_malformed_file_changes_nothing_and_names_every_bad_row(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    lines = HUBEI_DIVISIONS.read_text(encoding="utf-8").splitlines()
    lines[3] = "4201XX,坏代码,county,420100"
    lines[5] = "420999,无上级,county,429999"
    bad.write_text("\n".join(lines), encoding="utf-8")
    report = load_regions(bad)
    assert Region.objects.count() == 0
    assert len(report.errors) == 2
    assert report.errors[0].startswith("第4行") and report.errors[1].startswith("第6行")
    with pytest.raises(CommandError):
        call_command("load_regions", str(bad), stdout=StringIO(), stderr=StringIO())


def test_the_subtree_filter_is_a_prefix_filter():
    load_regions()
    enshi = Region.objects.get(code="422800")
    inside = set(Region.objects.within(enshi).values_list("code", flat=True))
    assert "422825" in inside and "422800" in inside
    assert "421083" not in inside
    assert len(inside) == 9  # the prefecture and its eight county-level units
    assert Region.objects.within(Region.objects.get(code="420000")).count() == 117


def test_townships_and_villages_nest_under_their_county(tree):
    assert tree.zhushan_village.prefix.startswith(tree.xuanen.prefix)
    assert tree.xuanen.contains(tree.zhushan_village)
    assert not tree.honghu.contains(tree.zhushan_village)
    assert [r.name for r in tree.zhushan_village.ancestors()] == ["湖北省", "恩施土家族苗族自治州", "宣恩县", "珠山镇"]
