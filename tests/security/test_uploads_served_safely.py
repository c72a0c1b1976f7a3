"""Finding 1 and 10 of the attack run: uploads can neither run script nor blow up a viewer's browser.

Images are stored re-encoded (no trailing bytes, no comments) under their detected type and shown
inline only as ``image/*``; anything else is a download; every upload answer is sandboxed."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from activities.models import ActivityPhoto
from suggestions.models import Attachment
from tests.security.polyglots import bomb_png, page_gif, script_gif
from tests.security.routes import CONGRESS_OFFICE, DEPUTY

pytestmark = pytest.mark.django_db


def _create_with(api, world, *files):
    response = api.post(
        "/api/v1/suggestions/",
        {"title": "便民桥", "content": "村口便民桥年久失修", "region": world.tree.zhushan.code, "submit": "false",
         "attachments": list(files)},
        format="multipart",
    )
    return response


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_gif_named_html_is_stored_and_served_as_a_plain_gif(world, api_as, client_as):
    deputy = world.insiders[DEPUTY]
    response = _create_with(api_as(deputy), world, SimpleUploadedFile("b.html", page_gif("/x.js"), content_type="text/html"))
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/gif"
    assert attachment.original_name == "b.gif"
    assert attachment.file.name.endswith(".gif")

    served = client_as(deputy).get(reverse("suggestions:attachment", args=[attachment.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/gif"
    assert served["Content-Security-Policy"] == "sandbox"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("inline")
    body = _body(served)
    assert b"<script" not in body
    assert Image.open(io.BytesIO(body)).format == "GIF"


def test_a_gif_named_js_is_stored_without_its_script(world, api_as, client_as):
    deputy = world.insiders[DEPUTY]
    assert _create_with(api_as(deputy), world, SimpleUploadedFile("a.js", script_gif())).status_code == 201
    attachment = Attachment.objects.get()
    served = client_as(deputy).get(reverse("suggestions:attachment", args=[attachment.pk]))
    assert served["Content-Type"] == "image/gif"
    assert b"pwned" not in _body(served)


def test_a_polyglot_stored_before_the_rule_is_served_as_an_image_not_a_page(world, client_as):
    # given a file kept under its own name by an earlier version
    from tests.security.routes_suggestions import _suggestion

    suggestion = _suggestion(world, "assigned")
    data = page_gif("/x.js")
    attachment = Attachment.objects.create(
        suggestion=suggestion, file=SimpleUploadedFile("b.html", data), original_name="b.html", content_type="image/gif", size=len(data)
    )
    # when an office opens it
    served = client_as(world.insiders[CONGRESS_OFFICE]).get(reverse("suggestions:attachment", args=[attachment.pk]))
    # then it is an image (the browser renders pixels, never markup), sandboxed
    assert served["Content-Type"] == "image/gif"
    assert served["Content-Security-Policy"] == "sandbox"
    assert 'filename="b.gif"' in served["Content-Disposition"]


def test_anything_not_an_image_is_a_download_of_a_safe_type(world, client_as):
    from tests.security.routes_suggestions import _suggestion

    suggestion = _suggestion(world, "assigned")
    stored = {
        "a.pdf": (b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        "b.html": (b"<script>alert(1)</script>", "application/octet-stream"),
    }
    for name, (data, expected) in stored.items():
        attachment = Attachment.objects.create(
            suggestion=suggestion, file=SimpleUploadedFile(name, data), original_name=name, content_type="x", size=len(data)
        )
        served = client_as(world.insiders[CONGRESS_OFFICE]).get(reverse("suggestions:attachment", args=[attachment.pk]))
        assert served["Content-Type"] == expected
        assert served["Content-Disposition"].startswith("attachment")
        assert served["Content-Security-Policy"] == "sandbox"
        assert served["X-Content-Type-Options"] == "nosniff"


def test_an_image_bomb_is_refused_naming_the_field(world, api_as):
    response = _create_with(api_as(world.insiders[DEPUTY]), world, SimpleUploadedFile("big.png", bomb_png()))
    assert response.status_code == 400
    assert "像素" in str(response.json()["attachments"])
    assert not Attachment.objects.exists()


def test_a_large_photo_is_kept_as_a_bounded_copy(world, client_as, settings):
    # given a 3000×2000 photo logged with a visit
    settings.UPLOAD_IMAGE_MAX_SIDE = 800
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), "green").save(buffer, format="JPEG")
    activity = world.activity_a
    from config.uploads import validate_upload

    upload = SimpleUploadedFile("visit.jpg", buffer.getvalue())
    validate_upload(upload, images_only=True)
    photo = ActivityPhoto.objects.create(activity=activity, image=upload)
    # when it is shown
    served = client_as(world.insiders[CONGRESS_OFFICE]).get(reverse("activities:photo", args=[activity.pk, photo.pk]))
    # then the page gets the copy made on upload, not the original
    assert served["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(_body(served))).size == (800, 533)
