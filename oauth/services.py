"""Writes of the OAuth provider: registering clients, revoking what users granted them."""

from dataclasses import dataclass

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from oauth2_provider.models import get_application_model

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
