"""A form sent back with errors says so at the top of the page, in a summary that takes the focus
(static/js/app.js) and links to each field — not only beside a field far down a long page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _post_forms_with_fields() -> list[Path]:
    """Templates with a POST form that draws fields of its own (a bulk action's boxes and buttons,
    such as 群众留言's review of held messages, have no field errors to sum up)."""
    return sorted(
        path for path in TEMPLATES.rglob("*.html")
        if any("partials/field.html" in form for form in re.findall(r'<form method="post".*?</form>', path.read_text(encoding="utf-8"), re.S))
    )


def test_every_page_with_a_form_to_send_has_an_error_summary():
    pages = _post_forms_with_fields()
    assert len(pages) > 5
    missing = [str(p.relative_to(TEMPLATES)) for p in pages if "error_summary.html" not in (text := p.read_text(encoding="utf-8")) and "error-summary" not in text]
    assert missing == []


def _summary_first(page: str, before: str) -> re.Match:
    summary = re.search(r'<div class="errors error-summary" role="alert" tabindex="-1"[^>]*>(.*?)</div>', page, re.S)
    assert summary, "no error summary"
    assert summary.start() < page.index(before), "the summary comes after " + before
    return summary


def test_a_bad_calendar_file_is_named_at_the_top_above_the_years_table(client_as, provincial):
    bad = SimpleUploadedFile("days.csv", b"date,kind\nnot-a-date,holiday\n", content_type="text/csv")
    response = client_as(provincial).post(reverse("suggestions:calendar"), {"form": "import", "file": bad})
    page = response.content.decode()
    summary = _summary_first(page, "<table")
    assert 'href="#' in summary.group(1)


def test_a_wrong_password_is_named_at_the_top_with_a_link_to_its_field(client_as, xuanen_staff):
    response = client_as(xuanen_staff).post(
        reverse("password_change"), {"old_password": "wrong", "new_password1": "x", "new_password2": "y"}
    )
    summary = _summary_first(response.content.decode(), "name=\"old_password\"")
    assert 'href="#id_old_password"' in summary.group(1)

