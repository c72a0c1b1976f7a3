"""Model versions (retrain, rollback, a damaged version), the classify command, and the triage page."""

from __future__ import annotations

import io
import pickle

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role
from suggestions import services
from suggestions.models import RouterModel, Suggestion, SuggestionEvent, TrainingExample
from suggestions.router_words import percent
from suggestions.routing import router
from suggestions.routing.classifier import Classifier, default_classifier, load_examples
from suggestions.tasks import route_suggestion
from tests.factories.accounts import UserFactory
from tests.factories.routing import first_of_each_category

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def bundled_sample(monkeypatch) -> list[tuple[str, str]]:
    """The first 20 bundled examples of each category stand for the bundled files: these tests are
    about versions (stored, activated, rolled back, picked up), which a model trained on a sample
    shows as well as one trained on all 2,000-odd examples in a fifth of the time. What the model
    learns from every example is measured in tests/routing (cross-validation) and docs/routing.md."""
    sample = first_of_each_category(20)
    monkeypatch.setattr(router, "load_examples", lambda: sample)
    return sample


@pytest.mark.slow  # trains the router twice
def test_retrain_stores_an_active_version_and_rollback_reactivates_the_older_one(county, submit, settings, bundled_sample):
    # given an office's triage decision kept as a training example
    TrainingExample.objects.create(text="烈士陵园年久失修，建议修缮", category="veterans", source="triage")
    # when the router is retrained twice
    _run("retrain_router")
    _run("retrain_router")
    # then the second version is the one in use, and it learned from the kept decision too
    v1, v2 = RouterModel.objects.get(version=1), RouterModel.objects.get(version=2)
    assert (v1.active, v2.active) == (False, True)
    assert v2.examples == len(bundled_sample) + 1
    assert v2.metrics["training_accuracy"] > 0.9
    assert router.active_classifier().training_size == v2.examples
    # when rolled back without a version: the one before the active one
    assert "v1 is active" in _run("retrain_router", "--rollback")
    assert list(RouterModel.objects.filter(active=True).values_list("version", flat=True)) == [1]
    # and forward again by number
    _run("retrain_router", "--rollback", "2")
    assert list(RouterModel.objects.filter(active=True).values_list("version", flat=True)) == [2]
    listing = _run("retrain_router", "--list")
    assert "* v2" in listing and "  v1" in listing


def test_rollback_to_a_missing_version_is_refused():
    with pytest.raises(CommandError, match="no router model version 7"):
        _run("retrain_router", "--rollback", "7")


@pytest.mark.parametrize("data", [b"not a model at all", pickle.dumps({"a": "dict"})], ids=["damaged", "not-a-classifier"])
def test_rollback_to_a_version_this_release_cannot_load_is_refused_and_changes_nothing(data):
    # given a version an older release stored (or damaged bytes) and a usable active one
    RouterModel.objects.create(version=1, data=data, active=False)
    RouterModel.objects.create(version=2, data=Classifier.train(first_of_each_category(3)).dumps(), active=True)

    # when the office rolls back to it, then it is told, and the usable version stays active
    with pytest.raises(CommandError, match="version 1 cannot be loaded by this release.*retrain_router"):
        _run("retrain_router", "--rollback")
    assert list(RouterModel.objects.filter(active=True).values_list("version", flat=True)) == [2]


@pytest.mark.slow  # trains the router
def test_a_new_version_is_picked_up_by_a_running_process_after_the_check_interval(monkeypatch, bundled_sample):
    monkeypatch.setattr(router, "ACTIVE_CHECK_SECONDS", 3600.0)
    assert router.active_classifier() is default_classifier()
    model = router.router_retrain()
    # within the interval the process keeps what it has (no query per suggestion)...
    assert router.active_classifier() is default_classifier()
    # ...and after it, the active version is loaded once
    monkeypatch.setattr(router, "ACTIVE_CHECK_SECONDS", 0.0)
    loaded = router.active_classifier()
    assert loaded is not default_classifier() and loaded.training_size == model.examples
    assert router.active_classifier() is loaded


@pytest.mark.parametrize("data", [b"not a model at all", pickle.dumps({"a": "dict"})], ids=["damaged", "not-a-classifier"])
def test_a_version_that_cannot_be_loaded_falls_back_to_the_bundled_classifier(county, submit, data, caplog, settings):
    RouterModel.objects.create(version=1, data=data, active=True)
    assert router.active_classifier() is default_classifier()
    assert "cannot be loaded" in caplog.text
    # routing still works
    settings.ROUTER_CONFIDENCE_THRESHOLD = 0.3
    assert route_suggestion(submit().pk) == "assigned"


def test_classify_suggestions_writes_one_row_per_input_row_and_touches_no_suggestion(county, submit, tmp_path):
    suggestion = submit()
    events = SuggestionEvent.objects.count()
    path = tmp_path / "input.csv"
    path.write_text("id,text\nr1,村里公路坑洼严重，建议修缮\nr2,学校食堂卫生差\nr3,\n", encoding="utf-8-sig")
    lines = _run("classify_suggestions", str(path)).splitlines()
    assert lines[0] == "id,category,confidence,decision,co_handlers"
    assert [line.split(",")[0] for line in lines[1:]] == ["r1", "r2", "r3"]
    assert {line.split(",")[3] for line in lines[1:]} <= {"auto", "triage"}
    assert lines[1].split(",")[1] == "transport"
    assert all(0 <= float(line.split(",")[2]) <= 1 for line in lines[1:])
    suggestion.refresh_from_db()
    assert suggestion.status == "submitted" and SuggestionEvent.objects.count() == events
    assert Suggestion.objects.count() == 1


