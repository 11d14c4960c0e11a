"""After sign-in: each person's own token on every movie API call, refreshed when it
expires, and the desk's session ending when the movie API ends the grant."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SESSION_ENDED
from accounts.models import MovieApiGrant, MovieApiIdentity
from conftest import sign_in_through

pytestmark = pytest.mark.django_db

SEARCH = reverse("ticket-movie-search")


def signed_in(provider, sub: str) -> Client:
    client = Client()
    sign_in_through(client, provider, sub=sub)
    return client


def grant_of(sub: str) -> MovieApiGrant:
    return MovieApiGrant.objects.get(user__movie_api_identity__movie_api_user_id=int(sub))


def test_each_persons_searches_carry_their_own_access_token(provider):
    # given: two customers signed in
    provider.people["43"] = {"preferred_username": "cy", "email": "cy@example.com"}
    ana, cy = signed_in(provider, "41"), signed_in(provider, "43")

    # when: each searches
    ana.get(SEARCH, {"movie_q": "matr"})
    cy.get(SEARCH, {"movie_q": "godf"})
    ana.get(SEARCH, {"movie_q": "the"})

    # then: the movie API saw each person's own token, so its per-user limits count per person
    assert provider.graphql_tokens == [
        grant_of("41").access_token,
        grant_of("43").access_token,
        grant_of("41").access_token,
    ]
    assert provider.access[grant_of("41").access_token] == "41"
    assert provider.access[grant_of("43").access_token] == "43"


def test_a_revoked_grant_ends_the_session_at_the_next_movie_api_call(provider):
    ana = signed_in(provider, "41")

    # when: the person revokes the desk at the movie API, then searches
    provider.revoke_all("41")
    response = ana.get(SEARCH, {"movie_q": "matr"})

    # then: the desk's session is over and says why
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("sign-in"))
    assert "_auth_user_id" not in ana.session
    assert not MovieApiGrant.objects.exists()
    assert SESSION_ENDED in ana.get(response.url).content.decode()


def test_a_revoked_grant_ends_the_session_within_a_check_without_any_movie_call(provider):
    ana = signed_in(provider, "41")
    provider.revoke_all("41")
    assert ana.get(reverse("my-tickets")).status_code == HTTPStatus.OK  # checked a moment ago

    # when: the check is due (at most once every MOVIE_API_SESSION_CHECK_SECONDS)
    due = timedelta(seconds=django_settings.MOVIE_API_SESSION_CHECK_SECONDS + 1)
    MovieApiGrant.objects.update(checked_at=timezone.now() - due)
    response = ana.get(reverse("my-tickets"))

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("sign-in"))
    assert "_auth_user_id" not in ana.session


def test_the_rest_api_answers_401_when_the_grant_is_revoked(provider):
    ana = signed_in(provider, "41")
    provider.revoke_all("41")

    response = ana.get("/api/movies/search/", {"q": "matr"})

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["code"] == "movie_api_session_ended"
    assert "_auth_user_id" not in ana.session


def test_a_ticket_page_that_catches_the_refusal_still_ends_the_session(provider):
    from tickets.tests.factories import TicketFactory

    boss = signed_in(provider, "42")
    ticket = TicketFactory(movie_id=1)
    provider.revoke_all("42")

    page = boss.get(reverse("ticket-page", args=[ticket.pk]))

    # then: the page answered (movie details unavailable), and the session is over
    assert page.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in boss.session


def test_an_expired_access_token_is_refreshed_and_the_new_one_is_used(provider):
    ana = signed_in(provider, "41")
    old = grant_of("41")
    MovieApiGrant.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    ana.get(SEARCH, {"movie_q": "matr"})

    new = grant_of("41")
    assert provider.token_requests[-1]["grant_type"] == "refresh_token"
    assert provider.token_requests[-1]["refresh_token"] == old.refresh_token
    assert new.access_token != old.access_token and new.refresh_token != old.refresh_token
    assert provider.graphql_tokens == [new.access_token]
    assert "_auth_user_id" in ana.session


def test_a_refused_refresh_ends_the_session(provider):
    ana = signed_in(provider, "41")
    provider.revoke_all("41")
    MovieApiGrant.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = ana.get(reverse("my-tickets"))

    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in ana.session
    assert provider.graphql_tokens == []


def test_losing_staff_at_the_movie_api_ends_agent_rights_within_a_check(provider):
    boss = signed_in(provider, "42")
    assert boss.get(reverse("queue")).status_code == HTTPStatus.OK

    provider.people["42"]["is_staff"] = False
    MovieApiGrant.objects.update(checked_at=timezone.now() - timedelta(days=1))

    assert boss.get(reverse("queue")).status_code == HTTPStatus.FORBIDDEN
    assert not MovieApiIdentity.objects.get(movie_api_user_id=42).user.is_staff


def test_the_movie_api_down_at_a_check_does_not_end_the_session(provider, settings):
    ana = signed_in(provider, "41")
    MovieApiGrant.objects.update(checked_at=timezone.now() - timedelta(days=1))
    settings.MOVIE_API_INTERNAL_URL = "http://127.0.0.1:9"  # nothing listens on discard

    response = ana.get(reverse("my-tickets"))

    assert response.status_code == HTTPStatus.OK
    assert "_auth_user_id" in ana.session


def test_an_htmx_search_after_the_grant_ended_loads_the_sign_in_page_as_a_page(provider):
    ana = signed_in(provider, "41")
    provider.revoke_all("41")
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/tickets/new/"}

    response = ana.get(SEARCH, {"movie_q": "matr"}, **htmx)

    # then: not a sign-in page swapped into the list, but a redirect of the whole page
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response["HX-Redirect"] == f"{reverse('sign-in')}?next=/tickets/new/"
    assert "_auth_user_id" not in ana.session
