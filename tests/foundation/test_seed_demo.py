from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


@pytest.fixture
def regions(settings):
    settings.DEBUG = True  # Django's test runner turns DEBUG off; the seeder is a development tool
    call_command("load_regions", stdout=StringIO())


def test_it_creates_the_demo_logins(regions):
    out = StringIO()
    call_command("seed_demo", "--password", "pw-for-test", stdout=out)
    for username in ["provincial", "xuanen", "xuanen-township", "honghu-township", "deputy"]:
        user = User.objects.get(username=username)
        assert user.check_password("pw-for-test")
        assert username in out.getvalue()
    assert User.objects.get(username="xuanen-township").region.parent.code == "422825"
    assert User.objects.get(username="honghu-township").region.parent.code == "421083"


def test_it_skips_a_database_that_already_has_data(regions):
    call_command("seed_demo", stdout=StringIO())
    before = User.objects.count()
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert User.objects.count() == before


@override_settings(DEBUG=False)
def test_it_refuses_to_run_with_debug_off(regions):
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
