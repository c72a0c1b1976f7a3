"""``manage.py campaign_report --region CODE --campaign ID --format docx|pdf --output FILE``:
the same document the report pages generate, for offices that script their year-end work."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from activities.models import Campaign
from regions.models import Region
from reports import document, services


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "Write a campaign report (代表行动情况报告) of a region as .docx or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="region code, e.g. 420000")
        parser.add_argument("--campaign", required=True, type=int, help="campaign id")
        parser.add_argument("--format", choices=["docx", "pdf"], default="docx")
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument("--from", dest="date_from", type=_date, help="first day counted (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", type=_date, help="last day counted (YYYY-MM-DD)")

    def handle(self, *args, region, campaign, format, output, date_from, date_to, **options):
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(f"没有区划代码 {region}")
        chosen = Campaign.objects.select_related("region").filter(pk=campaign).first()
        if chosen is None:
            raise CommandError(f"没有编号为 {campaign} 的代表行动")
        if format == "pdf" and document.soffice() is None:
            raise CommandError(document.PDF_MISSING)
        # The command runs with the whole database in view, as a superuser would (never saved).
        reader = User(username="campaign_report", is_superuser=True)
        started = time.monotonic()
        built = services.build(user=reader, region=found, campaign=chosen, date_from=date_from, date_to=date_to)
        data = built.docx
        if format == "pdf":
            try:
                data = document.docx_to_pdf(built.docx)
            except document.PdfUnavailable as exc:
                raise CommandError(str(exc)) from exc
        with open(output, "wb") as handle:
            handle.write(data)
        self.stdout.write(f"{output}: {len(data)} bytes, {time.monotonic() - started:.1f} s")
