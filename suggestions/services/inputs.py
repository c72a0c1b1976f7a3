"""Checks of submitted values shared by several services: required text and uploaded files."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from config.uploads import validate_upload
from suggestions.models import (
    Answer,
    Attachment,
    Suggestion,
)


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _attach(suggestion: Suggestion, files, *, actor, answer: Answer | None = None) -> None:
    for upload in files or ():
        content_type = validate_upload(upload)
        Attachment.objects.create(
            suggestion=suggestion,
            answer=answer,
            file=upload,
            original_name=(upload.name or "附件")[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor,
        )


def _validate_files(files) -> None:
    errors = []
    for upload in files or ():
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})
