"""Finding 1 of the attack run, in a real browser: a GIF named ``b.html`` whose script is a second
GIF named ``a.js``, opened by a county office and by the provincial office, runs no script.

Both files are stored as an earlier version kept them (under their own names, bytes unchanged), so
the test holds the serving rule on its own; uploads made now are re-encoded as well
(tests/security/test_uploads_served_safely.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.security.polyglots import MARK, page_gif, script_gif

pytestmark = pytest.mark.django_db(transaction=True)


def _stored(suggestion, name, data):
    from suggestions.models import Attachment

    return Attachment.objects.create(
        suggestion=suggestion, file=SimpleUploadedFile(name, data), original_name=name, content_type="image/gif", size=len(data)
    )


@pytest.mark.parametrize("role", ["congress_office", "provincial_office"])
def test_a_polyglot_attachment_runs_no_script_in_the_browser(page, sign_in, e2e_world, role):
    from suggestions.models import Status, Suggestion

    suggestion = Suggestion.objects.create(
        title="便民桥", content="村口便民桥年久失修", region=e2e_world.tree.zhushan, lead_deputy=e2e_world.own_deputy_a, status=Status.TRIAGE
    )
    script = _stored(suggestion, "a.js", script_gif())
    html = _stored(suggestion, "b.html", page_gif(reverse("suggestions:attachment", args=[script.pk])))
    sign_in(page, e2e_world.insiders[role])

    response = page.goto(reverse("suggestions:attachment", args=[html.pk]))
    page.wait_for_timeout(500)  # time for a script, were one loaded, to run

    assert page.evaluate(f"() => window.{MARK} === undefined")
    assert MARK not in page.title()
    assert response.headers["content-type"] == "image/gif"
