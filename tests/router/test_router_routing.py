"""The router on the Django side: department resolution, threshold, one routing per suggestion."""

from __future__ import annotations

import pytest

from suggestions.models import Assignment, AssignmentRole, RoutingRule, Status, SuggestionEvent, TrainingExample
from suggestions.routing import router
from suggestions.routing.classifier import DEFAULT_CONFIDENCE_THRESHOLD
from suggestions.tasks import route_suggestion
from tests.factories.suggestions import DepartmentFactory

pytestmark = pytest.mark.django_db


# --- department resolution ---------------------------------------------------------------------


def test_it_walks_up_from_a_village_to_the_county_department(county, tree):
    resolution = router.resolve_department(tree.zhushan_village, "transport")
    assert resolution.lead == county.transport
    assert resolution.co_handlers == () and resolution.rule is None


def test_it_walks_up_to_the_city_when_the_county_has_no_such_department(county, tree):
    city_water = DepartmentFactory(region=tree.enshi, type="water", name="恩施州水利和湖泊局")
    DepartmentFactory(region=tree.honghu, type="water", name="洪湖市水利和湖泊局")  # another county: never
    assert router.resolve_department(tree.zhushan_village, "water").lead == city_water


def test_it_skips_an_inactive_department(county, tree):
    county.transport.active = False
    county.transport.save()
    provincial = DepartmentFactory(region=tree.province, type="transport", name="湖北省交通运输厅")
    assert router.resolve_department(tree.zhushan, "transport").lead == provincial


def test_it_finds_nobody_when_no_government_above_has_the_type(county, tree):
    assert router.resolve_department(tree.zhushan, "veterans").lead is None


def test_the_most_specific_region_rule_wins_and_names_its_co_handlers(county, tree):
    # given a provincial rule and a county rule for the same category
    highway = DepartmentFactory(region=tree.xuanen, type="transport", name="宣恩县公路管理局")
    province_rule = RoutingRule.objects.create(region=tree.province, category="transport", department=DepartmentFactory(
        region=tree.province, type="transport", name="湖北省交通运输厅"))
    county_rule = RoutingRule.objects.create(region=tree.xuanen, category="transport", department=highway)
    county_rule.co_handlers.set([county.transport, county.education])
    # when a suggestion from a village of the county is resolved
    resolution = router.resolve_department(tree.zhushan_village, "transport")
    # then the county rule decides, with its co-handlers
    assert resolution.rule == county_rule
    assert resolution.lead == highway
    assert set(resolution.co_handlers) == {county.transport, county.education}
    # and in another county the provincial rule applies
    assert router.resolve_department(tree.fengkou, "transport").rule == province_rule


def test_a_rule_of_another_county_does_not_apply(county, tree):
    RoutingRule.objects.create(
        region=tree.honghu, category="transport", department=DepartmentFactory(region=tree.honghu, type="transport", name="洪湖市交通运输局")
    )
    assert router.resolve_department(tree.zhushan, "transport").lead == county.transport


# --- the decision ---------------------------------------------------------------------------------


def test_a_confident_guess_is_assigned_with_its_category_and_confidence_in_the_event(county, submit, settings):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 0.3
    suggestion = submit()
    assert route_suggestion(suggestion.pk) == "assigned"
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ASSIGNED and suggestion.category == "transport"
    lead = Assignment.objects.get(suggestion=suggestion, role=AssignmentRole.LEAD)
    assert lead.department == county.transport and lead.assigned_by is None and lead.due_at is not None
    event = SuggestionEvent.objects.get(suggestion=suggestion, action="assign")
    assert event.actor is None and event.actor_label == "系统分办"
    assert event.data["decided_by_router"] is True and event.data["category"] == "transport"
    assert 0.3 <= event.data["confidence"] <= 1.0
    assert "交通出行" in event.note and "置信度" in event.note
    # a router decision is not training data (only the office's are)
    assert not TrainingExample.objects.exists()


