"""Suggestions with a running lead (the only ones a deadline filter can match), newest first."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0007_region_prefix_and_running_lead"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(
                condition=models.Q(("lead_assignment__isnull", False)), fields=["-submitted_at", "-id"], name="suggestion_running_newest_idx"
            ),
        ),
    ]
