"""The visit form (and the suggestion form: tests/suggestions/test_suggestion_idempotency.py) sent by the page's script (static/js/outbox.js) with an
Idempotency-Key: the save answers where to go, the same key again saves nothing more, and when the
connection dropped after the save the outbox's resend of the same submission to the API under the
same key is answered with that save instead of a second row (config/idempotency.py)."""

from __future__ import annotations

import json
import uuid

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import IdempotencyKey
from activities.models import Activity
from tests.activities.helpers import visit_data
from tests.activities.test_activity_api import LIST, payload

pytestmark = pytest.mark.django_db
URL = "/activities/new/"


def test_a_visit_sent_by_the_script_answers_where_to_go_and_keeps_the_message(client_as, xuanen_staff, world, tree):
    client, key = client_as(xuanen_staff), str(uuid.uuid4())
    response = client.post(URL, visit_data(tree, world), headers={"Idempotency-Key": key})
    activity = Activity.objects.get()
    assert response.status_code == 200
    assert response.json() == {"location": reverse("activities:detail", args=[activity.pk]) + "?saved=1"}
    # the message set by the save is still waiting for the page the script goes to
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["已保存履职活动。"]
    # the same key again (a double tap): the same answer, nothing more saved
    again = client.post(URL, visit_data(tree, world), headers={"Idempotency-Key": key})
    assert again.json() == response.json()
    assert Activity.objects.count() == 1


def test_the_outbox_resend_of_a_visit_the_form_saved_makes_no_second_row(client_as, api_as, xuanen_staff, world, tree):
    key = str(uuid.uuid4())
    # the form saved it, but the answer never reached the phone
    client_as(xuanen_staff).post(URL, visit_data(tree, world), headers={"Idempotency-Key": key})
    # the outbox queued the same submission under the same key and sends it to the API
    resent = api_as(xuanen_staff).post(
        LIST, {"data": json.dumps(payload(tree, world), ensure_ascii=False)}, format="multipart", headers={"Idempotency-Key": key}
    )
    assert resent.status_code == 201
    assert resent.headers["Idempotent-Replayed"] == "true"
    assert resent.json()["id"] == Activity.objects.get().pk


def test_a_refused_form_stores_no_key_and_a_plain_post_still_redirects(client_as, xuanen_staff, world, tree):
    client, key = client_as(xuanen_staff), str(uuid.uuid4())
    refused = client.post(URL, visit_data(tree, world, summary="", households_visited="-1"), headers={"Idempotency-Key": key})
    assert refused.status_code == 400 and "text/html" in refused["Content-Type"]
    assert not IdempotencyKey.objects.exists()
    plain = client.post(URL, visit_data(tree, world))
    assert plain.status_code == 302



def test_the_same_submission_saved_twice_at_once_keeps_one_row_and_says_so(client_as, xuanen_staff, world, tree, monkeypatch):
    client, key = client_as(xuanen_staff), str(uuid.uuid4())
    assert client.post(URL, visit_data(tree, world), headers={"Idempotency-Key": key}).status_code == 200
    # the second tap's request looked for the key before the first one committed (and, being the same
    # visit, got past the duplicate warning): it saves, then finds the key taken when it records it
    monkeypatch.setattr("activities.views.form_replay", lambda request: None)
    again = client.post(URL, {**visit_data(tree, world), "save_anyway": "on"}, headers={"Idempotency-Key": key})
    assert again.status_code == 400
    assert "这次提交已经保存过了" in again.content.decode()
    assert Activity.objects.count() == 1
