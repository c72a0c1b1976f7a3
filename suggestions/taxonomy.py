"""The suggestion category taxonomy and the department types responsible for each.

Read once from ``suggestions/data/suggestion_categories.csv`` (20 codes).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.functional import lazy
from django.utils.translation import get_language

CATEGORIES_CSV = Path(__file__).resolve().parent / "data" / "suggestion_categories.csv"


@dataclass(frozen=True)
class Category:
    code: str
    name_zh: str
    name_en: str
    department_type: str
    department_zh: str
    covers: str

    @property
    def name(self) -> str:
        """The name in the reader's language: the file carries Chinese and English names."""
        return self.name_zh if (get_language() or "zh-hans").startswith("zh") else self.name_en


@lru_cache(maxsize=1)
def categories() -> dict[str, Category]:
    with open(CATEGORIES_CSV, newline="", encoding="utf-8") as handle:
        return {
            row["code"]: Category(
                code=row["code"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                department_type=row["department_code"],
                department_zh=row["department_zh"],
                covers=row["covers"],
            )
            for row in csv.DictReader(handle)
        }


def _category_name(code: str) -> str:
    return categories()[code].name


# Choices are built once (models, forms); the label is looked up in the language of each request.
category_name = lazy(_category_name, str)


def category_choices() -> list[tuple[str, str]]:
    return [(c.code, category_name(c.code)) for c in categories().values()]


def department_type_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for c in categories().values():
        seen.setdefault(c.department_type, c.department_zh)
    return list(seen.items())


def department_type_for(category_code: str) -> str:
    return categories()[category_code].department_type


# Named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] so the API schema calls it DepartmentTypeEnum.
DEPARTMENT_TYPE_CHOICES = department_type_choices()
