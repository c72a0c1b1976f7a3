"""A county's activity counts (all, one type, since a date) from the scope index alone."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0007_region_prefix_for_scope'),
        ('deputies', '0007_region_prefix_for_scope'),
        ('liaison_stations', '0001_initial'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['region_prefix', 'type', 'date'], name='activity_scope_type_date_idx', opclasses=['varchar_pattern_ops', '', '']),
        ),
        # Built before the old one goes, so scope is never without an index.
        migrations.RemoveIndex(
            model_name='activity',
            name='activity_scope_idx',
        ),
    ]
