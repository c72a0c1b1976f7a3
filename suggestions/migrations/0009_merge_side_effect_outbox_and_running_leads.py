"""Joins the two lines merged into integrate: the side-effect outbox and the stored running lead."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0007_side_effect_outbox"),
        ("suggestions", "0008_running_leads_newest_first"),
    ]

    operations = []
