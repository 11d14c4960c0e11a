"""Sign-in and JWT: no enumeration, forged and expired tokens, key hygiene, rotation,
sign-out, the failed sign-in limits, forwarded addresses and a cache outage."""

import base64
import json
import os
import subprocess
import sys
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

import jwt
import pytest
from django.conf import settings
from django.db import connection
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from conftest import bearer_client, error_json
from core.security import window
from core.security.ratelimit import configured_rates
from core.throttling import OperationRateThrottle
from users import services
from users.models import LoginFailure
from users.tests.factories import UserFactory
from users.tests.helpers import LOGIN_URL, LOGOUT_URL, REFRESH_URL, later

pytestmark = pytest.mark.django_db
PASSWORD = "pass-Word-123"
ME_URL = "/api/users/me/"


def login(client, username, password=PASSWORD, ip="127.0.0.1"):
    return client.post(
        LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip, format="json"
    )


def tokens_for(client, user):
    response = login(client, user.username)
    assert response.status_code == HTTPStatus.OK, response.json()
    return response.json()


# -------------------------------------------------- no account enumeration at sign-in


def test_unknown_user_wrong_password_and_unverified_account_answer_the_same(api_client):
    # given an active user and a registered-but-unverified one
    active = UserFactory()
    pending = UserFactory(is_active=False, phone_verified_at=None)

    # when each kind of failure is tried
    unknown = login(api_client, "nobody-here")
    wrong = login(api_client, active.username, "wrong-password")
    unverified = login(api_client, pending.username)

    # then the three answers are identical, and say nothing about the account
    answers = [(r.status_code, error_json(r)) for r in (unknown, wrong, unverified)]
    assert (
        answers
        == [
            (
                HTTPStatus.UNAUTHORIZED,
                {
                    "status": 401,
                    "code": "no_active_account",
                    "detail": "No active account found with the given credentials",
                },
            )
        ]
        * 3
    )
    assert unknown["WWW-Authenticate"] == 'Bearer realm="api"'


def test_login_by_username_or_email_returns_the_pair_and_user(api_client, user):
    # when the user signs in by email, in another case
    response = login(api_client, user.email.upper())
    # then the pair and the public identity come back, and a failure row is not kept
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["user"] == {"id": user.pk, "username": user.username, "email": user.email}
    assert bearer_from(body["access"]).get(ME_URL).status_code == HTTPStatus.OK
    user.refresh_from_db()
    assert user.last_login is not None


def test_successful_login_clears_earlier_failures(api_client, user):
    # given three failures
    for _ in range(3):
        login(api_client, user.username, "nope")
    # when the right password is given
    login(api_client, user.username)
    # then the consecutive-failure count is back to zero
    assert not LoginFailure.objects.filter(user=user).exists()


def bearer_from(access):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


# ---------------------------------------------------------------------- forged tokens


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def forged_tokens(access: str) -> dict:
    header_b64, payload_b64, signature = access.split(".")
    payload = jwt.decode(access, options={"verify_signature": False})
    key = settings.SIMPLE_JWT["SIGNING_KEY"]
    edited = {**payload, "user_id": str(int(payload["user_id"]) + 1)}
    return {
        "alg-none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{payload_b64}.",
        "hs512": jwt.encode(payload, key + "-padding-for-hs512-" * 4, algorithm="HS512"),
        "rs256-header": f"{b64({'alg': 'RS256', 'typ': 'JWT'})}.{payload_b64}.{signature}",
        "edited-payload": f"{header_b64}.{b64(edited)}.{signature}",
        "other-key": jwt.encode(payload, "an-entirely-different-key-0123456789abcdef", "HS256"),
    }


@pytest.mark.parametrize(
    "kind", ["alg-none", "hs512", "rs256-header", "edited-payload", "other-key"]
)
def test_forged_tokens_are_401(api_client, user, kind):
    # given a genuine access token and a forgery of it
    UserFactory()  # so the edited user id exists
    access = tokens_for(api_client, user)["access"]
    forged = forged_tokens(access)[kind]
    # when the forgery is used
    response = bearer_from(forged).get(ME_URL)
    # then it is refused as an invalid token, and shows nothing of the user
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "token_not_valid"
    assert user.email not in response.content.decode()
    assert bearer_from(access).get(ME_URL).status_code == HTTPStatus.OK


