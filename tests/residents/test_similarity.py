"""Similar suggestions: the inverted index, the lookup endpoint's scope, and recall on labelled
near-duplicate pairs (tests/residents/near_duplicates.csv, distractors in distractors.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.urls import reverse

from suggestions import similarity
from suggestions.models import Status, SuggestionTerm
from tests.factories.suggestions import SuggestionFactory

pytestmark = pytest.mark.django_db
HERE = Path(__file__).parent


def _rows(name):
    with open(HERE / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _split(text):
    title, _sep, content = text.partition("：")
    return (title, content) if content else (text[:30], text)


def _suggestion(text, region, deputy, status=Status.TRIAGE):
    title, content = _split(text)
    s = SuggestionFactory(title=title, content=content, region=region, lead_deputy=deputy, status=status)
    similarity.index_suggestion(s.pk)
    return s


def test_the_labelled_set_is_big_enough():
    assert len(_rows("near_duplicates.csv")) >= 30
    assert len(_rows("distractors.csv")) >= 30


def test_top_five_finds_at_least_90_percent_of_near_duplicates(voice, tree):
    pairs = _rows("near_duplicates.csv")
    originals = {p["pair"]: _suggestion(p["original"], tree.zhushan, voice.deputy) for p in pairs}
    for row in _rows("distractors.csv"):
        _suggestion(row["text"], tree.jiaoyuan, voice.deputy)
    found = []
    for p in pairs:
        title, content = _split(p["paraphrase"])
        matches = similarity.similar(title=title, content=content, county=tree.xuanen.prefix, limit=5)
        found.append(originals[p["pair"]].pk in [m.suggestion.pk for m in matches])
    recall = sum(found) / len(found)
    missed = [p["pair"] for p, hit in zip(pairs, found, strict=True) if not hit]
    print(f"near-duplicate recall@5 = {recall:.2f} over {len(pairs)} pairs, missed {missed}")
    assert recall >= 0.9, f"recall {recall:.2f}, missed pairs {missed}"


def test_it_only_looks_at_open_or_recent_suggestions_of_the_county(voice, tree):
    text = "关于在珠山镇东门社区增设路灯的建议：东门社区背街小巷没有路灯，夜间出行不安全。"
    open_one = _suggestion(text, tree.zhushan, voice.deputy)
    _suggestion(text, tree.zhushan, voice.deputy, status=Status.DRAFT)
    _suggestion(text, tree.zhushan, voice.deputy, status=Status.WITHDRAWN)
    _suggestion(text, tree.fengkou, voice.deputy)  # another county
    matches = similarity.similar(title="东门社区路灯", content="小巷没有路灯", county=tree.xuanen.prefix)
    assert [m.suggestion.pk for m in matches] == [open_one.pk]


@pytest.mark.embedded
def test_creating_through_the_service_indexes_the_terms_on_commit(voice, tree, django_capture_on_commit_callbacks, monkeypatch):
    from config.celery import app
    from suggestions.services import suggestion_create

    # Run the indexing task in-process whichever broker the suite runs with (this test is about
    # what the task writes; the real-worker path is covered in tests/integration).
    monkeypatch.setitem(app.conf, "task_always_eager", True)

    with django_capture_on_commit_callbacks(execute=True):
        s = suggestion_create(actor=voice.deputy_user, title="关于修建公共停车场的建议", content="老城区停车位不足。", region=tree.zhushan, lead_deputy=voice.deputy)
    assert SuggestionTerm.objects.filter(suggestion=s, term="停车场").exists()
    assert set(SuggestionTerm.objects.filter(suggestion=s).values_list("county", flat=True)) == {tree.xuanen.prefix}


def test_the_lookup_runs_a_fixed_number_of_queries(voice, tree, django_assert_max_num_queries):
    for i in range(40):
        _suggestion(f"关于第{i}号村道修缮的建议：村道坑洼，雨天积水，出行不便。", tree.zhushan, voice.deputy)
    with django_assert_max_num_queries(4):
        similarity.similar(title="村道修缮", content="雨天积水", county=tree.xuanen.prefix)


def test_the_endpoint_answers_the_deputy_in_their_county(client_as, voice, tree):
    s = _suggestion("关于县城公交线路延伸到工业园区的建议：工人上下班不便。", tree.zhushan, voice.deputy)
    response = client_as(voice.other_deputy_user).get(reverse("suggestions:similar"), {"title": "工业园区公交", "content": "公交车延伸"})
    results = response.json()["results"]
    assert [r["id"] for r in results] == [s.pk]
    # Another deputy's suggestion is listed but not opened from here.
    assert results[0]["url"] is None
    own = client_as(voice.deputy_user).get(reverse("suggestions:similar"), {"title": "工业园区公交"}).json()["results"]
    assert own[0]["url"] == reverse("suggestions:detail", args=[s.pk])


def test_an_outsider_county_finds_nothing(client_as, voice, tree, honghu_office):
    s = _suggestion("关于县城公交线路延伸到工业园区的建议：工人上下班不便。", tree.zhushan, voice.deputy)
    client = client_as(honghu_office)
    assert client.get(reverse("suggestions:similar"), {"title": "工业园区公交", "region": tree.zhushan.pk}).json()["results"] == []
    assert client.get(reverse("suggestions:similar"), {"suggestion": s.pk}).status_code == 404


def test_a_handler_gets_404(client_as, tree):
    from tests.factories.suggestions import DepartmentFactory, handler_user

    handler = handler_user(DepartmentFactory(region=tree.xuanen))
    assert client_as(handler).get(reverse("suggestions:similar"), {"title": "路灯"}).status_code == 404


def test_triage_lists_the_duplicates_of_a_suggestion(client_as, voice, tree, xuanen_office):
    a = _suggestion("关于椒园镇集镇农贸市场改造的建议：棚顶漏雨，地面污水横流。", tree.zhushan, voice.deputy)
    b = _suggestion("关于椒园菜市场提档升级的建议：菜市场顶棚漏雨，地上都是污水。", tree.zhushan, voice.deputy)
    client = client_as(xuanen_office)
    results = client.get(reverse("suggestions:similar"), {"suggestion": b.pk}).json()["results"]
    assert results[0]["id"] == a.pk
    page = client.get(reverse("suggestions:detail", args=[b.pk])).content.decode()
    assert "js-similar" in page


@pytest.mark.embedded
def test_rebuilding_the_index_writes_what_indexing_each_suggestion_writes(voice, tree):
    from io import StringIO

    from django.core.management import call_command

    # given suggestions indexed one by one (two share a text, as a joint petition does), and a stale row
    texts = ["关于县城公交线路延伸到工业园区的建议：工人上下班不便。", "关于治理养殖场污水直排的建议：河道发黑发臭。"]
    made = [_suggestion(t, tree.zhushan, voice.deputy) for t in texts + texts[:1]]
    made.append(_suggestion("关于峰口镇渍水的建议：雨后积水数日不退。", tree.fengkou, voice.deputy))

    def snapshot():
        return sorted((t.suggestion_id, t.county, t.term, round(t.weight, 9)) for t in SuggestionTerm.objects.all())

    one_by_one = snapshot()
    SuggestionTerm.objects.create(suggestion=made[0], county=tree.xuanen.prefix, term="过时的词", weight=1.0)

    # when the whole index is rebuilt
    out = StringIO()
    call_command("index_similarity", stdout=out)

    # then it holds exactly the same rows, and a lookup finds the duplicate as before
    assert snapshot() == one_by_one
    assert "已重建相似建议索引" in out.getvalue()
    matches = similarity.similar(title="公交线路延伸到工业园区", county=tree.xuanen.prefix)
    assert {m.suggestion.pk for m in matches[:2]} == {made[0].pk, made[2].pk}
