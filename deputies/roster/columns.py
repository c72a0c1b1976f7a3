"""What a roster file holds: its columns, the level and gender names it accepts, and the results of an import."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from deputies.models import Gender, MandateLevel
from regions.models import RegionLevel

# (key, Chinese header, required). The template, the importer and the export share this order.
COLUMNS = [
    ("name", "姓名", True),
    ("gender", "性别", False),
    ("ethnicity", "民族", False),
    ("birth_date", "出生日期", True),
    ("sector", "界别/职业", False),
    ("work_unit", "工作单位及职务", False),
    ("phone", "手机号", False),
    ("region", "所在区划", True),
    ("level", "代表层级", True),
    ("congress_region", "人大所在区划", False),
    ("term", "届次", True),
    ("electoral_unit", "选举单位/选区", False),
    ("start_date", "任期开始", False),
    ("end_date", "任期结束", False),
]
HEADER_OF = {key: header for key, header, _ in COLUMNS}
PERSON_FIELDS = ["gender", "ethnicity", "sector", "work_unit", "phone", "region"]
MANDATE_FIELDS = ["electoral_unit", "start_date", "end_date"]
BATCH = 1000
# A file this large is imported by the worker, with a progress page (see ``deputies.tasks``);
# about 2,500 rows. Smaller files are checked and imported within the upload request.
BACKGROUND_MIN_BYTES = 200 * 1024
PROGRESS_EVERY = 1000
# A 100,000-row roster is about 8 MB as .xlsx.
MAX_BYTES = 40 * 1024 * 1024
EXTRA_EXPORT_HEADERS = ["所在区划名称", "人大所在区划名称"]

_LEVEL_NAMES = {
    "全国": MandateLevel.NATIONAL,
    "省": MandateLevel.PROVINCIAL,
    "市(州)": MandateLevel.CITY,
    "市": MandateLevel.CITY,
    "州": MandateLevel.CITY,
    "县(市、区)": MandateLevel.COUNTY,
    "县(市,区)": MandateLevel.COUNTY,
    "县": MandateLevel.COUNTY,
    "乡(镇)": MandateLevel.TOWNSHIP,
    "乡": MandateLevel.TOWNSHIP,
    "镇": MandateLevel.TOWNSHIP,
}
# The region level of the congress that elects each kind of deputy (national deputies are elected
# by the provincial congress, so their congress region is the province).
CONGRESS_LEVEL = {
    MandateLevel.NATIONAL: RegionLevel.PROVINCE,
    MandateLevel.PROVINCIAL: RegionLevel.PROVINCE,
    MandateLevel.CITY: RegionLevel.CITY,
    MandateLevel.COUNTY: RegionLevel.COUNTY,
    MandateLevel.TOWNSHIP: RegionLevel.TOWNSHIP,
}
_GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class RosterFileError(Exception):
    """The file as a whole cannot be read (wrong type, missing header)."""


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    mandates_created: int = 0
    mandates_updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors
