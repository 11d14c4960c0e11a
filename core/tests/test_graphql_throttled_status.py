"""GraphQL answers HTTP 429 with Retry-After when a rate limit refused the whole operation,
and stays 200 when a refused field sits beside other outcomes."""

from http import HTTPStatus

import pytest

from core.errors import Throttled
from core.security.ratelimit import configured_rates

PASSWORD = "pass-Word-123"
SIGN_IN = 'tokenAuth(username: "{username}", password: "{password}") {{ access }}'


def post(client, query):
    return client.post("/graphql/", {"query": query}, format="json")


@pytest.fixture
def one_sign_in_a_minute(monkeypatch):
    monkeypatch.setitem(configured_rates(), "login", "1/min")


@pytest.mark.django_db
def test_a_document_refused_whole_is_429_with_retry_after(api_client, user, one_sign_in_a_minute):
    # given the address used its one sign-in of the minute
    sign_in = "mutation { " + SIGN_IN.format(username=user.username, password=PASSWORD) + " }"
    assert post(api_client, sign_in).status_code == HTTPStatus.OK

    # when it signs in again
    response = post(api_client, sign_in)

    # then the whole operation was refused: 429, Retry-After, and the GraphQL errors body
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    wait = int(response["Retry-After"])
    assert 1 <= wait <= 60
    body = response.json()
    assert body["data"] == {"tokenAuth": None}
    assert body["errors"] == [
        {
            "message": Throttled.default_message,
            "locations": [{"line": 1, "column": 12}],
            "path": ["tokenAuth"],
            "extensions": {"code": "THROTTLED", "retryAfter": wait},
        }
    ]


@pytest.mark.django_db
def test_a_refused_field_beside_an_answered_one_stays_200(api_client, user, one_sign_in_a_minute):
    # given a document with two sign-ins, and room for one
    first = SIGN_IN.format(username=user.username, password=PASSWORD)
    document = f"mutation {{ a: {first} b: {first} }}"

    # when it is posted
    response = post(api_client, document)

    # then the first field answered, the second carries its own THROTTLED: still 200
    assert response.status_code == HTTPStatus.OK
    assert "Retry-After" not in response
    body = response.json()
    assert body["data"]["a"]["access"]
    assert body["data"]["b"] is None
    (error,) = body["errors"]
    assert error["path"] == ["b"]
    assert error["extensions"]["code"] == "THROTTLED"
    assert error["extensions"]["retryAfter"] >= 1


@pytest.mark.django_db
def test_a_refusal_beside_another_error_stays_200(api_client, user, one_sign_in_a_minute):
    # given two sign-ins with a wrong password, and room for one
    wrong = SIGN_IN.format(username=user.username, password="wrong-Pass-1")

    # when they are posted
    response = post(api_client, f"mutation {{ a: {wrong} b: {wrong} }}")

    # then the client gets two different answers, not "wait" alone: 200
    assert response.status_code == HTTPStatus.OK
    codes = [error["extensions"]["code"] for error in response.json()["errors"]]
    assert codes == ["UNAUTHENTICATED", "THROTTLED"]