# -------------------------------------------------------------- access token lifetime


def test_access_lifetime_and_expiry(api_client, user):
    # given a fresh access token
    access = tokens_for(api_client, user)["access"]
    claims = jwt.decode(access, options={"verify_signature": False})
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    # then exp - iat is the configured lifetime, at most 15 minutes
    assert claims["exp"] - claims["iat"] == lifetime.total_seconds() <= 15 * 60
    assert settings.SIMPLE_JWT["LEEWAY"] == 0
    # when it is used one second after expiry, then it is 401
    with later(lifetime.total_seconds() + 1):
        assert bearer_from(access).get(ME_URL).status_code == HTTPStatus.UNAUTHORIZED


def test_token_types_are_not_interchangeable(api_client, user):
    # given a pair
    pair = tokens_for(api_client, user)
    # when the refresh token is used as Bearer, and the access token is refreshed
    as_bearer = bearer_from(pair["refresh"]).get(ME_URL)
    as_refresh = api_client.post(REFRESH_URL, {"refresh": pair["access"]})
    # then both are 401
    assert as_bearer.status_code == HTTPStatus.UNAUTHORIZED
    assert as_refresh.status_code == HTTPStatus.UNAUTHORIZED


# ---------------------------------------------------------------- signing key hygiene


def test_key_hygiene():
    jwt_settings = settings.SIMPLE_JWT
    assert jwt_settings["ALGORITHM"] == "HS256"
    assert jwt_settings["SIGNING_KEY"] != settings.SECRET_KEY
    assert len(jwt_settings["SIGNING_KEY"].encode()) >= 32
    pyproject = (Path(settings.BASE_DIR) / "pyproject.toml").read_text()
    assert "error::jwt.warnings.InsecureKeyLengthWarning" in pyproject


@pytest.mark.parametrize(
    "signing_key", ["short", "s" * 60], ids=["short-key", "same-as-secret-key"]
)
def test_production_refuses_a_weak_or_shared_signing_key(signing_key):
    # given production settings with a bad JWT key
    secret = "s" * 60
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "movie_api.settings.production",
        "SECRET_KEY": secret,
        "JWT_SIGNING_KEY": signing_key,
        "ALLOWED_HOSTS": "example.com",
    }
    # when Django starts
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    # then it refuses
    assert result.returncode != 0
    assert "JWT_SIGNING_KEY" in result.stderr


# ----------------------------------------------------- refresh rotation and blacklist


def test_rotation_and_blacklist(api_client, user):
    # given the blacklist app installed and migrated
    assert "rest_framework_simplejwt.token_blacklist" in settings.INSTALLED_APPS
    tables = connection.introspection.table_names()
    assert {"token_blacklist_blacklistedtoken", "token_blacklist_outstandingtoken"} <= set(tables)
    r1 = tokens_for(api_client, user)["refresh"]

    # when R1 is rotated to R2
    first = api_client.post(REFRESH_URL, {"refresh": r1})
    r2 = first.json()["refresh"]

    # then R2 has a new jti, R1 is dead, and R2 works exactly once
    assert first.status_code == HTTPStatus.OK
    jti = lambda t: jwt.decode(t, options={"verify_signature": False})["jti"]  # noqa: E731
    assert jti(r1) != jti(r2)
    assert api_client.post(REFRESH_URL, {"refresh": r1}).status_code == HTTPStatus.UNAUTHORIZED
    assert api_client.post(REFRESH_URL, {"refresh": r2}).status_code == HTTPStatus.OK
    assert api_client.post(REFRESH_URL, {"refresh": r2}).status_code == HTTPStatus.UNAUTHORIZED
    assert BlacklistedToken.objects.filter(token__jti__in=[jti(r1), jti(r2)]).count() == 2


def test_blacklist_insert_is_the_arbiter(user):
    # the second blacklisting of one token loses (the unit under the PG race test)
    from rest_framework_simplejwt.tokens import RefreshToken

    token = RefreshToken(services.login_tokens(user=user)["refresh"])
    assert services.tokens._blacklist_first(token, user) is True
    assert services.tokens._blacklist_first(token, user) is False


