"""``manage.py report_to_voters --deputy ID --year YYYY --output FILE.docx``: the deputy's report to
voters as .docx — the saved, edited text when there is one, else the draft from the record."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from deputies.models import Deputy
from duty.report import report_docx


class Command(BaseCommand):
    help = "Write a deputy's report to voters (述职报告) for a year as .docx."

    def add_arguments(self, parser):
        parser.add_argument("--deputy", type=int, required=True, help="deputy id")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", required=True, help="FILE.docx")

    def handle(self, *args, deputy, year, output, **options):
        person = Deputy.objects.filter(pk=deputy).first()
        if person is None:
            raise CommandError(f"没有编号为 {deputy} 的代表。")
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度无效：{year}")
        if not output.lower().endswith(".docx"):
            raise CommandError("输出文件名须以 .docx 结尾。")
        data = report_docx(person, year)
        with open(output, "wb") as fh:
            fh.write(data)
        self.stdout.write(f"已写入 {output}（{person.name}，{year}年，{len(data)} 字节）")
