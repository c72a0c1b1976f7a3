"""Pages: the full path and the return path with the demo personas, forms keeping input, messages
for refused moves, outsiders 404, lists in a fixed number of queries, the ledger and the inbox."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from suggestions import services
from suggestions.models import AssignmentRole, Attachment, Notification, Status, Suggestion
from suggestions.services.assignments import sync_running_lead
from tests.factories.suggestions import SuggestionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def act(client, s, action, data=None):
    return client.post(reverse("suggestions:act", args=[s.pk, action]), data or {})


def test_the_full_path_on_pages(world, xuanen_office, client_as, django_capture_on_commit_callbacks):
    deputy, office, handler = client_as(world.deputy_user), client_as(xuanen_office), client_as(world.handler)
    # the deputy writes and submits, with an attachment
    with django_capture_on_commit_callbacks(execute=True):
        r = deputy.post(
            reverse("suggestions:create"),
            {"title": "关于修缮公路的建议", "content": "坑洼严重。", "region": xuanen_office.region.pk, "submit": "1",
             "attachments": SimpleUploadedFile("照片.pdf", PDF, content_type="application/pdf")},
        )
    s = Suggestion.objects.get()
    assert r.status_code == 302 and r.url == reverse("suggestions:detail", args=[s.pk])
    assert s.status == Status.TRIAGE and s.attachments.count() == 1
    # the office sees it in triage and assigns it with one click
    assert "关于修缮公路的建议" in office.get(reverse("suggestions:triage")).content.decode()
    act(office, s, "assign", {"lead": world.transport.pk, "co_handlers": [world.education.pk], "category": "transport"})
    # the handler sees it in the inbox, signs, asks for time
    assert "关于修缮公路的建议" in handler.get(reverse("suggestions:inbox")).content.decode()
    act(handler, s, "acknowledge")
    due = s.assignments.get(role=AssignmentRole.LEAD).due_at
    act(handler, s, "request_extension", {"requested_due_at": (due + dt.timedelta(days=30)).isoformat(), "reason": "需协调资金"})
    act(office, s, "approve_extension", {"note": "同意"})
    assert s.assignments.get(role=AssignmentRole.LEAD).due_at >= due + dt.timedelta(days=30)
    # the co-handler sends its opinion
    act(client_as(world.education_handler), s, "opinion", {"opinion": "同意主办单位意见"})
    # answer B, rated unsatisfied twice, then satisfied
    follow_up = (timezone.localdate() + dt.timedelta(days=100)).isoformat()
    act(handler, s, "answer", {"text": "列入计划", "outcome_class": "B", "follow_up_date": follow_up})
    act(deputy, s, "rate", {"value": "unsatisfied", "comment": "太慢"})
    s.refresh_from_db()
    assert s.status == Status.ACKNOWLEDGED and not s.key_supervision
    act(handler, s, "answer", {"text": "已开工", "outcome_class": "A"})
    act(deputy, s, "rate", {"value": "unsatisfied", "comment": "仍未完工"})
    s.refresh_from_db()
    assert s.status == Status.ACKNOWLEDGED and s.key_supervision
    act(handler, s, "answer", {"text": "已完工", "outcome_class": "A"})
    r = act(deputy, s, "rate", {"value": "satisfied"})
    s.refresh_from_db()
    assert s.status == Status.CLOSED
    page = deputy.get(r.url).content.decode()
    for text in ("已办结", "申请延期", "同意延期", "不满意，重新办理", "满意度测评", "办理记录"):
        assert text in page


def test_the_return_path_on_pages(world, xuanen_office, client_as, submitted):
    s = submitted()
    office = client_as(xuanen_office)
    act(office, s, "assign", {"lead": world.education.pk, "category": "education"})
    act(client_as(world.education_handler), s, "request_return", {"reason": "不属于教育局职责", "suggested_department": world.transport.pk})
    act(office, s, "approve_return", {"note": "同意"})
    s.refresh_from_db()
    assert s.status == Status.TRIAGE
    act(office, s, "assign", {"lead": world.transport.pk, "category": "transport"})
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED
    assert s.assignments.filter(role=AssignmentRole.LEAD, state="assigned", department=world.transport).exists()


def test_a_bad_answer_keeps_what_was_typed(world, client_as, assigned):
    s = assigned()
    handler = client_as(world.handler)
    act(handler, s, "acknowledge")
    r = act(handler, s, "answer", {"text": "我写了很长的答复内容", "outcome_class": "C"})
    assert r.status_code == 400
    page = r.content.decode()
    assert "我写了很长的答复内容" in page and "回头看日期" in page and "B类、C类答复须填写回头看日期" in page
    s.refresh_from_db()
    assert s.status == Status.ACKNOWLEDGED


def test_a_refused_move_shows_a_message(world, client_as, assigned):
    s = assigned()
    handler = client_as(world.handler)
    act(handler, s, "acknowledge")
    r = handler.post(reverse("suggestions:act", args=[s.pk, "acknowledge"]), follow=True)
    assert "不能进行此操作" in r.content.decode()


PAGE_ACTIONS = ["submit", "cosign", "acknowledge", "assign", "not_accept", "approve_return", "refuse_return", "approve_extension",
                "refuse_extension", "withdraw", "request_return", "request_extension", "opinion", "answer", "rate", "merge", "follow_up"]


def test_an_outsider_gets_404_on_every_page_of_a_suggestion(world, honghu_office, honghu_staff, client_as, assigned):
    s = assigned()
    a = Attachment.objects.create(suggestion=s, file=SimpleUploadedFile("a.pdf", PDF), original_name="a.pdf", content_type="application/pdf", size=len(PDF))
    for outsider in (honghu_office, honghu_staff, world.honghu_handler):
        c = client_as(outsider)
        assert c.get(reverse("suggestions:detail", args=[s.pk])).status_code == 404
        assert c.get(reverse("suggestions:attachment", args=[a.pk])).status_code == 404
        for action in PAGE_ACTIONS:
            assert act(c, s, action, {"lead": world.honghu_transport.pk, "reason": "x", "note": "x"}).status_code == 404
        assert "关于" not in c.get(reverse("suggestions:list")).content.decode()
        ledger = load_workbook(io.BytesIO(c.get(reverse("suggestions:export")).content)) if not outsider.is_handler else None
        if ledger:
            assert ledger.active.max_row == 1
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED


def test_role_pages_are_404_for_other_roles(world, client_as, honghu_staff):
    assert client_as(world.deputy_user).get(reverse("suggestions:inbox")).status_code == 404
    assert client_as(world.deputy_user).get(reverse("suggestions:triage")).status_code == 404
    assert client_as(honghu_staff).get(reverse("suggestions:triage")).status_code == 404


def test_the_scoped_attachment_is_served_to_who_may_see_it(world, client_as, assigned):
    s = assigned()
    a = Attachment.objects.create(suggestion=s, file=SimpleUploadedFile("a.pdf", PDF), original_name="现场.pdf", content_type="application/pdf", size=len(PDF))
    r = client_as(world.handler).get(reverse("suggestions:attachment", args=[a.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")


def test_a_disguised_upload_is_refused(world, xuanen_office, client_as):
    r = client_as(world.deputy_user).post(
        reverse("suggestions:create"),
        {"title": "标题", "content": "内容", "region": xuanen_office.region.pk, "submit": "1",
         "attachments": SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")},
    )
    assert r.status_code == 400
    assert "文件类型不支持" in r.content.decode() and "标题" in r.content.decode()
    assert not Suggestion.objects.exists()


def _rows(world, office, n, status=Status.ASSIGNED):
    for i in range(n):
        s = SuggestionFactory(region=office.region, lead_deputy=world.deputy, status=status, number=f"2026-{i:06d}")
        s.assignments.create(department=world.transport, role=AssignmentRole.LEAD, assigned_at=timezone.now(),
                             due_at=timezone.localdate() + dt.timedelta(days=2), remind_at=timezone.localdate(),
                             long_overdue_at=timezone.localdate() + dt.timedelta(days=9))
        sync_running_lead([s.pk])  # written by hand here: keep the stored running lead as the services do


@pytest.mark.parametrize("rows", [2, 50])
@pytest.mark.parametrize("page", ["list", "supervision", "triage", "inbox", "mine"])
def test_list_pages_run_a_fixed_number_of_queries(world, xuanen_office, client_as, django_assert_num_queries, rows, page):
    _rows(world, xuanen_office, rows, status=Status.RETURN_REQUESTED if page == "triage" else Status.ASSIGNED)
    user = {"inbox": world.handler, "mine": world.deputy_user}.get(page, xuanen_office)
    client = client_as(user)
    expected = {"list": 5, "supervision": 4, "triage": 5, "inbox": 6, "mine": 5}[page]
    with django_assert_num_queries(expected):
        r = client.get(reverse(f"suggestions:{page}"))
    assert r.status_code == 200


def test_the_ledger_has_chinese_headers_and_results(world, xuanen_office, client_as, assigned):
    s = assigned()
    services.assignment_acknowledge(s.assignments.get().pk, actor=world.handler)
    services.suggestion_answer(s.pk, actor=world.handler, text="已修", outcome_class="A")
    r = client_as(xuanen_office).get(reverse("suggestions:export"))
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["编号", "标题", "领衔代表"] and "办理结果" in header and "测评结果" in header
    row = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert row["主办单位"] == "宣恩县交通运输局" and row["办理结果"].startswith("A类") and row["状态"] == "已答复"


def test_every_page_shows_the_unread_count_and_the_inbox_clears_it(world, client_as, assigned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assigned()
    assert Notification.objects.filter(user=world.handler, read_at__isnull=True).count() == 1
    client = client_as(world.handler)
    assert '<span class="badge"' in client.get(reverse("home")).content.decode()
    page = client.get(reverse("suggestions:notifications")).content.decode()
    assert "新交办件（主办）" in page
    assert not Notification.objects.filter(user=world.handler, read_at__isnull=True).exists()


def test_the_calendar_page_edits_for_the_provincial_office_only(world, provincial, xuanen_office, client_as, assigned, clock):
    clock.set(dt.date(2026, 3, 3))
    s = assigned()
    assert client_as(xuanen_office).get(reverse("suggestions:calendar") + "?year=2026").status_code == 200
    assert client_as(xuanen_office).post(reverse("suggestions:calendar"), {"form": "day", "date": "2026-06-03", "kind": "holiday"}).status_code == 403
    r = client_as(provincial).post(reverse("suggestions:calendar"), {"form": "day", "date": "2026-06-03", "kind": "holiday", "name": "临时"})
    assert r.status_code == 302
    assert s.assignments.get().due_at == dt.date(2026, 6, 4)
    r = client_as(provincial).post(reverse("suggestions:calendar"), {"form": "day", "date": "2026-06-06", "kind": "holiday"})
    assert r.status_code == 400 and "周末本来就不上班" in r.content.decode()


def test_the_co_signer_picker_lists_county_deputies_with_their_initials(world, client_as):
    from tests.factories.suggestions import SuggestionDeputyFactory

    SuggestionDeputyFactory(name="张三", region=world.deputy.region)
    page = client_as(world.deputy_user).get(reverse("suggestions:create")).content.decode()
    assert 'data-initials="zs"' in page and "js-deputy-picker" in page
    assert ">向明华<" not in page  # the lead deputy does not co-sign their own suggestion


def test_the_calendar_page_ignores_a_nonsense_year(world, client_as):
    assert client_as(world.handler).get(reverse("suggestions:calendar") + "?year=abc").status_code == 200


def test_no_badge_without_unread_messages(world, client_as):
    assert '<span class="badge"' not in client_as(world.handler).get(reverse("suggestions:inbox")).content.decode()


def test_a_calendar_post_naming_no_form_says_so(provincial, client_as):
    response = client_as(provincial).post(reverse("suggestions:calendar"), {"form": "", "date": "", "kind": ""})
    assert response.status_code == 400
    assert "请通过页面上的表单提交" in response.content.decode()


# --- correcting a draft ---------------------------------------------------------------------------------


def test_the_lead_deputy_corrects_their_draft(world, tree, client_as, draft):
    client = client_as(world.deputy_user)
    detail = client.get(reverse("suggestions:detail", args=[draft.pk])).content.decode()
    url = reverse("suggestions:edit", args=[draft.pk])
    assert url in detail
    page = client.get(url)
    assert page.status_code == 200 and "关于增设路灯的建议" in page.content.decode()
    response = client.post(url, {"title": "关于增设村道路灯的建议", "content": "东门社区夜间照明不足。", "region": tree.zhushan_village.pk})
    assert response.status_code == 302 and response.url == reverse("suggestions:detail", args=[draft.pk])
    draft.refresh_from_db()
    assert (draft.title, draft.content, draft.region, draft.status) == ("关于增设村道路灯的建议", "东门社区夜间照明不足。", tree.zhushan_village, Status.DRAFT)
    assert draft.events.filter(action="edit", actor=world.deputy_user).exists()


def test_a_draft_correction_with_bad_input_changes_nothing(world, tree, client_as, draft):
    client = client_as(world.deputy_user)
    url = reverse("suggestions:edit", args=[draft.pk])
    for data in (
        {"title": "", "content": "夜间照明不足。", "region": tree.zhushan.pk},
        # another county's township: not among the deputy's choices
        {"title": "关于增设路灯的建议", "content": "夜间照明不足。", "region": tree.fengkou.pk},
    ):
        response = client.post(url, data)
        assert response.status_code == 400
        assert response.context["form"].errors
    draft.refresh_from_db()
    assert (draft.title, draft.region) == ("关于增设路灯的建议", tree.zhushan)
    assert not draft.events.filter(action="edit").exists()


def test_a_submitted_suggestion_is_no_longer_corrected_on_its_page(world, tree, client_as, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_submit(draft.pk, actor=world.deputy_user)
    client = client_as(world.deputy_user)
    url = reverse("suggestions:edit", args=[draft.pk])
    assert url not in client.get(reverse("suggestions:detail", args=[draft.pk])).content.decode()
    for response in (client.get(url), client.post(url, {"title": "改", "content": "改", "region": tree.zhushan.pk})):
        assert response.status_code == 302 and response.url == reverse("suggestions:detail", args=[draft.pk])
    followed = client.get(url, follow=True).content.decode()
    assert "不能修改草稿" in followed
    draft.refresh_from_db()
    assert draft.title == "关于增设路灯的建议"


def test_only_the_lead_deputy_corrects_a_draft_and_outsiders_get_404(
    world, tree, client_as, draft, xuanen_office, honghu_office, honghu_staff
):
    url = reverse("suggestions:edit", args=[draft.pk])
    data = {"title": "改", "content": "改", "region": tree.zhushan.pk}
    office = client_as(xuanen_office)
    assert url not in office.get(reverse("suggestions:detail", args=[draft.pk])).content.decode()
    assert office.get(url).status_code == 403
    assert office.post(url, data).status_code == 403
    for outsider in (honghu_office, honghu_staff, world.honghu_handler):
        assert client_as(outsider).get(url).status_code == 404
        assert client_as(outsider).post(url, data).status_code == 404
    draft.refresh_from_db()
    assert draft.title == "关于增设路灯的建议"


@pytest.mark.parametrize(("value", "comment", "said"), [
    ("satisfied", "", "测评已提交，这件建议已办结。"),
    ("unsatisfied", "桥还是没修好。", "测评已提交：不满意，建议已交回承办单位重新办理。"),
])
def test_rating_asks_first_and_says_what_happened(world, client_as, assigned, value, comment, said):
    # given an answered suggestion
    s = assigned()
    services.assignment_acknowledge(s.assignments.get().pk, actor=world.handler)
    services.suggestion_answer(s.pk, actor=world.handler, text="已修", outcome_class="A")
    client = client_as(world.deputy_user)
    # the rating form asks before it is sent: a rating cannot be changed
    page = client.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert re.search(r'id="action-rate" data-confirm-submit="[^"]*不能修改', page)
    # when the deputy rates, the page says in words what became of the suggestion
    response = client.post(reverse("suggestions:act", args=[s.pk, "rate"]), {"value": value, "comment": comment}, follow=True)
    assert said in response.content.decode()


def test_the_calendar_names_its_sources_in_chinese(world, client_as, xuanen_office):
    # the world loads the State Council's 2025 and 2026 holidays (source "chinesecalendar")
    page = client_as(xuanen_office).get(reverse("suggestions:calendar") + "?year=2026").content.decode()
    assert "国务院节假日安排" in page and "chinesecalendar" not in page


def test_the_assign_form_puts_the_co_handler_heading_before_its_boxes(world, client_as, xuanen_office, submitted):
    s = submitted()
    page = client_as(xuanen_office).get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    form = page[page.index('id="assign"'):]
    heading = re.search(r"<legend>协办单位</legend>", form)
    first_box = re.search(r'<input type="checkbox" name="co_handlers"', form)
    assert heading and first_box and heading.start() < first_box.start()