@pytest.mark.parametrize("body", [{}, {"refresh": ""}, {"refresh": "garbage"}, {"refresh": 5}])
def test_refresh_rejects_malformed_input(api_client, body):
    response = api_client.post(REFRESH_URL, body, format="json")
    assert response.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.UNAUTHORIZED)
    assert response.json()["status"] == response.status_code


# --------------------------------------------------------------------------- sign-out


def test_logout_blacklists_only_the_owners_token(api_client, user, other_user):
    # given two signed-in users
    mine = tokens_for(api_client, user)
    theirs = tokens_for(api_client, other_user)
    client = bearer_from(mine["access"])

    # when I try to log out their refresh token
    refused = client.post(LOGOUT_URL, {"refresh": theirs["refresh"]})
    # then it is refused and their token still works
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert refused.json()["errors"][0]["field"] == "refresh"
    assert api_client.post(REFRESH_URL, {"refresh": theirs["refresh"]}).status_code == 200

    # when I log out my own, then it is dead
    assert client.post(LOGOUT_URL, {"refresh": mine["refresh"]}).status_code == HTTPStatus.OK
    assert api_client.post(REFRESH_URL, {"refresh": mine["refresh"]}).status_code == 401
    # and logout needs a signed-in caller
    assert api_client.post(LOGOUT_URL, {"refresh": mine["refresh"]}).status_code == 401


def test_password_change_revokes_old_tokens(api_client, user):
    # given a signed-in user
    old = tokens_for(api_client, user)
    client = bearer_from(old["access"])

    # when the password is changed
    response = client.post(
        "/api/users/me/password/", {"old_password": PASSWORD, "new_password": "Brand-new-pass-77"}
    )

    # then old access and refresh tokens are 401 at once, the new pair works
    assert response.status_code == HTTPStatus.OK
    assert client.get(ME_URL).status_code == HTTPStatus.UNAUTHORIZED
    assert api_client.post(REFRESH_URL, {"refresh": old["refresh"]}).status_code == 401
    assert bearer_from(response.json()["access"]).get(ME_URL).status_code == HTTPStatus.OK
    assert login(api_client, user.username, "Brand-new-pass-77").status_code == HTTPStatus.OK


def test_password_change_checks_old_and_new_password(user):
    client = bearer_client(user)
    wrong_old = client.post(
        "/api/users/me/password/", {"old_password": "nope", "new_password": "Brand-new-pass-77"}
    )
    weak_new = client.post(
        "/api/users/me/password/", {"old_password": PASSWORD, "new_password": "123"}
    )
    assert wrong_old.json()["errors"][0]["field"] == "old_password"
    assert {e["field"] for e in weak_new.json()["errors"]} == {"new_password"}
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_refresh_chain_dies_at_its_maximum_age(api_client, user):
    # given a session refreshed every 20 hours
    refresh = tokens_for(api_client, user)["refresh"]
    hours = 0
    while hours + 20 < 30 * 24:
        hours += 20
        with later(hours * 3600):
            response = api_client.post(REFRESH_URL, {"refresh": refresh})
        assert response.status_code == HTTPStatus.OK, hours
        refresh = response.json()["refresh"]
        claims = jwt.decode(refresh, options={"verify_signature": False})
        assert claims["exp"] - claims["auth_time"] <= 30 * 86400

    # when it is refreshed past 30 days from the sign-in
    with later(30 * 86400 + 1):
        response = api_client.post(REFRESH_URL, {"refresh": refresh})

    # then it is refused: the absolute age is capped
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert timedelta(days=30) >= settings.JWT_REFRESH_MAX_AGE


# -------------------------------------------------------- failed sign-ins per address


def test_bad_passwords_past_the_per_address_minute_limit_are_429(api_client, user):
    # when one address tries six bad passwords for one name within a minute
    statuses = [login(api_client, user.username, "bad").status_code for _ in range(6)]
    # then the sixth is 429 with Retry-After, and even the right password waits
    assert statuses == [HTTPStatus.UNAUTHORIZED] * 5 + [HTTPStatus.TOO_MANY_REQUESTS]
    blocked = login(api_client, user.username)
    assert blocked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 1 <= int(blocked["Retry-After"]) <= 60
    # and another address is not blocked by it; a minute later this one is free again
    assert login(api_client, user.username, ip="10.9.9.9").status_code == HTTPStatus.OK
    with later(61):
        assert login(api_client, user.username).status_code == HTTPStatus.OK


