from io import StringIO

import pytest
from django.core.management import call_command

from deputies.models import Deputy, DeputyGroup, Mandate, MandateLevel
from liaison_stations.models import ReceptionDay, StationAssignment, StationStandard

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_five_levels_groups_stations_and_links_the_deputy_login(settings):
    settings.DEBUG = True
    call_command("load_regions", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    xiang = Deputy.objects.get(name="向明华")
    assert xiang.user.username == "deputy" and xiang.region.name == "珠山镇"
    assert set(Mandate.objects.values_list("level", flat=True)) == set(MandateLevel.values)
    assert DeputyGroup.objects.exclude(kind="regional").exists()
    assert StationStandard.objects.exists() and StationAssignment.objects.exists() and ReceptionDay.objects.exists()
    # names are sortable by strokes: the placeholder zeros are gone
    assert not Deputy.objects.filter(surname_strokes=0).exists()
