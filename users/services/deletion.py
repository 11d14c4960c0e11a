"""Deleting an account and everything that is its own."""

from django.db import transaction
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from oauth.services import grants_revoke_all
from users.models import User
from users.services.attempts import password_confirm

ACCOUNT_DELETED_MESSAGE = (
    "Your account, reviews, lists and sign-in tokens have been deleted; "
    "the ratings of the movies you reviewed were recomputed."
)


def user_delete(*, user: User) -> None:
    """Delete an account; its reviews, lists, codes and sign-in failures go with it.

    Everything the account owns is deleted by ON DELETE CASCADE in one statement set;
    the movies app keeps the rating figures of the movies it reviewed right by itself
    when those reviews go (a receiver of the cascade inside movies). Apps the user
    authorized lose their tokens and grants first, in the same transaction (the
    cascade would delete them too; revoking says so where it happens).
    """
    with transaction.atomic():
        grants_revoke_all(user=user)
        user.delete()


def account_delete(*, user: User, password: str, client_ip: str = "") -> None:
    """With the current password, delete the account and everything that is its own.

    Reviews are deleted and the ratings of the movies they rated recomputed in the same
    transaction (user_delete); lists, OTP codes, login failures (cascade) and
    every refresh token go too; the username, email and number are free again. The
    per-number send and failure counters stay: they limit the number, not the account.
    """
    password_confirm(user=user, password=password, client_ip=client_ip)
    picture = user.profile_picture.name if user.profile_picture else None
    with transaction.atomic():
        OutstandingToken.objects.filter(user=user).delete()
        user_delete(user=user)
        if picture:
            storage = User._meta.get_field("profile_picture").storage
            transaction.on_commit(lambda: storage.delete(picture))