def test_a_rule_with_co_handlers_gives_them_assignments(county, submit, settings, tree):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 0.3
    rule = RoutingRule.objects.create(region=tree.xuanen, category="transport", department=county.transport)
    rule.co_handlers.set([county.education])
    suggestion = submit()
    route_suggestion(suggestion.pk)
    roles = set(Assignment.objects.filter(suggestion=suggestion).values_list("department__name", "role"))
    assert roles == {("宣恩县交通运输局", AssignmentRole.LEAD), ("宣恩县教育局", AssignmentRole.CO_HANDLER)}


def test_an_unsure_guess_goes_to_triage_with_three_guesses(county, submit, settings):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 1.01
    suggestion = submit()
    assert route_suggestion(suggestion.pk) == "triage"
    suggestion.refresh_from_db()
    assert suggestion.status == Status.TRIAGE and not suggestion.assignments.exists()
    assert [g["category"] for g in suggestion.router_guesses][0] == "transport"
    assert len(suggestion.router_guesses) == 3
    assert all(g["name"] and 0 <= g["confidence"] <= 1 for g in suggestion.router_guesses)
    event = SuggestionEvent.objects.get(suggestion=suggestion, action="route_to_triage")
    assert event.data["guesses"] == suggestion.router_guesses
    assert "低于阈值" in event.note


def test_a_confident_guess_without_a_department_goes_to_triage_with_a_note(county, submit, settings):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 0.3
    county.transport.delete()
    suggestion = submit()
    assert route_suggestion(suggestion.pk) == "triage"
    event = SuggestionEvent.objects.get(suggestion=suggestion, action="route_to_triage")
    assert "未找到承办单位" in event.note
    # the office's triage page says why a confident guess still waits for a person
    suggestion.refresh_from_db()
    assert suggestion.router_guesses[0]["reasons"] == ["本区划及上级均未找到该类别的承办单位"]


def test_routing_twice_leaves_one_assignment_and_one_event(county, submit, settings):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 0.3
    suggestion = submit()
    assert route_suggestion(suggestion.pk) == "assigned"
    assert route_suggestion(suggestion.pk) == "skipped"
    assert Assignment.objects.filter(suggestion=suggestion).count() == 1
    assert SuggestionEvent.objects.filter(suggestion=suggestion, action__in=["assign", "route_to_triage"]).count() == 1


def test_a_suggestion_already_in_triage_is_never_assigned_by_a_late_delivery(county, submit, settings):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 1.01
    suggestion = submit()
    route_suggestion(suggestion.pk)
    settings.ROUTER_CONFIDENCE_THRESHOLD = 0.3
    assert route_suggestion(suggestion.pk) == "skipped"
    suggestion.refresh_from_db()
    assert suggestion.status == Status.TRIAGE


def test_a_missing_suggestion_is_skipped():
    assert route_suggestion(987654) == "skipped"


def test_a_keyword_rule_applies_inside_its_region_only(county, tree, settings):
    RoutingRule.objects.create(region=tree.xuanen, keyword="公路", category="veterans", weight=100)
    text = "关于修缮公路的建议\n坑洼严重"
    xuanen = type("S", (), {"region": tree.zhushan, "title": "关于修缮公路的建议", "content": "坑洼严重"})
    honghu = type("S", (), {"region": tree.fengkou, "title": "关于修缮公路的建议", "content": "坑洼严重"})
    assert router.suggestion_text(xuanen) == text
    assert router.classify(xuanen).category == "veterans"
    assert router.classify(honghu).category != "veterans"


def test_the_default_threshold_setting_is_the_classifier_default():
    from django.conf import settings as django_settings

    assert django_settings.ROUTER_CONFIDENCE_THRESHOLD == DEFAULT_CONFIDENCE_THRESHOLD


# --- dispatch ---------------------------------------------------------------------------------------


def test_a_broker_error_on_dispatch_is_logged_and_the_submission_stands(county, tree, monkeypatch, caplog, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    from suggestions import services

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(route_suggestion, "apply_async", broker_down)
    draft = services.suggestion_create(
        actor=county.deputy_user, title="标题", content="内容", region=tree.zhushan, lead_deputy=county.deputy
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_submit(draft.pk, actor=county.deputy_user)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert "not dispatched" in caplog.text
