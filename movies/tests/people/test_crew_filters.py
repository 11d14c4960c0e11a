"""The movie list's `crew` (person id) and `director` (id or part of a name) filters,
the same on both doors, at a fixed number of queries."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from movies.tests.factories import ActorFactory, CrewCreditFactory, MovieFactory

pytestmark = pytest.mark.django_db

# count + page + genres and cast (as the unfiltered list: the filter is a subquery)
LIST_QUERIES = 3
TITLES = "query Titles($crew: ID, $director: String) { allMovies(crew: $crew, director: $director) { edges { node { title } } } }"  # noqa: E501


@pytest.fixture
def world():
    nolan, zimmer = ActorFactory(name="Christopher Nolan"), ActorFactory(name="Hans Zimmer")
    inception, dunkirk, gladiator = (
        MovieFactory(title=title) for title in ("Inception", "Dunkirk", "Gladiator")
    )
    MovieFactory(title="No crew")
    for movie in (inception, dunkirk):
        CrewCreditFactory(movie=movie, person=nolan, job="Director", department="Directing")
        CrewCreditFactory(
            movie=movie, person=zimmer, job="Original Music Composer", department="Sound"
        )
    CrewCreditFactory(movie=inception, person=nolan, job="Screenplay", department="Writing")
    CrewCreditFactory(
        movie=gladiator, person=zimmer, job="Original Music Composer", department="Sound"
    )
    return {"nolan": nolan, "zimmer": zimmer}


def rest_titles(api_client, **params) -> list[str]:
    response = api_client.get("/api/movies/", {**params, "ordering": "title"})
    assert response.status_code == HTTPStatus.OK, response.content
    return [movie["title"] for movie in response.json()["results"]]


def gql_titles(gql, **variables) -> list[str]:
    answer = gql(TITLES, variables)
    assert "errors" not in answer, answer
    return sorted(edge["node"]["title"] for edge in answer["data"]["allMovies"]["edges"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"crew": "zimmer"}, ["Dunkirk", "Gladiator", "Inception"]),
        ({"crew": "nolan"}, ["Dunkirk", "Inception"]),  # two jobs on Inception: listed once
        ({"director": "nolan"}, ["Dunkirk", "Inception"]),  # by id
        ({"director": "NOLAN"}, ["Dunkirk", "Inception"]),  # part of a name, any case
        ({"director": "Christopher"}, ["Dunkirk", "Inception"]),
        ({"director": "zimmer"}, []),  # a composer is no director (by id)
        ({"director": "Hans"}, []),  # nor by name
        ({"crew": "zimmer", "director": "nolan"}, ["Dunkirk", "Inception"]),
    ],
)
def test_crew_and_director_filters_on_both_doors(api_client, gql, world, params, expected):
    # a person's id where the case names them ("zimmer"), else the text as given
    rest = {
        key: (str(world[value].pk) if value in world else value) for key, value in params.items()
    }
    assert rest_titles(api_client, **rest) == expected
    assert gql_titles(gql, **rest) == expected


def test_a_malformed_crew_id_is_refused_naming_the_filter(api_client, gql):
    response = api_client.get("/api/movies/", {"crew": "abc"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["field"] == "crew"
    answer = gql(TITLES, {"crew": "abc"})
    assert answer["errors"][0]["extensions"]["field"] == "crew"


@pytest.mark.parametrize(
    "params", [{"crew": "zimmer"}, {"director": "Nolan"}, {"director": "nolan"}]
)
def test_the_filtered_list_costs_what_the_list_costs(
    api_client, world, django_assert_num_queries, params
):
    params = {key: (str(world[v].pk) if v in world else v) for key, v in params.items()}
    with django_assert_num_queries(LIST_QUERIES):
        response = api_client.get("/api/movies/", params)
    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] >= 2


@pytest.mark.parametrize(
    "params", [{"crew": "zimmer"}, {"director": "Nolan"}, {"director": "nolan"}]
)
def test_the_filtered_graphql_list_costs_what_the_unfiltered_one_costs(
    gql, world, settings, params
):
    settings.RESPONSE_CACHE_ENABLED = False  # the computation itself, not a cache hit
    variables = {key: (str(world[v].pk) if v in world else v) for key, v in params.items()}
    with CaptureQueriesContext(connection) as unfiltered:
        assert len(gql_titles(gql)) == 4
    with CaptureQueriesContext(connection) as filtered:
        assert len(gql_titles(gql, **variables)) >= 2
    # the filter is a subquery of the same statements, not a query of its own
    assert len(filtered) == len(unfiltered)
