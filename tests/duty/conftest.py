"""Duty-point fixtures."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def last_year() -> int:
    return dt.date.today().year - 1

