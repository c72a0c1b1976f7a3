"""Finding 3 of the attack run (outside suggestions): every reference a client sends is checked
against the sender's scope, and the error names the field."""

from __future__ import annotations

import pytest

from tests.security.routes import CONGRESS_OFFICE

pytestmark = pytest.mark.django_db


def test_a_county_office_cannot_set_another_county_as_a_mandates_congress(world, api_as):
    # given 宣恩县's office and one of its deputies
    office = world.insiders[CONGRESS_OFFICE]
    deputy = world.deputy_a
    body = {"deputy": deputy.pk, "level": "county", "congress_region": world.tree.honghu.code, "term": "第十九届"}
    # when it names 洪湖市 as the seat's congress
    response = api_as(office).post("/api/v1/mandates/", body, format="json")
    # then it is refused, naming the field, and nothing is saved
    assert response.status_code == 400, response.content
    assert "congress_region" in response.json()
    assert not deputy.mandates.exists()


def test_its_own_county_and_the_congresses_above_it_are_accepted(world, api_as):
    office = world.insiders[CONGRESS_OFFICE]
    api = api_as(office)
    for level, region in (("county", world.tree.xuanen), ("provincial", world.tree.province)):
        body = {"deputy": world.deputy_a.pk, "level": level, "congress_region": region.code, "term": "第十四届"}
        assert api.post("/api/v1/mandates/", body, format="json").status_code == 201


def test_a_mandate_cannot_be_moved_to_another_countys_congress(world, api_as):
    office = world.insiders[CONGRESS_OFFICE]
    mandate = world.mandate_a
    response = api_as(office).patch(f"/api/v1/mandates/{mandate.pk}/", {"congress_region": world.tree.honghu.code}, format="json")
    assert response.status_code == 400
    assert "congress_region" in response.json()
    mandate.refresh_from_db()
    assert mandate.congress_region != world.tree.honghu
