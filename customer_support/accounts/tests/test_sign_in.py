"""Signing in to the help desk with a movie API account: no password kept here."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.models import MovieApiIdentity
from accounts.services import account_agent_role_set
from tickets.tests.factories import UserFactory
from tickets.tests.fake_movie_api import closed_port_url

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("sign-in")
User = get_user_model()


def sign_in(client: Client, username: str, password: str):
    return client.post(SIGN_IN, {"username": username, "password": password})


def test_a_movie_api_customer_signs_in_and_is_linked_by_the_movie_api_id(client, movie_api):
    # when
    response = sign_in(client, "ana", "ana-Pass-123")

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(response.url, follow=True).request["PATH_INFO"] == reverse("my-tickets")
    identity = MovieApiIdentity.objects.select_related("user").get()
    assert identity.movie_api_user_id == 41
    user = identity.user
    assert (user.username, user.email, user.is_staff) == ("ana", "ana@example.com", False)
    assert not user.has_usable_password()
    assert int(client.session["_auth_user_id"]) == user.pk
    sent = movie_api.requests[0]["body"]
    assert "tokenAuth" in sent["query"]
    assert sent["variables"] == {"username": "ana", "password": "ana-Pass-123"}
    assert movie_api.requests[1]["headers"]["Authorization"] == "Bearer token-ana"


def test_movie_api_staff_are_agents_and_land_on_the_queue(client, movie_api):
    response = sign_in(client, "boss", "boss-Pass-123")

    assert response.status_code == HTTPStatus.FOUND
    assert client.get(response.url).url == reverse("queue")
    assert User.objects.get(username="boss").is_staff is True


def test_a_second_sign_in_reuses_the_user_and_follows_the_movie_api_staff_flag(client, movie_api):
    # given: boss signed in once as staff, then lost staff on the movie API
    sign_in(client, "boss", "boss-Pass-123")
    movie_api.staff.clear()

    # when
    sign_in(Client(), "boss", "boss-Pass-123")

    # then
    assert User.objects.filter(username="boss").count() == 1
    assert User.objects.get(username="boss").is_staff is False


def test_the_desk_local_agent_role_survives_sign_ins(client, movie_api):
    # given
    sign_in(client, "ana", "ana-Pass-123")
    identity = MovieApiIdentity.objects.get()

    # when
    account_agent_role_set(identity=identity, granted=True)
    sign_in(Client(), "ana", "ana-Pass-123")

    # then
    identity.refresh_from_db()
    assert identity.desk_agent is True
    assert identity.user.is_staff is True


def test_wrong_password_says_so_and_creates_nobody(client, movie_api):
    response = sign_in(client, "ana", "wrong")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "No active account found with the given credentials." in response.content.decode()
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_empty_fields_are_named_and_the_movie_api_is_not_asked(client, movie_api):
    response = client.post(SIGN_IN, {"username": "", "password": ""})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["form"].errors == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }
    assert movie_api.requests == []


def test_the_movie_api_down_is_a_clear_503_page_and_nothing_is_made(client, settings):
    settings.MOVIE_API_GRAPHQL_URL = closed_port_url()
    settings.MOVIE_API_RETRIES = 0

    response = sign_in(client, "ana", "ana-Pass-123")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "5"
    assert "The movie API is not answering" in response.content.decode()
    assert not User.objects.exists()


def test_a_desk_local_user_with_the_same_name_keeps_theirs(client, movie_api):
    # given: the desk's own superuser is called "ana" too
    local = UserFactory(username="ana")

    # when
    sign_in(client, "ana", "ana-Pass-123")

    # then
    linked = MovieApiIdentity.objects.get().user
    assert linked.username == "ana+41"
    assert linked != local


def test_sign_in_refuses_a_post_without_the_csrf_token(movie_api):
    client = Client(enforce_csrf_checks=True)

    response = sign_in(client, "ana", "ana-Pass-123")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert movie_api.requests == []


def test_sign_out_is_post_only_and_its_address_shows_the_button(client, movie_api):
    sign_in(client, "ana", "ana-Pass-123")

    # when: the address is typed in the bar
    shown = client.get(reverse("sign-out"))

    # then: a page with the button, and still signed in
    assert shown.status_code == HTTPStatus.OK
    html = shown.content.decode()
    assert "Sign out of the help desk" in html and 'method="post"' in html
    assert 'href="/static/desk/desk.css"' in html
    assert "_auth_user_id" in client.session
    response = client.post(reverse("sign-out"))

    assert response.url == SIGN_IN
    assert "_auth_user_id" not in client.session


def test_next_goes_back_to_the_page_asked_for_but_never_off_site(client, movie_api):
    inside = client.post(
        SIGN_IN, {"username": "ana", "password": "ana-Pass-123", "next": "/tickets/new/"}
    )
    outside = Client().post(
        SIGN_IN, {"username": "ana", "password": "ana-Pass-123", "next": "https://evil.example/"}
    )

    assert inside.url == "/tickets/new/"
    assert outside.url == "/"


def test_the_desks_admin_grants_the_agent_role(client, movie_api):
    # given: ana signed in once (a customer), and the desk's own superuser
    sign_in(Client(), "ana", "ana-Pass-123")
    identity = MovieApiIdentity.objects.get()
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    url = reverse("admin:accounts_movieapiidentity_change", args=[identity.pk])

    # when
    response = client.post(url, {"desk_agent": "on"})

    # then
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    identity.refresh_from_db()
    assert identity.desk_agent is True
    assert identity.user.is_staff is True
    assert identity.movie_api_user_id == 41  # read-only in the form: unchanged
