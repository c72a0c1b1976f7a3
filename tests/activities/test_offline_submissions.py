"""What the offline outbox sends (static/js/outbox-core.js): one multipart request per queued visit —
the JSON in the part ``data``, its photos beside it — created once however often it is resent; and
the deputy list the picker keeps for searching with no signal."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import IdempotencyKey
from activities.models import Activity, ActivityPhoto
from tests.activities.conftest import png_upload
from tests.activities.test_activity_api import LIST, payload
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def jpeg(name: str, size=(2400, 1800)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def queued(data, photos=()):
    return {"data": json.dumps(data, ensure_ascii=False), "photos": list(photos)}


def test_a_queued_visit_arrives_with_its_photos_in_one_request(api_as, xuanen_staff, world, tree):
    # when the outbox sends a visit with two photos
    response = api_as(xuanen_staff).post(LIST, queued(payload(tree, world), [jpeg("a.jpg"), jpeg("b.jpg")]), format="multipart")
    # then the row, its attendance, its issue and both photos are there
    assert response.status_code == 201, response.json()
    activity = Activity.objects.get()
    assert activity.deputies.count() == 3 and activity.issues.get().text == "村道破损"
    assert len(response.json()["photos"]) == 2
    assert activity.photos.count() == 2


def test_a_resent_visit_with_photos_makes_one_row_and_one_set_of_photos(api_as, xuanen_staff, world, tree):
    client, key = api_as(xuanen_staff), str(uuid.uuid4())
    first = client.post(LIST, queued(payload(tree, world), [jpeg("a.jpg")]), format="multipart", headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.json()
    # the connection dropped before the answer arrived: the outbox sends the same item again
    again = client.post(LIST, queued(payload(tree, world), [jpeg("a.jpg")]), format="multipart", headers={"Idempotency-Key": key})
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Activity.objects.count() == 1 and ActivityPhoto.objects.count() == 1


def test_a_refused_photo_refuses_the_whole_visit_and_keeps_the_key_free(api_as, xuanen_staff, world, tree):
    client, key = api_as(xuanen_staff), str(uuid.uuid4())
    script = SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    refused = client.post(LIST, queued(payload(tree, world), [script]), format="multipart", headers={"Idempotency-Key": key})
    assert refused.status_code == 400
    assert "photos" in refused.json()
    assert not Activity.objects.exists() and not IdempotencyKey.objects.exists()
    # fixed (the bad photo removed) and resent with the same key: created
    fixed = client.post(LIST, queued(payload(tree, world), [png_upload()]), format="multipart", headers={"Idempotency-Key": key})
    assert fixed.status_code == 201
    assert Activity.objects.get().photos.count() == 1


@pytest.mark.parametrize(
    "data, field",
    [
        ("{not json", "data"),
        ("[1, 2]", "data"),
        ("[" * 40 + "]" * 40, "data"),
    ],
)
def test_a_data_part_that_is_not_a_json_object_is_a_400_naming_it(api_as, xuanen_staff, world, data, field):
    response = api_as(xuanen_staff).post(LIST, {"data": data}, format="multipart")
    assert response.status_code == 400
    assert field in response.json()
    assert not Activity.objects.exists()


def test_a_nul_inside_the_data_part_is_refused_naming_the_field(api_as, xuanen_staff, world, tree):
    response = api_as(xuanen_staff).post(LIST, queued(payload(tree, world, summary="走访\x00")), format="multipart")
    assert response.status_code == 400
    assert "summary" in response.json()


def test_an_outsider_sending_a_queued_visit_creates_nothing(api_as, honghu_staff, world, tree):
    response = api_as(honghu_staff).post(LIST, queued(payload(tree, world), [jpeg("a.jpg")]), format="multipart")
    assert response.status_code == 400
    assert not Activity.objects.exists()


# --- the picker's list for searching offline -----------------------------------------------------

ROSTER = "activities:deputy_roster"


def test_the_roster_lists_every_deputy_with_initials_and_the_groups(client_as, xuanen_staff, world):
    response = client_as(xuanen_staff).get(reverse(ROSTER))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    data = response.json()
    assert {(d["name"], d["initials"]) for d in data["deputies"]} == {("向明华", "xmh"), ("田春梅", "tcm"), ("张建国", "zjg")}
    assert [g["name"] for g in data["groups"]] == ["珠山镇第一代表小组"]
    assert {m["id"] for m in data["groups"][0]["members"]} == {d.pk for d in world.deputies[:2]}
    assert data["complete"] is True


def test_the_roster_never_holds_another_countys_deputies(client_as, honghu_staff, world):
    data = client_as(honghu_staff).get(reverse(ROSTER)).json()
    assert [d["name"] for d in data["deputies"]] == ["刘洪湖"]
    assert [g["name"] for g in data["groups"]] == ["峰口镇代表小组"]


def test_the_roster_is_404_for_roles_that_do_not_log_visits(client_as, world, tree):
    from accounts.models import Role

    handler = UserFactory(role=Role.DEPARTMENT_HANDLER, region=tree.xuanen)
    assert client_as(handler).get(reverse(ROSTER)).status_code == 404
