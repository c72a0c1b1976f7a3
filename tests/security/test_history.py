"""The change history page (修改记录): who changed what and when, for congress offices only."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from accounts.history import HISTORY_MODELS

pytestmark = pytest.mark.django_db


def _url(obj, key):
    return reverse("history", args=[key, obj.pk])


def _edit(obj, user, **changes):
    # simple_history records the acting user from the request middleware or from _history_user.
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()


def test_an_office_sees_who_changed_which_field(client_as, world):
    office = world.insiders["congress_office"]
    deputy = world.deputy_a
    _edit(deputy, office, phone="13700000000", sector="农业")
    body = client_as(office).get(_url(deputy, "deputies.deputy")).content.decode()
    assert "修改" in body and "创建" in body
    assert "手机号" in body and "13812345678" in body and "13700000000" in body
    assert "界别/职业" in body and "农业" in body
    assert office.display_name in body


def test_a_foreign_key_change_shows_names_not_ids(client_as, world):
    office = world.insiders["congress_office"]
    station = world.station_a
    _edit(station, office, region=world.tree.jiaoyuan)
    body = client_as(office).get(_url(station, "liaison_stations.liaisonstation")).content.decode()
    assert "珠山镇" in body and "椒园镇" in body


def test_choices_show_their_chinese_label(client_as, world):
    office = world.insiders["congress_office"]
    mandate = world.mandate_a
    _edit(mandate, office, level="township")
    body = client_as(office).get(_url(mandate, "deputies.mandate")).content.decode()
    assert "县(市、区)" in body and "乡(镇)" in body


@pytest.mark.parametrize("key", sorted(HISTORY_MODELS))
def test_every_listed_model_has_a_history_page_for_insiders_and_404_for_outsiders(client_as, world, key):
    obj = {
        "deputies.deputy": lambda: world.deputy_a,
        "deputies.mandate": lambda: world.mandate_a,
        "liaison_stations.liaisonstation": lambda: world.station_a,
        "activities.activity": lambda: world.activity_a,
    }[key]()
    assert client_as(world.insiders["congress_office"]).get(_url(obj, key)).status_code == 200
    assert client_as(world.insiders["provincial_office"]).get(_url(obj, key)).status_code == 200
    assert client_as(world.outsiders["congress_office"]).get(_url(obj, key)).status_code == 404


def test_it_refuses_roles_that_are_not_offices(client_as, world):
    for role in ("township_staff", "deputy", "department_handler"):
        assert client_as(world.insiders[role]).get(_url(world.deputy_a, "deputies.deputy")).status_code == 403


def test_it_refuses_models_that_are_not_on_the_list(client_as, world):
    office = world.insiders["congress_office"]
    assert client_as(office).get(reverse("history", args=["accounts.user", office.pk])).status_code == 404
    assert client_as(office).get(reverse("history", args=["nope", 1])).status_code == 404
    assert client_as(office).get(reverse("history", args=["deputies.deputy", 999999])).status_code == 404


def test_edits_through_a_page_record_the_signed_in_user(client_as, world):
    # The request middleware supplies the user when a view saves; simulate with the model's own save.
    from simple_history.utils import update_change_reason

    office = world.insiders["congress_office"]
    activity = world.activity_a
    _edit(activity, office, households_visited=12, date=datetime.date(2026, 5, 2))
    update_change_reason(activity, "补录走访户数")
    body = client_as(office).get(_url(activity, "activities.activity")).content.decode()
    assert "走访农户数" in body and "12" in body and "补录走访户数" in body


def test_the_page_costs_the_same_queries_for_2_and_for_50_changes(client_as, world, django_assert_num_queries):
    office = world.insiders["congress_office"]
    client = client_as(office)
    deputy = world.deputy_a
    _edit(deputy, office, region=world.tree.jiaoyuan)
    client.get(_url(deputy, "deputies.deputy"))  # warm the session
    with django_assert_num_queries(5):
        client.get(_url(deputy, "deputies.deputy"))
    for n in range(50):
        _edit(deputy, office, region=world.tree.zhushan if n % 2 else world.tree.jiaoyuan, sector=f"界别{n}")
    with django_assert_num_queries(5):
        client.get(_url(deputy, "deputies.deputy"))
