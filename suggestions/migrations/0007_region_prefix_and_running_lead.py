"""Each suggestion keeps its region's prefix (regions.scope.copy_region_prefix), indexed for the
scope's prefix ranges, and its running lead assignment (services.assignments.sync_running_lead):
the lists read the deadline state through one join by key instead of four correlated subqueries a
row. The rule is restated here with historical models, as migrations must: the latest lead
assignment (by assignment time, then id) that is assigned, acknowledged or return requested."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

RUNNING = ["assigned", "acknowledged", "return_requested"]


def fill(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Suggestion = apps.get_model("suggestions", "Suggestion")
    Assignment = apps.get_model("suggestions", "Assignment")
    lead = Assignment.objects.filter(suggestion=OuterRef("pk"), role="lead", state__in=RUNNING).order_by("-assigned_at", "-id")
    Suggestion.objects.update(
        region_prefix=Subquery(Region.objects.filter(pk=OuterRef("region_id")).values("prefix")[:1]),
        lead_assignment=Subquery(lead.values("id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("suggestions", "0006_suggestion_number_sequence"),
    ]

    operations = [
        migrations.AddField(
            model_name="suggestion",
            name="lead_assignment",
            field=models.ForeignKey(
                blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                to="suggestions.assignment", verbose_name="主办交办件",
            ),
        ),
        migrations.AddField(
            model_name="suggestion",
            name="region_prefix",
            field=models.CharField(db_default="", default="", editable=False, max_length=12, verbose_name="区划代码前缀"),
        ),
        # The index first, then the fill: an index built after the fill in the same transaction would
        # stay unused (pg_index.indcheckxmin) until every transaction older than the migration ended.
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(fields=["region_prefix"], name="suggestion_scope_idx", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
