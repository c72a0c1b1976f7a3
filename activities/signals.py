"""A photo's stored file follows its row."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from activities.models import ActivityPhoto


@receiver(post_delete, sender=ActivityPhoto, dispatch_uid="activities.delete_photo_file")
def delete_photo_file(sender, instance: ActivityPhoto, using, **kwargs) -> None:
    """However the row goes (removed on an edit, with its activity, from the admin), its file goes too.

    Only once the deletion commits: a rolled-back one keeps both the row and the file."""
    name = instance.image.name
    if name:
        storage = instance.image.storage
        transaction.on_commit(lambda: storage.delete(name), using=using)
