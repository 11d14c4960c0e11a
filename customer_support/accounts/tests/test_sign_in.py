"""Sign in with Movie API: the authorization code flow with PKCE, state and nonce.

Against ``FakeProvider`` (a real socket): the desk never sees a password, links people by
the movie API's ``sub``, keeps their tokens on the server, calls the API with each person's
own token, and ends the session when the API ends the grant.
"""

import base64
import hashlib
import time
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from joserfc.jwk import RSAKey

from accounts import oauth
from accounts.middleware import SESSION_ENDED
from accounts.models import MovieApiGrant, MovieApiIdentity
from accounts.tests.fake_provider import CLIENT_ID
from conftest import sign_in_through
from tickets.tests.factories import UserFactory
from tickets.tests.fake_movie_api import closed_port_url

pytestmark = pytest.mark.django_db

User = get_user_model()


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_the_sign_in_page_has_the_button_and_no_password_field(client):
    html = client.get(reverse("sign-in")).content.decode()

    assert "Sign in with Movie API" in html
    assert 'type="password"' not in html and "never sees your password" in html


def test_sign_in_runs_the_code_flow_with_pkce_state_and_nonce(client, provider):
    # when: the button is followed
    start = client.get(reverse("sign-in-start"), {"next": "/tickets/new/"})

    # then: off to the API's authorize page with every protection of the flow
    asked = query_of(start.url)
    assert start.url.startswith(f"{provider.base}/o/authorize/?")
    assert asked["response_type"] == "code" and asked["client_id"] == CLIENT_ID
    assert asked["redirect_uri"] == "http://testserver/oauth/callback/"
    assert asked["scope"] == oauth.SCOPE
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) >= 43
    assert len(asked["state"]) >= 32 and len(asked["nonce"]) >= 32

    # when: the person allows the desk at the API and comes back
    done = client.get(provider.consent(start.url).removeprefix("http://testserver"))

    # then: signed in, back where they were going, linked by sub with no password
    assert done.status_code == HTTPStatus.FOUND and done.url == "/tickets/new/"
    identity = MovieApiIdentity.objects.select_related("user").get()
    assert identity.movie_api_user_id == 41
    user = identity.user
    assert (user.username, user.email, user.is_staff) == ("ana", "ana@example.com", False)
    assert not user.has_usable_password()
    assert int(client.session["_auth_user_id"]) == user.pk
    # the code was exchanged with the PKCE verifier that matches the challenge
    exchange = provider.token_requests[0]
    digest = hashlib.sha256(exchange["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == asked["code_challenge"]
    # the tokens stay on the server: the browser's cookies carry none of them
    grant = MovieApiGrant.objects.get(user=user)
    assert grant.access_token in provider.access and grant.refresh_token in provider.refresh
    cookies = " ".join(morsel.value for morsel in client.cookies.values())
    assert grant.access_token not in cookies and grant.refresh_token not in cookies


def test_movie_api_staff_sign_in_as_agents(client, provider):
    sign_in_through(client, provider, sub="42")

    assert User.objects.get(username="boss").is_staff
    assert client.get("/").url == reverse("queue")


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("access_denied", "You did not allow the help desk to use your Movie API account"),
        ("temporarily_unavailable", "cannot sign you in just now"),
        ("invalid_scope", "refused this sign-in (invalid_scope)"),
    ],
)
def test_an_error_from_the_provider_is_said_in_words_and_nobody_is_signed_in(
    client, provider, error, words
):
    start = client.get(reverse("sign-in-start"))

    response = client.get(provider.refusal(start.url, error).removeprefix("http://testserver"))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert words in response.content.decode()
    assert not User.objects.exists() and "_auth_user_id" not in client.session


def test_a_callback_is_good_once_and_only_with_the_state_this_browser_was_given(client, provider):
    start = client.get(reverse("sign-in-start"))
    callback = provider.consent(start.url).removeprefix("http://testserver")

    # another browser replaying it (a login CSRF) is refused
    stranger = Client().get(callback)
    assert stranger.status_code == HTTPStatus.BAD_REQUEST
    assert oauth.STALE_SIGN_IN in stranger.content.decode()
    # the right browser once, then never again
    assert client.get(callback).status_code == HTTPStatus.FOUND
    assert client.get(callback).status_code == HTTPStatus.BAD_REQUEST
    assert User.objects.count() == 1


