"""A typed GraphQL client, generated from what a live server serves, takes the client tour.

ariadne-codegen (settings in ariadne-codegen.toml beside this file) reads the schema by
introspection from a real server (tests/live_server.py, introspection on as under
`make run`) and the operations in `operations/`, and writes a typed package (pydantic
models, one method per operation) into a temporary folder; the tests import it and run
the tour: a filtered list, a detail, a missing and a malformed id, sign-in, a review
written, written again and edited, a favorite, the export, and a refused refresh. A
schema change that breaks an operation fails the generation; one that changes a
result's shape fails the typed parse. The served schema is also checked to be the
committed one, from which a reader generates the same client without a server.

How errors reach such a client: an answer with `errors` raises
`GraphQLClientGraphQLMultiError`, whose `errors[i].extensions["code"]` is our code; a
refusal of the whole operation by a rate limit is HTTP 429 (with Retry-After), which the
generated base client raises as `GraphQLClientHttpError` before it reads the body, so the
code is in its `response`.
"""

import importlib
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
import requests
from graphql import build_client_schema, build_schema, get_introspection_query, print_schema

from core.errors import GraphQLErrorCode
from tests.live_server import REPO_ROOT, live_server

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent
CONFIG = HERE / "ariadne-codegen.toml"
CODEGEN = str(Path(sys.executable).with_name("ariadne-codegen"))
PACKAGE = "movie_api_graphql"
# One refresh per hour and address: the tour's second refresh is the refused one.
SERVER_ENV = {"GRAPHQL_INTROSPECTION": "True", "THROTTLE_TOKEN_REFRESH": "1/hour"}
DEMO = {"username": "demo", "password": "demo-Pass-123"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("gqlclient"), extra_env=SERVER_ENV) as live:
        yield live


