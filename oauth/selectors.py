"""Reads of the OAuth provider: the apps a user has authorized."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_refresh_token_model,
)

from oauth.scopes import SCOPES


@dataclass(frozen=True)
class AuthorizedApp:
    """An app that can act for the user now, and what the user let it do."""

    id: int
    name: str
    client_id: str
    scopes: list[str]  # in the order of oauth.scopes.SCOPES
    authorized_at: datetime  # when its oldest live token was issued


def authorized_app_ids(*, user):
    """The apps holding a live access token or an unrevoked refresh token of `user`."""
    now = timezone.now()
    live_access = get_access_token_model().objects.filter(user=user, expires__gt=now)
    live_refresh = get_refresh_token_model().objects.filter(user=user, revoked__isnull=True)
    return get_application_model().objects.filter(
        Q(pk__in=live_access.values("application_id"))
        | Q(pk__in=live_refresh.values("application_id"))
    )


def authorized_apps(*, user) -> list[AuthorizedApp]:
    """The user's authorized apps, newest first; three queries however many there are."""
    apps = list(authorized_app_ids(user=user).values("id", "name", "client_id"))
    ids = [app["id"] for app in apps]
    scopes: dict[int, set[str]] = {app_id: set() for app_id in ids}
    since: dict[int, datetime] = {}
    tokens = get_access_token_model().objects.filter(user=user, application_id__in=ids)
    for app_id, scope, created in tokens.values_list("application_id", "scope", "created"):
        scopes[app_id].update(scope.split())
        since[app_id] = min(since.get(app_id, created), created)
    refresh = get_refresh_token_model().objects.filter(
        user=user, application_id__in=ids, revoked__isnull=True
    )
    for app_id, created in refresh.values_list("application_id", "created"):
        since[app_id] = min(since.get(app_id, created), created)
    result = [
        AuthorizedApp(
            id=app["id"],
            name=app["name"] or app["client_id"],
            client_id=app["client_id"],
            scopes=[scope for scope in SCOPES if scope in scopes[app["id"]]],
            authorized_at=since[app["id"]],
        )
        for app in apps
    ]
    return sorted(result, key=lambda app: (app.authorized_at, app.id), reverse=True)
