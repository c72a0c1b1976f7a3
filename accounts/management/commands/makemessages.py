"""makemessages that skips what is not the product: the virtualenv, collected static files, tests and benchmarks.

`manage.py makemessages -l en` then extracts exactly the strings users see, and the catalogue check in
tests/i18n extracts the same set to tell whether locale/en is complete.
"""

from django.core.management.commands import makemessages

IGNORED = [".venv", "venv", "staticfiles", "var", "tests", "bench", "docs", "node_modules", "static/vendor"]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        options["no_obsolete"] = True
        super().handle(*args, **options)
