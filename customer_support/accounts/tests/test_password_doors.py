"""The desk's own password doors (``/admin/`` and REST Basic auth) count wrong passwords
per account and per address: past the limit even the right password is refused."""

import base64
from http import HTTPStatus

import pytest
from django.conf import settings as django_settings
from django.test import Client

from accounts.models import PasswordFailure
from tickets.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "the-Right-pass-42"


@pytest.fixture
def desk_admin(db):
    user = StaffFactory(username="root", is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def admin_login(password: str, *, username: str = "root", address: str = "10.0.0.1"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )
    return client, response


def basic(password: str, *, username: str = "root", address: str = "10.0.0.1"):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return Client(REMOTE_ADDR=address).get("/api/tickets/", HTTP_AUTHORIZATION=f"Basic {token}")


def test_the_admin_refuses_the_right_password_after_too_many_wrong_ones(desk_admin):
    # given: 60 wrong guesses at the admin's login
    for n in range(60):
        admin_login(f"guess-{n}")

    # when: the right password comes next
    client, response = admin_login(PASSWORD)

    # then: refused, and not signed in
    assert response.status_code == HTTPStatus.OK  # the login form again, with its error
    assert "_auth_user_id" not in client.session
    assert PasswordFailure.objects.filter(username="root").count() == (
        django_settings.DESK_PASSWORD_MAX_FAILURES
    )


def test_fewer_wrong_guesses_than_the_limit_do_not_lock_the_account(desk_admin):
    for n in range(django_settings.DESK_PASSWORD_MAX_FAILURES - 1):
        admin_login(f"guess-{n}")

    client, response = admin_login(PASSWORD)

    assert response.status_code == HTTPStatus.FOUND
    assert int(client.session["_auth_user_id"]) == desk_admin.pk


def test_basic_auth_counts_per_account_the_same_way(desk_admin):
    assert basic(PASSWORD).status_code == HTTPStatus.OK
    for n in range(60):
        assert basic(f"guess-{n}", address=f"10.1.0.{n}").status_code == HTTPStatus.FORBIDDEN

    # the right password, from an address that never guessed: still refused
    assert basic(PASSWORD, address="10.9.9.9").status_code == HTTPStatus.FORBIDDEN


def test_one_address_guessing_many_names_is_stopped_without_locking_anyone_else(desk_admin):
    # given: one address trying unknown names, past the per-address limit
    limit = django_settings.DESK_PASSWORD_MAX_FAILURES_PER_ADDRESS
    for n in range(limit + 5):
        basic("whatever", username=f"nobody-{n}", address="10.6.6.6")

    # then: that address is refused even with the right password; others are not
    assert basic(PASSWORD, address="10.6.6.6").status_code == HTTPStatus.FORBIDDEN
    assert basic(PASSWORD, address="10.0.0.2").status_code == HTTPStatus.OK
    assert PasswordFailure.objects.filter(address="10.6.6.6").count() == limit


def test_movie_api_users_have_no_password_to_guess(client, provider):
    from conftest import sign_in_through

    sign_in_through(client, provider)

    assert basic("", username="ana").status_code == HTTPStatus.FORBIDDEN
    assert basic("anything", username="ana").status_code == HTTPStatus.FORBIDDEN
