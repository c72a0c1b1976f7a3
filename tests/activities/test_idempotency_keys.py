"""Never twice: POST /api/v1/activities/ with an Idempotency-Key creates one row however often it is sent."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import IdempotencyKey
from activities.models import Activity
from tests.activities.test_activity_api import LIST, payload
from tests.factories.accounts import UserFactory


def send(client, data, key):
    return client.post(LIST, data, format="json", headers={"Idempotency-Key": key})


@pytest.mark.django_db
def test_a_resend_with_the_same_key_replays_the_first_answer(api_as, xuanen_staff, world, tree):
    # given a visit sent once with a key
    client, key = api_as(xuanen_staff), str(uuid.uuid4())
    first = send(client, payload(tree, world), key)
    assert first.status_code == 201, first.json()
    assert "Idempotent-Replayed" not in first.headers
    # when the same submission is sent again (a timeout, a double tap, a second tab)
    again = send(client, payload(tree, world), key)
    # then the first answer comes back and no second row exists
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Activity.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_naming_the_header(api_as, xuanen_staff, world, tree):
    client, key = api_as(xuanen_staff), str(uuid.uuid4())
    assert send(client, payload(tree, world), key).status_code == 201
    response = send(client, payload(tree, world, households_visited=9), key)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()
    assert Activity.objects.get().households_visited == 8


@pytest.mark.django_db
def test_keys_are_per_user(api_as, xuanen_staff, xuanen_office, world, tree):
    key = str(uuid.uuid4())
    assert send(api_as(xuanen_staff), payload(tree, world), key).status_code == 201
    assert send(api_as(xuanen_office), payload(tree, world), key).status_code == 201
    assert Activity.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_submission_does_not_use_up_its_key(api_as, xuanen_staff, world, tree):
    # given a submission the server refuses (a negative count)
    client, key = api_as(xuanen_staff), str(uuid.uuid4())
    refused = send(client, payload(tree, world, households_visited=-1), key)
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    # when the clerk fixes it and sends it again with the same key, it is created once
    fixed = send(client, payload(tree, world), key)
    assert fixed.status_code == 201
    assert "Idempotent-Replayed" not in fixed.headers
    assert Activity.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", " ", "x" * 256, "a\nb", "ключ"])
def test_a_malformed_key_is_a_400_naming_the_header(api_as, xuanen_staff, world, tree, key):
    response = api_as(xuanen_staff).post(LIST, payload(tree, world), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_an_outsider_with_a_key_still_gets_nothing_created(api_as, world, tree, honghu_staff):
    response = send(api_as(honghu_staff), payload(tree, world), str(uuid.uuid4()))
    assert response.status_code == 400
    assert "region" in response.json()
    assert not Activity.objects.exists()
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_without_a_key_each_post_creates_a_row(api_as, xuanen_staff, world, tree):
    client = api_as(xuanen_staff)
    assert client.post(LIST, payload(tree, world), format="json").status_code == 201
    assert client.post(LIST, payload(tree, world), format="json").status_code == 201
    assert Activity.objects.count() == 2


def test_the_schema_documents_the_header(api_as, db):
    schema = api_as(UserFactory()).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in ["/api/v1/activities/", "/api/v1/suggestions/"]:
        params = schema["paths"][path]["post"]["parameters"]
        assert {"in": "header", "name": "Idempotency-Key"}.items() <= next(p for p in params if p["name"] == "Idempotency-Key").items()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_make_one_row(world, tree, xuanen_staff):
    # given two tabs sending the same queued visit at the same moment
    key, data = str(uuid.uuid4()), payload(tree, world)
    barrier = threading.Barrier(2)
    answers = []

    def post():
        client = APIClient()
        client.force_authenticate(xuanen_staff)
        try:
            barrier.wait(timeout=10)
            r = send(client, data, key)
            answers.append((r.status_code, r.headers.get("Idempotent-Replayed"), r.json()["id"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # then both are told 201 with the same row, one of them as a replay, and one row exists
    assert [a[0] for a in answers] == [201, 201]
    assert sorted(str(a[1]) for a in answers) == ["None", "true"]
    assert answers[0][2] == answers[1][2]
    assert Activity.objects.count() == 1
