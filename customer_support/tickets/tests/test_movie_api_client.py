"""The GraphQL client against real sockets: answers, failures, timeouts and retries."""

import time

import pytest

from ..movie_api_client.client import MovieApiClient
from ..movie_api_client.documents import ALL_MOVIES_QUERY, MOVIE_QUERY
from ..movie_api_client.errors import MovieApiError, MovieApiUnavailable, MovieNotFound
from ..movie_api_client.results import Named
from .fake_movie_api import closed_port_url, silent_server


def make_client(url: str, **options) -> MovieApiClient:
    options = {"connect_timeout": 1.0, "read_timeout": 1.0, "retries": 2, "backoff": 0.0} | options
    return MovieApiClient(url=url, **options)


def test_movie_returns_the_movie_and_sends_the_document_and_variables(movie_api):
    # given
    client = make_client(movie_api.url)

    # when
    movie = client.movie(1)

    # then
    assert movie.id == "1"
    assert movie.title == "The Matrix"
    assert movie.year == 1999
    assert Named(id="10", name="Science Fiction") in movie.genres
    [sent] = movie_api.requests
    assert sent["body"] == {"query": MOVIE_QUERY, "variables": {"id": "1"}}
    assert "Authorization" not in sent["headers"]


def test_token_is_sent_as_bearer(movie_api):
    client = make_client(movie_api.url, token="s3cret")

    client.movie(2)

    assert movie_api.requests[0]["headers"]["Authorization"] == "Bearer s3cret"


def test_missing_movie_is_movie_not_found(movie_api):
    with pytest.raises(MovieNotFound) as caught:
        make_client(movie_api.url).movie(999)

    assert caught.value.movie_id == 999
    assert "999" in str(caught.value)


def test_an_id_the_movie_api_calls_impossible_is_movie_not_found(movie_api):
    # given the movie API refuses the id as one that cannot be a movie's
    error = {
        "message": "id: '0' is not a valid id.",
        "extensions": {"code": "BAD_USER_INPUT", "field": "id"},
    }
    movie_api.fail_next(1, body={"data": {"movie": None}, "errors": [error]})

    # when the desk looks it up, then there is no such movie (not a failing API)
    with pytest.raises(MovieNotFound) as caught:
        make_client(movie_api.url).movie(0)
    assert caught.value.movie_id == 0


def test_all_movies_filters_by_search_and_genre(movie_api):
    client = make_client(movie_api.url)

    by_title = client.all_movies(search="matrix")
    by_genre = client.all_movies(genre="crime", first=5)

    assert [m.title for m in by_title.items] == ["The Matrix"]
    assert by_title.total_count == 1
    assert by_title.has_next_page is False
    assert [m.title for m in by_genre.items] == ["The Godfather"]
    assert movie_api.requests[1]["body"]["query"] == ALL_MOVIES_QUERY
    assert movie_api.requests[1]["body"]["variables"]["genre"] == "crime"
    assert movie_api.requests[1]["body"]["variables"]["first"] == 5


def test_all_genres_and_all_actors_filter_by_name(movie_api):
    client = make_client(movie_api.url)

    genres = client.all_genres(name="dra")
    actors = client.all_actors(name="keanu")

    assert genres.items == (Named(id="13", name="Drama"),)
    assert actors.items == (Named(id="20", name="Keanu Reeves"),)


def test_nothing_listening_is_unavailable_without_waiting_for_a_timeout():
    # given: a port nobody listens on, and a connect timeout far longer than any
    # scheduling delay a busy machine could add
    connect_timeout = 30.0
    client = make_client(closed_port_url(), connect_timeout=connect_timeout)

    # when
    started = time.monotonic()
    with pytest.raises(MovieApiUnavailable) as caught:
        client.movie(1)

    # then: refused, three attempts included, without sitting out the timeout
    assert time.monotonic() - started < connect_timeout
    assert "unreachable" in str(caught.value)


def test_server_that_never_answers_is_one_wait_not_three():
    # given: a server that accepts the connection and stays silent
    read_timeout = 0.5
    with silent_server() as server:
        client = make_client(server.url, read_timeout=read_timeout, retries=2)

        # when
        started = time.monotonic()
        with pytest.raises(MovieApiUnavailable) as caught:
            client.movie(1)
        elapsed = time.monotonic() - started

    # then: the client waited out the read timeout once (a timeout never fires early)
    # and did not retry it: one connection, not three
    assert elapsed >= read_timeout * 0.9
    assert len(server.connections) == 1
    assert "did not answer within" in str(caught.value)


def test_5xx_is_retried_a_bounded_number_of_times_then_unavailable(movie_api):
    movie_api.fail_next(10, status=500, body="Internal Server Error", content_type="text/plain")

    with pytest.raises(MovieApiUnavailable) as caught:
        make_client(movie_api.url, retries=2).movie(1)

    assert "HTTP 500" in str(caught.value)
    assert len(movie_api.requests) == 3  # first try + 2 retries, no more


def test_a_passing_5xx_is_recovered_by_a_retry(movie_api):
    movie_api.fail_next(1, status=503, body={"detail": "restarting"})

    movie = make_client(movie_api.url).movie(1)

    assert movie.title == "The Matrix"
    assert len(movie_api.requests) == 2


def test_graphql_errors_body_is_movie_api_error_and_not_retried(movie_api):
    errors = [{"message": "Field 'movie' exploded", "path": ["movie"]}]
    movie_api.fail_next(1, body={"data": {"movie": None}, "errors": errors})

    with pytest.raises(MovieApiError) as caught:
        make_client(movie_api.url).movie(1)

    assert caught.value.errors == errors
    assert "Field 'movie' exploded" in str(caught.value)
    assert len(movie_api.requests) == 1


def test_a_400_validation_answer_is_movie_api_error(movie_api):
    movie_api.fail_next(
        1, status=400, body={"errors": [{"message": "Cannot query field 'year' on type 'Movie'."}]}
    )

    with pytest.raises(MovieApiError, match="Cannot query field 'year'"):
        make_client(movie_api.url).movie(1)


@pytest.mark.parametrize(
    "body",
    ["<html>proxy page</html>", '["not", "an", "object"]', '{"data": {"allMovies": {"edges": 1}}}'],
)
def test_unreadable_answers_are_movie_api_error(movie_api, body):
    movie_api.fail_next(1, body=body)

    with pytest.raises(MovieApiError):
        make_client(movie_api.url).all_movies(search="x")
