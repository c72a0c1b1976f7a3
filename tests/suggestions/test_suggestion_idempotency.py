"""Never twice for suggestions: the same Idempotency-Key on POST /api/v1/suggestions/ creates one suggestion."""

from __future__ import annotations

import uuid

import pytest

from suggestions.models import Suggestion

pytestmark = pytest.mark.django_db
BODY = {"title": "关于修缮椒园镇至珠山镇公路的建议", "content": "坑洼严重，雨天积水。", "region": "422825"}


def test_a_resent_suggestion_is_created_once(world, api_as):
    client, key = api_as(world.deputy_user), str(uuid.uuid4())
    first = client.post("/api/v1/suggestions/", BODY, format="json", headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/suggestions/", BODY, format="json", headers={"Idempotency-Key": key})
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Suggestion.objects.count() == 1


def test_the_same_key_on_a_changed_suggestion_is_a_422(world, api_as):
    client, key = api_as(world.deputy_user), str(uuid.uuid4())
    assert client.post("/api/v1/suggestions/", BODY, format="json", headers={"Idempotency-Key": key}).status_code == 201
    changed = client.post("/api/v1/suggestions/", {**BODY, "title": "另一条建议"}, format="json", headers={"Idempotency-Key": key})
    assert changed.status_code == 422
    assert "Idempotency-Key" in changed.json()
    assert Suggestion.objects.get().title == BODY["title"]


def test_a_queued_suggestion_arrives_as_json_with_its_attachments(world, api_as):
    # what the offline outbox sends: the JSON in the part `data`, the attachments beside it
    import io
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, format="PNG")
    photo = SimpleUploadedFile("road.png", buffer.getvalue(), content_type="image/png")
    client, key = api_as(world.deputy_user), str(uuid.uuid4())
    body = {"data": json.dumps({**BODY, "submit": True}, ensure_ascii=False), "attachments": [photo]}
    first = client.post("/api/v1/suggestions/", body, format="multipart", headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.content
    suggestion = Suggestion.objects.get()
    assert suggestion.title == BODY["title"] and suggestion.attachments.count() == 1
    photo.seek(0)
    again = client.post("/api/v1/suggestions/", body, format="multipart", headers={"Idempotency-Key": key})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert Suggestion.objects.count() == 1


def test_a_suggestion_the_form_saved_is_not_saved_again_by_the_outbox(world, client_as, api_as):
    # the page's script sent the form with a key; the save happened but the answer was lost
    from django.urls import reverse

    from regions.models import Region

    key = str(uuid.uuid4())
    form = {**BODY, "region": Region.objects.get(code=BODY["region"]).pk, "submit": "1"}
    saved = client_as(world.deputy_user).post(reverse("suggestions:create"), form, headers={"Idempotency-Key": key})
    suggestion = Suggestion.objects.get()
    assert saved.json() == {"location": reverse("suggestions:detail", args=[suggestion.pk])}
    # the outbox sends the same submission to the API under the same key: answered with that save
    resent = api_as(world.deputy_user).post("/api/v1/suggestions/", {**BODY, "submit": True}, format="json", headers={"Idempotency-Key": key})
    assert resent.status_code == 201 and resent.headers["Idempotent-Replayed"] == "true"
    assert resent.json()["id"] == suggestion.pk
    assert Suggestion.objects.count() == 1
