"""Defects found using the desk in a browser, each pinned down with Django's test client.

The ones only a browser shows (layout, what Enter does, htmx swaps) are in
``browser/test_desk.py``.
"""

from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from ..models import TicketMessage
from ..web.views import MOVIE_SEARCH_DOWN
from .factories import TicketFactory
from .fake_movie_api import closed_port_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(client, user) -> Client:
    client.force_login(user)
    return client


def test_a_reply_sent_after_the_session_ended_comes_back_to_the_ticket_with_its_draft(client, user):
    # given: a ticket whose page was open when the session ended
    ticket = TicketFactory(reporter=user)
    reply_url = reverse("ticket-reply", args=[ticket.pk])
    page_url = reverse("ticket-page", args=[ticket.pk])

    # when: the reply is sent anonymously
    response = client.post(reply_url, {"body": "My long answer, typed before lunch."})

    # then: sign-in is asked for, and it will come back to the ticket's page (GET), not
    # to the POST-only reply address
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{reverse('sign-in')}?next={quote(page_url)}%23timeline"
    assert not TicketMessage.objects.exists()

    # when: they sign in and come back
    client.force_login(user)
    page = client.get(page_url)

    # then: the draft is in the reply box, unsent; and only once
    assert "My long answer, typed before lunch.</textarea>" in page.content.decode()
    assert not TicketMessage.objects.exists()
    again = client.get(page_url).content.decode()
    assert "My long answer, typed before lunch." not in again


def test_a_customer_opening_the_queue_gets_a_styled_403_with_the_navigation(customer):
    response = customer.get(reverse("queue"))

    assert response.status_code == HTTPStatus.FORBIDDEN
    html = response.content.decode()
    assert "The queue is for support agents." in html
    assert 'href="/static/desk/desk.css"' in html
    assert 'aria-label="Main"' in html and reverse("my-tickets") in html


def test_the_503_page_does_not_show_the_movie_apis_internal_address(customer, settings):
    settings.MOVIE_API_GRAPHQL_URL = closed_port_url()
    settings.MOVIE_API_RETRIES = 0

    response = customer.post(
        reverse("ticket-open"), {"subject": "s", "description": "d", "movie_id": "1"}
    )

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    html = response.content.decode()
    assert "The movie API is unreachable." in html
    assert settings.MOVIE_API_GRAPHQL_URL not in html and "127.0.0.1" not in html


def test_the_movie_search_says_so_when_the_movie_api_is_down(customer, settings):
    settings.MOVIE_API_GRAPHQL_URL = closed_port_url()
    settings.MOVIE_API_RETRIES = 0

    response = customer.get(reverse("ticket-movie-search"), {"movie_q": "matr"})

    # then: htmx swaps only 2xx answers, so the message comes as one
    assert response.status_code == HTTPStatus.OK
    assert MOVIE_SEARCH_DOWN in response.content.decode()


def test_the_movie_search_box_submits_its_own_form_never_the_tickets(customer, movie_api):
    response = customer.get(reverse("ticket-open"))

    html = response.content.decode()
    assert 'id="ticket-form"' in html and 'id="movie-search-form"' in html
    assert 'name="movie_q" autocomplete="off" form="movie-search-form"' in html


def test_without_javascript_enter_in_the_movie_search_lists_the_matches(customer, movie_api):
    response = customer.get(reverse("ticket-open"), {"movie_q": "matr"})

    html = response.content.decode()
    assert 'id="movie-1"' in html and "The Matrix (1999)" in html
    assert 'value="matr"' in html


@pytest.mark.parametrize("path", ["/", "/sign-in/", "/tickets/", "/queue/", "/admin/login/"])
def test_every_answer_carries_the_content_security_policy(customer, path):
    response = customer.get(path)

    policy = response["Content-Security-Policy"]
    assert policy == django_settings.CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
