"""Backfill the similar-suggestion index (after deploying it, or after changing the tokenizer)."""

from django.core.management.base import BaseCommand

from suggestions.models import Suggestion
from suggestions.similarity import index_suggestion


class Command(BaseCommand):
    help = "为已有建议建立相似建议检索索引"

    def handle(self, *args, **options):
        done = 0
        for suggestion_id in Suggestion.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000):
            index_suggestion(suggestion_id)
            done += 1
        self.stdout.write(f"已索引 {done} 件建议")
