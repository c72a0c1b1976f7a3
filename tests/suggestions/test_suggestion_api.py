"""The API: the full path with the demo personas, the return path, 409s, outsiders and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from suggestions.models import Status, Suggestion, TrainingExample
from tests.factories.suggestions import SuggestionFactory
from tests.suggestions.conftest import SHANGHAI

pytestmark = pytest.mark.django_db


def post(client, sid, action, data=None):
    return client.post(f"/api/v1/suggestions/{sid}/{action}/", data or {}, format="json")


def test_the_full_path_from_submission_to_closure(world, xuanen_office, api_as, django_capture_on_commit_callbacks, clock):
    deputy, office, handler = api_as(world.deputy_user), api_as(xuanen_office), api_as(world.handler)
    clock.set(dt.date(2026, 3, 2))
    # deputy submits at once
    with django_capture_on_commit_callbacks(execute=True):
        r = deputy.post(
            "/api/v1/suggestions/",
            {"title": "关于修缮椒园镇至珠山镇公路的建议", "content": "坑洼严重，雨天积水。", "region": "422825", "submit": True},
            format="json",
        )
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    # the placeholder router puts it into triage
    assert deputy.get(f"/api/v1/suggestions/{sid}/").json()["status"] == Status.TRIAGE
    submitted_at = Suggestion.objects.get(pk=sid).submitted_at

    # office assigns to the transport bureau by hand, with a category
    r = post(office, sid, "assign", {"lead": world.transport.pk, "co_handlers": [world.education.pk], "category": "transport"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == Status.ASSIGNED and body["category"] == "transport"
    lead = next(a for a in body["assignments"] if a["role"] == "lead")
    assert lead["department"] == {"id": world.transport.pk, "name": "宣恩县交通运输局", "type": "transport"}
    first_due = dt.date.fromisoformat(lead["due_at"])
    assert TrainingExample.objects.filter(suggestion_id=sid, category="transport", source="triage").exists()

    # handler acknowledges, asks for more time, office approves
    assert post(handler, sid, "acknowledge").json()["status"] == Status.ACKNOWLEDGED
    wanted = first_due + dt.timedelta(days=30)
    r = post(handler, sid, "request-extension", {"reason": "需协调年度资金", "requested_due_at": wanted.isoformat()})
    assert r.status_code == 200, r.content
    r = post(office, sid, "approve-extension", {"note": "同意"})
    lead = next(a for a in r.json()["assignments"] if a["role"] == "lead")
    assert dt.date.fromisoformat(lead["due_at"]) >= wanted
    assert "延期" in lead["due_text"]

    # handler answers with class B and a follow-up date
    follow_up = (timezone.localdate() + dt.timedelta(days=120)).isoformat()
    r = post(handler, sid, "answer", {"text": "已列入明年计划", "outcome_class": "B", "follow_up_date": follow_up})
    assert r.json()["status"] == Status.ANSWERED

    # deputy is unsatisfied: reopened with a new due date, three months from the rating
    clock.set(dt.date(2026, 5, 25))
    r = post(deputy, sid, "rate", {"value": "unsatisfied", "comment": "时间太久"})
    assert r.json()["status"] == Status.ACKNOWLEDGED and r.json()["key_supervision"] is False
    lead = next(a for a in r.json()["assignments"] if a["role"] == "lead")
    assert lead["due_at"] == "2026-08-25" and lead["state"] == "acknowledged"
    # answered again, unsatisfied again: key supervision
    post(handler, sid, "answer", {"text": "已提前安排施工", "outcome_class": "A"})
    r = post(deputy, sid, "rate", {"value": "unsatisfied", "comment": "仍未开工"})
    assert r.json()["status"] == Status.ACKNOWLEDGED and r.json()["key_supervision"] is True
    # answered a third time and rated satisfied: closed
    post(handler, sid, "answer", {"text": "已开工建设", "outcome_class": "A"})
    r = post(deputy, sid, "rate", {"value": "satisfied"})
    body = r.json()
    assert body["status"] == Status.CLOSED
    assert [a["rating"]["value"] for a in body["answers"]] == ["unsatisfied", "unsatisfied", "satisfied"]
    actions = [e["action"] for e in body["events"]]
    for expected in ["create", "submit", "route_to_triage", "assign", "acknowledge", "request_extension", "approve_extension",
                     "answer", "rate_unsatisfied", "rate"]:
        assert expected in actions
    assert Suggestion.objects.get(pk=sid).submitted_at == submitted_at


def test_the_return_path_keeps_the_submission_date(world, xuanen_office, api_as, submitted, clock):
    office, handler = api_as(xuanen_office), api_as(world.handler)
    clock.set(dt.date(2026, 3, 2))
    s = submitted()
    post(office, s.pk, "assign", {"lead": world.education.pk, "category": "education"})
    # the wrong department asks to return it, naming the right one
    clock.set(dt.date(2026, 3, 4))
    r = post(api_as(world.education_handler), s.pk, "request-return", {"reason": "道路不属于教育局职责", "suggested_department": world.transport.pk})
    assert r.json()["status"] == Status.RETURN_REQUESTED, r.content
    r = post(office, s.pk, "approve-return", {"note": "同意退回"})
    assert r.json()["status"] == Status.TRIAGE
    # reassigned later with a new due date; the original submission date is kept
    clock.set(dt.date(2026, 3, 10))
    r = post(office, s.pk, "assign", {"lead": world.transport.pk, "category": "transport"})
    body = r.json()
    assert body["status"] == Status.ASSIGNED
    leads = [a for a in body["assignments"] if a["role"] == "lead"]
    assert [a["state"] for a in leads] == ["returned", "assigned"]
    assert leads[1]["due_at"] == "2026-06-10" and leads[0]["due_at"] == "2026-06-02"
    assert body["submitted_at"].startswith("2026-03-02")
    assert TrainingExample.objects.filter(suggestion=s, source="return", category="transport").exists()
    # and the handler can sign it
    assert post(handler, s.pk, "acknowledge").json()["status"] == Status.ACKNOWLEDGED


def test_it_answers_409_to_a_move_the_state_does_not_allow(world, xuanen_office, api_as, submitted):
    s = submitted()
    r = post(api_as(world.deputy_user), s.pk, "rate", {"value": "satisfied"})
    assert r.status_code == 409
    assert r.json()["code"] == "transition_not_allowed"
    assert "待分办" in r.json()["detail"]


def test_it_answers_400_naming_the_field(world, xuanen_office, api_as, assigned):
    s = assigned()
    handler = api_as(world.handler)
    post(handler, s.pk, "acknowledge")
    r = post(handler, s.pk, "answer", {"text": "列入计划", "outcome_class": "B"})
    assert r.status_code == 400
    assert "follow_up_date" in r.json()
    s.refresh_from_db()
    assert s.status == Status.ACKNOWLEDGED


def test_it_refuses_a_deputy_acting_as_office(world, api_as, submitted):
    s = submitted()
    r = post(api_as(world.deputy_user), s.pk, "assign", {"lead": world.transport.pk})
    assert r.status_code == 403
    s.refresh_from_db()
    assert s.status == Status.TRIAGE


ACTIONS = ["submit", "cosign", "assign", "not-accept", "acknowledge", "request-return", "approve-return", "refuse-return",
           "request-extension", "approve-extension", "refuse-extension", "opinion", "answer", "rate", "withdraw", "merge", "follow-up"]


@pytest.mark.parametrize("action", ACTIONS)
def test_an_outsider_gets_404_on_every_action(world, honghu_office, api_as, assigned, action):
    s = assigned()
    for outsider in (honghu_office, world.honghu_handler):
        r = post(api_as(outsider), s.pk, action, {"lead": world.honghu_transport.pk, "reason": "x", "note": "x", "into": s.pk})
        assert r.status_code == 404
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED


def test_an_outsider_gets_404_on_the_detail_and_an_empty_list(world, honghu_office, honghu_staff, api_as, assigned):
    s = assigned()
    for outsider in (honghu_office, honghu_staff, world.honghu_handler, world.education_handler):
        assert api_as(outsider).get(f"/api/v1/suggestions/{s.pk}/").status_code == 404
        assert api_as(outsider).get("/api/v1/suggestions/").json()["count"] == 0


def test_each_persona_sees_what_is_theirs(world, tree, xuanen_office, xuanen_staff, provincial, api_as, assigned):
    s = assigned(region=tree.zhushan)
    for user in (world.deputy_user, world.handler, xuanen_office, xuanen_staff, provincial):
        assert api_as(user).get(f"/api/v1/suggestions/{s.pk}/").status_code == 200


@pytest.mark.parametrize("rows", [2, 50])
def test_the_list_endpoint_runs_a_fixed_number_of_queries(world, xuanen_office, api_as, django_assert_num_queries, rows):
    for _ in range(rows):
        SuggestionFactory(region=xuanen_office.region, lead_deputy=world.deputy, status=Status.TRIAGE)
    client = api_as(xuanen_office)
    with django_assert_num_queries(1):  # the list ends on its page: counted without a COUNT query
        r = client.get("/api/v1/suggestions/?status=triage")
    assert r.json()["count"] == rows


def test_a_list_row_carries_every_field(world, tree, xuanen_office, api_as, assigned, clock):
    # given a suggestion assigned to the transport bureau on 2026-03-03 (due 2026-06-03)
    clock.set(dt.date(2026, 3, 3))
    s = assigned(region=tree.zhushan)
    Suggestion.objects.filter(pk=s.pk).update(key_supervision=True)
    clock.set(dt.date(2026, 5, 28))
    # when the list is read, in Chinese and in English
    client = api_as(xuanen_office)
    [row] = client.get("/api/v1/suggestions/").json()["results"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    [row_en] = client.get("/api/v1/suggestions/").json()["results"]
    # then the row is exactly this, the status label in the request's language
    assert row == {
        "id": s.pk, "number": s.number, "title": "关于修缮椒园镇至珠山镇公路的建议", "status": "assigned", "status_display": "已交办",
        "category": "transport", "region": tree.zhushan.code, "region_name": tree.zhushan.name, "lead_deputy": world.deputy.pk,
        "lead_deputy_name": world.deputy.name, "campaign": None, "submitted_at": s.submitted_at.astimezone(SHANGHAI).isoformat(),
        "key_supervision": True, "due_at": "2026-06-03", "deadline_state": "due_soon", "lead_department": "宣恩县交通运输局",
    }
    assert row_en == row | {"status_display": "Assigned"}
    assert s.number and s.submitted_at


def test_it_filters_by_deadline_state(world, xuanen_office, api_as, assigned, clock):
    clock.set(dt.date(2026, 3, 3))
    s = assigned()
    client = api_as(xuanen_office)
    clock.set(dt.date(2026, 5, 28))  # inside the five working days before 2026-06-03
    assert [x["id"] for x in client.get("/api/v1/suggestions/?deadline=due_soon").json()["results"]] == [s.pk]
    clock.set(dt.date(2026, 6, 5))
    assert client.get("/api/v1/suggestions/?deadline=due_soon").json()["count"] == 0
    assert client.get("/api/v1/suggestions/?deadline=overdue").json()["results"][0]["deadline_state"] == "overdue"
    clock.set(dt.date(2026, 6, 12))
    assert client.get("/api/v1/suggestions/?deadline=long_overdue").json()["count"] == 1


def test_the_departments_and_calendar_endpoints(world, xuanen_office, provincial, api_as):
    names = [d["name"] for d in api_as(xuanen_office).get("/api/v1/departments/").json()["results"]]
    assert "宣恩县交通运输局" in names and "洪湖市交通运输局" not in names
    days = api_as(xuanen_office).get("/api/v1/calendar/?year=2026").json()
    assert {"date": "2026-10-10", "kind": "workday", "name": "国庆节", "source": "chinesecalendar"} in days
    # only the provincial office edits the calendar
    r = api_as(xuanen_office).post("/api/v1/calendar/", {"date": "2026-06-03", "kind": "holiday", "name": "测试"}, format="json")
    assert r.status_code == 403
    r = api_as(provincial).post("/api/v1/calendar/", {"date": "2026-06-03", "kind": "holiday", "name": "测试"}, format="json")
    assert r.status_code == 201


def test_the_calendar_lists_one_year_and_refuses_a_year_past_any_date(world, xuanen_office, api_as):
    client = api_as(xuanen_office)
    years = {day["date"][:4] for day in client.get("/api/v1/calendar/?year=2026").json()}
    assert years == {"2026"}
    for year in ("99999999999999999999", "10000", "0", "二〇二六"):
        r = client.get(f"/api/v1/calendar/?year={year}")
        assert r.status_code == 400, year
        assert "year" in r.json(), year


def test_the_schema_lists_the_action_endpoints(api_as, xuanen_office):
    r = api_as(xuanen_office).get("/api/schema/?format=json")
    paths = r.json()["paths"]
    for action in ["assign", "request-return", "approve-extension", "answer", "rate", "not-accept", "merge"]:
        assert f"/api/v1/suggestions/{{id}}/{action}/" in paths


@pytest.mark.parametrize("rows", [2, 50])
def test_the_department_and_notification_lists_run_a_fixed_number_of_queries(world, tree, api_as, django_assert_num_queries, rows):
    from suggestions.models import Notification
    from tests.factories.suggestions import DepartmentFactory

    for _ in range(rows):
        DepartmentFactory(region=tree.xuanen)
        Notification.objects.create(user=world.handler, title="消息")
    client = api_as(world.handler)
    with django_assert_num_queries(1):  # a page that holds them all: no COUNT query
        assert client.get("/api/v1/departments/", {"page_size": 500}).status_code == 200
    with django_assert_num_queries(1):  # the list ends on its page: counted without a COUNT query
        assert client.get("/api/v1/notifications/").json()["count"] == rows


def test_the_inbox_endpoint_shows_only_my_messages_and_marks_them_read(world, api_as):
    from suggestions.models import Notification

    mine = Notification.objects.create(user=world.handler, title="我的")
    Notification.objects.create(user=world.honghu_handler, title="别人的")
    assert [n["title"] for n in api_as(world.handler).get("/api/v1/notifications/").json()["results"]] == ["我的"]
    assert api_as(world.handler).post("/api/v1/notifications/mark-read/", {}, format="json").json() == {"marked": 1}
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_the_detail_page_offers_each_persona_its_actions(world, xuanen_office, client_as, submitted):
    from django.urls import reverse

    s = submitted()
    page = client_as(xuanen_office).get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert "action-assign" in page and "宣恩县交通运输局" in page and "action-not_accept" in page
    assert "action-assign" not in client_as(world.deputy_user).get(reverse("suggestions:detail", args=[s.pk])).content.decode()


def test_an_id_too_large_for_the_database_is_a_400_or_404_not_a_500(world, xuanen_office, api_as, assigned):
    s = assigned()
    client = api_as(xuanen_office)
    huge = 10**30
    assert client.get(f"/api/v1/suggestions/{huge}/").status_code == 404
    assert client.post("/api/v1/notifications/mark-read/", {"ids": [huge]}, format="json").status_code == 400
    assert post(client, s.pk, "merge", {"into": huge}).status_code == 400


# --- correcting a draft (PATCH) -------------------------------------------------------------------------


def test_the_lead_deputy_patches_their_draft(world, tree, api_as, draft):
    client = api_as(world.deputy_user)
    r = client.patch(f"/api/v1/suggestions/{draft.pk}/", {"title": "关于增设村道路灯的建议", "region": tree.zhushan_village.code}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["title"] == "关于增设村道路灯的建议" and body["status"] == Status.DRAFT
    draft.refresh_from_db()
    # What the body leaves out stays as it was.
    assert (draft.title, draft.content, draft.region) == ("关于增设村道路灯的建议", "夜间照明不足。", tree.zhushan_village)
    assert draft.events.filter(action="edit", actor=world.deputy_user).exists()
    assert client.put(f"/api/v1/suggestions/{draft.pk}/", {"title": "改"}, format="json").status_code == 405


def test_a_submitted_suggestion_cannot_be_patched(world, api_as, draft, django_capture_on_commit_callbacks):
    client = api_as(world.deputy_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, draft.pk, "submit").status_code == 200
    for body in ({"title": "改"}, {"title": ""}):
        r = client.patch(f"/api/v1/suggestions/{draft.pk}/", body, format="json")
        assert r.status_code == 409, r.content
        assert r.json()["code"] == "transition_not_allowed" and r.json()["detail"]
    draft.refresh_from_db()
    assert draft.title == "关于增设路灯的建议"


def test_bad_draft_corrections_name_the_field(world, tree, api_as, draft):
    client = api_as(world.deputy_user)
    for body, field in (
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"region": tree.fengkou.code}, "region"),  # another county's township
        ({"region": "999999"}, "region"),
        ({"campaign": "99999999999999999999"}, "campaign"),
        ({"campaign": 999999}, "campaign"),
    ):
        r = client.patch(f"/api/v1/suggestions/{draft.pk}/", body, format="json")
        assert r.status_code == 400, (body, r.content)
        assert field in r.json(), (body, r.json())
    draft.refresh_from_db()
    assert (draft.title, draft.region) == ("关于增设路灯的建议", tree.zhushan)


def test_only_the_lead_deputy_patches_a_draft_and_outsiders_get_404(world, api_as, draft, xuanen_office, honghu_office, honghu_staff):
    url = f"/api/v1/suggestions/{draft.pk}/"
    assert api_as(xuanen_office).patch(url, {"title": "改"}, format="json").status_code == 403
    for outsider in (honghu_office, honghu_staff, world.honghu_handler):
        assert api_as(outsider).patch(url, {"title": "改"}, format="json").status_code == 404
    draft.refresh_from_db()
    assert draft.title == "关于增设路灯的建议"