def test_an_id_token_with_the_wrong_nonce_is_refused(client, provider):
    start = client.get(reverse("sign-in-start"))
    callback = provider.consent(start.url, nonce="not-the-one-we-sent")

    response = client.get(callback.removeprefix("http://testserver"))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert oauth.ID_TOKEN_REFUSED in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("problem", ["signed by another key", "for another client", "expired"])
def test_an_id_token_that_fails_verification_is_refused(provider, problem):
    now = int(time.time())
    claims = {"iss": provider.issuer, "aud": CLIENT_ID, "sub": "41", "nonce": "n"}
    claims |= {"iat": now, "exp": now + 600}
    key = None
    if problem == "signed by another key":
        key = RSAKey.generate_key(2048, parameters={"kid": "fake-1"})
    elif problem == "for another client":
        claims["aud"] = "another-client"
    else:
        claims["exp"] = now - 3600

    with pytest.raises(oauth.SignInFailed):
        oauth.verify_id_token(provider.id_token(claims, key), nonce="n")
    assert (
        oauth.verify_id_token(
            provider.id_token({**claims, "aud": CLIENT_ID, "exp": now + 60}), nonce="n"
        )["sub"]
        == "41"
    )


def test_people_are_keyed_by_sub_so_a_name_clash_is_never_a_500(client, provider):
    # given: the desk's own "leo", and the API's user "leo+32" (sub 77) already signed in
    local = UserFactory(username="leo")
    provider.people["77"] = {"preferred_username": "leo+32", "email": "x@example.com"}
    provider.people["32"] = {"preferred_username": "leo", "email": "leo@example.com"}
    sign_in_through(Client(), provider, sub="77")

    # when: the API's real leo (sub 32) signs in, twice
    first = sign_in_through(client, provider, sub="32")
    again = sign_in_through(Client(), provider, sub="32")

    # then: one user of their own, found again by sub, and nobody else touched
    assert first.status_code == again.status_code == HTTPStatus.FOUND
    leo = MovieApiIdentity.objects.get(movie_api_user_id=32).user
    assert leo.username == "leo:32" and leo != local
    assert MovieApiIdentity.objects.get(movie_api_user_id=77).user.username == "leo+32"
    assert User.objects.count() == 3


def test_the_movie_api_down_at_the_callback_is_a_503_page_and_nobody_is_made(
    client, provider, settings
):
    start = client.get(reverse("sign-in-start"))
    callback = provider.consent(start.url).removeprefix("http://testserver")
    settings.MOVIE_API_INTERNAL_URL = closed_port_url().removesuffix("/graphql/")

    response = client.get(callback)

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "The movie API is not answering" in response.content.decode()
    assert not User.objects.exists()


def test_next_never_leaves_the_site(client, provider):
    done = sign_in_through(client, provider, next_url="https://evil.example/")

    assert done.url == "/"


def test_sign_out_is_post_only_and_its_address_shows_the_button(client, provider):
    sign_in_through(client, provider)
    grant = MovieApiGrant.objects.get()

    # when: the address is typed in the bar
    shown = client.get(reverse("sign-out"))

    # then: a page with the button, and still signed in
    assert shown.status_code == HTTPStatus.OK
    html = shown.content.decode()
    assert "Sign out of the help desk" in html and 'method="post"' in html
    assert 'href="/static/desk/desk.css"' in html
    assert "_auth_user_id" in client.session

    # when: the button is pressed
    response = client.post(reverse("sign-out"))

    # then: signed out, the tokens forgotten here and revoked at the API
    assert response.url == reverse("sign-in")
    assert "_auth_user_id" not in client.session
    assert not MovieApiGrant.objects.exists()
    assert provider.revoked == [grant.refresh_token]
    assert grant.access_token not in provider.access


def test_sign_in_pages_refuse_a_post(client):
    assert client.post(reverse("sign-in")).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.post(reverse("sign-in-start")).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_session_of_a_movie_api_user_without_tokens_ends(client, provider):
    # given: an API user's session from before sign-in kept tokens (or whose grant is gone)
    sign_in_through(client, provider)
    MovieApiGrant.objects.all().delete()

    response = client.get(reverse("my-tickets"))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("sign-in"))
    assert "_auth_user_id" not in client.session
    assert SESSION_ENDED in client.get(response.url).content.decode()
