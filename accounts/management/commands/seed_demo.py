"""Seed deterministic demo data: townships, villages, users, and whatever each app adds."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo_framework import DemoContext
from accounts.models import User


class Command(BaseCommand):
    help = "Seed demo data (deterministic). Refuses to run with DEBUG off unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=settings.DEMO_PASSWORD, help="password of every demo user (default: demo)")
        parser.add_argument("--seed", type=int, default=20261129, help="random seed; the same seed gives the same data")
        parser.add_argument("--scale", choices=["demo", "county", "province"], default="demo")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when users already exist")
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, password, seed, scale, if_empty, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG 已关闭：这是生产环境吗？如确需写入演示数据，请加 --force。")
        if if_empty and User.objects.exists():
            self.stdout.write("数据库已有数据，跳过演示数据。")
            self._print_logins(None)
            return
        ctx = DemoContext(password=password, seed=seed, scale=scale, out=self.stdout)
        if scale != "demo":
            # County and province scales load generated rows in bulk (COPY on PostgreSQL).
            from accounts import demo_scale

            demo_scale.run(ctx)
            self._print_logins(ctx)
            return
        seeders = []
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            seeders.append((config.name, module))
        # Bulk seeders for large scales manage their own transactions; the demo scale is one unit.
        with transaction.atomic():
            for name, module in seeders:
                ctx.say(f"· {name}")
                module.seed(ctx)
        self._print_logins(ctx)

    def _print_logins(self, ctx: DemoContext | None) -> None:
        from accounts.demo import DEMO_USERS

        password = ctx.password if ctx else "（首次生成时设置的密码，默认 demo）"
        self.stdout.write(self.style.SUCCESS("演示账号（用户名 / 角色）："))
        for username, label in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"  {username:18} {label}")
        self.stdout.write(f"  密码：{password}")
