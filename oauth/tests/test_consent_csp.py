"""The sign-in page of a flow lets its redirects reach a client on another origin (a client
allowed before: sign-in, /o/authorize/, the callback, with no consent page between)."""

from urllib.parse import urlencode

import pytest

from oauth.tests.helpers import REDIRECT_URI, pkce_pair, web_app

pytestmark = pytest.mark.django_db


def authorize_query(app, redirect_uri: str) -> str:
    _, challenge = pkce_pair()
    return urlencode(
        {
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "openid",
            "state": "s",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )


def form_action(response) -> str:
    [directive] = [
        d.strip()
        for d in response["Content-Security-Policy"].split(";")
        if d.strip().startswith("form-action")
    ]
    return directive


def test_the_sign_in_page_of_a_flow_lets_its_redirects_reach_the_callback(client):
    # A client allowed before: sign-in -> /o/authorize/ -> the callback, with no consent page.
    app = web_app()
    flow = "/o/authorize/?" + authorize_query(app, REDIRECT_URI)

    page = client.get("/account/sign-in/", {"next": flow})

    assert form_action(page) == "form-action 'self' http://127.0.0.1:8001"


def test_an_unregistered_callback_in_next_adds_no_origin(client):
    app = web_app()
    flow = "/o/authorize/?" + authorize_query(app, "https://evil.example/cb")

    page = client.get("/account/sign-in/", {"next": flow})

    assert form_action(page) == "form-action 'self'"


def test_other_pages_and_other_next_keep_form_action_self(client):
    app = web_app()
    query = authorize_query(app, REDIRECT_URI)

    other_page = client.get("/api/movies/?" + query)
    other_next = client.get("/account/sign-in/", {"next": "/admin/?" + query})

    assert form_action(other_page) == form_action(other_next) == "form-action 'self'"
