"""Every select says what its empty choice means: 全部 in a filter, 请选择 in a form — never Django's
dashes ("---------") or 未知 (Django's "Unknown", which a yes/no filter offers for "no filter")."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from config.filters import AllYesNoSelect
from deputies.filters import DeputyFilter, GroupFilter
from liaison_stations.filters import StationFilter
from suggestions.filters import SuggestionFilter

pytestmark = pytest.mark.django_db

MEANINGLESS = re.compile(r"<option[^>]*>\s*(未知|-{3,})\s*</option>")


def _options(html: str) -> list[str]:
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", html)]


@pytest.mark.parametrize(("filterset", "name"), [
    (DeputyFilter, "active"), (GroupFilter, "active"), (StationFilter, "active"), (SuggestionFilter, "key_supervision"),
])
def test_a_yes_no_filter_offers_all_yes_and_no(filterset, name):
    field = filterset.base_filters[name].field
    assert isinstance(field.widget, AllYesNoSelect)
    assert _options(field.widget.render(name, None)) == ["全部", "是", "否"]


def test_a_yes_no_filter_keeps_its_choice_and_filters_by_it(client_as, xuanen_office, tree):
    from tests.factories.deputies import DeputyFactory
    from tests.factories.suggestions import SuggestionFactory

    deputy = DeputyFactory(region=tree.zhushan)
    marked = SuggestionFactory(region=tree.zhushan, lead_deputy=deputy, key_supervision=True, title="重点督办的那件", status="submitted")
    SuggestionFactory(region=tree.zhushan, lead_deputy=deputy, key_supervision=False, title="平常的那件", status="submitted")
    page = client_as(xuanen_office).get(reverse("suggestions:list"), {"key_supervision": "true"}).content.decode()
    assert marked.title in page and "平常的那件" not in page
    assert re.search(r'<option value="true" selected>是</option>', page)
    everything = client_as(xuanen_office).get(reverse("suggestions:list"), {"key_supervision": ""}).content.decode()
    assert "平常的那件" in everything and re.search(r'<option value="" selected>全部</option>', everything)


@pytest.mark.parametrize("name", [
    "suggestions:list", "suggestions:triage", "suggestions:supervision", "suggestions:create",
    "deputies:list", "deputies:groups", "deputies:create", "liaison_stations:list", "liaison_stations:create",
    "activities:list", "activities:visit", "residents:inbox",
])
def test_no_page_offers_dashes_or_unknown_as_a_choice(client_as, xuanen_office, name):
    response = client_as(xuanen_office).get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<option" in page
    assert not MEANINGLESS.search(page), MEANINGLESS.search(page).group(0)
