"""Every required field carries the required marker (class ``required`` on its field, drawn as a red
asterisk by static/css/app.css): a person sees before saving what they must fill in."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "wbr", "area", "base", "embed", "param", "track"}


class RequiredFields(HTMLParser):
    """Names of the required inputs that no enclosing element marks as required."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.unmarked: list[str] = []
        self.required: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        marked = "required" in (attrs.get("class") or "").split()
        if tag in ("input", "select", "textarea") and "required" in attrs and attrs.get("type") not in ("hidden", "checkbox", "radio"):
            name = attrs.get("name", "?")
            self.required.append(name)
            if not (marked or any(m for _t, m in self.stack)):
                self.unmarked.append(name)
        if tag not in VOID:
            self.stack.append((tag, marked))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


@pytest.mark.parametrize("name", [
    "suggestions:create", "activities:visit", "deputies:create", "deputies:group_create",
    "liaison_stations:create", "activities:campaign_new", "password_change",
])
def test_every_required_field_is_marked(client_as, xuanen_office, name):
    response = client_as(xuanen_office).get(reverse(name))
    assert response.status_code == 200
    parser = RequiredFields()
    parser.feed(response.content.decode())
    assert parser.required, "the page has no required field to check"
    assert parser.unmarked == []


def test_the_deputies_who_came_are_marked_required_on_the_visit_form(client_as, xuanen_staff):
    # Required unless the activity is a training: the form cannot say so with the HTML attribute.
    page = client_as(xuanen_staff).get(reverse("activities:visit")).content.decode()
    assert 'class="field deputy-field required' in page
