"""Idempotency-Key on both doors: a retried POST replays the first answer, once.

The parity table (test_parity.py) sends one request per door; a retry is two, so the
cases live here, each sent through both doors with the operations of the table
(tests/parity/operations.py spells each request once per door).
"""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import bearer_client
from core.contract import (
    IDEMPOTENCY_KEY_IN_USE,
    IDEMPOTENCY_KEY_INVALID,
    IDEMPOTENCY_KEY_REUSED,
)
from core.idempotency.models import IdempotencyKey
from lists.models import MovieListEntry
from movies.models import Review
from movies.tests.factories import MovieFactory
from tests.concurrency import run_together
from tests.parity.operations import ADD_TO_LIST, CREATE_REVIEW, LOGIN, REGISTER
from users.models import User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
DOORS = ["rest", "graphql"]
KEY = "2f1c7a4e-5b7d-4f0e-9a53-0c8f0b6d1e11"


def send(client, op, args, door, key=KEY):
    """One request of `op` through `door`, with the Idempotency-Key `key`."""
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    if door == "rest":
        method, path, body = op.rest(args)
        return getattr(client, method)(path, body, format="json", **headers)
    return client.post("/graphql/", {"query": op.gql(args)}, format="json", **headers)


def registration():
    return {
        "username": "ana",
        "email": "ana@example.com",
        "password": "a-Long-pass-42",
        "password_confirm": "a-Long-pass-42",
        "phone_number": "+14155550142",
    }


# Each case: the operation, its arguments (given a movie id), and what exists once.
CASES = {
    "review create": (
        CREATE_REVIEW,
        lambda movie: {"movie": movie.pk, "rating": 4, "text": "Tense."},
        lambda: Review.objects.count(),
    ),
    "registration": (REGISTER, lambda movie: registration(), lambda: User.objects.count() - 1),
    "list add": (
        ADD_TO_LIST,
        lambda movie: {"list": "FAVORITE", "movie": movie.pk},
        lambda: MovieListEntry.objects.count(),
    ),
}


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("case", CASES)
def test_a_retry_with_the_same_key_replays_the_first_answer(case, door, user):
    op, arguments, written = CASES[case]
    args = arguments(MovieFactory())
    client = APIClient() if op is REGISTER else bearer_client(user)

    # given a first request that went through
    first = send(client, op, args, door)
    assert first.status_code in (HTTPStatus.OK, HTTPStatus.CREATED)
    assert "errors" not in first.json()

    # when the client retries it with the same key (it never saw the answer)
    again = send(client, op, args, door)

    # then it gets the first answer again, marked as a replay, and nothing was written twice
    assert again.status_code == first.status_code
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert written() == 1


@pytest.mark.parametrize("door", DOORS)
def test_without_a_key_a_retry_runs_again(door, user):
    # given a review created without a key
    movie = MovieFactory()
    client = bearer_client(user)
    send(client, CREATE_REVIEW, {"movie": movie.pk, "rating": 4}, door, key=None)

    # when it is sent again
    again = send(client, CREATE_REVIEW, {"movie": movie.pk, "rating": 4}, door, key=None)

    # then it ran again (and the second review is refused): what the key saves a client from
    body = again.json()
    code = body["code"] if door == "rest" else body["errors"][0]["extensions"]["reason"]
    assert code == "duplicate_review"
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("door", DOORS)
def test_the_same_key_with_another_body_is_422(door, user):
    movie = MovieFactory()
    client = bearer_client(user)
    send(client, CREATE_REVIEW, {"movie": movie.pk, "rating": 4}, door)

    # when the key comes back with another rating
    response = send(client, CREATE_REVIEW, {"movie": movie.pk, "rating": 2}, door)

    # then 422 with the contract's error, and the review keeps its first rating
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert _error(response, door) == (
        IDEMPOTENCY_KEY_REUSED.code if door == "rest" else IDEMPOTENCY_KEY_REUSED.graphql_code,
        IDEMPOTENCY_KEY_REUSED.message,
    )
    assert list(Review.objects.values_list("rating", flat=True)) == [4]


@pytest.mark.parametrize("door", DOORS)
def test_the_same_key_on_another_route_is_422(door, user):
    movie = MovieFactory()
    client = bearer_client(user)
    send(client, CREATE_REVIEW, {"movie": movie.pk, "rating": 4}, door)

    response = send(client, ADD_TO_LIST, {"list": "FAVORITE", "movie": movie.pk}, door)

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not MovieListEntry.objects.exists()


@pytest.mark.parametrize("door", DOORS)
def test_keys_are_per_caller(door, user, other_user):
    # given a review written by one user under a key
    movie = MovieFactory()
    send(bearer_client(user), CREATE_REVIEW, {"movie": movie.pk, "rating": 4}, door)

    # when another user sends the same request under the same key
    response = send(
        bearer_client(other_user), CREATE_REVIEW, {"movie": movie.pk, "rating": 4}, door
    )

    # then it runs as theirs: no replay of someone else's answer
    assert "Idempotent-Replayed" not in response
    assert sorted(Review.objects.values_list("user__username", flat=True)) == sorted(
        [user.username, other_user.username]
    )


@pytest.mark.parametrize("door", DOORS)
def test_anonymous_callers_are_told_apart_by_address(door):
    # given a registration from one address under a key
    send(APIClient(REMOTE_ADDR="203.0.113.1"), REGISTER, registration(), door)

    # when another address sends the same registration under the same key
    response = send(APIClient(REMOTE_ADDR="203.0.113.2"), REGISTER, registration(), door)

    # then it is not a replay (the domain answers it afresh)
    assert "Idempotent-Replayed" not in response
    assert IdempotencyKey.objects.filter(caller="address:203.0.113.2").exists()


