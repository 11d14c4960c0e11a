"""Every page carries the Content-Security-Policy; GraphiQL's one inline script has its nonce."""

import re
from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


@pytest.mark.parametrize("url", ["/admin/login/", "/swagger/", "/redoc/", "/api/movies/"])
def test_pages_send_a_policy_without_inline_scripts(client, url):
    # when a page is fetched
    response = client.get(url, HTTP_ACCEPT="text/html")
    # then scripts may come only from this server (or with the nonce), never inline or eval
    assert response.status_code == HTTPStatus.OK
    policy = policy_of(response)
    assert policy["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[\w-]{16,}'", policy["script-src"])
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


def test_graphiql_inline_settings_carry_the_requests_nonce(client, settings):
    settings.GRAPHQL_GRAPHIQL = True
    # when GraphiQL is opened twice
    first = client.get("/graphql/", HTTP_ACCEPT="text/html")
    second = client.get("/graphql/", HTTP_ACCEPT="text/html")
    # then its inline script carries the nonce of its own response, fresh each time
    nonces = []
    for response in (first, second):
        assert response.status_code == HTTPStatus.OK
        nonce = re.search(r"'nonce-([\w-]+)'", response["Content-Security-Policy"]).group(1)
        assert f'<script type="application/javascript" nonce="{nonce}">' in (
            response.content.decode()
        )
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
