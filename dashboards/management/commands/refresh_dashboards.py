"""``manage.py refresh_dashboards [--all]``: rebuild the dashboard rollups now (beat does it on its own)."""

from django.core.management.base import BaseCommand

from dashboards import rollup


class Command(BaseCommand):
    help = "重新计算数据看板汇总（省、市、县看板据此显示）。默认只算进行中及近 90 天结束的代表行动和“全部”；--all 计算全部。"

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", dest="everything", help="计算全部代表行动（每晚的任务就是这样）")

    def handle(self, *args, everything=False, **options):
        result = rollup.refresh(everything=everything)
        self.stdout.write(
            f"已更新 {len(result['campaigns'])} 个代表行动的看板汇总（参加活动记录 {result['participation']} 条），用时 {result['seconds']} 秒。"
        )
