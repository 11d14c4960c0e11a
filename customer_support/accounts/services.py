"""Sign-in through the movie API (OAuth 2 / OpenID Connect), its grant, and the agent role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tickets.movie_api_client.results import Account

from . import oauth
from .models import MovieApiGrant, MovieApiIdentity

# Refresh this long before the access token's expiry, so no call goes out with a dead one.
REFRESH_MARGIN = timedelta(seconds=30)


def _free_username(account: Account) -> str:
    """The movie API's username, or ``name:sub`` when any other desk user holds it.

    People are linked by the movie API's subject id (``sub``), never by name; the name is
    only what the desk shows. ``:`` is not allowed in a Django username, so no desk-local
    account can hold ``name:sub``, and only the user with that ``sub`` is ever given it.
    """
    users = get_user_model().objects
    taken = users.filter(username=account.username).exclude(
        movie_api_identity__movie_api_user_id=account.id
    )
    return f"{account.username}:{account.id}" if taken.exists() else account.username


def account_sign_in(*, account: Account):
    """The local user for this movie API account (``sub``), created or refreshed on the way.

    The local user has no usable password and is an agent (``is_staff``) when the movie
    API says staff (``is_staff`` claim) or the desk granted its own agent role.
    """
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


def _expiry(tokens: dict) -> datetime:
    return datetime.fromtimestamp(tokens["expires_at"], tz=UTC)


def grant_keep(*, user, session_key: str, tokens: dict) -> MovieApiGrant:
    """Keep the person's tokens for this desk session (server side)."""
    grant, _ = MovieApiGrant.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "access_token": tokens["access_token"],
            "refresh_token": tokens["refresh_token"],
            "expires_at": _expiry(tokens),
            "checked_at": timezone.now(),
        },
    )
    return grant


def grant_keep_fresh(grant: MovieApiGrant) -> MovieApiGrant:
    """The grant with a live access token, checked with the movie API at most once a minute.

    Raises ``oauth.GrantEnded`` when the API refuses the refresh or userinfo answers 401
    (the grant was revoked); ``MovieApiUnavailable`` when it does not answer (the session
    goes on: an outage is not a revocation).
    """
    now = timezone.now()
    if grant.expires_at - now < REFRESH_MARGIN:
        grant = _grant_refresh(grant.pk)
    elif now - grant.checked_at >= timedelta(seconds=settings.MOVIE_API_SESSION_CHECK_SECONDS):
        claims = oauth.userinfo(grant.access_token)
        MovieApiGrant.objects.filter(pk=grant.pk).update(checked_at=now)
        grant.user.is_staff = _staff_follow(grant.user_id, claims, grant.user.is_staff)
    return grant


def _grant_refresh(pk: int) -> MovieApiGrant:
    # The row is locked across the refresh: the API rotates refresh tokens and treats a
    # retired one presented again as theft (it revokes the whole grant), so two requests
    # of one session must not both refresh. The second finds the new token and uses it.
    with transaction.atomic():
        grant = MovieApiGrant.objects.select_for_update().get(pk=pk)
        if grant.expires_at - timezone.now() >= REFRESH_MARGIN:
            return grant
        tokens = oauth.refresh(grant.refresh_token)
        grant.access_token = tokens["access_token"]
        grant.refresh_token = tokens["refresh_token"] or grant.refresh_token
        grant.expires_at = _expiry(tokens)
        grant.checked_at = timezone.now()
        grant.save()
    return grant


def _staff_follow(user_id: int, claims: dict, is_staff: bool) -> bool:
    """Losing staff at the movie API ends agent rights here within a check, not at sign-in.

    Answers whether the user is an agent now.
    """
    identity = MovieApiIdentity.objects.select_related("user").filter(user_id=user_id).first()
    if (
        "is_staff" not in claims
        or identity is None
        or identity.movie_api_staff == (claims["is_staff"] is True)
    ):
        return is_staff
    identity.movie_api_staff = claims["is_staff"] is True
    identity.save(update_fields=["movie_api_staff"])
    identity.user.is_staff = identity.is_agent
    identity.user.save(update_fields=["is_staff"])
    return identity.user.is_staff


def grant_end(*, session_key: str | None, revoke: bool = False) -> None:
    """Forget the session's tokens; at sign-out, also ask the API to revoke them."""
    if not session_key:
        return
    grant = MovieApiGrant.objects.filter(session_key=session_key).first()
    if grant is None:
        return
    grant.delete()
    if revoke:
        oauth.revoke(grant.refresh_token)


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
