"""Files a user downloads: the import template, the error report and the roster export."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from config.xlsx import neutralise
from deputies.models import Gender, MandateLevel
from deputies.privacy import phone_for
from deputies.roster.columns import COLUMNS, EXTRA_EXPORT_HEADERS, RowError


def _workbook_bytes(title: str, header: list[str], rows) -> bytes:
    from config.xlsx import XlsxWriter

    workbook = XlsxWriter()
    workbook.sheet(title, header, freeze=False).extend(rows)
    return workbook.bytes()


def template_xlsx() -> bytes:
    """The import template: Chinese headers and one example row showing each format."""
    example = [
        "向明华", "女", "土家族", "1975-03-08", "农业", "珠山镇东门社区党支部书记", "13871800001",
        "湖北省/恩施土家族苗族自治州/宣恩县/珠山镇", "乡(镇)", "", "第十九届", "东门社区选区", "2021-10-01", "",
    ]
    return _workbook_bytes("代表名册", [h for _, h, _ in COLUMNS], [example])


def errors_csv(errors: list[RowError]) -> bytes:
    """The bad rows as a CSV that Excel opens correctly (UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("行号"), _("列"), _("问题")])
    for error in errors:
        writer.writerow([error.row, neutralise(error.column), neutralise(error.message)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(user, deputies) -> bytes:
    """The filtered roster in the import layout (one row per seat), phones masked as the viewer sees them.

    ``deputies`` must come from ``selectors.deputy_list`` (region and mandates prefetched).
    """
    # The export is read back by the importer, which knows the Chinese names of levels and genders:
    # it is written in Chinese whatever language the page is in.
    with translation.override(settings.LANGUAGE_CODE):
        levels = {value: str(label) for value, label in MandateLevel.choices}
        genders = {value: str(label) for value, label in Gender.choices}

    def rows():
        for deputy in deputies.iterator(chunk_size=2000):
            person = [
                deputy.name,
                str(genders.get(deputy.gender, "")),
                deputy.ethnicity,
                deputy.birth_date.isoformat() if deputy.birth_date else "",
                deputy.sector,
                deputy.work_unit,
                phone_for(user, deputy),
                deputy.region.code,
            ]
            mandates = list(deputy.mandates.all())
            if not mandates:
                yield person + [""] * 6 + [deputy.region.name, ""]
            for m in mandates:
                yield person + [
                    str(levels[m.level]),
                    m.congress_region.code,
                    m.term,
                    m.electoral_unit,
                    m.start_date.isoformat() if m.start_date else "",
                    m.end_date.isoformat() if m.end_date else "",
                    deputy.region.name,
                    m.congress_region.name,
                ]

    # The first columns are the import layout, so an exported list can be edited and imported back.
    return _workbook_bytes("代表名册", [h for _, h, _ in COLUMNS] + EXTRA_EXPORT_HEADERS, rows())
