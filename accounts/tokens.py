"""API tokens (django-rest-knox): each login issues a new one that expires; logout and a password
change revoke them all.

Knox keeps only a hash of each token, so the table cannot be replayed from a backup. A user may hold
several tokens at once (a phone and a desktop), each living ``API_TOKEN_DAYS`` from its login.
"""

from __future__ import annotations

from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import User


def token_issue(*, user: User) -> str:
    """A new token for ``user`` (the clear text, shown once); the user's expired tokens are dropped."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    _instance, token = AuthToken.objects.create(user=user)
    return token


def tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of ``user``; returns how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


@receiver(pre_save, sender=User, dispatch_uid="accounts-tokens-password-changed")
def _revoke_tokens_on_password_change(sender, instance: User, update_fields=None, raw=False, **kwargs) -> None:
    # Every path that changes a password (the password page, the admin, changepassword, a reset)
    # saves the user; a save that leaves the password alone (last_login on each login) costs nothing.
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        tokens_revoke_all(user=instance)