def test_classify_suggestions_refuses_a_file_without_a_text_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,body\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing column"):
        _run("classify_suggestions", str(path))


# --- triage page -----------------------------------------------------------------------------------


@pytest.fixture
def in_triage(county, submit, settings):
    settings.ROUTER_CONFIDENCE_THRESHOLD = 1.01
    suggestion = submit()
    route_suggestion(suggestion.pk)
    suggestion.refresh_from_db()
    return suggestion


@pytest.fixture
def office(tree):
    return UserFactory(username="xuanen-office", role=Role.CONGRESS_OFFICE, region=tree.xuanen)


def test_the_triage_page_shows_the_three_guesses_with_names_and_confidence(in_triage, office, client_as):
    page = client_as(office).get(f"/suggestions/{in_triage.pk}/").content.decode()
    for guess in in_triage.router_guesses:
        assert guess["name"] in page
        assert f"?guess={guess['category']}" in page
    # Shown rounded down and never 100% (router_words.percent): a waiting suggestion never reads as certain.
    assert f"置信度 {percent(in_triage.router_guesses[0]['confidence'])}%" in page


def test_the_triage_page_shows_the_ask_found_the_deciding_words_and_why(in_triage, office, client_as):
    # given a suggestion the router sent to triage (threshold above any confidence)
    top = in_triage.router_guesses[0]

    page = client_as(office).get(f"/suggestions/{in_triage.pk}/").content.decode()

    # then the office reads what the router found and why it did not decide
    assert top["ask"] and top["ask"] in page
    assert top["words"] and "、".join(top["words"]) in page
    assert "置信度低于阈值" in top["reasons"]
    assert "置信度低于阈值" in page
    assert "找到的诉求" in in_triage.events.get(to_status="triage").note


def test_one_click_on_a_guess_prefills_the_category_and_its_department(in_triage, office, county, client_as):
    response = client_as(office).get(f"/suggestions/{in_triage.pk}/?guess=transport")
    form = {k: f for k, _, f in response.context["action_forms"]}["assign"]
    assert form.initial == {"category": "transport", "lead": county.transport.pk}
    assert f'<option value="{county.transport.pk}" selected>' in response.content.decode()


def test_a_guess_the_router_did_not_make_prefills_nothing(in_triage, office, client_as):
    response = client_as(office).get(f"/suggestions/{in_triage.pk}/?guess=no_such_category")
    forms = {k: f for k, _, f in response.context["action_forms"]}
    assert "lead" not in forms["assign"].initial


def test_another_countys_office_gets_404_for_a_guess_link(in_triage, client_as, tree):
    outsider = UserFactory(username="honghu-office", role=Role.CONGRESS_OFFICE, region=tree.honghu)
    assert client_as(outsider).get(f"/suggestions/{in_triage.pk}/?guess=transport").status_code == 404
    in_triage.refresh_from_db()
    assert in_triage.status == "triage"


def test_the_offices_correction_becomes_a_training_example(in_triage, office, county):
    services.suggestion_assign(in_triage.pk, lead=county.education, actor=office, category="education")
    example = TrainingExample.objects.get(suggestion=in_triage)
    assert (example.category, example.source) == ("education", "triage")
    assert in_triage.title in example.text
    examples, weights = router.training_examples()
    assert (example.text, "education") in examples
    assert len(weights) == len(examples)


def test_a_suggestion_corrected_twice_counts_once_the_latest_winning(in_triage, office, county):
    # given the office corrects a suggestion, and it is corrected again later
    services.suggestion_assign(in_triage.pk, lead=county.education, actor=office, category="education")
    text = TrainingExample.objects.get().text
    TrainingExample.objects.create(text=text + "（补充）", category="transport", suggestion=in_triage)

    examples, weights = router.training_examples()

    # then only the latest correction of that suggestion is learned from, with full weight
    kept = list(zip(examples[len(load_examples()):], weights[len(load_examples()):], strict=True))
    assert kept == [((text + "（补充）", "transport"), 1.0)]


def test_the_triage_queue_links_each_guess_to_a_prefilled_assignment(in_triage, office, client_as):
    page = client_as(office).get("/suggestions/triage/").content.decode()
    top = in_triage.router_guesses[0]
    assert f"/suggestions/{in_triage.pk}/?guess={top['category']}#assign" in page
    assert top["name"] in page


def test_the_triage_queue_query_count_is_the_same_for_2_and_for_10_rows(county, submit, office, client_as, settings, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.ROUTER_CONFIDENCE_THRESHOLD = 1.01
    for _ in range(2):
        route_suggestion(submit().pk)
    client = client_as(office)
    client.get("/suggestions/triage/")
    with CaptureQueriesContext(connection) as two:
        client.get("/suggestions/triage/")
    for _ in range(8):
        route_suggestion(submit().pk)
    with django_assert_num_queries(len(two)):
        response = client.get("/suggestions/triage/")
    assert response.content.decode().count("?guess=") == 30
