"""Uploads: images and PDF only, checked by content (not by name), with a size limit, and served
only through views that have already checked the viewer may see the object.

Files live under MEDIA_ROOT, outside static files; no URL pattern serves MEDIA_ROOT directly.
"""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
PDF_MAGIC = b"%PDF-"


def sniff_content_type(upload) -> str | None:
    """The real type of an uploaded file from its bytes: an image format Pillow can verify, or PDF."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(PDF_MAGIC):
        return "application/pdf"
    try:
        with Image.open(upload) as image:
            image.verify()
            kind = IMAGE_FORMATS.get(image.format or "")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        kind = None
    finally:
        upload.seek(0)
    return kind


def validate_upload(upload, *, images_only: bool = False) -> str:
    """Raise a Chinese ValidationError unless ``upload`` is an allowed image (or PDF) within the limit.

    Returns the sniffed content type.
    """
    if upload.size > settings.UPLOAD_MAX_BYTES:
        limit_mb = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
        raise ValidationError(_("文件过大：不能超过 %(limit)s MB。") % {"limit": f"{limit_mb:.0f}"}, code="too_large")
    if upload.size == 0:
        raise ValidationError(_("文件为空。"), code="empty")
    kind = sniff_content_type(upload)
    if kind is None or (images_only and kind == "application/pdf"):
        if images_only:
            message = _("文件类型不支持：只能上传JPG、PNG、WEBP、GIF 图片（按文件内容检查，不看扩展名）。")
        else:
            message = _("文件类型不支持：只能上传JPG、PNG、WEBP、GIF 图片或 PDF 文件（按文件内容检查，不看扩展名）。")
        raise ValidationError(message, code="bad_type")
    return kind


def serve_file(field_file, *, download_name: str | None = None) -> FileResponse:
    """Stream a stored file. Call only after the caller's scope check passed."""
    name = download_name or field_file.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(field_file.open("rb"), as_attachment=content_type == "application/pdf", filename=name)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    return response
