"""Import a deputy roster (.xlsx or .csv) from the command line; same checks as the page."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from config.exceptions import PermissionRefused
from deputies import roster


class Command(BaseCommand):
    help = "导入代表名册（.xlsx 或 .csv）。任何一行有误则不导入，并列出所有问题行。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="以该用户的身份和管辖范围导入（默认：第一个超级用户）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, file, user, dry_run, **options):
        User = get_user_model()
        if user:
            actor = User.objects.filter(username=user).select_related("region").first()
            if actor is None:
                raise CommandError(f"用户 {user} 不存在。")
        else:
            actor = User.objects.filter(is_superuser=True).order_by("id").first()
            if actor is None:
                raise CommandError("没有超级用户：请用 --user 指定导入人。")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}。")
        try:
            with path.open("rb") as fh:
                result = roster.import_roster(actor=actor, fileobj=fh, filename=path.name, dry_run=dry_run)
        except (roster.RosterFileError, PermissionRefused) as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            for error in result.errors:
                self.stdout.write(f"第{error.row}行 [{error.column}] {error.message}")
            raise CommandError(f"共 {result.rows} 行，发现 {len(result.errors)} 处问题，未导入任何数据。")
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"检查通过：{result.rows} 行。"))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：{result.rows} 行，新增代表 {result.created} 人，更新 {result.updated} 人，"
                f"新增职务 {result.mandates_created} 条，更新职务 {result.mandates_updated} 条。"
            )
        )
