"""Uploads: images and PDF only, decided by content (never by name), within a size and pixel limit,
and served only through views that have already checked the viewer may see the object.

What is stored is never the uploaded bytes of an image: ``validate_upload`` re-encodes every image
with Pillow into a fresh file of its detected format, no larger than ``UPLOAD_IMAGE_MAX_SIDE`` on
its longest side (the copy every page shows), carrying no metadata, comment or trailing bytes. A GIF
that is also an HTML page or a script (a polyglot) is stored as a plain GIF. Its name takes the
extension of the detected type, so ``b.html`` that is a GIF is kept as ``b.gif``.

``serve_file`` decides again from the stored bytes (files stored before this rule included): an
image is shown inline with its detected ``image/*`` type; anything else is a download
(``Content-Disposition: attachment``) as ``application/pdf`` or ``application/octet-stream``. Every
answer carries ``Content-Security-Policy: sandbox`` and ``X-Content-Type-Options: nosniff``, so
nothing served from an upload can run script in the site's origin.

Files live under MEDIA_ROOT, outside static files; no URL pattern serves MEDIA_ROOT directly.
"""

from __future__ import annotations

import io
import warnings
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif", "application/pdf": ".pdf"}
PDF_MAGIC = b"%PDF-"
UPLOAD_HEADERS = {
    "Content-Security-Policy": "sandbox",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, max-age=0",
}
_PILLOW_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError)


class TooManyPixels(Exception):
    pass


def _open_image(fileobj) -> tuple[str, Image.Image]:
    """Open an image without decoding it; refuse one over the pixel limit before any pixel is read."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(fileobj)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise TooManyPixels from None
    kind = IMAGE_FORMATS.get(image.format or "")
    if kind is None:
        image.close()
        raise UnidentifiedImageError("not an allowed image format")
    if image.width * image.height > settings.UPLOAD_MAX_PIXELS:
        image.close()
        raise TooManyPixels
    return kind, image


def sniff_content_type(upload) -> str | None:
    """The real type of an uploaded file from its bytes: an image format Pillow can verify, or PDF.

    Raises ``TooManyPixels`` for an image over ``UPLOAD_MAX_PIXELS`` (a decompression bomb)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(PDF_MAGIC):
        return "application/pdf"
    try:
        kind, image = _open_image(upload)
        with image:
            image.verify()
    except _PILLOW_ERRORS:
        kind = None
    finally:
        upload.seek(0)
    return kind


def _reencoded(upload, kind: str) -> bytes:
    """A fresh file of the image's pixels only, bounded to UPLOAD_IMAGE_MAX_SIDE."""
    upload.seek(0)
    with Image.open(upload) as source:
        source.seek(0)
        image = ImageOps.exif_transpose(source)
        image.thumbnail((settings.UPLOAD_IMAGE_MAX_SIDE, settings.UPLOAD_IMAGE_MAX_SIDE))
        has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
        mode = "RGB" if kind == "image/jpeg" else ("RGBA" if has_alpha else "RGB")
        pixels = image.convert(mode)
        clean = Image.new(mode, pixels.size)  # a new image: no info, comment, EXIF or palette extras carried over
        clean.paste(pixels)
    buffer = io.BytesIO()
    format_name = {v: k for k, v in IMAGE_FORMATS.items()}[kind]
    options = {"quality": 85} if kind in ("image/jpeg", "image/webp") else {}
    clean.save(buffer, format=format_name, **options)
    upload.seek(0)
    return buffer.getvalue()


def _replace_content(upload, data: bytes, kind: str) -> None:
    """Make ``upload`` (an UploadedFile) hold ``data`` under a name with the detected extension."""
    upload.file = io.BytesIO(data)
    upload.size = len(data)
    upload.content_type = kind
    upload.name = safe_name(upload.name, kind)


def safe_name(name: str | None, kind: str) -> str:
    stem = PurePath(name or "").stem.strip(". ") or "file"
    return f"{stem[:180]}{EXTENSIONS.get(kind, '.bin')}"


def validate_upload(upload, *, images_only: bool = False) -> str:
    """Raise a Chinese ValidationError unless ``upload`` is an allowed image (or PDF) within the limits,
    and make ``upload`` the copy to store (images re-encoded; every name given its type's extension).

    Returns the detected content type. Calling it again on the same upload checks nothing twice.
    """
    done = getattr(upload, "_checked_type", None)
    if done is not None and not (images_only and done == "application/pdf"):
        return done
    if upload.size > settings.UPLOAD_MAX_BYTES:
        limit_mb = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
        raise ValidationError(_("文件过大：不能超过 %(limit)s MB。") % {"limit": f"{limit_mb:.0f}"}, code="too_large")
    if upload.size == 0:
        raise ValidationError(_("文件为空。"), code="empty")
    try:
        kind = sniff_content_type(upload)
    except TooManyPixels:
        raise ValidationError(
            _("图片像素过多：不能超过 %(limit)s 万像素。") % {"limit": settings.UPLOAD_MAX_PIXELS // 10_000},
            code="too_many_pixels",
        ) from None
    if kind is None or (images_only and kind == "application/pdf"):
        if images_only:
            message = _("文件类型不支持：只能上传JPG、PNG、WEBP、GIF 图片（按文件内容检查，不看扩展名）。")
        else:
            message = _("文件类型不支持：只能上传JPG、PNG、WEBP、GIF 图片或 PDF 文件（按文件内容检查，不看扩展名）。")
        raise ValidationError(message, code="bad_type")
    if kind.startswith("image/"):
        try:
            data = _reencoded(upload, kind)
        except _PILLOW_ERRORS:
            raise ValidationError(_("图片已损坏，无法读取。"), code="bad_image") from None
        _replace_content(upload, data, kind)
    else:
        upload.name = safe_name(upload.name, kind)
    upload._checked_type = kind
    return kind


def stored_type(data: bytes) -> tuple[str, bool]:
    """(content type, inline?) of a stored file, decided from its bytes."""
    if data.startswith(PDF_MAGIC):
        return "application/pdf", False
    try:
        kind, image = _open_image(io.BytesIO(data))
        image.close()
    except (*_PILLOW_ERRORS, TooManyPixels):
        return "application/octet-stream", False
    return kind, True


def serve_file(field_file, *, download_name: str | None = None) -> FileResponse:
    """Stream a stored file: images inline with their detected type, anything else as a download.
    Call only after the caller's scope check passed."""
    handle = field_file.open("rb")
    content_type, inline = stored_type(handle.read(settings.UPLOAD_MAX_BYTES + 1))
    handle.seek(0)
    name = safe_name(download_name or field_file.name.rsplit("/", 1)[-1], content_type)
    response = FileResponse(handle, as_attachment=not inline, filename=name)
    response["Content-Type"] = content_type
    for header, value in UPLOAD_HEADERS.items():
        response[header] = value
    return response
