"""Writes of the OAuth provider: registering clients, revoking what users granted them."""

from dataclasses import dataclass

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_device_grant_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from core.errors import NotFound
from core.ids import to_db_id
from oauth.selectors import authorized_app_ids

Application = get_application_model()

GRANT_TYPES = {
    "authorization-code": Application.GRANT_AUTHORIZATION_CODE,
    "device-code": Application.GRANT_DEVICE_CODE,
}


@dataclass(frozen=True)
class Registration:
    """What `application_register` did: the client, and whether it was new or changed."""

    application: object
    created: bool
    changed: bool


@transaction.atomic
def application_register(
    *,
    name: str,
    client_id: str,
    redirect_uris: list[str],
    client_secret: str = "",
    public: bool = False,
    grant: str = "authorization-code",
) -> Registration:
    """Creates or updates the client `client_id` to exactly this description.

    Idempotent: a rerun with the same arguments changes nothing. Confidential clients
    need a secret (stored hashed); public ones (mobile apps, CLIs, TVs) have none and
    rely on PKCE. ID tokens are signed with the provider's RSA key (RS256). Raises
    ValidationError naming the field for a bad redirect URI or a missing secret.
    """
    if grant not in GRANT_TYPES:
        raise ValidationError({"grant": f"Unknown grant {grant!r}; one of {sorted(GRANT_TYPES)}."})
    if not public and not client_secret:
        raise ValidationError({"client_secret": "A confidential client needs a client secret."})
    if public and client_secret:
        raise ValidationError({"client_secret": "A public client has no client secret."})
    wanted = {
        "name": name,
        "redirect_uris": " ".join(redirect_uris),
        "client_type": Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": GRANT_TYPES[grant],
        "algorithm": Application.RS256_ALGORITHM,
    }
    application = Application.objects.select_for_update().filter(client_id=client_id).first()
    created = application is None
    if created:
        application = Application(client_id=client_id)
    changed = created or any(getattr(application, k) != v for k, v in wanted.items())
    for field, value in wanted.items():
        setattr(application, field, value)
    if created or not _secret_matches(application, client_secret):
        # The stored secret is a hash: set it only when it differs, so a rerun is a no-op.
        application.client_secret = client_secret
        changed = True
    if changed:
        application.full_clean()
        application.save()
    return Registration(application=application, created=created, changed=changed)


def _secret_matches(application, secret: str) -> bool:
    if not application.client_secret:
        return not secret
    if not secret:
        return False
    if application.hash_client_secret:
        return check_password(secret, application.client_secret)
    return application.client_secret == secret


def _revoke(*, user, application_id: int | None = None) -> int:
    """Revoke what `user` granted (to one app, or to all): every access, refresh and
    ID token, every unused authorization code and pending device grant. Returns how
    many access and refresh tokens stopped working."""
    filters, device_filters = {"user": user}, {"user": user}
    if application_id is not None:
        filters["application_id"] = application_id
        # A device grant names its app by client id, not by a foreign key.
        device_filters["client_id__in"] = Application.objects.filter(pk=application_id).values(
            "client_id"
        )
    # Refresh tokens are kept, marked revoked, so a replayed one is recognised.
    refreshed = (
        get_refresh_token_model()
        .objects.filter(revoked__isnull=True, **filters)
        .update(revoked=timezone.now())
    )
    accessed, _ = get_access_token_model().objects.filter(**filters).delete()
    get_id_token_model().objects.filter(**filters).delete()
    get_grant_model().objects.filter(**filters).delete()
    get_device_grant_model().objects.filter(**device_filters).delete()
    return refreshed + accessed


@transaction.atomic
def grants_revoke_all(*, user) -> int:
    """Every app the user authorized loses access at once (password change or reset,
    account deletion). Call it inside the transaction of that change."""
    return _revoke(user=user)


@transaction.atomic
def app_revoke(*, user, application_id) -> None:
    """The user withdraws one app's access: its tokens stop working on both doors.

    NotFound (in the words of both doors) when `application_id` is not an app the user
    has authorized, or not an id at all.
    """
    app_id = to_db_id(application_id)
    if app_id is None or not authorized_app_ids(user=user).filter(pk=app_id).exists():
        raise NotFound.of("authorized app", application_id)
    _revoke(user=user, application_id=app_id)
