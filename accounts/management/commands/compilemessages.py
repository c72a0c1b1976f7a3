"""compilemessages that compiles only the project's own catalogues (locale/), never those of the
installed packages in the virtualenv (they ship compiled)."""

from django.core.management.commands import compilemessages

from accounts.management.commands.makemessages import IGNORED


class Command(compilemessages.Command):
    def handle(self, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        super().handle(**options)