@pytest.fixture(scope="module")
def api(server, tmp_path_factory):
    """The generated package, imported from its temporary folder."""
    target = tmp_path_factory.mktemp("generated")
    config = target / "ariadne-codegen.toml"
    config.write_text(settings_for(server.url, target))
    done = subprocess.run(
        [CODEGEN, "--config", str(config)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"ariadne-codegen failed:\n{done.stdout}\n{done.stderr}"
    sys.path.insert(0, str(target))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(target))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def settings_for(url: str, target: Path) -> str:
    """The committed settings, reading the schema from this server into a temporary target."""
    text = CONFIG.read_text()
    for line, replacement in (
        ("schema_path", f'remote_schema_url = "{url}/graphql/"'),
        ("target_package_path", f'target_package_path = "{target}"'),
    ):
        text, count = re.subn(rf'^{line} = ".*"$', replacement, text, flags=re.M)
        assert count == 1, f"{CONFIG.name} has no single `{line}` line"
    return text


def codes(error) -> list[str]:
    """The `extensions.code` of each error a GraphQLClientGraphQLMultiError carries."""
    return [entry.extensions["code"] for entry in error.errors]


def signed_in(api, server):
    anonymous = api.MovieApiClient(url=f"{server.url}/graphql/")
    tokens = anonymous.sign_in(**DEMO).token_auth
    client = api.MovieApiClient(
        url=f"{server.url}/graphql/", headers={"Authorization": f"Bearer {tokens.access}"}
    )
    return client, tokens


def test_the_served_schema_is_the_committed_one(server):
    # given the schema the server serves, read by introspection; deprecated arguments
    # (the old names of the current password) are listed only when asked for
    query = get_introspection_query(input_value_deprecation=True)
    answer = requests.post(f"{server.url}/graphql/", json={"query": query}, timeout=60)
    assert answer.status_code == 200, answer.text
    served = build_client_schema(answer.json()["data"])

    # then it prints as the committed schema.graphql does
    committed = build_schema((REPO_ROOT / "schema.graphql").read_text())
    assert print_schema(served) == print_schema(committed)


def test_an_anonymous_client_reads_a_filtered_page_and_a_detail_as_typed_models(api, server):
    client = api.MovieApiClient(url=f"{server.url}/graphql/")

    # when it asks for crime movies from 1995 on, best rated first
    page = client.find_movies(
        genre="Crime", min_year=1995, order_by="-averageRating,title", first=5
    ).all_movies

    # then the page is typed and filtered as asked
    assert isinstance(page, api.FindMoviesAllMovies)
    movies = [edge.node for edge in page.edges]
    assert len(movies) == 5 and page.total_count > 5 and page.page_info.has_next_page
    assert all("Crime" in [genre.name for genre in movie.genres] for movie in movies)
    assert all(movie.year >= 1995 for movie in movies)
    # best first, and a movie nobody rated (averageRating null) after every rated one
    ratings = [movie.average_rating for movie in movies]
    rated = [rating for rating in ratings if rating is not None]
    assert ratings == sorted(rated, reverse=True) + [None] * (len(ratings) - len(rated))

    # when it opens the first one
    movie = client.movie_detail(id=movies[0].id).movie

    # then dates are dates, the cast (a name that shadows typing.cast elsewhere) is a list
    # of typed members in billing order, and an anonymous caller has no state
    assert movie.id == movies[0].id and movie.title == movies[0].title
    assert isinstance(movie.release_date, date) and movie.release_date.year == movies[0].year
    assert [member.order for member in movie.cast] == list(range(len(movie.cast)))
    assert all(member.actor.name for member in movie.cast)
    assert sum(count.count for count in movie.review_stats.counts) == movie.review_count
    assert movie.my_state is None


def test_a_missing_movie_is_none_and_a_malformed_id_is_bad_user_input(api, server):
    client = api.MovieApiClient(url=f"{server.url}/graphql/")

    # a well-formed id of no movie is null, as the schema says
    assert client.movie_detail(id="999999").movie is None

    # an id that cannot be one is an error the client raises, with our code
    with pytest.raises(api.GraphQLClientGraphQLMultiError) as raised:
        client.movie_detail(id="abc")
    assert codes(raised.value) == [GraphQLErrorCode.BAD_USER_INPUT]
    assert raised.value.errors[0].path == ["movie"]


def test_a_signed_in_client_reviews_edits_favorites_and_exports(api, server):
    # given the demo user signed in through the client
    client, tokens = signed_in(api, server)
    assert tokens.user.username == DEMO["username"]
    # and a crime movie they have not reviewed
    page = client.find_movies(genre="Crime", order_by="title", first=20).all_movies
    movie = next(
        detail
        for detail in (client.movie_detail(id=edge.node.id).movie for edge in page.edges)
        if detail.my_state.rating is None
    )

    # when they review it
    review = client.create_review(
        input=api.ReviewCreateInput(movie_id=movie.id, rating=4, text="Tense.")
    ).create_review.review

    # then the typed review is theirs, unedited
    assert (review.movie.id, review.user.username) == (movie.id, DEMO["username"])
    assert (review.rating, review.text, review.is_edited) == (4, "Tense.", False)

    # when they review it again, the client raises CONFLICT
    with pytest.raises(api.GraphQLClientGraphQLMultiError) as raised:
        client.create_review(input=api.ReviewCreateInput(movie_id=movie.id, rating=2))
    assert codes(raised.value) == [GraphQLErrorCode.CONFLICT]

    # when they change the rating only, the text stays and the review is marked edited
    edited = client.update_review(id=review.id, input=api.ReviewUpdateInput(rating=3)).update_review
    assert edited.ok
    assert (edited.review.id, edited.review.rating, edited.review.text) == (review.id, 3, "Tense.")
    assert edited.review.is_edited
    assert client.movie_detail(id=movie.id).movie.my_state.rating == 3

    # when they favorite it twice, the second add creates nothing
    assert client.add_to_list(
        movie_id=movie.id, kind=api.MovieListKind.FAVORITE
    ).add_movie_to_list.created
    again = client.add_to_list(movie_id=movie.id, kind=api.MovieListKind.FAVORITE)
    assert (again.add_movie_to_list.ok, again.add_movie_to_list.created) == (True, False)
    assert client.movie_detail(id=movie.id).movie.my_state.favorite

    # and taking it off a list it is not on is NOT_FOUND
    with pytest.raises(api.GraphQLClientGraphQLMultiError) as raised:
        client.remove_from_list(movie_id=movie.id, kind=api.MovieListKind.WATCHLIST)
    assert codes(raised.value) == [GraphQLErrorCode.NOT_FOUND]

    # then the account shows the favorite last in list order, and the export holds both
    me = client.my_account().me
    assert me.username == DEMO["username"]
    assert me.favorite_movie_ids[-1] == movie.id
    favorite = next(edge.node for edge in me.favorites.edges if edge.node.movie.id == movie.id)
    assert isinstance(favorite.added_at, datetime) and favorite.added_at.tzinfo is not None
    export = me.export
    assert (export["format"], export["version"]) == ("movie-api.account-export", 1)
    assert [entry["movie"]["id"] for entry in export["lists"]["favorite"]][-1] == int(movie.id)
    exported = next(entry for entry in export["reviews"] if entry["id"] == int(review.id))
    assert (exported["rating"], exported["text"], exported["is_edited"]) == (3, "Tense.", True)


def test_a_refresh_past_the_limit_raises_the_http_error_with_throttled_and_retry_after(api, server):
    # given a signed-in client and the one refresh the hour allows (SERVER_ENV)
    client, tokens = signed_in(api, server)
    fresh = client.refresh_token(refresh=tokens.refresh).refresh_token
    assert fresh.access and fresh.refresh != tokens.refresh

    # when it refreshes again
    with pytest.raises(api.GraphQLClientHttpError) as raised:
        client.refresh_token(refresh=fresh.refresh)

    # then the whole operation was refused: 429 with Retry-After, and the body says THROTTLED
    response = raised.value.response
    assert raised.value.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    body = response.json()
    assert [error["extensions"]["code"] for error in body["errors"]] == [GraphQLErrorCode.THROTTLED]
    assert body["errors"][0]["path"] == ["refreshToken"]
