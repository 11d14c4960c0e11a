"""Token pairs: issue at sign-in, rotate on refresh, revoke on sign-out."""

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch, get_md5_hash_password

from core.errors import CommonErrorCode, Unavailable, field_error
from core.security.bearer import REVOKED_ACCESS_KEY
from core.security.store import SECURITY, STORE_ERRORS
from users.exceptions import InvalidToken
from users.models import User

LOGGED_OUT_MESSAGE = "Logged out."
SIGN_OUT_UNAVAILABLE_MESSAGE = "Signing out is unavailable right now. Please try again shortly."
AUTH_TIME_CLAIM = "auth_time"


def _new_refresh(*, user_id: str, password_hash: str, auth_time: int, user=None) -> RefreshToken:
    """A refresh token recorded as outstanding, never living past auth_time + max age."""
    refresh = RefreshToken()
    refresh[jwt_settings.USER_ID_CLAIM] = user_id
    refresh[jwt_settings.REVOKE_TOKEN_CLAIM] = password_hash
    refresh[AUTH_TIME_CLAIM] = auth_time
    absolute_exp = auth_time + int(settings.JWT_REFRESH_MAX_AGE.total_seconds())
    refresh["exp"] = min(refresh["exp"], absolute_exp)
    OutstandingToken.objects.create(
        user=user,
        jti=refresh[jwt_settings.JTI_CLAIM],
        token=str(refresh),
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )
    return refresh


def login_tokens(*, user: User) -> dict:
    """A fresh access/refresh pair and the user's public identity (login, OTP verify)."""
    now = int(timezone.now().timestamp())
    refresh = _new_refresh(
        user_id=str(user.pk),
        password_hash=get_md5_hash_password(user.password),
        auth_time=now,
        user=user,
    )
    return {
        "access": str(refresh.access_token),
        "refresh": str(refresh),
        "user": {"id": user.pk, "username": user.username, "email": user.email},
    }


def _blacklist_first(token: RefreshToken, user: User | None) -> bool:
    """Insert the token's blacklist row; False if another request already did.

    The unique constraint on BlacklistedToken.token makes the insert the arbiter:
    of N simultaneous uses of one refresh token exactly one insert succeeds
    (stock simplejwt reads first with get_or_create, so all N may succeed).
    """
    jti = token[jwt_settings.JTI_CLAIM]
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=jti,
        defaults={
            "user": user,
            "token": str(token),
            "created_at": token.current_time,
            "expires_at": datetime_from_epoch(token["exp"]),
        },
    )
    try:
        with transaction.atomic():
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError:
        return False
    return True


def _load_refresh(refresh: str) -> tuple[RefreshToken, User]:
    if not isinstance(refresh, str) or not refresh:
        raise InvalidToken()
    try:
        token = RefreshToken(refresh)
    except TokenError:
        raise InvalidToken() from None
    user = User.objects.filter(pk=token.get(jwt_settings.USER_ID_CLAIM)).first()
    if user is None or not user.is_active:
        raise InvalidToken()
    # A password change revokes every token issued before it (CHECK_REVOKE_TOKEN).
    if token.get(jwt_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
        raise InvalidToken()
    return token, user


def token_refresh(*, refresh: str) -> dict:
    """Rotate a refresh token: the old one is blacklisted first, then a new pair issued.

    Raises InvalidToken for a bad, expired, blacklisted, revoked or too-old token,
    and for every loser of a concurrent refresh with the same token.
    """
    token, user = _load_refresh(refresh)
    auth_time = int(token.get(AUTH_TIME_CLAIM, token["iat"]))
    if timezone.now().timestamp() - auth_time > settings.JWT_REFRESH_MAX_AGE.total_seconds():
        raise InvalidToken()
    with transaction.atomic():
        if not _blacklist_first(token, user):
            raise InvalidToken()
        new = _new_refresh(
            user_id=str(user.pk),
            password_hash=token[jwt_settings.REVOKE_TOKEN_CLAIM],
            auth_time=auth_time,
            user=user,
        )
    return {"access": str(new.access_token), "refresh": str(new)}


def access_token_revoke(*, access) -> None:
    """Put an access token's `jti` on the deny-list until the token would expire anyway.

    The list is in the security store (a Redis that never evicts, in production), so
    every process sees it, it empties itself, and no amount of cached pages pushes it
    out. Raises Unavailable when the store cannot be written.
    """
    jti = access.get(jwt_settings.JTI_CLAIM) if access is not None else None
    if not jti:
        return
    remaining = int(access["exp"] - timezone.now().timestamp()) + 1
    if remaining <= 0:
        return
    try:
        caches[SECURITY].set(REVOKED_ACCESS_KEY.format(jti=jti), 1, timeout=remaining)
    except STORE_ERRORS:
        raise Unavailable(SIGN_OUT_UNAVAILABLE_MESSAGE) from None


def token_logout(*, refresh: str, user: User, access=None) -> None:
    """Sign out: blacklist `user`'s own refresh token and deny-list the access token used.

    Someone else's refresh token is refused as invalid, and then nothing changes.
    """
    try:
        token, owner = _load_refresh(refresh)
    except InvalidToken:
        raise field_error(
            "refresh", "Token is invalid or expired.", CommonErrorCode.TOKEN_NOT_VALID
        ) from None
    if owner.pk != user.pk:
        raise field_error(
            "refresh", "Token is invalid or expired.", CommonErrorCode.TOKEN_NOT_VALID
        )
    # The deny-list write first: if it fails, nothing is half done and the caller can retry.
    access_token_revoke(access=access)
    _blacklist_first(token, owner)