def test_failures_past_the_hourly_account_limit_from_rotating_addresses_lock_the_account(
    api_client, user
):
    # when 21 bad passwords arrive from 21 addresses within the hour
    statuses = [
        login(api_client, user.username, "bad", ip=f"10.0.{i}.1").status_code for i in range(21)
    ]
    # then the 21st is 429, and the right password from a new address waits too
    assert statuses == [HTTPStatus.UNAUTHORIZED] * 20 + [HTTPStatus.TOO_MANY_REQUESTS]
    locked = login(api_client, user.username, ip="10.1.1.1")
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(locked["Retry-After"]) <= 3600
    assert settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR <= 100
    # an hour later the account is usable again
    with later(3601):
        assert login(api_client, user.username, ip="10.1.1.1").status_code == HTTPStatus.OK


def test_unknown_names_are_locked_like_real_ones(api_client):
    # lockouts must not reveal which names exist
    statuses = [login(api_client, "ghost", "bad").status_code for _ in range(6)]
    assert statuses[-1] == HTTPStatus.TOO_MANY_REQUESTS


# ---------------------------------------------------------------- forwarded addresses


def test_random_x_forwarded_for_does_not_bypass_the_throttle(api_client, monkeypatch):
    # given a login limit of 10 per minute per address and no trusted proxy
    monkeypatch.setitem(configured_rates(), "login", "10/min")
    assert settings.NUM_PROXIES == 0

    # when 200 requests each claim a different X-Forwarded-For
    responses = [
        api_client.post(
            LOGIN_URL,
            {"username": f"x{i}", "password": "p"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i % 250}, 198.51.100.{i % 200}",
        )
        for i in range(200)
    ]

    # then only the first 10 got through, the rest are 429 with the rate headers
    statuses = [r.status_code for r in responses]
    assert statuses[:10] == [HTTPStatus.UNAUTHORIZED] * 10
    assert set(statuses[10:]) == {HTTPStatus.TOO_MANY_REQUESTS}
    last = responses[-1]
    assert int(last["Retry-After"]) >= 1
    assert last["X-RateLimit-Limit"] == "10"
    assert last["X-RateLimit-Remaining"] == "0"
    assert int(last["X-RateLimit-Reset"]) <= 60


@pytest.mark.parametrize(
    ("url", "scope"),
    [
        ("/api/users/register/", "register"),
        ("/api/users/otp/verify/", "otp_verify"),
        ("/api/users/otp/resend/", "otp_resend"),
        ("/api/users/token/refresh/", "token_refresh"),
    ],
)
def test_account_endpoints_are_throttled_per_address(api_client, monkeypatch, url, scope):
    # given a limit of 2 per minute
    monkeypatch.setitem(configured_rates(), scope, "2/min")
    # when three bodies are posted
    statuses = [api_client.post(url, {}).status_code for _ in range(3)]
    # then the third is 429
    assert statuses[-1] == HTTPStatus.TOO_MANY_REQUESTS
    assert statuses[:2] != [HTTPStatus.TOO_MANY_REQUESTS] * 2


# ----------------------------------------------------------------------- cache outage


class BrokenCache:
    def get(self, *args, **kwargs):
        raise ConnectionError("cache down")

    set = add = incr = get


def test_cache_outage_fails_closed_on_account_endpoints(api_client, user, monkeypatch):
    # given the throttle store unreachable
    monkeypatch.setattr(window, "caches", {"security": BrokenCache()})
    # when someone logs in or asks for a code
    signin = login(api_client, user.username)
    resend = api_client.post("/api/users/otp/resend/", {"phone_number": "+14155552671"})
    # then they are refused with 503, not served unthrottled
    assert signin.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert resend.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert signin.json()["code"] == "service_unavailable"


def test_database_limits_hold_without_the_cache(api_client, user, monkeypatch):
    # given the address throttle switched off (as if the cache forgot everything)
    monkeypatch.setattr(OperationRateThrottle, "allow_request", lambda self, r, v: True)
    # when six bad passwords come from one address
    statuses = [login(api_client, user.username, "bad").status_code for _ in range(6)]
    # then the database-backed lockout still answers 429
    assert statuses[-1] == HTTPStatus.TOO_MANY_REQUESTS
