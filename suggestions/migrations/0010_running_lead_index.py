"""The running leads' dates and department, read by the lists from their own small index."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('suggestions', '0009_side_effect_outbox'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('state__in', ['assigned', 'acknowledged', 'return_requested'])), fields=['id'], include=('due_at', 'remind_at', 'long_overdue_at', 'department'), name='assignment_running_lead_idx'),
        ),
    ]
