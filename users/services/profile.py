"""The caller's own profile: email, bio, picture; and the email change on its own."""

from collections.abc import Callable
from contextlib import nullcontext

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import CommonErrorCode, field_error
from core.images import clean_image
from core.media import file_replaced
from users.models import User
from users.services.fields import email_is_valid
from users.services.pending import expired_claims_release
from users.services.sign_in import password_confirm

EMAIL_CHANGED_MESSAGE = (
    "Your email address has been changed. No verification step follows: "
    "this service sends no email."
)


def _email_checked(email) -> str:
    """A valid address, normalised (the domain lower-cased)."""
    if not email_is_valid(email):
        raise field_error("email", "Enter a valid email address.")
    return User.objects.normalize_email(email)


def _email_taken_error() -> ValidationError:
    return field_error("email", "A user with that email already exists.", CommonErrorCode.UNIQUE)


def _email_check_free(user: User, email: str) -> None:
    """Refuse an address another account holds (any case); a void registration's is free."""
    expired_claims_release(now=timezone.now(), email=email)
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise _email_taken_error()


def _email_set(user: User, email: str) -> None:
    """Store a new address; unique in any case, also against a concurrent change."""
    _email_check_free(user, email)
    user.email = email
    _save(user, ["email"])


def _save(user: User, fields: list[str]) -> None:
    try:
        with transaction.atomic():
            if fields:
                user.save(update_fields=fields)
    except IntegrityError:
        # Lost a race with another account taking the same email.
        raise _email_taken_error() from None


# The column's length, checked here so both doors answer it in these words.
BIO_MAX_LENGTH: int = User._meta.get_field("bio").max_length


def profile_update(
    *,
    user: User,
    client_ip: str = "",
    current_password: str | None = None,
    code: str | None = None,
    email: str | None = None,
    bio: str | None = None,
    profile_picture=None,
    extra: Callable[[], Callable[[], None]] | None = None,
) -> User:
    """Change the caller's own profile; None leaves a field as it is.

    Only these fields exist here, so staff flags, activity, the phone number and its
    verification can never be set through a profile (no mass assignment).
    Changing the email needs the account's current password (`current_password`,
    checked by sign_in.password_confirm; under a step-up also the texted `code`): an
    access token alone cannot take over the address the account is reached at. The
    picture is decoded, bounded and re-encoded by core.images.clean_image.

    `extra` lets an app that builds on accounts change its own part of the profile in
    the same request: it is called once the profile's fields are checked and before
    anything is written, checks its own fields, and returns the function that writes
    them inside the profile's transaction (lists.services.profile_update, the movie lists).
    """
    changed = []
    email = _email_checked(email) if email is not None else None
    if email is not None and email.lower() != user.email.lower():
        password_confirm(
            user=user,
            password=current_password,
            client_ip=client_ip,
            field="current_password",
            code=code,
        )
        _email_check_free(user, email)
        user.email = email
        changed.append("email")
    if bio is not None:
        if not isinstance(bio, str) or len(bio) > BIO_MAX_LENGTH:
            raise field_error(
                "bio", f"At most {BIO_MAX_LENGTH} characters.", CommonErrorCode.MAX_LENGTH
            )
        user.bio = bio
        changed.append("bio")
    picture = None
    if profile_picture is not None:
        picture = clean_image(profile_picture, field="profile_picture")
    write_extra = extra() if extra is not None else None
    if picture is not None:
        changed.append("profile_picture")
    replacing = file_replaced(user, "profile_picture", picture) if picture else nullcontext()
    with transaction.atomic(), replacing:
        _save(user, changed)
        if write_extra is not None:
            write_extra()
    return user


def email_change(*, user: User, password: str, email: str, client_ip: str = "", code=None) -> User:
    """With the current password, change the email at once; no verification step follows.

    The address rules (valid, unique in any case) are those of profile_update.
    """
    password_confirm(user=user, password=password, client_ip=client_ip, code=code)
    if not isinstance(email, str) or not email.strip():
        raise field_error("email", "This field is required.", CommonErrorCode.REQUIRED)
    email = _email_checked(email.strip())
    if email.lower() != user.email.lower():
        _email_set(user, email)
    return user
