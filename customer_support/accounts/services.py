"""Sign-in through the movie API, and the desk-local agent role."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tickets.movie_api_client.client import MovieApiClient, get_movie_api_client
from tickets.movie_api_client.results import Account

from .models import MovieApiIdentity


def _free_username(account: Account) -> str:
    """The movie API's username, unless a desk-local account already holds it."""
    users = get_user_model().objects
    taken = users.filter(username=account.username).exclude(
        movie_api_identity__movie_api_user_id=account.id
    )
    return f"{account.username}+{account.id}" if taken.exists() else account.username


def account_sign_in(*, username: str, password: str, client: MovieApiClient | None = None):
    """The local user for these movie API credentials, created or refreshed on the way.

    The movie API checks the password (``SignInRefused`` if wrong; ``MovieApiUnavailable``
    if it is down) before any transaction opens. The local user has no usable password, is
    linked by the movie API's user id, and is an agent (``is_staff``) when the movie API
    says staff or the desk granted its own agent role.
    """
    account = (client or get_movie_api_client()).sign_in(username=username, password=password)
    with transaction.atomic():
        identity = (
            MovieApiIdentity.objects.select_for_update()
            .select_related("user")
            .filter(movie_api_user_id=account.id)
            .first()
        )
        if identity is None:
            user = get_user_model()(username=_free_username(account), email=account.email)
            user.set_unusable_password()
            user.save()
            identity = MovieApiIdentity(user=user, movie_api_user_id=account.id)
        user = identity.user
        identity.movie_api_staff = account.is_staff
        identity.last_sign_in = timezone.now()
        identity.save()
        user.email = account.email
        user.is_staff = identity.is_agent
        user.last_login = identity.last_sign_in
        user.save(update_fields=["email", "is_staff", "last_login"])
    return user


def account_agent_role_set(*, identity: MovieApiIdentity, granted: bool) -> MovieApiIdentity:
    """Grant or take away the desk-local agent role; movie API staff stay agents either way."""
    with transaction.atomic():
        locked = (
            MovieApiIdentity.objects.select_for_update().select_related("user").get(pk=identity.pk)
        )
        locked.desk_agent = granted
        locked.save(update_fields=["desk_agent"])
        locked.user.is_staff = locked.is_agent
        locked.user.save(update_fields=["is_staff"])
    return locked
