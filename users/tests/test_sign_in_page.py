"""The API's own sign-in page (/account/sign-in/), the session door of the OAuth pages.

It signs in through users.services.user_authenticate, so it shares the JSON login's
failure counters, per-address limits, step-up and messages; it starts a Django session
that the REST and GraphQL doors ignore; `next` only leads to paths of this site.
"""

import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import Client

from core.security import ratelimit, window
from core.security.store import SECURITY
from users.exceptions import InvalidCredentials
from users.models import LoginFailure
from users.pages.forms import CODE_FORMAT_MESSAGE
from users.pages.views import SIGNED_OUT_MESSAGE
from users.services import STEP_UP_MESSAGE, TOO_MANY_SIGN_INS_MESSAGE
from users.tests.factories import UserFactory
from users.tests.helpers import LOGIN_URL

pytestmark = pytest.mark.django_db
PAGE = "/account/sign-in/"
SIGN_OUT = "/account/sign-out/"
PASSWORD = "pass-Word-123"
LIMIT = settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR
PER_MINUTE = settings.LOGIN_MAX_FAILURES_PER_ADDRESS_MINUTE


def sign_in(client, username, password=PASSWORD, *, ip="127.0.0.1", **fields):
    body = {"username": username, "password": password, **fields}
    return client.post(PAGE, body, REMOTE_ADDR=ip)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def page_text(response) -> str:
    """The page without its per-request parts (CSRF token), for comparing two answers."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_the_page_offers_labelled_fields_a_csrf_token_and_sends_a_csp(client):
    # when a browser opens the page, sent there by the authorization endpoint
    response = client.get(PAGE, {"next": "/o/authorize/?client_id=desk&state=xyz"})

    # then a form with labelled fields, the CSRF token, `next` kept, no code field yet
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert '<label for="id_username">Username or email</label>' in page
    assert '<label for="id_password">Password</label>' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="next" value="/o/authorize/?client_id=desk&amp;state=xyz"' in page
    assert 'name="code"' not in page
    # and the page runs no script of another origin, and cannot be framed
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_the_right_password_starts_a_session_and_returns_to_next(client, user):
    # when the user signs in on the way to the consent page
    target = "/o/authorize/?client_id=desk&state=xyz"
    response = sign_in(client, user.email.upper(), next=target)

    # then a session for that user, and back to the authorization request
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == target
    assert signed_in_as(client) == str(user.pk)
    assert not LoginFailure.objects.filter(user=user).exists()


def test_without_next_the_sign_in_page_says_who_is_signed_in(client, user):
    # when the user signs in with no destination
    response = sign_in(client, user.username)
    page = client.get(response["Location"]).content.decode()

    # then the sign-in page names the account and offers to sign out
    assert response["Location"] == PAGE
    assert f"You are signed in as <strong>{user.username}</strong>" in page
    assert 'action="/account/sign-out/"' in page


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "/\\evil.example/steal",
        "\\\\evil.example",
        "http://testserver/o/authorize/",
        "javascript:alert(1)",
        "evil.example/steal",
        "/\t/evil.example",
    ],
)
def test_next_leads_only_to_paths_of_this_site(client, user, target):
    # when the sign-in is given a destination on another site (or a trick that reads as one)
    shown = client.get(PAGE, {"next": target}).content.decode()
    response = sign_in(client, user.username, next=target)

    # then the form does not carry it, and success lands on this site's own page
    assert 'name="next"' not in shown
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == PAGE


def test_a_refused_sign_in_shows_the_json_logins_message_and_counts_the_failure(client, user):
    # when the password is wrong
    response = sign_in(client, user.username, "wrong-password", ip="198.51.100.7")

    # then the JSON login's message, no session, one failure counted for the browser's address
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert InvalidCredentials.default_message in page
    assert "finish that step first" in page
    assert signed_in_as(client) is None
    assert list(LoginFailure.objects.values_list("user", "client_ip")) == [
        (user.pk, "198.51.100.7")
    ]


def test_unknown_name_wrong_password_and_unverified_account_get_the_same_page(client):
    # given an active account and one whose phone was never verified
    active = UserFactory(username="active-one")
    pending = UserFactory(username="pending-one", is_active=False, phone_verified_at=None)

    # when each kind of failure is tried
    pages = [
        sign_in(client, "nobody-at-all"),
        sign_in(client, active.username, "wrong-password"),
        sign_in(client, pending.username),
    ]

    # then the pages differ only by the name typed in: nothing tells the accounts apart
    texts = [
        page_text(page).replace(name, "NAME")
        for page, name in zip(pages, ["nobody-at-all", "active-one", "pending-one"], strict=True)
    ]
    assert {page.status_code for page in pages} == {HTTPStatus.BAD_REQUEST}
    assert texts[0] == texts[1] == texts[2]
    assert "POST /api/users/otp/verify/" in texts[0]


def test_the_page_and_the_json_login_share_the_per_address_limit(client, api_client, user):
    # given failures from one address: all but one through REST, the last through the page
    for _ in range(PER_MINUTE - 1):
        api_client.post(LOGIN_URL, {"username": user.username, "password": "x"}, format="json")
    sign_in(client, user.username, "wrong-password")

    # when the right password comes through the page from that address
    response = sign_in(client, user.username)

    # then refused like the JSON login, with the same message and when to come back
    page = response.content.decode()
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert TOO_MANY_SIGN_INS_MESSAGE in page
    assert int(response["Retry-After"]) > 0
    assert f"Try again in {response['Retry-After']} s." in page
    assert signed_in_as(client) is None


def test_the_browsers_own_address_is_counted_not_a_forwarded_header(client, user):
    # when a browser sends X-Forwarded-For headers of its own (no proxy is declared)
    for hop in range(3):
        client.post(
            PAGE,
            {"username": user.username, "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{hop}",
        )

    # then every failure is the socket's address
    assert set(LoginFailure.objects.values_list("client_ip", flat=True)) == {"203.0.113.9"}


def test_step_up_shows_the_code_field_and_the_texted_code_completes_it(
    client, api_client, user, sms_log
):
    # given an account under attack: LIMIT wrong passwords from other addresses
    for i in range(LIMIT):
        api_client.post(
            LOGIN_URL,
            {"username": user.username, "password": "guess"},
            REMOTE_ADDR=f"10.0.0.{i + 1}",
            format="json",
        )

    # when the owner signs in on the page with the right password
    first = sign_in(client, user.username, ip="192.0.2.7", next="/o/authorize/?x=1")

    # then the page asks for the texted code, in a field of its own, with the cursor in it
    page = first.content.decode()
    assert first.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert STEP_UP_MESSAGE.replace("'", "&#x27;") in page
    assert '<label for="id_code">SMS code</label>' in page
    assert re.search(r'<input type="text" name="code"[^>]*autofocus', page)
    assert signed_in_as(client) is None
    (code,) = sms_log(to=user.phone_number)

    # when the password comes again with the code
    second = sign_in(client, user.username, ip="192.0.2.7", code=code, next="/o/authorize/?x=1")

    # then signed in, and on to the authorization request
    assert second.status_code == HTTPStatus.FOUND
    assert second["Location"] == "/o/authorize/?x=1"
    assert signed_in_as(client) == str(user.pk)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"password": PASSWORD}, "username", "This field is required."),
        ({"username": "someone"}, "password", "This field is required."),
        ({"username": "u" * 255, "password": PASSWORD}, "username", "at most 254 characters"),
        ({"username": "someone", "password": PASSWORD, "code": "12ab56"}, "code", None),
    ],
)
def test_malformed_input_is_a_400_naming_the_field(client, body, field, message):
    # when a field is missing or malformed
    response = client.post(PAGE, body)

    # then 400, the message beside that field, and no attempt counted
    page = response.content.decode()
    errors = re.search(rf'<ul class="errors" id="id_{field}_error">(.*?)</ul>', page)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert errors, page
    assert (message or CODE_FORMAT_MESSAGE.replace("'", "&#x27;")) in errors.group(1)
    assert f'aria-describedby="id_{field}' in page
    assert not LoginFailure.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(user):
    # given a browser whose form was forged on another site (no CSRF token)
    browser = Client(enforce_csrf_checks=True)

    # when it posts the right credentials
    response = sign_in(browser, user.username)

    # then 403, no session, and the password was not even checked
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert signed_in_as(browser) is None
    assert not LoginFailure.objects.exists()


def test_the_page_counts_against_the_login_scope_of_the_address(client, user, settings):
    # given a login scope of 2 an hour per address
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login": "2/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}

    # when a third attempt comes from the same address, with the right password
    answers = [sign_in(client, user.username, "wrong").status_code for _ in range(2)]
    third = sign_in(client, user.username)

    # then refused before the password is checked (two failures counted, no session)
    assert answers == [HTTPStatus.BAD_REQUEST] * 2
    assert third.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(third["Retry-After"]) > 0
    assert LoginFailure.objects.count() == 2
    assert signed_in_as(client) is None


class BrokenStore:
    """A throttle store that cannot be reached."""

    def get(self, *args, **kwargs):
        raise ConnectionError("store down")

    set = add = incr = get


def test_with_the_throttle_store_down_the_page_refuses_with_503(client, user, monkeypatch):
    # given the store of the login scope (the security store) unreachable
    monkeypatch.setattr(window, "caches", {SECURITY: BrokenStore()})

    # when the right password comes
    response = sign_in(client, user.username)

    # then refused (fails closed, like the JSON login), nothing checked, no session
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert ratelimit.STORE_UNAVAILABLE_MESSAGE in response.content.decode()
    assert signed_in_as(client) is None
    assert not LoginFailure.objects.exists()


def test_the_session_authenticates_neither_rest_nor_graphql(client, user):
    # given a browser signed in on the page
    sign_in(client, user.username)
    assert signed_in_as(client) == str(user.pk)

    # when it calls the API with that cookie only
    rest = client.get("/api/users/me/")
    graphql = client.post(
        "/graphql/", {"query": "{ me { username } }"}, content_type="application/json"
    )

    # then both doors see an anonymous caller: Bearer tokens are the only way in
    assert rest.status_code == HTTPStatus.UNAUTHORIZED
    assert rest.json()["code"] == "not_authenticated"
    assert user.username not in graphql.content.decode()


def test_sign_out_needs_a_post_and_ends_the_session(client, user):
    # given a signed-in browser
    sign_in(client, user.username)

    # when a link (GET) tries to sign it out, then a form (POST) does
    by_link = client.get(SIGN_OUT)
    still = signed_in_as(client)
    by_form = client.post(SIGN_OUT)

    # then the link does nothing; the form ends the session and says so
    assert by_link.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert still == str(user.pk)
    assert by_form.status_code == HTTPStatus.FOUND
    assert signed_in_as(client) is None
    assert SIGNED_OUT_MESSAGE in client.get(by_form["Location"]).content.decode()
