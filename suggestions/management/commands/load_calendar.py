"""Load (or refresh) public holidays and make-up working days from the chinesecalendar package."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from suggestions.services import calendar_load_chinese_calendar


class Command(BaseCommand):
    help = "从 chinesecalendar 载入法定节假日与调休安排（可重复执行）。"

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="年份（默认：该软件包已知的全部年份）")

    def handle(self, *args, years, **options):
        loaded = calendar_load_chinese_calendar(years=years or None)
        self.stdout.write(f"已载入 {len(loaded)} 个年度：{', '.join(map(str, loaded))}" if loaded else "没有可载入的年度。")
