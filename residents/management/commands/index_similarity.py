"""Build the similar-suggestion index again for every suggestion (after deploying it, or after
changing the tokenizer): one transaction, COPY on PostgreSQL."""

import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from suggestions.models import SuggestionTerm
from suggestions.similarity import index_all


def rebuild_index(out) -> tuple[int, float]:
    """Empty the index and write it again from every suggestion; returns (rows, seconds)."""
    from accounts.demo_scale import BulkLoader

    started = time.perf_counter()
    postgres = connection.vendor == "postgresql"
    loader = BulkLoader(out=out, postgres=postgres)
    # Inside a caller's transaction (tests) rows written earlier in it keep TRUNCATE from running.
    alone = not connection.in_atomic_block
    with transaction.atomic():
        if postgres and alone:
            with connection.cursor() as cursor:
                cursor.execute(f'TRUNCATE "{SuggestionTerm._meta.db_table}"')
        else:
            SuggestionTerm.objects.all().delete()
        loader.begin()
        rows = index_all(loader)
        loader.finish()
    if postgres and alone:
        # VACUUM, not only ANALYZE: the visibility map lets the lookups' counts read the index alone.
        # (Inside a caller's transaction VACUUM cannot run; autovacuum does it later.)
        with connection.cursor() as cursor:
            cursor.execute(f'VACUUM (ANALYZE) "{SuggestionTerm._meta.db_table}"')
    else:
        loader.analyze()
    return rows, time.perf_counter() - started


class Command(BaseCommand):
    help = "为全部建议重建相似建议检索索引"

    def handle(self, *args, **options):
        rows, seconds = rebuild_index(self.stdout)
        self.stdout.write(f"已重建相似建议索引：{rows:,} 行，用时 {seconds:.1f} 秒")
