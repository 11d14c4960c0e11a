"""A movie's keywords: on the REST detail (same query count) and the GraphQL Movie type."""

from http import HTTPStatus

import pytest

from movies.tests.factories import GenreFactory, KeywordFactory, MovieFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def movie():
    # created out of order: the answer lists them by name
    keywords = [
        KeywordFactory(name=n) for n in ("time travel", "dystopia", "Artificial Intelligence")
    ]
    return MovieFactory(title="The Matrix", genres=[GenreFactory(name="Action")], keywords=keywords)


def by_name(movie) -> list[dict]:
    return [{"id": k.pk, "name": k.name} for k in movie.keywords.order_by("name", "id")]


def test_the_detail_shows_keywords_by_name_in_the_same_two_queries(
    api_client, movie, django_assert_num_queries
):
    # the movie row + genres, cast and keywords in one query
    with django_assert_num_queries(2):
        response = api_client.get(f"/api/movies/{movie.pk}/")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["keywords"] == by_name(movie)
    assert [k["name"] for k in response.json()["keywords"]] == [
        "Artificial Intelligence",
        "dystopia",
        "time travel",
    ]


def test_the_list_does_not_carry_keywords(api_client, movie):
    (card,) = api_client.get("/api/movies/").json()["results"]
    assert "keywords" not in card


def test_a_movie_without_keywords_has_an_empty_list(api_client, db):
    bare = MovieFactory()
    assert api_client.get(f"/api/movies/{bare.pk}/").json()["keywords"] == []


def test_graphql_shows_the_same_keywords(gql, movie, django_assert_num_queries):
    document = "query($id: ID!) { movie(id: $id) { title keywords { id name } } }"
    # the movie row + its keywords
    with django_assert_num_queries(2):
        body = gql(document, {"id": str(movie.pk)})
    expected = [{"id": str(k["id"]), "name": k["name"]} for k in by_name(movie)]
    assert body["data"]["movie"]["keywords"] == expected
    page = gql("{ allMovies { edges { node { keywords { name } } } } }")
    assert page["data"]["allMovies"]["edges"][0]["node"]["keywords"] == [
        {"name": k["name"]} for k in by_name(movie)
    ]
