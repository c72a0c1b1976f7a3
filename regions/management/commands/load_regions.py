from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from regions.loader import HUBEI_DIVISIONS, load_regions


class Command(BaseCommand):
    help = "Load the administrative divisions (default: Hubei province, cities and counties). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(HUBEI_DIVISIONS), help="CSV: code,name,level,parent_code")

    def handle(self, *args, path, **options):
        report = load_regions(Path(path))
        if report.errors:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(report.errors)} 行有误，未做任何更改。")
        if report.changed:
            self.stdout.write(
                self.style.SUCCESS(f"已载入：新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}。")
            )
        else:
            self.stdout.write(f"区划已是最新，未做任何更改（{report.unchanged} 条）。")
