import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from config.uploads import validate_upload


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_real_png_is_accepted():
    assert validate_upload(SimpleUploadedFile("a.png", png_bytes())) == "image/png"


def test_a_pdf_is_accepted_unless_images_only():
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%EOF\n")
    assert validate_upload(pdf) == "application/pdf"
    with pytest.raises(ValidationError):
        validate_upload(pdf, images_only=True)


def test_a_script_renamed_to_jpg_is_refused_by_content():
    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="文件类型不支持"):
        validate_upload(fake)


def test_a_file_over_the_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="文件过大"):
        validate_upload(SimpleUploadedFile("a.png", png_bytes()))
