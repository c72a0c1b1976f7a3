"""Classify a CSV of ``id,text`` rows with the active router model; never touches suggestions."""

from __future__ import annotations

import csv

from django.core.management.base import BaseCommand, CommandError

from suggestions.routing import router
from suggestions.routing.evaluation import InputFormatError, classify_csv


class Command(BaseCommand):
    help = "Read INPUT.csv (columns id,text) and write id,category,confidence,decision,co_handlers to standard output."

    def add_arguments(self, parser):
        parser.add_argument("input", help="CSV file with id and text columns")

    def handle(self, *args, input, **options):
        try:
            # utf-8-sig: spreadsheets often save CSV with a byte-order mark.
            with open(input, encoding="utf-8-sig", newline="") as handle:
                classify_csv(handle, self.stdout, router.active_classifier(), router.threshold())
        except (OSError, UnicodeDecodeError, csv.Error, InputFormatError) as error:
            raise CommandError(f"{input}: {error}") from None