@pytest.mark.parametrize("door", DOORS)
def test_an_expired_key_runs_again(door, user, other_user):
    movie = MovieFactory()
    client = bearer_client(user)
    args = {"list": "FAVORITE", "movie": movie.pk}
    send(client, ADD_TO_LIST, args, door)
    MovieListEntry.objects.all().delete()

    # given the key is past its 24 h
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    # when the request comes again
    response = send(client, ADD_TO_LIST, args, door)

    # then it ran again
    assert "Idempotent-Replayed" not in response
    assert MovieListEntry.objects.count() == 1


@pytest.mark.parametrize("door", DOORS)
def test_a_duplicate_while_the_first_still_runs_is_409(door, user):
    movie = MovieFactory()
    client = bearer_client(user)
    args = {"list": "FAVORITE", "movie": movie.pk}
    send(client, ADD_TO_LIST, args, door)
    MovieListEntry.objects.all().delete()
    # given the key's first request has not answered yet (as when it is still running)
    IdempotencyKey.objects.update(status=None, body=b"")

    response = send(client, ADD_TO_LIST, args, door)

    assert response.status_code == HTTPStatus.CONFLICT
    assert _error(response, door)[1] == IDEMPOTENCY_KEY_IN_USE.message
    assert not MovieListEntry.objects.exists()


@pytest.mark.parametrize("door", DOORS)
def test_answers_with_tokens_are_not_kept(door, user):
    args = {"username": user.username, "password": "pass-Word-123"}

    # when a sign-in is sent twice with one key
    first = send(APIClient(), LOGIN, args, door)
    again = send(APIClient(), LOGIN, args, door)

    # then each signed in afresh: tokens are never stored in the keys' table
    assert "Idempotent-Replayed" not in again
    assert first.json() != again.json()
    assert not IdempotencyKey.objects.exists()


def test_a_server_error_is_not_kept_and_the_retry_runs(user, monkeypatch):
    # given the list service fails once with a bug (a 500)
    from lists import services

    movie = MovieFactory()
    real_add = services.movie_list_add
    calls = []

    def failing_once(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return real_add(**kwargs)

    monkeypatch.setattr(services, "movie_list_add", failing_once)
    client = bearer_client(user)
    client.raise_request_exception = False
    args = {"list": "FAVORITE", "movie": movie.pk}
    assert send(client, ADD_TO_LIST, args, "rest").status_code == HTTPStatus.INTERNAL_SERVER_ERROR

    # when the client retries with the same key
    retry = send(client, ADD_TO_LIST, args, "rest")

    # then the 500 was not replayed: the request ran again and succeeded
    assert retry.status_code == HTTPStatus.CREATED
    assert "Idempotent-Replayed" not in retry
    assert MovieListEntry.objects.count() == 1


def test_a_malformed_key_is_400(user):
    response = send(
        bearer_client(user), ADD_TO_LIST, {"list": "FAVORITE", "movie": 1}, "rest", "x" * 256
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["code"] == IDEMPOTENCY_KEY_INVALID.code


def test_a_graphql_query_ignores_the_key(api_client):
    response = api_client.post(
        "/graphql/",
        {"query": "{ allGenres { totalCount } }"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=KEY,
    )
    assert response.status_code == HTTPStatus.OK
    assert not IdempotencyKey.objects.exists()


def test_prune_deletes_only_expired_keys(user):
    movie = MovieFactory()
    send(bearer_client(user), ADD_TO_LIST, {"list": "FAVORITE", "movie": movie.pk}, "rest")
    send(bearer_client(user), CREATE_REVIEW, {"movie": movie.pk, "rating": 3}, "rest", "k2")
    IdempotencyKey.objects.filter(key=KEY).update(expires_at=timezone.now())

    call_command("prune_idempotency_keys")

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["k2"]


def _error(response, door) -> tuple[str, str]:
    body = response.json()
    if door == "rest":
        return body["code"], body["detail"]
    (error,) = body["errors"]
    return error["extensions"]["code"], error["message"]


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_run_once_on_postgresql():
    # given ten copies of one keyed review, sent at the same instant (real connections)
    movie = MovieFactory()
    user = UserFactory()
    clients = [bearer_client(user) for _ in range(10)]

    def post(index):
        return send(clients[index], CREATE_REVIEW, {"movie": movie.pk, "rating": 4}, "rest")

    responses = run_together(10, post)

    # then one ran; each other copy is its replay or a 409 "still running", never a
    # second run (which would be a 409 duplicate_review)
    assert not [r for r in responses if isinstance(r, Exception)]
    ran = [
        r
        for r in responses
        if r.status_code == HTTPStatus.CREATED and "Idempotent-Replayed" not in r
    ]
    assert len(ran) == 1
    for response in responses:
        if response.status_code == HTTPStatus.CONFLICT:
            assert response.json()["code"] == IDEMPOTENCY_KEY_IN_USE.code
        else:
            assert response.json() == ran[0].json()
    assert Review.objects.filter(movie=movie, user=user).count() == 1


def test_a_multipart_body_is_the_same_request_whatever_its_boundary():
    from core.idempotency.store import fingerprint

    def multipart(boundary):
        field = 'Content-Disposition: form-data; name="bio"\r\n\r\nHi'
        body = f"--{boundary}\r\n{field}\r\n--{boundary}--\r\n"
        return fingerprint(
            method="POST",
            path="/api/x/",
            query="",
            content_type=f"multipart/form-data; boundary={boundary}",
            body=body.encode(),
        )

    assert multipart("aaa111") == multipart("bbb222")
