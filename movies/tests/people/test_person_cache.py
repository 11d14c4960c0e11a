"""The person detail from the cache, with exact invalidation (docs/caching.md).

The detail reads four tables: the actor, castings, crew credits and movies. Generations
are per table (per model): a write to any row of those four makes every cached person
detail dead, a write elsewhere (genres, a movie's genre links, keywords) leaves them
served. These tests show both, on REST (anonymous whole answers and the shared part
that serves signed-in callers and answers too large to store whole) and on GraphQL.
"""

import datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import bearer_client
from movies.models import Casting, Genre, Keyword, Movie
from movies.services import catalog
from movies.tests.factories import ActorFactory, CrewCreditFactory, GenreFactory, MovieFactory
from movies.tests.people.test_person_detail_api import with_credits

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


@pytest.fixture
def person():
    person = ActorFactory(name="Agnès Varda")
    movie = MovieFactory(title="Cléo from 5 to 7", release_date=datetime.date(1962, 4, 11))
    Casting.objects.create(movie=movie, actor=person, character="Herself")
    CrewCreditFactory(movie=movie, person=person)
    return person


def read(client, person):
    """(body, queries) of the person detail."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/movies/actors/{person.pk}/")
    assert response.status_code == HTTPStatus.OK, response.content
    return response.json(), len(queries), response.get("X-Cache")


def cast_titles(body) -> list[str]:
    return [credit["movie"]["title"] for credit in body["credits"]["cast"]]


def crew_titles(body) -> list[str]:
    return [credit["movie"]["title"] for credit in body["credits"]["crew"]]


def test_an_anonymous_second_read_is_a_hit_and_a_title_edit_is_seen(api_client, person):
    first, queries, _ = read(api_client, person)
    assert queries == 3
    again, queries, hit = read(api_client, person)
    assert (again, queries, hit) == (first, 0, "HIT")
    # when: a movie of theirs changes title (the service, as both doors write)
    movie = person.castings.get().movie
    catalog.movie_update(user=catalog.SITE_OPERATOR, movie=movie, title="Cleo 5-7")
    # then
    body, queries, hit = read(api_client, person)
    assert hit != "HIT" and queries == 3
    assert cast_titles(body) == crew_titles(body) == ["Cleo 5-7"]


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda person: Casting.objects.create(
                movie=MovieFactory(title="Vagabond"), actor=person, character="Narrator"
            ),
            id="new-casting",
        ),
        pytest.param(
            lambda person: CrewCreditFactory(movie=MovieFactory(title="Vagabond"), person=person),
            id="new-crew-credit",
        ),
    ],
)
def test_a_new_credit_is_seen_by_the_next_signed_in_read(person, user, write):
    client = bearer_client(user)
    read(client, person)
    _, queries, _ = read(client, person)
    assert queries == 1  # the bearer token's user; the detail is the shared part
    write(person)
    body, queries, _ = read(client, person)
    assert queries == 4
    assert "Vagabond" in cast_titles(body) + crew_titles(body)


def test_a_deleted_movie_leaves_the_credits(api_client, person):
    read(api_client, person)
    catalog.movie_delete(user=catalog.SITE_OPERATOR, movie=person.castings.get().movie)
    body, _, hit = read(api_client, person)
    assert hit != "HIT"
    assert body["credits"] == {"cast": [], "crew": []}


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda movie: GenreFactory(name="Nouvelle Vague"), id="new-genre"),
        pytest.param(lambda movie: Genre.objects.update(name="Drama"), id="genre-rename"),
        pytest.param(lambda movie: movie.genres.add(GenreFactory()), id="movie-genre-link"),
        pytest.param(lambda movie: Keyword.objects.create(name="paris"), id="new-keyword"),
    ],
)
def test_writes_to_tables_the_detail_does_not_read_keep_it_served(api_client, person, write):
    GenreFactory(name="Drama old")
    first, _, _ = read(api_client, person)
    write(person.castings.get().movie)
    again, queries, hit = read(api_client, person)
    assert (again, queries, hit) == (first, 0, "HIT")


def test_the_granularity_is_the_table_another_movie_s_edit_refreshes_it_too(api_client, person):
    # Generations are per model: any movie's write kills every person detail, whose
    # next read recomputes (the same body, three queries); never a stale one.
    first, _, _ = read(api_client, person)
    Movie.objects.filter(pk=MovieFactory().pk).update(title="Elsewhere")
    again, queries, hit = read(api_client, person)
    assert (again, queries) == (first, 3) and hit != "HIT"


def test_a_person_too_large_to_store_whole_is_served_from_the_shared_part(api_client):
    # given: 500 credits each way, a body past RESPONSE_CACHE_MAX_ENTRY_BYTES
    person = with_credits(500)
    first, queries, _ = read(api_client, person)
    assert queries == 3 and len(first["credits"]["cast"]) == 500
    # when / then: the middleware stored nothing, the shared part answers, no query
    again, queries, hit = read(api_client, person)
    assert hit != "HIT"
    assert (again, queries) == (first, 0)
    # and a title edit is seen
    movie = person.castings.first().movie
    catalog.movie_update(user=catalog.SITE_OPERATOR, movie=movie, title="Renamed")
    body, queries, _ = read(api_client, person)
    assert queries == 3 and "Renamed" in cast_titles(body)


GQL = """query ($id: ID!) { actor(id: $id) {
  castCredits { edges { node { movie { title } character } } }
  crewCredits { edges { node { movie { title } job } } } } }"""


def gql_read(client, person):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/graphql/", {"query": GQL, "variables": {"id": str(person.pk)}}, format="json"
        )
    body = response.json()
    assert "errors" not in body, body
    actor = body["data"]["actor"]
    titles = [e["node"]["movie"]["title"] for e in actor["castCredits"]["edges"]]
    titles += [e["node"]["movie"]["title"] for e in actor["crewCredits"]["edges"]]
    return titles, len(queries), response.get("X-Cache")


def test_graphql_anonymous_answers_are_cached_and_a_title_edit_is_seen(api_client, person):
    assert gql_read(api_client, person)[1] == 3
    assert gql_read(api_client, person) == (["Cléo from 5 to 7"] * 2, 0, "HIT")
    Movie.objects.filter(pk=person.castings.get().movie_id).update(title="Cleo")
    titles, queries, _ = gql_read(api_client, person)
    assert (titles, queries) == (["Cleo", "Cleo"], 3)


def test_graphql_signed_in_pages_share_their_rows_until_a_credit_is_added(person, user):
    client = bearer_client(user)
    gql_read(client, person)
    # the user, the actor; both pages of credits from the cache
    assert gql_read(client, person)[1] == 2
    CrewCreditFactory(movie=MovieFactory(title="Vagabond"), person=person, job="Writer")
    titles, queries, _ = gql_read(client, person)
    assert queries == 4 and "Vagabond" in titles
