"""Each activity keeps its region's prefix (regions.scope.copy_region_prefix), indexed for the scope's
prefix ranges: a county's list is a range of one index, not a join to the region tree."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_prefixes(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Activity = apps.get_model("activities", "Activity")
    Activity.objects.update(region_prefix=Subquery(Region.objects.filter(pk=OuterRef("region_id")).values("prefix")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("activities", "0006_activity_type_date_covering_index_for_duty_points"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="region_prefix",
            field=models.CharField(db_default="", default="", editable=False, max_length=12, verbose_name="区划代码前缀"),
        ),
        # The index first, then the fill: an index built after the fill in the same transaction would
        # stay unused (pg_index.indcheckxmin) until every transaction older than the migration ended.
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["region_prefix"], name="activity_scope_idx", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.RunPython(copy_prefixes, migrations.RunPython.noop, elidable=True),
    ]
