"""Train a new router model version and activate it; or list versions; or roll back to one."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from suggestions.models import RouterModel
from suggestions.routing import router


class Command(BaseCommand):
    help = "Retrain the suggestion router (bundled examples + lexicon + triage decisions) and activate it."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--rollback", nargs="?", type=int, const=0, metavar="VERSION",
            help="re-activate VERSION (default: the version before the active one) instead of training",
        )
        group.add_argument("--list", action="store_true", help="list the stored versions")

    def handle(self, *args, rollback=None, list=False, **options):
        if list:
            rows = RouterModel.objects.order_by("-version").values_list("version", "active", "examples", "metrics", "created_at")
            for version, active, examples, metrics, created_at in rows:
                marker = "*" if active else " "
                accuracy = metrics.get("training_accuracy")
                self.stdout.write(f"{marker} v{version}  {created_at:%Y-%m-%d %H:%M}  examples={examples}  training_accuracy={accuracy}")
            if not rows:
                self.stdout.write("no stored versions: the bundled classifier is in use")
            return
        if rollback is not None:
            try:
                model = router.router_activate(rollback or None)
            except (RouterModel.DoesNotExist, router.UnusableModel) as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"router model v{model.version} is active")
            return
        model = router.router_retrain()
        self.stdout.write(f"router model v{model.version} trained on {model.examples} examples and activated ({model.metrics})")
