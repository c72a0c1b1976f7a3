"""Deliver every side effect still owed (notices, similar-suggestion indexing) now, without waiting
for beat's next sweep: after a long outage, or once the cause of a failing row is fixed."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from suggestions import side_effects
from suggestions.models import SideEffect


class Command(BaseCommand):
    help = "Deliver the outbox rows not done yet, whatever their age; --retry-failed also those left after too many failures."

    def add_arguments(self, parser):
        parser.add_argument("--retry-failed", action="store_true", help="start the attempt count again for rows that gave up")

    def handle(self, *args, retry_failed: bool = False, **options):
        owed = SideEffect.objects.filter(done_at__isnull=True)
        if retry_failed:
            again = owed.filter(attempts__gte=side_effects.MAX_ATTEMPTS).update(attempts=0)
            self.stdout.write(f"{again} failed rows will be tried again")
        delivered = side_effects.sweep(older_than=dt.timedelta(0), budget_seconds=float("inf"))
        self.stdout.write(f"{delivered} delivered, {owed.count()} still owed")
