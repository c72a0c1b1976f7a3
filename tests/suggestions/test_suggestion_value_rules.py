"""Value rules live in the services: co-signers and the lead deputy of the suggestion's county, a campaign
the author can see, departments within the office's reach — for every role that may enter or assign."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from activities.models import CampaignKind
from config.exceptions import PermissionRefused
from suggestions import services
from suggestions.models import Notification, Suggestion
from tests.factories.accounts import UserFactory
from tests.factories.activities import CampaignFactory
from tests.factories.suggestions import SuggestionDeputyFactory

pytestmark = pytest.mark.django_db

ENTERING_ROLES = ["deputy", "township_staff", "congress_office", "superuser"]


@pytest.fixture
def author(request, world, xuanen_staff, xuanen_office):
    """Each role that may enter a suggestion of 宣恩县, with the lead deputy it would name."""
    role = request.param
    if role == "deputy":
        return world.deputy_user
    if role == "township_staff":
        return xuanen_staff
    if role == "congress_office":
        return xuanen_office
    return UserFactory(username="root", role=Role.PROVINCIAL_OFFICE, region=None, is_superuser=True, is_staff=True)


@pytest.fixture
def outsider_deputy(tree):
    return SuggestionDeputyFactory(name="洪湖代表", region=tree.fengkou)


def _create(author, world, tree, **kwargs):
    values = {"title": "关于修缮珠山镇道路的建议", "content": "路面破损严重。", "region": tree.zhushan, "lead_deputy": world.deputy}
    return services.suggestion_create(actor=author, **{**values, **kwargs})


def _field_errors(exc: ValidationError, field: str) -> list[str]:
    return exc.value.message_dict.get(field, [])


@pytest.mark.parametrize("author", ENTERING_ROLES, indirect=True)
def test_a_co_signer_of_another_county_is_refused(author, world, tree, outsider_deputy):
    with pytest.raises(ValidationError) as exc:
        _create(author, world, tree, co_signers=[outsider_deputy])
    assert "洪湖代表" in _field_errors(exc, "co_signers")[0]
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("author", ENTERING_ROLES, indirect=True)
def test_a_co_signer_of_the_county_is_accepted(author, world, tree):
    neighbour = SuggestionDeputyFactory(name="椒园代表", region=tree.jiaoyuan)
    suggestion = _create(author, world, tree, co_signers=[neighbour])
    assert list(suggestion.co_signatures.values_list("deputy__name", flat=True)) == ["椒园代表"]


@pytest.mark.parametrize("author", ["township_staff", "congress_office", "superuser"], indirect=True)
def test_a_lead_deputy_of_another_county_is_refused(author, world, tree, outsider_deputy):
    with pytest.raises(ValidationError) as exc:
        _create(author, world, tree, lead_deputy=outsider_deputy)
    assert _field_errors(exc, "lead_deputy")
    assert not Suggestion.objects.exists()


def test_a_deputy_may_lead_only_their_own_suggestion(world, tree):
    colleague = SuggestionDeputyFactory(name="椒园代表", region=tree.jiaoyuan)
    with pytest.raises(ValidationError) as exc:
        _create(world.deputy_user, world, tree, lead_deputy=colleague)
    assert _field_errors(exc, "lead_deputy") == ["代表只能以本人作为领衔代表提出建议。"]


@pytest.mark.parametrize("author", ENTERING_ROLES, indirect=True)
def test_a_campaign_of_another_county_is_refused(author, world, tree):
    honghu_theme = CampaignFactory(kind=CampaignKind.SELF_CHOSEN, region=tree.honghu, title="洪湖自选")
    with pytest.raises(ValidationError) as exc:
        _create(author, world, tree, campaign=honghu_theme)
    assert _field_errors(exc, "campaign")
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("author", ENTERING_ROLES, indirect=True)
def test_the_provinces_campaign_is_accepted(author, world, tree):
    theme = CampaignFactory(region=tree.province)
    assert _create(author, world, tree, campaign=theme).campaign == theme


@pytest.mark.parametrize("role", [Role.PROVINCIAL_OFFICE, Role.DEPARTMENT_HANDLER])
def test_roles_that_do_not_enter_suggestions_are_refused(role, world, tree):
    user = UserFactory(username=f"x-{role}", role=role, region=tree.xuanen)
    with pytest.raises(PermissionRefused):
        _create(user, world, tree)


def test_a_draft_moved_out_of_its_co_signers_county_is_refused(world, tree, xuanen_staff):
    neighbour = SuggestionDeputyFactory(name="椒园代表", region=tree.jiaoyuan)
    suggestion = _create(world.deputy_user, world, tree, co_signers=[neighbour])
    superuser = UserFactory(username="root", role=Role.PROVINCIAL_OFFICE, is_superuser=True, is_staff=True)
    with pytest.raises(ValidationError) as exc:
        services.suggestion_update_draft(suggestion.pk, actor=superuser, title="t", content="c", region=tree.fengkou)
    # a superuser may act for the deputy, but the deputies belong to 宣恩县, not to 洪湖市
    assert set(exc.value.message_dict) == {"lead_deputy", "co_signers"}
    suggestion.refresh_from_db()
    assert suggestion.region == tree.zhushan


# --- departments within the office's reach ---------------------------------------------------------------


def test_an_office_may_not_assign_to_another_countys_department(submitted, world, xuanen_office):
    suggestion = submitted()
    with pytest.raises(ValidationError) as exc:
        services.suggestion_assign(suggestion.pk, lead=world.honghu_transport, actor=xuanen_office)
    assert "洪湖市交通运输局" in exc.value.message_dict["lead"][0]
    with pytest.raises(ValidationError) as exc:
        services.suggestion_assign(suggestion.pk, lead=world.transport, co_handlers=[world.honghu_transport], actor=xuanen_office)
    assert "洪湖市交通运输局" in exc.value.message_dict["co_handlers"][0]
    suggestion.refresh_from_db()
    assert not suggestion.assignments.exists()


def test_the_provincial_office_reaches_every_countys_department(submitted, world, provincial):
    suggestion = submitted()
    services.suggestion_assign(suggestion.pk, lead=world.transport, actor=provincial)
    assert suggestion.assignments.get().department == world.transport


@pytest.mark.parametrize("who", ["deputy_user", "handler"])
def test_a_deputy_or_handler_may_not_assign(submitted, world, who):
    suggestion = submitted()
    with pytest.raises(PermissionRefused):
        services.suggestion_assign(suggestion.pk, lead=world.transport, actor=getattr(world, who))


# --- the API --------------------------------------------------------------------------------------------


def test_the_api_refuses_a_co_signer_of_another_county_and_tells_no_one(world, tree, outsider_deputy, api_as):
    outsider_user = UserFactory(username="honghu-deputy", role=Role.DEPUTY, region=tree.fengkou)
    outsider_deputy.user = outsider_user
    outsider_deputy.save()
    response = api_as(world.deputy_user).post(
        "/api/v1/suggestions/",
        {"title": "关于修缮道路的建议", "content": "路面破损。", "region": tree.zhushan.code, "co_signers": [outsider_deputy.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["co_signers"]
    assert "洪湖代表" in response.json()["co_signers"][0]
    assert not Suggestion.objects.exists()
    assert not Notification.objects.filter(user=outsider_user).exists()
