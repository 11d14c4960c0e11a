"""Races on PostgreSQL with real threads: single-use codes, exact failure counts and
refresh-token rotation.

Skipped on SQLite (conftest); CI's PostgreSQL pass runs them:
DATABASE_URL=postgres://... pytest users/tests/test_concurrency_pg.py
"""

from collections import Counter
from http import HTTPStatus

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from conftest import bearer_client
from core.security.ratelimit import configured_rates
from tests.concurrency import run_together
from users import services
from users.models import LoginFailure, OTPCode, PhoneVerificationState, User
from users.tests.factories import UserFactory
from users.tests.helpers import LOGIN_URL, REFRESH_URL, VERIFY_URL

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def generous_rates(monkeypatch):
    for scope in ("otp_verify", "token_refresh", "login"):
        monkeypatch.setitem(configured_rates(), scope, "1000/min")


@pytest.fixture
def pending(fixed_codes):
    """A pending registration whose code is 123456."""
    fixed_codes("123456")
    return services.user_register(
        username="racer",
        email="racer@example.com",
        password="Sturdy-pass-42",
        phone_number="+14155552671",
        client_ip="127.0.0.1",
    )


def test_single_use_concurrent(pending, generous_rates):
    # when ten clients submit the right code at the same moment
    responses = run_together(
        10,
        lambda i: APIClient().post(
            VERIFY_URL, {"phone_number": "+14155552671", "code": "123456"}, format="json"
        ),
    )

    # then exactly one succeeds, one activation, one set of tokens
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {HTTPStatus.OK: 1, HTTPStatus.BAD_REQUEST: 9}
    pending.refresh_from_db()
    assert pending.is_active is True
    assert OTPCode.objects.get(user=pending).used_at is not None
    assert OutstandingToken.objects.filter(user=pending).count() == 1


def test_concurrent_guessing_loses_no_update(pending, generous_rates):
    # when fifty wrong guesses arrive in parallel
    responses = run_together(
        50,
        lambda i: APIClient().post(
            VERIFY_URL, {"phone_number": "+14155552671", "code": f"{i:06d}"}, format="json"
        ),
    )

    # then every failure was counted, all answers are rejections, none is a 500
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {HTTPStatus.BAD_REQUEST, HTTPStatus.TOO_MANY_REQUESTS}
    assert PhoneVerificationState.objects.get(phone_number="+14155552671").failure_count == 50
    # the code took at most its 5 tries before dying; the lock stopped the rest
    assert OTPCode.objects.get(user=pending).attempts <= 20
    assert statuses[HTTPStatus.TOO_MANY_REQUESTS] >= 30
    assert User.objects.get(pk=pending.pk).is_active is False


def test_concurrent_refresh(generous_rates):
    # given a signed-in user's refresh token R1
    user = UserFactory()
    r1 = services.login_tokens(user=user)["refresh"]

    # when ten clients refresh with R1 at the same moment
    responses = run_together(
        10, lambda i: APIClient().post(REFRESH_URL, {"refresh": r1}, format="json")
    )

    # then exactly one gets a new pair; only that new refresh token exists and works
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {HTTPStatus.OK: 1, HTTPStatus.UNAUTHORIZED: 9}
    (winner,) = [r.json() for r in responses if r.status_code == HTTPStatus.OK]
    assert OutstandingToken.objects.filter(user=user).count() == 2
    client = APIClient()
    assert client.post(REFRESH_URL, {"refresh": winner["refresh"]}).status_code == HTTPStatus.OK


def test_parallel_wrong_passwords_get_exactly_the_limit_of_answers(generous_rates, settings):
    # given an account, and 40 wrong passwords from 40 addresses at the same moment
    user = UserFactory()
    limit = settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR

    responses = run_together(
        40,
        lambda i: APIClient().post(
            LOGIN_URL,
            {"username": user.username, "password": f"wrong-{i}"},
            REMOTE_ADDR=f"10.40.0.{i + 1}",
            format="json",
        ),
    )

    # then exactly `limit` were checked and answered as a wrong password; every other one
    # met the step-up (count and reservation are serialised on the account's row)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {HTTPStatus.UNAUTHORIZED: limit, HTTPStatus.TOO_MANY_REQUESTS: 40 - limit}
    step_ups = {r.json()["code"] for r in responses if r.status_code != HTTPStatus.UNAUTHORIZED}
    assert step_ups == {"step_up_required"}
    assert LoginFailure.objects.filter(user=user).count() == 40


def test_parallel_wrong_current_passwords_get_exactly_the_limit_of_answers(
    generous_rates, settings
):
    # given a signed-in account, and 40 wrong current passwords from 40 addresses at once
    user = UserFactory()
    limit = settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR
    clients = [bearer_client(user) for _ in range(40)]

    responses = run_together(
        40,
        lambda i: clients[i].post(
            "/api/users/me/email/",
            {"password": f"wrong-{i}", "email": "taken-over@example.com"},
            REMOTE_ADDR=f"10.41.0.{i + 1}",
            format="json",
        ),
    )

    # then, as at sign-in (one mechanism), exactly `limit` were answered as a wrong
    # password and every other one met the step-up; the email is unchanged
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {HTTPStatus.BAD_REQUEST: limit, HTTPStatus.TOO_MANY_REQUESTS: 40 - limit}
    step_ups = {r.json()["code"] for r in responses if r.status_code != HTTPStatus.BAD_REQUEST}
    assert step_ups == {"step_up_required"}
    user.refresh_from_db()
    assert user.email != "taken-over@example.com"
